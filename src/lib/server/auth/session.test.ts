import { describe, expect, it } from 'vitest';
import { constantTimeEqual, cookieExpiry, hashSecret, parseToken, randomString, RENEW_INTERVAL_MS, sessionState } from './session.ts';

const policy = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };
const t0 = new Date('2026-11-23T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('session tokens', () => {
	it('generates 24-character secrets from a 32-symbol alphabet (120 bits), all distinct', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 2000; i++) {
			const s = randomString();
			expect(s).toMatch(/^[a-km-np-z2-9]{24}$/);
			seen.add(s);
		}
		expect(seen.size).toBe(2000);
	});

	it('parses only well-formed id.secret tokens', () => {
		const id = randomString();
		const secret = randomString();
		expect(parseToken(`${id}.${secret}`)).toEqual({ id, secret });
		expect(parseToken(id)).toBeNull();
		expect(parseToken(`${id}.${secret}.x`)).toBeNull();
		expect(parseToken(`${id}.short`)).toBeNull();
		expect(parseToken(`${id.toUpperCase()}.${secret}`)).toBeNull();
	});

	it('stores a SHA-256 of the secret and compares in constant time', () => {
		const h = hashSecret('abc');
		expect(Buffer.from(h).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(constantTimeEqual(h, hashSecret('abc'))).toBe(true);
		expect(constantTimeEqual(h, hashSecret('abd'))).toBe(false);
		expect(constantTimeEqual(h, h.slice(0, 31))).toBe(false);
	});
});

describe('session expiry and renewal', () => {
	const fresh = { createdAt: t0, lastSeenAt: t0 };
	it('is valid right after creation and not renewed on every request', () => {
		expect(sessionState(fresh, policy, at(1000))).toBe('valid');
	});
	it('renews once the renewal interval has passed', () => {
		const interval = Math.min(RENEW_INTERVAL_MS, policy.idleMs / 2);
		expect(sessionState(fresh, policy, at(interval - 1))).toBe('valid');
		expect(sessionState(fresh, policy, at(interval))).toBe('renew');
	});
	it('expires after the inactivity timeout', () => {
		expect(sessionState(fresh, policy, at(policy.idleMs - 1))).toBe('renew');
		expect(sessionState(fresh, policy, at(policy.idleMs))).toBe('expired');
	});
	it('expires at the absolute lifetime even when used constantly', () => {
		const busy = { createdAt: t0, lastSeenAt: at(policy.maxMs - 1000) };
		expect(sessionState(busy, policy, at(policy.maxMs - 1))).toBe('valid');
		expect(sessionState(busy, policy, at(policy.maxMs))).toBe('expired');
	});
	it('sets the cookie to the earlier of the idle and absolute deadlines', () => {
		expect(cookieExpiry(fresh, policy)).toEqual(at(policy.idleMs));
		const late = { createdAt: t0, lastSeenAt: at(policy.maxMs - 60_000) };
		expect(cookieExpiry(late, policy)).toEqual(at(policy.maxMs));
	});
});
