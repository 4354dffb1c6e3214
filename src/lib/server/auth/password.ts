import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id parameters (OWASP minimum: m = 19 MiB, t = 2, p = 1). */
export const ARGON2_PARAMS = { algorithm: 2 as unknown as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export function hashPassword(password: string): Promise<string> {
	return hash(password.normalize('NFC'), ARGON2_PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password.normalize('NFC'));
	} catch {
		return false;
	}
}

/** A hash of a random password, verified against when the account is unknown, so that an
 * unknown email and a wrong password take the same time. Computed once, lazily. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
	dummy ??= hashPassword(crypto.randomUUID());
	return dummy;
}

export const PASSWORD_MIN_LENGTH = 10;
