/**
 * Per-address limit of the public survey's answers (issue 15), kept in the database like the
 * sign-in and /verify limits, WITHOUT storing the address: the key is an HMAC of the address
 * under a key drawn at start-up and never stored, so a row cannot be traced back to an address
 * (not even by whoever reads the database), and the rows go with the other attempts' pruning.
 */
import crypto from 'node:crypto';
import type { DB } from '../db/index.ts';
import { config } from '../config.ts';
import { countedOverLimit } from '../auth/rate-limit.ts';

export const SURVEY_LIMIT = { maxRequests: 30, windowMs: 60_000 };

let secret: Buffer | undefined;
/**
 * The HMAC key: the one `npm start` drew for all its processes (SURVEY_ADDRESS_KEY, so that the
 * limit counts an address's answers whichever process takes them), else drawn here.
 */
const addressSecret = (): Buffer => (secret ??= config().surveyAddressKey ?? crypto.randomBytes(32));

/** The stored key for an address: not reversible, changes at every start. */
export const surveyAddressKey = (ip: string): string =>
	`survey:${crypto.createHmac('sha256', addressSecret()).update(ip).digest('base64url').slice(0, 22)}`;

/** True when the address has already sent SURVEY_LIMIT answers within the window; else counts this one. */
export async function surveyRateLimited(db: DB, ip: string, now = new Date()): Promise<boolean> {
	return countedOverLimit(db, surveyAddressKey(ip), SURVEY_LIMIT, now);
}
