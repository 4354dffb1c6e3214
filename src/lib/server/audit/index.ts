/**
 * The audit trail: an append-only table (a trigger refuses updates and deletes) of hash chains,
 * one per commune (`unit:<id>`), one per account for actions without a unit (`account:<id>`)
 * and 16 anonymous shards (`anon:<0-f>`); see ./chain.ts for the rules. Each record carries its
 * chain, its seq within the chain and the SHA-256 of the record before it in that chain, so any
 * edit or removal breaks its chain. `audit_chain_head` holds every chain's head (seq, hash),
 * moved in the same transaction as the append; appending locks only that chain's head row, so
 * two communes never wait for each other.
 *
 * Anchors (`audit_anchor`, written periodically by `writeAnchor`) chain the whole trail
 * together: each records the heads that changed since the previous anchor and a root hash over
 * every head. `verifyAuditChain` (and `npm run cli -- audit verify`) checks every record, every
 * head and every anchor.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/index.ts';
import {
	ANCHOR_CHAIN,
	GENESIS,
	TrailVerifier,
	anchorHash,
	auditHash,
	chainContents,
	chainOf,
	contentOf,
	nextAnchor,
	UNIT_CHAIN_PREFIX,
	type AuditEntry,
	type DeltaEntry,
	type Head,
	type StoredAnchor,
	type StoredRecord
} from './chain.ts';
import { legacyAuditHash } from './legacy.ts';

export { canonicalJson } from '../../domain/canonical-json.ts';
export { ANCHOR_CHAIN, GENESIS, auditHash, anchorHash, chainOf, headsRoot, type AuditEntry } from './chain.ts';

/** The actor fields of an entry for an account (or the system: `id` null). */
export function by(actor: { id: number | null; email: string }): { actorId: number | null; actorLabel: string } {
	return { actorId: actor.id, actorLabel: actor.email };
}

/** An audit entry about an assessment (its commune's chain): who, what, and the details. */
export function onAssessment(
	actor: { id: number | null; email: string },
	assessment: { id: number; commune: { id: number } },
	action: string,
	details: Record<string, unknown>
) {
	return { ...by(actor), action, objectType: 'assessment', objectId: assessment.id, unitId: assessment.commune.id, details };
}

const inTransaction = <T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/** Locks the head rows of `chains` (creating missing ones at seq 0) and returns them. */
async function lockHeads(trx: DB, chains: string[]): Promise<Map<string, { seq: number; hash: string }>> {
	const rows = await sql<Head>`
		insert into audit_chain_head (chain) select unnest(${chains}::text[]) order by 1
		on conflict (chain) do update set chain = excluded.chain
		returning chain, seq, hash`.execute(trx);
	return new Map(rows.rows.map((r) => [r.chain, { seq: Number(r.seq), hash: r.hash }]));
}

/** A chain's head as locked by the transaction that will append to it. */
export type LockedHead = { chain: string; seq: number; hash: string };

/**
 * The statement body that locks the head row of `chain` (created at seq 0 for a new chain: a
 * concurrent first append waits for this one's commit) and returns its `seq` and `hash`. With
 * `after`, the name of a common table expression of the same statement, the head is locked only
 * once that expression's rows are there: a statement that first locks the row it changes (say an
 * assessment) locks the head after it, in the order every other writer uses (its own rows, then
 * the head at the end).
 */
export function headLock(chain: string, after?: string) {
	const from = after ? sql` from ${sql.table(after)} limit 1` : sql``;
	return sql<{ seq: number; hash: string }>`
		insert into audit_chain_head (chain) select ${chain}${from}
		on conflict (chain) do update set chain = excluded.chain
		returning seq, hash`;
}

/**
 * A scalar expression reading the head of `chain` without a lock, as `{ chain, seq, hash }` (null
 * for a chain not yet written): for a writer that reads first and then writes in one statement
 * only if the head is still there (`headHeld`).
 */
export const headRow = (chain: string | RawBuilder<string>) =>
	sql<LockedHead>`(select json_build_object('chain', chain, 'seq', seq, 'hash', hash) from audit_chain_head where chain = ${chain})`;

/** `headRow` of the chain of the unit whose id is the SQL expression `unitId` (a commune's records: `chainOf({ unitId })`). */
export const unitHeadRow = (unitId: RawBuilder<number> | ReturnType<typeof sql.ref>) =>
	headRow(sql<string>`${UNIT_CHAIN_PREFIX} || ${unitId}`);

/**
 * The statement body that locks the head of `chain` only if it is still at `head` (as read by
 * `headRow`) and, with `after`, only once that expression of the same statement has rows (the
 * order every writer uses: its own rows, then the head). No row: the chain moved since it was read.
 */
export function headHeld(head: LockedHead, after?: string) {
	const when = after ? sql` and exists (select 1 from ${sql.table(after)})` : sql``;
	return sql`select chain from audit_chain_head where chain = ${head.chain} and seq = ${head.seq}${when} for update`;
}

/**
 * The two statement bodies that append `entry` to its chain after `head` (locked by this
 * transaction, see `headLock`): `record` inserts the record (returning chain, seq, hash) and
 * `move`, naming `record`'s common table expression, moves the head onto it (returning one row
 * when it moved). With `when`, the name of another expression of the statement, the record is
 * written only if that expression has rows (an append that depends on the write it records).
 */
export function appendToChain(head: LockedHead, entry: AuditEntry, names: { record: string; when?: string }, at = new Date()) {
	const seq = Number(head.seq) + 1;
	const row = contentOf(entry, at);
	const hash = auditHash(head.hash, { ...row, chain: head.chain, seq });
	const when = names.when ? sql` where exists (select 1 from ${sql.table(names.when)})` : sql``;
	return {
		record: sql`
			insert into audit_log (at, actor_id, actor_label, action, object_type, object_id, unit_id, ip, details, chain, seq, prev_hash, hash)
			select ${row.at}::timestamptz, ${row.actor_id}::int, ${row.actor_label}::text, ${row.action}::text, ${row.object_type}::text,
				${row.object_id}::text, ${row.unit_id}::int, ${row.ip}::text, ${JSON.stringify(row.details)}::jsonb, ${head.chain}::text,
				${seq}::bigint, ${head.hash}::text, ${hash}::text${when}
			returning chain, seq, hash`,
		move: sql`
			update audit_chain_head h set seq = r.seq, hash = r.hash from ${sql.table(names.record)} r
			where h.chain = r.chain and h.seq = r.seq - 1
			returning 1`
	};
}

/** Refuses a head that did not move onto its record (cannot happen while its row is locked: refuse rather than fork the chain). */
export function assertHeadMoved(chain: string, moved: number): void {
	if (Number(moved) !== 1) throw new Error(`audit chain ${chain}: head moved under its lock`);
}

/**
 * Appends one record to its chain. Two round trips: the head row is locked and read (see
 * `headLock`); then one statement inserts the record and moves the head. Inside a transaction,
 * in it (the head stays locked until the caller commits); otherwise in a transaction of its own.
 * A writer that already has a statement of its own to send can carry both round trips in its
 * statements instead (`headLock` with `after`, `appendToChain` with `when`: see the answers' save).
 */
export async function recordAudit(db: DB, entry: AuditEntry): Promise<void> {
	const chain = chainOf(entry);
	await inTransaction(db, async (trx) => {
		const head = (await headLock(chain).execute(trx)).rows[0];
		const append = appendToChain({ chain, ...head }, entry, { record: 'r' });
		const moved = await sql<{ n: number }>`
			with r as (${append.record}), m as (${append.move})
			select count(*)::int as n from m`.execute(trx);
		assertHeadMoved(chain, moved.rows[0].n);
	});
}

const BULK_ROWS = 1000;

/**
 * Appends many records (seeds, imports) in one transaction: locks the heads of their chains
 * once, chains the entries in the given order, inserts them 1,000 rows per statement and moves
 * the heads.
 */
export async function appendAuditRecords(db: DB, entries: (AuditEntry & { at: Date })[]): Promise<{ records: number; chains: number }> {
	if (entries.length === 0) return { records: 0, chains: 0 };
	return inTransaction(db, async (trx) => {
		const chains = [...new Set(entries.map((e) => chainOf(e)))].sort();
		const heads = await lockHeads(trx, chains);
		const rows = chainContents(
			heads,
			entries.map((e) => contentOf(e, e.at))
		);
		// one array parameter per column: cheap to build and to parse, whatever the batch size
		for (let i = 0; i < rows.length; i += BULK_ROWS) {
			const b = rows.slice(i, i + BULK_ROWS);
			const col = <K extends keyof (typeof b)[number]>(k: K) => b.map((r) => r[k]);
			await sql`
				insert into audit_log (at, actor_id, actor_label, action, object_type, object_id, unit_id, ip, details, chain, seq, prev_hash, hash)
				select * from unnest(${col('at')}::timestamptz[], ${col('actor_id')}::int[], ${col('actor_label')}::text[],
					${col('action')}::text[], ${col('object_type')}::text[], ${col('object_id')}::text[], ${col('unit_id')}::int[],
					${col('ip')}::text[], ${b.map((r) => JSON.stringify(r.details))}::jsonb[], ${col('chain')}::text[],
					${col('seq')}::bigint[], ${col('prev_hash')}::text[], ${col('hash')}::text[])`.execute(trx);
		}
		const moved = chains.map((c) => heads.get(c)!);
		await sql`
			update audit_chain_head h set seq = v.seq, hash = v.hash
			from (select unnest(${chains}::text[]) as chain, unnest(${moved.map((m) => m.seq)}::bigint[]) as seq,
				unnest(${moved.map((m) => m.hash)}::text[]) as hash) v
			where h.chain = v.chain`.execute(trx);
		return { records: rows.length, chains: chains.length };
	});
}

// ---------------------------------------------------------------------------------------------
// Anchors
// ---------------------------------------------------------------------------------------------

export type AnchorReport = { seq: number; at: Date; chains: number; records: number; changed: number; root: string; hash: string };

/**
 * Writes an anchor over the current heads, unless none changed since the last anchor (null).
 * Concurrent writers are serialised by the anchor chain's head row; appends are not blocked
 * (the heads are read, not locked: the anchor covers what was committed when it was written).
 */
export async function writeAnchor(db: DB, details: Record<string, unknown> = {}): Promise<AnchorReport | null> {
	return inTransaction(db, async (trx) => {
		const head = (await lockHeads(trx, [ANCHOR_CHAIN])).get(ANCHOR_CHAIN)!;
		const current = await trx.selectFrom('audit_chain_head').select(['chain', 'seq', 'hash']).where('chain', '<>', ANCHOR_CHAIN).execute();
		const snapshot = await trx.selectFrom('audit_anchored_head').select(['chain', 'seq', 'hash']).execute();
		const anchored = new Map(snapshot.map((h) => [h.chain, { seq: Number(h.seq), hash: h.hash }]));
		const a = nextAnchor(
			anchored,
			current.map((h) => ({ ...h, seq: Number(h.seq) })),
			head.seq + 1,
			new Date(),
			details
		);
		if (a.delta.length === 0 && head.seq > 0) return null;
		const hash = anchorHash(head.hash, a);
		await trx
			.insertInto('audit_anchor')
			.values({
				seq: a.seq,
				at: a.at,
				chains: a.chains,
				records: a.records,
				root: a.root,
				delta: JSON.stringify(a.delta),
				details: JSON.stringify(a.details),
				prev_hash: head.hash,
				hash
			})
			.execute();
		await upsertSnapshot(trx, a.delta);
		await trx.updateTable('audit_chain_head').set({ seq: a.seq, hash }).where('chain', '=', ANCHOR_CHAIN).execute();
		return { seq: a.seq, at: a.at, chains: a.chains, records: a.records, changed: a.delta.length, root: a.root, hash };
	});
}

async function upsertSnapshot(trx: DB, delta: DeltaEntry[]): Promise<void> {
	for (let i = 0; i < delta.length; i += 5000) {
		const part = delta.slice(i, i + 5000);
		await sql`
			insert into audit_anchored_head (chain, seq, hash)
			select * from unnest(${part.map((d) => d[0])}::text[], ${part.map((d) => d[1])}::bigint[], ${part.map((d) => d[2])}::text[])
			on conflict (chain) do update set seq = excluded.seq, hash = excluded.hash`.execute(trx);
	}
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export type ChainReport = {
	ok: boolean;
	/** Records read. */
	records: number;
	chains: number;
	anchors: number;
	/** The first record found broken (null when the break is elsewhere: a head, an anchor). */
	firstBrokenId: number | null;
	/** The first problem, a Vietnamese sentence naming the chain and seq (null when ok). */
	problem: string | null;
	/** Up to 20 problems, in the order found; `problemCount` counts them all. */
	problems: string[];
	problemCount: number;
};

const RECORD_BATCH = 5000;

async function hasChainColumns(db: DB): Promise<boolean> {
	const r = await sql<{ n: number }>`
		select count(*)::int as n from pg_attribute
		where attrelid = to_regclass('audit_log') and attname = 'chain' and not attisdropped`.execute(db);
	return r.rows[0].n > 0;
}

async function verifyChains(trx: DB): Promise<ChainReport> {
	const v = new TrailVerifier();
	let afterSeq = 0;
	for (;;) {
		const anchors = await trx.selectFrom('audit_anchor').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(500).execute();
		for (const a of anchors)
			v.addAnchor({
				...(a as unknown as StoredAnchor),
				seq: Number(a.seq),
				chains: Number(a.chains),
				records: Number(a.records)
			});
		if (anchors.length < 500) break;
		afterSeq = Number(anchors.at(-1)!.seq);
	}
	let chain = '';
	let seq = 0;
	for (;;) {
		const rows = (
			await sql<StoredRecord>`
				select id, at, actor_id, actor_label, action, object_type, object_id, unit_id, ip, details, chain, seq, prev_hash, hash
				from audit_log where (chain, seq) > (${chain}, ${seq}) order by chain, seq limit ${RECORD_BATCH}`.execute(trx)
		).rows;
		for (const r of rows) v.addRecord({ ...r, id: Number(r.id), seq: Number(r.seq) });
		if (rows.length < RECORD_BATCH) break;
		({ chain, seq } = rows.at(-1)!);
		seq = Number(seq);
	}
	const heads = await trx.selectFrom('audit_chain_head').select(['chain', 'seq', 'hash']).execute();
	const snapshot = await trx.selectFrom('audit_anchored_head').select(['chain', 'seq', 'hash']).execute();
	v.finish(
		heads.map((h) => ({ ...h, seq: Number(h.seq) })),
		snapshot.map((h) => ({ ...h, seq: Number(h.seq) }))
	);
	return {
		ok: v.problemCount === 0,
		records: v.records,
		chains: v.chains,
		anchors: v.anchors,
		firstBrokenId: v.firstBrokenId,
		problem: v.problems[0]?.message ?? null,
		problems: v.problems.map((p) => p.message),
		problemCount: v.problemCount
	};
}

/**
 * The trail as a database of before the per-commune chains has it (one global chain in id
 * order; a restore of an old backup verifies it before the migration rechains it).
 */
async function verifyLegacyChain(trx: DB): Promise<ChainReport> {
	let prev = GENESIS;
	let records = 0;
	let lastId = 0;
	for (;;) {
		const rows = await sql<StoredRecord>`select * from audit_log where id > ${lastId} order by id limit ${RECORD_BATCH}`.execute(trx);
		for (const r of rows.rows) {
			records++;
			if (r.prev_hash !== prev || legacyAuditHash(prev, r) !== r.hash) {
				const problem = `Nhật ký (chuỗi chung, định dạng cũ) bị đứt hoặc bị sửa tại bản ghi #${r.id}.`;
				return { ok: false, records, chains: 1, anchors: 0, firstBrokenId: Number(r.id), problem, problems: [problem], problemCount: 1 };
			}
			prev = r.hash;
			lastId = Number(r.id);
		}
		if (rows.rows.length < RECORD_BATCH) break;
	}
	return { ok: true, records, chains: records ? 1 : 0, anchors: 0, firstBrokenId: null, problem: null, problems: [], problemCount: 0 };
}

/**
 * Checks the whole trail in one consistent snapshot: every record's hash, seq and link within
 * its chain, every head against its chain's last record, every anchor (its own chain, and its
 * root rebuilt from the deltas up to it) and every anchored head against the records. Reads the
 * records in batches by (chain, seq). On a schema from before the per-commune chains (a backup
 * being restored, before its migration) checks the old global chain.
 */
export async function verifyAuditChain(db: DB): Promise<ChainReport> {
	const run = async (trx: DB) => ((await hasChainColumns(trx)) ? verifyChains(trx) : verifyLegacyChain(trx));
	if (db.isTransaction) return run(db);
	return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(run);
}
