/**
 * Deployment configuration: every setting the app reads, read once from the environment and
 * validated with zod. Used by the web server and the command line alike (no SvelteKit imports).
 * An empty variable counts as unset (DATABASE_URL= in a shell or a unit file).
 */
import { z } from 'zod';
import os from 'node:os';
import path from 'node:path';
import { REVIEW_LEVELS, type ReviewLevel } from '../domain/units.ts';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const PROCESSES_MESSAGE = 'SERVER_PROCESSES phải là số tiến trình từ 1 đến 64, hoặc auto (bằng số CPU).';

const schema = z.object({
	DATABASE_URL: z.string().trim().min(1).optional(),
	DATABASE_POOL_MAX: z.coerce
		.number({ error: 'DATABASE_POOL_MAX phải là số nguyên từ 1 đến 100.' })
		.int({ error: 'DATABASE_POOL_MAX phải là số nguyên từ 1 đến 100.' })
		.min(1, { error: 'DATABASE_POOL_MAX phải là số nguyên từ 1 đến 100.' })
		.max(100, { error: 'DATABASE_POOL_MAX phải là số nguyên từ 1 đến 100.' })
		.default(10),
	DATA_DIR: z.string().trim().min(1).default('.data'),
	REVIEW_LEVEL: z.enum(REVIEW_LEVELS).default('province'),
	NODE_ENV: z.string().optional(),
	ALLOW_EMBEDDED_DB_IN_PRODUCTION: flag.optional(),
	DEMO_SEED: flag.optional(),
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
	BACKUP_SIGNING_KEY_FILE: z.string().trim().optional(),
	PUBLIC_URL: z
		.string()
		.trim()
		.regex(/^https?:\/\//, 'PUBLIC_URL phải bắt đầu bằng http:// hoặc https://')
		.optional(),
	STORAGE_DIR: z.string().trim().min(1).optional(),
	UPLOAD_MAX_MB: z.coerce
		.number({ error: 'UPLOAD_MAX_MB phải là số.' })
		.int('UPLOAD_MAX_MB phải là số nguyên.')
		.min(1, 'UPLOAD_MAX_MB tối thiểu là 1.')
		.max(2048, 'UPLOAD_MAX_MB tối đa là 2048.')
		.default(50),
	REVIEW_OFFICE_NAME: z.string().trim().max(200, 'REVIEW_OFFICE_NAME tối đa 200 ký tự.').optional(),
	PDF_WORKER: z.string().trim().optional(),
	REMINDER_INTERVAL_MINUTES: z.coerce
		.number({ error: 'REMINDER_INTERVAL_MINUTES phải là số phút (0 để tắt).' })
		.int({ error: 'REMINDER_INTERVAL_MINUTES phải là số nguyên.' })
		.min(0, { error: 'REMINDER_INTERVAL_MINUTES tối thiểu là 0 (tắt).' })
		.max(1440, { error: 'REMINDER_INTERVAL_MINUTES tối đa là 1440 (một ngày).' })
		.default(60),
	SERVER_PROCESSES: z
		.union(
			[
				z.literal('auto'),
				z.coerce.number().int({ error: PROCESSES_MESSAGE }).min(1, { error: PROCESSES_MESSAGE }).max(64, { error: PROCESSES_MESSAGE })
			],
			{ error: PROCESSES_MESSAGE }
		)
		.default(1),
	SURVEY_ADDRESS_KEY: z
		.string()
		.trim()
		.regex(/^[A-Za-z0-9_-]{43}$/, 'SURVEY_ADDRESS_KEY phải là 32 byte ngẫu nhiên viết theo base64url (43 ký tự).')
		.optional()
});

export const STORAGE_DRIVERS = ['local'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

export type StorageSettings = {
	driver: StorageDriver;
	/** Root directory of the local store. */
	filesDir: string;
	/** Temporary upload files (always local: uploads are streamed to disk first). */
	tmpDir: string;
	/** Largest accepted file, in bytes. */
	uploadMaxBytes: number;
};

export type Config = {
	databaseUrl: string | undefined;
	/** Connections to PostgreSQL this process keeps at most. */
	databasePoolMax: number;
	dataDir: string;
	embeddedDbDir: string;
	reviewLevel: ReviewLevel;
	production: boolean;
	allowEmbeddedInProduction: boolean;
	/** Load the demo province and accounts at start-up. */
	demoSeed: boolean;
	sessionIdleMs: number;
	sessionMaxMs: number;
	loginMaxAttempts: number;
	loginWindowMs: number;
	secureCookies: boolean;
	/** Email for notifications; null = in-app notifications only. */
	smtp: { url: string; from: string } | null;
	/** The Ed25519 private key that signs certificate payloads (PKCS#8 PEM). */
	signingKeyFile: string;
	/**
	 * The Ed25519 private key (PKCS#8 PEM) that signs each backup's manifest; `restore` checks the
	 * signature against its public key. A key of its own, kept apart from the backups (the
	 * certificate key is shared by every instance, so it cannot be trusted to sign backups).
	 */
	backupKeyFile: string;
	/** Base of links in emails and QR codes (e.g. https://treem.example.gov.vn); null = unset: certificates are not issued (never the request's address). */
	publicUrl: string | null;
	storage: StorageSettings;
	/** The reviewing office's name in the appraisal report's header. */
	reviewOfficeName: string;
	/** The worker-thread module that lays out PDFs (null: lay out in the main thread). */
	pdfWorker: string | null;
	/** Minutes between two passes of the reminders in the running server (0: no timer). */
	reminderIntervalMinutes: number;
	/**
	 * Server processes `npm start` runs on the one port (node:cluster): 1, or more with PostgreSQL
	 * (the embedded database lives in one process).
	 */
	serverProcesses: number;
	/**
	 * The key of the survey's per-address limit (never stored): drawn by `npm start` and shared
	 * by its processes; null: each process draws its own.
	 */
	surveyAddressKey: Buffer | null;
};

export class ConfigError extends Error {}

/** The reviewing office's name when REVIEW_OFFICE_NAME is unset (we could not check the post-2025 names). */
export const DEFAULT_REVIEW_OFFICE: Record<ReviewLevel, string> = { province: 'Sở Y tế', district: 'Phòng Văn hóa - Xã hội' };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
	const parsed = schema.safeParse(present);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const dataDir = e.DATA_DIR.startsWith('memory://') ? e.DATA_DIR : path.resolve(e.DATA_DIR);
	const production = e.NODE_ENV === 'production';
	const local = (p: string) => path.resolve(dataDir.startsWith('memory://') ? '.' : dataDir, p);
	const serverProcesses = e.SERVER_PROCESSES === 'auto' ? os.availableParallelism() : e.SERVER_PROCESSES;
	if (serverProcesses > 1 && !e.DATABASE_URL)
		throw new ConfigError(
			'Cấu hình không hợp lệ / invalid configuration:\nSERVER_PROCESSES: nhiều tiến trình cần DATABASE_URL (PostgreSQL); cơ sở dữ liệu nhúng chỉ mở được trong một tiến trình.'
		);
	return {
		databaseUrl: e.DATABASE_URL,
		databasePoolMax: e.DATABASE_POOL_MAX,
		dataDir,
		embeddedDbDir: dataDir.startsWith('memory://') ? dataDir : path.join(dataDir, 'pglite'),
		reviewLevel: e.REVIEW_LEVEL,
		production,
		allowEmbeddedInProduction: e.ALLOW_EMBEDDED_DB_IN_PRODUCTION ?? false,
		demoSeed: e.DEMO_SEED ?? false,
		sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
		sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
		loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
		loginWindowMs: e.LOGIN_WINDOW_MINUTES * 60_000,
		secureCookies: production || (e.ORIGIN ?? '').startsWith('https://'),
		smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM ?? 'Xa phu hop voi tre em <no-reply@localhost>' } : null,
		signingKeyFile: path.resolve(e.SIGNING_KEY_FILE ?? local(path.join('keys', 'certificate-ed25519.pem'))),
		backupKeyFile: path.resolve(e.BACKUP_SIGNING_KEY_FILE ?? local(path.join('keys', 'backup-ed25519.pem'))),
		publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
		storage: {
			driver: 'local',
			filesDir: path.resolve(e.STORAGE_DIR ?? local('files')),
			tmpDir: local('tmp'),
			uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024
		},
		reviewOfficeName: e.REVIEW_OFFICE_NAME || DEFAULT_REVIEW_OFFICE[e.REVIEW_LEVEL],
		pdfWorker: e.PDF_WORKER ? path.resolve(e.PDF_WORKER) : null,
		reminderIntervalMinutes: e.REMINDER_INTERVAL_MINUTES,
		serverProcesses,
		surveyAddressKey: e.SURVEY_ADDRESS_KEY ? Buffer.from(e.SURVEY_ADDRESS_KEY, 'base64url') : null
	};
}

/**
 * The storage settings alone, from `env` and a data directory (files under `<dataDir>/files`
 * unless STORAGE_DIR says otherwise): what the command line and the tests need of a config.
 */
export function loadStorageSettings(env: Record<string, string | undefined>, dataDir: string): StorageSettings {
	return loadConfig({ STORAGE_DIR: env.STORAGE_DIR, UPLOAD_MAX_MB: env.UPLOAD_MAX_MB, DATA_DIR: dataDir }).storage;
}

let cached: Config | undefined;
/** The running process's configuration (read once). */
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}
