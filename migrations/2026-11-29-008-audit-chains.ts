import crypto from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { canonicalJson } from '../src/lib/domain/canonical-json.ts';

// The audit trail: from one global hash chain (every append took one advisory lock, so every
// commune waited for every other) to one chain per commune (`unit:<id>`), per account for
// actions without a unit (`account:<id>`) and 16 anonymous shards (`anon:<0-f>`), with a table
// of chain heads and chained anchors over all heads. See src/lib/server/audit/chain.ts.
//
// The existing records are first verified with the old rule (a broken trail is refused:
// rechaining must never launder tampering), then assigned to their chains in id order and
// rehashed under the new rule; the first anchor records the legacy chain's count and last hash.
// The append-only trigger is disabled only for that rewrite, within this migration's
// transaction. Typed against Kysely<any>, and the hash rules below are frozen copies (a later
// change of the app's rules needs its own migration; a unit test checks they agree today).

const NAME = '2026-11-29-008-audit-chains';
const GENESIS = '0'.repeat(64);
const ANCHOR_CHAIN = 'anchor';
const BATCH = 5000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

type Content = {
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
type Row = Content & { id: number; prev_hash: string; hash: string };
type ChainedRow = Row & { chain: string; seq: number };

const contentJson = (r: Content) => [
	r.at.toISOString(),
	r.actor_id,
	r.actor_label,
	r.action,
	r.object_type,
	r.object_id,
	r.unit_id,
	r.ip,
	r.details ?? {}
];

/** The canonical JSON of a record's content, once: both rules hash it ('[' + fields + ']'). */
const contentBody = (r: Content) => canonicalJson(contentJson(r));
/** The new rule's body from the old one's: the chain and seq first in the same array. */
const chainedBody = (chain: string, seq: number, body: string) => `[${JSON.stringify(chain)},${seq},${body.slice(1)}`;

/** The rules of this migration, frozen (exported for the unit test that compares them with the app's). */
export const rules = {
	legacyHash: (prev: string, r: Content, body = contentBody(r)) => sha256(`${prev}\n${body}`),
	recordHash: (prev: string, r: Content & { chain: string; seq: number }, body = contentBody(r)) =>
		sha256(`${prev}\n${chainedBody(r.chain, r.seq, body)}`),
	chainOf: (r: { unit_id: number | null; actor_id: number | null; actor_label: string | null }) =>
		r.unit_id != null ? `unit:${r.unit_id}` : r.actor_id != null ? `account:${r.actor_id}` : `anon:${sha256(r.actor_label ?? '')[0]}`,
	headsRoot: (heads: { chain: string; seq: number; hash: string }[]) => {
		const h = crypto.createHash('sha256');
		const sorted = [...heads].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
		for (let i = 0; i < sorted.length; i += 4096)
			h.update(
				sorted
					.slice(i, i + 4096)
					.map((x) => `${x.chain} ${x.seq} ${x.hash}\n`)
					.join('')
			);
		return h.digest('hex');
	},
	anchorHash: (
		prev: string,
		a: {
			seq: number;
			at: Date;
			chains: number;
			records: number;
			root: string;
			delta: [string, number, string][];
			details: Record<string, unknown>;
		}
	) => sha256(`${prev}\n${canonicalJson([a.seq, a.at.toISOString(), a.chains, a.records, a.root, a.delta, a.details ?? {}])}`)
};

const inTransaction = (db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<void>) =>
	db.isTransaction ? fn(db) : db.transaction().execute(fn);

const CONTENT_COLUMNS = sql`id, at, actor_id, actor_label, action, object_type, object_id, unit_id, ip, details, prev_hash, hash`;

export class AuditTrailBrokenError extends Error {}

/** A query started now and awaited later: its failure is reported when awaited, never as unhandled. */
function started<T>(p: Promise<T>): Promise<T> {
	p.catch(() => {});
	return p;
}

/**
 * Drops audit_log's secondary indexes (not the primary key, nothing unique) and returns their
 * definitions: rewriting every row is much cheaper without them, and rebuilding is quick.
 */
async function dropSecondaryIndexes(trx: Kysely<any>): Promise<string[]> {
	const defs = (
		await sql<{ name: string; def: string }>`
			select c.relname::text as name, pg_get_indexdef(i.indexrelid) as def
			from pg_index i join pg_class c on c.oid = i.indexrelid
			where i.indrelid = 'audit_log'::regclass and not i.indisprimary and not i.indisunique
			order by c.relname`.execute(trx)
	).rows;
	for (const d of defs) await sql`drop index ${sql.id(d.name)}`.execute(trx);
	return defs.map((d) => d.def);
}

/**
 * Reads every record in id order, BATCH at a time, and runs the update that `rewriteBatch`
 * returns for each batch (in the database while the next batch is hashed here), with the
 * append-only trigger disabled and the secondary indexes dropped meanwhile (rebuilt after).
 */
async function rewriteTrail<R extends { id: number }>(
	trx: Kysely<any>,
	columns: RawBuilder<unknown>,
	rewriteBatch: (rows: R[]) => RawBuilder<unknown>
): Promise<void> {
	await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
	const rebuild = await dropSecondaryIndexes(trx);
	const read = async (afterId: number) =>
		(await sql<R>`select ${columns} from audit_log where id > ${afterId} order by id limit ${BATCH}`.execute(trx)).rows;
	let updating: Promise<unknown> = Promise.resolve();
	let next = started(read(0));
	for (;;) {
		const rows = await next;
		if (rows.length === 0) break;
		next = started(read(Number(rows.at(-1)!.id)));
		const update = rewriteBatch(rows);
		await updating;
		updating = started(update.execute(trx));
	}
	await updating;
	await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
	for (const def of rebuild) await sql.raw(def).execute(trx);
}

export async function up(db: Kysely<any>): Promise<void> {
	await inTransaction(db, async (trx) => {
		await sql`alter table audit_log add column chain text collate "C", add column seq bigint`.execute(trx);

		// rechain: verify the old global chain record by record, assign chain and seq, rehash
		const heads = new Map<string, { seq: number; hash: string }>();
		let legacyPrev = GENESIS;
		let legacyCount = 0;
		let lastId = 0;
		await rewriteTrail<Row>(trx, CONTENT_COLUMNS, (rows) => {
			const ids: number[] = [];
			const chains: string[] = [];
			const seqs: number[] = [];
			const prevs: string[] = [];
			const hashes: string[] = [];
			for (const r of rows) {
				const body = contentBody(r);
				if (r.prev_hash !== legacyPrev || rules.legacyHash(legacyPrev, r, body) !== r.hash) {
					throw new AuditTrailBrokenError(
						`Nhật ký kiểm toán đã bị đứt hoặc bị sửa tại bản ghi #${r.id} (chuỗi chung, ${legacyCount} bản ghi trước đó còn nguyên): ` +
							'không chuyển sang chuỗi theo xã, vì băm lại sẽ che giấu sự sửa đổi. Hãy khôi phục nhật ký từ bản sao lưu rồi cập nhật lại.\n' +
							`The audit trail is already broken at record #${r.id}: refusing to rechain it (rechaining would launder the tampering). ` +
							'Restore the trail from a backup, then migrate again.'
					);
				}
				legacyPrev = r.hash;
				legacyCount++;
				const chain = rules.chainOf(r);
				const head = heads.get(chain) ?? { seq: 0, hash: GENESIS };
				const seq = head.seq + 1;
				const hash = rules.recordHash(head.hash, { ...r, chain, seq }, body);
				ids.push(Number(r.id));
				chains.push(chain);
				seqs.push(seq);
				prevs.push(head.hash);
				hashes.push(hash);
				heads.set(chain, { seq, hash });
			}
			lastId = ids.at(-1)!;
			return sql`
				update audit_log a set chain = v.chain, seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
				from unnest(${ids}::bigint[], ${chains}::text[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[])
					as v(id, chain, seq, prev_hash, hash)
				where a.id = v.id`;
		});
		await sql`alter table audit_log alter column chain set not null, alter column seq set not null`.execute(trx);
		await sql`alter table audit_log add constraint audit_log_chain_seq_positive check (seq > 0)`.execute(trx);
		await sql`create unique index audit_log_chain_seq on audit_log (chain, seq)`.execute(trx);

		// heads, anchors, the heads as of the last anchor
		await sql`create table audit_chain_head (
			chain text collate "C" primary key,
			seq bigint not null default 0 check (seq >= 0),
			hash text not null default ${sql.lit(GENESIS)})`.execute(trx);
		await sql`create table audit_anchored_head (
			chain text collate "C" primary key,
			seq bigint not null check (seq > 0),
			hash text not null)`.execute(trx);
		await sql`create table audit_anchor (
			seq integer primary key check (seq > 0),
			at timestamptz not null,
			chains integer not null,
			records bigint not null,
			root text not null,
			delta jsonb not null,
			details jsonb not null default '{}'::jsonb,
			prev_hash text not null,
			hash text not null)`.execute(trx);

		const list = [...heads].map(([chain, h]) => ({ chain, ...h }));
		const insertHeads = async (table: string, part: typeof list) => {
			await sql`insert into ${sql.table(table)} (chain, seq, hash)
				select * from unnest(${part.map((h) => h.chain)}::text[], ${part.map((h) => h.seq)}::bigint[], ${part.map((h) => h.hash)}::text[])`.execute(
				trx
			);
		};
		for (let i = 0; i < list.length; i += BATCH) {
			await insertHeads('audit_chain_head', list.slice(i, i + BATCH));
			await insertHeads('audit_anchored_head', list.slice(i, i + BATCH));
		}

		// the first anchor: every head, and the attestation of the legacy chain it replaces
		const delta = [...list]
			.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0))
			.map((h): [string, number, string] => [h.chain, h.seq, h.hash]);
		const anchor = {
			seq: 1,
			at: new Date(),
			chains: list.length,
			records: legacyCount,
			root: rules.headsRoot(list),
			delta,
			details: {
				migration: NAME,
				legacy: { records: legacyCount, lastId: lastId || null, lastHash: legacyCount ? legacyPrev : null }
			}
		};
		const hash = rules.anchorHash(GENESIS, anchor);
		await sql`insert into audit_anchor (seq, at, chains, records, root, delta, details, prev_hash, hash)
			values (1, ${anchor.at}, ${anchor.chains}, ${anchor.records}, ${anchor.root}, ${JSON.stringify(delta)}::jsonb,
				${JSON.stringify(anchor.details)}::jsonb, ${GENESIS}, ${hash})`.execute(trx);
		await sql`insert into audit_chain_head (chain, seq, hash) values (${ANCHOR_CHAIN}, 1, ${hash})`.execute(trx);

		// policies: anchors are append-only like the trail; heads only move forward, never go away
		await sql`create function audit_anchor_append_only() returns trigger language plpgsql as $$
			begin raise exception 'audit_anchor is append-only'; end $$`.execute(trx);
		await sql`create trigger audit_anchor_no_change before update or delete on audit_anchor
			for each row execute function audit_anchor_append_only()`.execute(trx);
		await sql`create function audit_head_forward_only() returns trigger language plpgsql as $$
			begin
				if tg_op = 'DELETE' then raise exception '% rows are never deleted', tg_table_name; end if;
				if new.chain is distinct from old.chain or new.seq < old.seq then
					raise exception '% rows only move forward', tg_table_name;
				end if;
				return new;
			end $$`.execute(trx);
		for (const table of ['audit_chain_head', 'audit_anchored_head']) {
			await sql`create trigger ${sql.id(`${table}_forward_only`)} before update or delete on ${sql.table(table)}
				for each row execute function audit_head_forward_only()`.execute(trx);
		}
	});
}

/**
 * Back to the single global chain: every chain verified under the new rule first (a broken
 * trail is refused here too), then every record rehashed in id order with the old rule.
 */
export async function down(db: Kysely<any>): Promise<void> {
	await inTransaction(db, async (trx) => {
		await sql`drop table if exists audit_anchor, audit_anchored_head, audit_chain_head`.execute(trx);
		await sql`drop function if exists audit_anchor_append_only()`.execute(trx);
		await sql`drop function if exists audit_head_forward_only()`.execute(trx);
		const heads = new Map<string, { seq: number; hash: string }>();
		let prev = GENESIS;
		await rewriteTrail<ChainedRow>(trx, sql`${CONTENT_COLUMNS}, chain, seq`, (rows) => {
			const ids: number[] = [];
			const prevs: string[] = [];
			const hashes: string[] = [];
			for (const r of rows) {
				const head = heads.get(r.chain) ?? { seq: 0, hash: GENESIS };
				const seq = Number(r.seq);
				const body = contentBody(r);
				if (
					seq !== head.seq + 1 ||
					r.prev_hash !== head.hash ||
					r.chain !== rules.chainOf(r) ||
					rules.recordHash(head.hash, { ...r, seq }, body) !== r.hash
				) {
					throw new AuditTrailBrokenError(
						`Nhật ký kiểm toán bị đứt hoặc bị sửa tại bản ghi #${r.id} (chuỗi ${r.chain}, số thứ tự ${seq}): không chuyển về chuỗi chung.\n` +
							`The audit trail is broken at record #${r.id} (chain ${r.chain}, seq ${seq}): refusing to rechain it.`
					);
				}
				heads.set(r.chain, { seq, hash: r.hash });
				const hash = rules.legacyHash(prev, r, body);
				ids.push(Number(r.id));
				prevs.push(prev);
				hashes.push(hash);
				prev = hash;
			}
			return sql`
				update audit_log a set prev_hash = v.prev_hash, hash = v.hash
				from unnest(${ids}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(id, prev_hash, hash)
				where a.id = v.id`;
		});
		await sql`drop index if exists audit_log_chain_seq`.execute(trx);
		await sql`alter table audit_log drop constraint if exists audit_log_chain_seq_positive, drop column chain, drop column seq`.execute(
			trx
		);
	});
}
