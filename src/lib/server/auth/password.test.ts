import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, dummyHash, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
	it('uses argon2id with at least 19 MiB of memory and 2 iterations', async () => {
		expect(ARGON2_PARAMS.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
		expect(ARGON2_PARAMS.timeCost).toBeGreaterThanOrEqual(2);
		const h = await hashPassword('mật khẩu dài 123');
		const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(h);
		expect(m).not.toBeNull();
		expect(Number(m![1])).toBeGreaterThanOrEqual(19 * 1024);
		expect(Number(m![2])).toBeGreaterThanOrEqual(2);
	});

	it('verifies the right password only, whatever the Unicode normalization form', async () => {
		const h = await hashPassword('Tiếng Việt 2026');
		expect(await verifyPassword(h, 'Tiếng Việt 2026')).toBe(true);
		expect(await verifyPassword(h, 'Tiếng Việt 2026'.normalize('NFD'))).toBe(true);
		expect(await verifyPassword(h, 'Tieng Viet 2026')).toBe(false);
		expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
	});

	it('salts: two hashes of one password differ', async () => {
		expect(await hashPassword('same-password')).not.toBe(await hashPassword('same-password'));
		expect(await dummyHash()).toMatch(/^\$argon2id\$/);
	});
});
