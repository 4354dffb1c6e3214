/**
 * Rate limiting of password checks, kept in the database (so several app instances share it).
 *
 * Every check first RESERVES an attempt, atomically: under a transaction-scoped advisory lock on
 * each key (taken in a fixed order), the attempts of the window are counted and, if every key is
 * below its limit, one attempt row per key is inserted, all in one transaction. Only then is the
 * password verified. N parallel attempts therefore never check more passwords than the limit
 * allows: the (limit+1)-th waits for the lock, counts the reserved rows and is refused. A right
 * password releases its reservation (and the account's earlier failures); a wrong one leaves it
 * counted as a failure.
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';

export type RateLimitPolicy = { maxAttempts: number; windowMs: number };

export const accountKey = (email: string) => `acct:${email}`;
export const addressKey = (ip: string) => `ip:${ip}`;
export const passwordKey = (accountId: number) => `pwd:${accountId}`;
/** A client address may fail more often than one account (an office shares one address). */
export const ADDRESS_FACTOR = 4;

/** One key and the number of attempts it may have in the window. */
export type Limit = { key: string; max: number };

/** The limits of a sign-in: the account's and the client address's. */
export const loginLimits = (email: string, ip: string, policy: RateLimitPolicy): Limit[] => [
	{ key: accountKey(email), max: policy.maxAttempts },
	{ key: addressKey(ip), max: policy.maxAttempts * ADDRESS_FACTOR }
];

/** A reserved attempt: release it when the password was right. */
export type Reservation = { ids: number[] };

/**
 * Reserves one attempt under every limit, or returns null (nothing written) when any key has
 * reached its limit within the window.
 */
export async function reserveAttempt(db: DB, limits: Limit[], windowMs: number, now = new Date()): Promise<Reservation | null> {
	const since = new Date(now.getTime() - windowMs);
	const ordered = [...limits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return db.transaction().execute(async (trx) => {
		for (const { key } of ordered) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
		for (const { key, max } of ordered) {
			const row = await trx
				.selectFrom('login_attempt')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('key', '=', key)
				.where('at', '>', since)
				.executeTakeFirstOrThrow();
			if (Number(row.n) >= max) return null;
		}
		const rows = await trx
			.insertInto('login_attempt')
			.values(ordered.map(({ key }) => ({ key, at: now })))
			.returning('id')
			.execute();
		return { ids: rows.map((r) => Number(r.id)) };
	});
}

/**
 * A public page's limit per key (no password behind it: a count is enough, without the
 * reservation's locks): true when `key` already has `max` requests within the window; else this
 * one is counted. One statement: the count, and the row of this request written only under the limit.
 */
export async function countedOverLimit(
	db: DB,
	key: string,
	limit: { maxRequests: number; windowMs: number },
	now = new Date()
): Promise<boolean> {
	const since = new Date(now.getTime() - limit.windowMs);
	const row = (
		await sql<{ n: number }>`
			with c as (select count(*)::int as n from login_attempt where key = ${key} and at > ${since}),
			i as (insert into login_attempt (key, at) select ${key}::text, ${now}::timestamptz where (select n from c) < ${limit.maxRequests})
			select n from c`.execute(db)
	).rows[0];
	return Number(row.n) >= limit.maxRequests;
}

/** The password was right: the reservation does not count, nor do the earlier failures of `clearKey`. */
export async function releaseAttempt(db: DB, reservation: Reservation, clearKey?: string): Promise<void> {
	await db
		.deleteFrom('login_attempt')
		.where((eb) => {
			const ors = [eb('id', 'in', reservation.ids)];
			if (clearKey) ors.push(eb('key', '=', clearKey));
			return eb.or(ors);
		})
		.execute();
}

/** Old attempts are of no use; called now and then. */
export async function pruneAttempts(db: DB, policy: RateLimitPolicy, now = new Date()): Promise<void> {
	await db
		.deleteFrom('login_attempt')
		.where('at', '<', new Date(now.getTime() - policy.windowMs))
		.execute();
}
