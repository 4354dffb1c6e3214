/**
 * Deployment configuration, read once from the environment and validated with zod.
 * Used by the web server and the command line alike (no SvelteKit imports here).
 */
import { z } from 'zod';
import path from 'node:path';
import { REVIEW_LEVELS } from '../domain/units.ts';

const schema = z.object({
	DATABASE_URL: z.string().trim().min(1).optional(),
	DATA_DIR: z.string().trim().min(1).default('.data'),
	REVIEW_LEVEL: z.enum(REVIEW_LEVELS).default('province'),
	NODE_ENV: z.string().optional(),
	ALLOW_EMBEDDED_DB_IN_PRODUCTION: z.enum(['0', '1', 'true', 'false']).optional(),
	SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
	SESSION_MAX_HOURS: z.coerce.number().int().positive().default(12),
	LOGIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
	LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
	ORIGIN: z.string().optional(),
	SMTP_URL: z
		.string()
		.trim()
		.regex(/^smtps?:\/\//, 'SMTP_URL phải bắt đầu bằng smtp:// hoặc smtps://')
		.optional(),
	MAIL_FROM: z.string().trim().optional(),
	SIGNING_KEY_FILE: z.string().trim().optional(),
	PUBLIC_URL: z
		.string()
		.trim()
		.regex(/^https?:\/\//, 'PUBLIC_URL phải bắt đầu bằng http:// hoặc https://')
		.optional()
});

export type Config = {
	databaseUrl: string | undefined;
	dataDir: string;
	embeddedDbDir: string;
	reviewLevel: (typeof REVIEW_LEVELS)[number];
	production: boolean;
	allowEmbeddedInProduction: boolean;
	sessionIdleMs: number;
	sessionMaxMs: number;
	loginMaxAttempts: number;
	loginWindowMs: number;
	secureCookies: boolean;
	/** Email for notifications; null = in-app notifications only. */
	smtp: { url: string; from: string } | null;
	/** The Ed25519 private key that signs certificate payloads (PKCS#8 PEM). */
	signingKeyFile: string;
	/** Base of links in emails (e.g. https://treem.example.gov.vn); null = relative links only. */
	publicUrl: string | null;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	// An empty variable counts as unset (DATABASE_URL= in a shell or a unit file).
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
	const parsed = schema.safeParse(present);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const dataDir = path.resolve(e.DATA_DIR);
	const production = e.NODE_ENV === 'production';
	return {
		databaseUrl: e.DATABASE_URL,
		dataDir,
		embeddedDbDir: path.join(dataDir, 'pglite'),
		reviewLevel: e.REVIEW_LEVEL,
		production,
		allowEmbeddedInProduction: e.ALLOW_EMBEDDED_DB_IN_PRODUCTION === '1' || e.ALLOW_EMBEDDED_DB_IN_PRODUCTION === 'true',
		sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
		sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
		loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
		loginWindowMs: e.LOGIN_WINDOW_MINUTES * 60_000,
		secureCookies: production || (e.ORIGIN ?? '').startsWith('https://'),
		smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM ?? 'Xa phu hop voi tre em <no-reply@localhost>' } : null,
		signingKeyFile: path.resolve(e.SIGNING_KEY_FILE ?? path.join(dataDir, 'keys', 'certificate-ed25519.pem')),
		publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null
	};
}

let cached: Config | undefined;
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}
