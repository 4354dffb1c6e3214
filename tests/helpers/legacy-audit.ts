/**
 * The audit trail as it was before the per-commune chains (migration 2026-11-29-008-audit-chains),
 * reproduced independently of the app's code, for migration tests:
 *
 * - `legacyAuditHash`: the old rule, one global chain in id order: SHA-256 of
 *   `prev_hash + "\n" + canonicalJson([at, actor_id, actor_label, action, object_type, object_id,
 *   unit_id, ip, details])`, GENESIS ('0' × 64) before the first record;
 * - `writeLegacyAudit`: appends records as the old `recordAudit` did (advisory lock 710417, the
 *   last record by id, one insert), on a database whose schema is before 008;
 * - `verifyLegacyAudit`: the old `verifyAuditChain`;
 * - `migrateToLegacySchema`: a fresh (unmigrated) database to the last schema before 008;
 * - `toLegacyTrail`: a database at the LATEST schema back into the pre-008 shape.
 */
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '#migrations';
import { canonicalJson } from '#lib/domain/canonical-json.ts';

export const LEGACY_GENESIS = '0'.repeat(64);
/** The last migration before the per-commune chains. */
export const LEGACY_MIGRATION = '2026-11-23-006-indexes';
/** The migration that introduced them (forgotten by `toLegacyTrail`). */
export const CHAINS_MIGRATION = '2026-11-29-008-audit-chains';
const LEGACY_LOCK = 710_417;

export type LegacyRow = {
	at: Date;
	actor_id: number | null;
	actor_label: string | null;
	action: string;
	object_type: string | null;
	object_id: string | null;
	unit_id: number | null;
	ip: string | null;
	details: unknown;
};

export type LegacyEntry = {
	at?: Date;
	actorId?: number | null;
	actorLabel?: string | null;
	action: string;
	objectType?: string | null;
	objectId?: string | number | null;
	unitId?: number | null;
	ip?: string | null;
	details?: Record<string, unknown>;
};

type AnyDb = Kysely<any>;

export function legacyAuditHash(prevHash: string, r: LegacyRow): string {
	const body = canonicalJson([
		r.at.toISOString(),
		r.actor_id,
		r.actor_label,
		r.action,
		r.object_type,
		r.object_id,
		r.unit_id,
		r.ip,
		r.details ?? {}
	]);
	return crypto.createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

const inTransaction = <T>(db: AnyDb, fn: (trx: AnyDb) => Promise<T>): Promise<T> =>
	db.isTransaction ? fn(db) : db.transaction().execute(fn);

/** Appends `entries` in order with the old rule (one transaction, inserts of 1,000 rows); returns their ids. */
export async function writeLegacyAudit(db: AnyDb, entries: LegacyEntry[]): Promise<number[]> {
	return inTransaction(db, async (trx) => {
		await sql`select pg_advisory_xact_lock(${LEGACY_LOCK})`.execute(trx);
		const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
		let prev: string = last?.hash ?? LEGACY_GENESIS;
		const rows = entries.map((e) => {
			const row: LegacyRow = {
				at: e.at ?? new Date(),
				actor_id: e.actorId ?? null,
				actor_label: e.actorLabel ?? null,
				action: e.action,
				object_type: e.objectType ?? null,
				object_id: e.objectId == null ? null : String(e.objectId),
				unit_id: e.unitId ?? null,
				ip: e.ip ?? null,
				details: JSON.parse(JSON.stringify(e.details ?? {}))
			};
			const hash = legacyAuditHash(prev, row);
			const out = { ...row, details: JSON.stringify(row.details), prev_hash: prev, hash };
			prev = hash;
			return out;
		});
		const ids: number[] = [];
		for (let i = 0; i < rows.length; i += 1000) {
			const got = await trx
				.insertInto('audit_log')
				.values(rows.slice(i, i + 1000))
				.returning('id')
				.execute();
			ids.push(...got.map((r) => Number(r.id)));
		}
		return ids;
	});
}

/** The old verification: one chain over every record in id order. */
export async function verifyLegacyAudit(db: AnyDb): Promise<{ ok: boolean; records: number; firstBrokenId: number | null }> {
	let prev = LEGACY_GENESIS;
	let records = 0;
	let lastId = 0;
	for (;;) {
		const rows = (
			await sql<LegacyRow & { id: number; prev_hash: string; hash: string }>`
				select * from audit_log where id > ${lastId} order by id limit 5000`.execute(db)
		).rows;
		if (rows.length === 0) break;
		for (const r of rows) {
			records++;
			if (r.prev_hash !== prev || legacyAuditHash(prev, r) !== r.hash) return { records, ok: false, firstBrokenId: Number(r.id) };
			prev = r.hash;
			lastId = Number(r.id);
		}
	}
	return { records, ok: true, firstBrokenId: null };
}

/** Migrates a fresh, unmigrated database to the last schema before the per-commune chains. */
export async function migrateToLegacySchema(db: AnyDb): Promise<void> {
	const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
	const { error, results } = await migrator.migrateTo(LEGACY_MIGRATION);
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) throw new Error(`migrateTo(${LEGACY_MIGRATION}) failed (${failed?.migrationName ?? ''}): ${String(error)}`);
}

/**
 * Converts a database at the latest schema back into the pre-008 shape: drops the chain heads,
 * anchors and their policies, rewrites every record's prev_hash and hash into one global chain
 * in id order with the old rule, drops the chain and seq columns, and forgets migration 008 in
 * `kysely_migration` (so that `up()` of 008, or `migrateToLatest`, applies it again); the
 * migrations after 008 are undone first (their `down()`), so that the order stays valid. Does not
 * verify the chains it replaces. One transaction; batched, for a national trail.
 */
export async function toLegacyTrail(db: AnyDb): Promise<{ records: number }> {
	return inTransaction(db, async (trx) => {
		for (const name of Object.keys(migrations)
			.filter((n) => n > CHAINS_MIGRATION)
			.sort()
			.reverse()) {
			const applied = await sql`select 1 from kysely_migration where name = ${name}`.execute(trx);
			if (applied.rows.length === 0) continue;
			await migrations[name].down!(trx);
			await sql`delete from kysely_migration where name = ${name}`.execute(trx);
		}
		await sql`drop table if exists audit_anchor, audit_anchored_head, audit_chain_head`.execute(trx);
		await sql`drop function if exists audit_anchor_append_only()`.execute(trx);
		await sql`drop function if exists audit_head_forward_only()`.execute(trx);
		await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
		// the secondary indexes out of the way while every row is rewritten (much faster)
		const indexes = (
			await sql<{ name: string; def: string }>`
				select c.relname::text as name, pg_get_indexdef(i.indexrelid) as def
				from pg_index i join pg_class c on c.oid = i.indexrelid
				where i.indrelid = 'audit_log'::regclass and not i.indisprimary and not i.indisunique`.execute(trx)
		).rows;
		for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(trx);
		const read = (afterId: number) =>
			sql<LegacyRow & { id: number }>`
				select id, at, actor_id, actor_label, action, object_type, object_id, unit_id, ip, details
				from audit_log where id > ${afterId} order by id limit 5000`.execute(trx);
		const quiet = <T>(p: Promise<T>) => (p.catch(() => {}), p);
		let prev = LEGACY_GENESIS;
		let records = 0;
		let updating: Promise<unknown> = Promise.resolve();
		let next = quiet(read(0));
		for (;;) {
			const rows = (await next).rows;
			if (rows.length === 0) break;
			next = quiet(read(Number(rows.at(-1)!.id)));
			const ids: number[] = [];
			const prevs: string[] = [];
			const hashes: string[] = [];
			for (const r of rows) {
				const hash = legacyAuditHash(prev, r);
				ids.push(Number(r.id));
				prevs.push(prev);
				hashes.push(hash);
				prev = hash;
			}
			await updating;
			// runs while the next batch is hashed
			updating = quiet(
				sql`
					update audit_log a set prev_hash = v.prev_hash, hash = v.hash
					from unnest(${ids}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(id, prev_hash, hash)
					where a.id = v.id`.execute(trx)
			);
			records += rows.length;
		}
		await updating;
		await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
		for (const i of indexes.filter((x) => x.name !== 'audit_log_chain_seq')) await sql.raw(i.def).execute(trx);
		await sql`drop index if exists audit_log_chain_seq`.execute(trx);
		await sql`alter table audit_log drop constraint if exists audit_log_chain_seq_positive, drop column if exists chain, drop column if exists seq`.execute(
			trx
		);
		await sql`delete from kysely_migration where name = ${CHAINS_MIGRATION}`.execute(trx);
		return { records };
	});
}
