/**
 * Login rate limiting kept in the database (so several app instances share it): failed
 * attempts are counted per account key and per client address within a sliding window.
 */
import type { DB } from '../db/index.ts';

export type RateLimitPolicy = { maxAttempts: number; windowMs: number };

export const accountKey = (email: string) => `acct:${email}`;
export const addressKey = (ip: string) => `ip:${ip}`;
/** A client address may fail more often than one account (an office shares one address). */
export const ADDRESS_FACTOR = 4;

export async function failuresSince(db: DB, key: string, since: Date): Promise<number> {
	const row = await db
		.selectFrom('login_attempt')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('key', '=', key)
		.where('at', '>', since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function isLimited(db: DB, email: string, ip: string, policy: RateLimitPolicy, now = new Date()): Promise<boolean> {
	const since = new Date(now.getTime() - policy.windowMs);
	const [a, b] = await Promise.all([failuresSince(db, accountKey(email), since), failuresSince(db, addressKey(ip), since)]);
	return a >= policy.maxAttempts || b >= policy.maxAttempts * ADDRESS_FACTOR;
}

export async function recordFailure(db: DB, email: string, ip: string, now = new Date()): Promise<void> {
	await db
		.insertInto('login_attempt')
		.values([
			{ key: accountKey(email), at: now },
			{ key: addressKey(ip), at: now }
		])
		.execute();
}

export async function clearAccountFailures(db: DB, email: string): Promise<void> {
	await db.deleteFrom('login_attempt').where('key', '=', accountKey(email)).execute();
}

/** Old attempts are of no use; called now and then. */
export async function pruneAttempts(db: DB, policy: RateLimitPolicy, now = new Date()): Promise<void> {
	await db
		.deleteFrom('login_attempt')
		.where('at', '<', new Date(now.getTime() - policy.windowMs))
		.execute();
}
