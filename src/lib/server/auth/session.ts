/**
 * Sessions in the manner of lucia-auth.com's current guide: the token is `id.secret`; the
 * database keeps only SHA-256 of the secret, compared in constant time. A session ends after
 * `idleMs` without use (renewed at most hourly while used) or `maxMs` after it began.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';

export const SESSION_COOKIE = 'session';
/** The inactivity clock is moved forward at most this often (saves a write per request). */
export const RENEW_INTERVAL_MS = 60 * 60 * 1000;

export type SessionPolicy = { idleMs: number; maxMs: number };

// Alphabet without look-alikes, 32 symbols: 5 bits of entropy per character.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export function randomString(length = 24): string {
	const bytes = crypto.randomBytes(length);
	let out = '';
	for (const b of bytes) out += ALPHABET[b >> 3];
	return out;
}

export function hashSecret(secret: string): Uint8Array {
	return new Uint8Array(crypto.createHash('sha256').update(secret).digest());
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && crypto.timingSafeEqual(a, b);
}

export function parseToken(token: string): { id: string; secret: string } | null {
	const parts = token.split('.');
	if (parts.length !== 2) return null;
	const [id, secret] = parts;
	if (!/^[a-z2-9]{24}$/.test(id) || !/^[a-z2-9]{24}$/.test(secret)) return null;
	return { id, secret };
}

/** Pure expiry rule: which of expired / renew / keep applies at `now`. */
export function sessionState(s: { createdAt: Date; lastSeenAt: Date }, policy: SessionPolicy, now: Date): 'expired' | 'renew' | 'valid' {
	const t = now.getTime();
	if (t - s.createdAt.getTime() >= policy.maxMs) return 'expired';
	if (t - s.lastSeenAt.getTime() >= policy.idleMs) return 'expired';
	if (t - s.lastSeenAt.getTime() >= Math.min(RENEW_INTERVAL_MS, policy.idleMs / 2)) return 'renew';
	return 'valid';
}

/** When the cookie should expire: the earlier of the idle and the absolute deadline. */
export function cookieExpiry(s: { createdAt: Date; lastSeenAt: Date }, policy: SessionPolicy): Date {
	return new Date(Math.min(s.lastSeenAt.getTime() + policy.idleMs, s.createdAt.getTime() + policy.maxMs));
}

/** The columns an actor is made of (`account as a` joined with `admin_unit as u` on its unit). */
export const ACTOR_COLUMNS = [
	'a.email',
	'a.full_name',
	'a.role',
	'a.active',
	'u.id as unit_id',
	'u.code as unit_code',
	'u.name as unit_name',
	'u.level as unit_level',
	'u.province_id',
	'u.district_id'
] as const;

type ActorRow = {
	email: string;
	full_name: string;
	role: Actor['role'];
	unit_id: number | null;
	unit_code: string | null;
	unit_name: string | null;
	unit_level: NonNullable<Actor['unit']>['level'] | null;
	province_id: number | null;
	district_id: number | null;
};

/** The actor of account `id` from the ACTOR_COLUMNS of its row. */
export function toActor(id: number, row: ActorRow): Actor {
	return {
		id,
		email: row.email,
		name: row.full_name,
		role: row.role,
		unit:
			row.unit_id !== null
				? {
						id: row.unit_id,
						code: row.unit_code!,
						name: row.unit_name!,
						level: row.unit_level!,
						provinceId: row.province_id,
						districtId: row.district_id
					}
				: null
	};
}

export type SessionInfo = { id: string; accountId: number; createdAt: Date; lastSeenAt: Date; renewed?: boolean };

export async function createSession(db: DB, accountId: number, now = new Date()): Promise<{ token: string; session: SessionInfo }> {
	const id = randomString();
	const secret = randomString();
	await db
		.insertInto('session')
		.values({ id, account_id: accountId, secret_hash: hashSecret(secret), created_at: now, last_seen_at: now })
		.execute();
	return { token: `${id}.${secret}`, session: { id, accountId, createdAt: now, lastSeenAt: now } };
}

/**
 * Validates a token and loads its account as the actor, with the number of its unread
 * notifications (the navigation shows it on every page), in one query; renews the inactivity
 * clock when due; deletes an expired session. Null for an unknown, expired or forged token, and
 * for an account that was deactivated.
 */
export async function validateSession(
	db: DB,
	token: string,
	policy: SessionPolicy,
	now = new Date()
): Promise<(SessionInfo & { actor: Actor; unread: number }) | null> {
	const parsed = parseToken(token);
	if (!parsed) return null;
	const row = await db
		.selectFrom('session as s')
		.innerJoin('account as a', 'a.id', 's.account_id')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.select([
			's.id',
			's.account_id',
			's.secret_hash',
			's.created_at',
			's.last_seen_at',
			...ACTOR_COLUMNS,
			sql<number>`(select count(*)::int from notification n where n.account_id = s.account_id and n.read_at is null)`.as('unread')
		])
		.where('s.id', '=', parsed.id)
		.executeTakeFirst();
	if (!row) return null;
	if (!constantTimeEqual(hashSecret(parsed.secret), new Uint8Array(row.secret_hash))) return null;
	const info: SessionInfo = { id: row.id, accountId: row.account_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
	const state = sessionState(info, policy, now);
	if (state === 'expired' || !row.active) {
		await db.deleteFrom('session').where('id', '=', row.id).execute();
		return null;
	}
	if (state === 'renew') {
		await db.updateTable('session').set({ last_seen_at: now }).where('id', '=', row.id).execute();
		info.lastSeenAt = now;
		info.renewed = true;
	}
	return { ...info, actor: toActor(row.account_id, row), unread: Number(row.unread) };
}

export async function invalidateSession(db: DB, sessionId: string): Promise<void> {
	await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** Ends every session of an account: on password change, role change or deactivation. */
export async function invalidateAccountSessions(db: DB, accountId: number): Promise<void> {
	await db.deleteFrom('session').where('account_id', '=', accountId).execute();
}
