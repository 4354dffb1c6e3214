/**
 * Tampering with the audit trail for tests: statements run with the audit tables' policy
 * triggers disabled, then the verification, all in a transaction that is rolled back, so the
 * trail is untouched afterwards.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '#lib/server/db/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back (tampering that leaves no trace). */
export async function rolledBack<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
	let out: T | undefined;
	await db
		.transaction()
		.execute(async (trx) => {
			out = await fn(trx);
			throw new Rollback();
		})
		.catch((e) => {
			if (!(e instanceof Rollback)) throw e;
		});
	return out as T;
}

/** The statements run with every audit policy trigger disabled, then the verification (all rolled back). */
export async function tamper(db: DB, ...statements: RawBuilder<unknown>[]) {
	return rolledBack(db, async (trx) => {
		await sql`alter table audit_log disable trigger user`.execute(trx);
		await sql`alter table audit_anchor disable trigger user`.execute(trx);
		await sql`alter table audit_chain_head disable trigger user`.execute(trx);
		await sql`alter table audit_anchored_head disable trigger user`.execute(trx);
		for (const s of statements) await s.execute(trx);
		return verifyAuditChain(trx);
	});
}
