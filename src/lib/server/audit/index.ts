/**
 * The audit trail: an append-only table (a trigger refuses updates and deletes). Each record
 * carries the SHA-256 of the previous one, so any edit or removal breaks the chain, which
 * `verifyAuditChain` (and `npm run cli -- audit verify`) detects.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';

export type AuditEntry = {
	actorId?: number | null;
	actorLabel?: string | null;
	action: string;
	objectType?: string | null;
	objectId?: string | number | null;
	unitId?: number | null;
	ip?: string | null;
	details?: Record<string, unknown>;
};

/** Who a record is by: an account (its email labels the record) or the system (a label only). */
export function by(actor: { id: number | null; email: string }): { actorId: number | null; actorLabel: string } {
	return { actorId: actor.id, actorLabel: actor.email };
}

const GENESIS = '0'.repeat(64);
const CHAIN_LOCK = 710_417; // advisory lock key serialising appends to the chain

export { canonicalJson } from '../../domain/canonical-json.ts';
import { canonicalJson } from '../../domain/canonical-json.ts';

type Hashable = {
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

export function auditHash(prevHash: string, r: Hashable): string {
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

export async function recordAudit(db: DB, entry: AuditEntry): Promise<void> {
	const run = async (trx: DB) => {
		await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
		const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
		const prev = last?.hash ?? GENESIS;
		const row: Hashable = {
			at: new Date(),
			actor_id: entry.actorId ?? null,
			actor_label: entry.actorLabel ?? null,
			action: entry.action,
			object_type: entry.objectType ?? null,
			object_id: entry.objectId == null ? null : String(entry.objectId),
			unit_id: entry.unitId ?? null,
			ip: entry.ip ?? null,
			details: JSON.parse(JSON.stringify(entry.details ?? {}))
		};
		await trx
			.insertInto('audit_log')
			.values({ ...row, details: JSON.stringify(row.details), prev_hash: prev, hash: auditHash(prev, row) })
			.execute();
	};
	if (db.isTransaction) await run(db);
	else await db.transaction().execute(run);
}

export type ChainReport = { records: number; ok: boolean; firstBrokenId: number | null };

export async function verifyAuditChain(db: DB): Promise<ChainReport> {
	let prev = GENESIS;
	let records = 0;
	let lastId = 0;
	for (;;) {
		const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute();
		if (rows.length === 0) break;
		for (const r of rows) {
			records++;
			if (r.prev_hash !== prev || auditHash(prev, r) !== r.hash) return { records, ok: false, firstBrokenId: r.id };
			prev = r.hash;
			lastId = r.id;
		}
	}
	return { records, ok: true, firstBrokenId: null };
}
