/**
 * File storage for uploaded evidence: a small interface (`FileStore`) with a local-directory
 * implementation, chosen by a factory so that an S3-compatible store can be added later
 * without touching the callers.
 *
 * Content-addressed: a file's key is derived from its SHA-256 and its detected extension
 * (`ab/cd/<sha256>.<ext>`), so the same content is stored once and a key never changes meaning.
 *
 * Uploads are first streamed to a temporary file in `<DATA_DIR>/tmp` (see `newTempPath`);
 * `put` moves such a file into the store. `sweepTemp` removes temporary files left behind by a
 * crash (call it at start-up and, if desired, periodically).
 *
 * Settings (STORAGE_DIR, UPLOAD_MAX_MB) are read with the rest of the configuration (config.ts).
 *
 * Owner-only: everything written here is 0600 in 0700 directories (evidence is personal data);
 * `ownerOnlyUmask`, `privateDir` and `tightenTree` do the same for the rest of the app (the
 * embedded database, backups, keys).
 *
 * Plain Node module: no SvelteKit imports (the command line uses it too).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { config, type StorageSettings } from '../config.ts';

export type { StorageSettings } from '../config.ts';

/** The running process's storage settings (read once, with the rest of the configuration). */
export function storageSettings(): StorageSettings {
	return config().storage;
}

// ---------------------------------------------------------------------------------------------
// Owner-only files
// ---------------------------------------------------------------------------------------------

/** The mode of every file the app or the command line writes: read and write for the owner only. */
export const FILE_MODE = 0o600;
/** The mode of every directory the app or the command line creates. */
export const DIR_MODE = 0o700;

/**
 * Sets the process's umask to 077, so that whatever it creates without an explicit mode (a
 * library's files: the embedded database's) is owner-only too. The server (on connecting) and
 * the command line call it; a worker thread cannot change the umask and leaves it to its process.
 */
export function ownerOnlyUmask(): void {
	if (isMainThread) process.umask(0o077);
}

const loose = (mode: number) => (mode & 0o077) !== 0;

/** chmod that leaves a file owned by someone else (EPERM) or gone (ENOENT) as it is. */
async function chmodIfOurs(p: string, mode: number): Promise<void> {
	try {
		await fsp.chmod(p, mode);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code !== 'EPERM' && code !== 'ENOENT') throw e;
	}
}

/** Creates `dir` (and missing parents) 0700, and takes group and other access away from it if it existed. */
export async function privateDir(dir: string): Promise<void> {
	await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
	const st = await fsp.stat(dir);
	if (loose(st.mode)) await chmodIfOurs(dir, DIR_MODE);
}

/**
 * Takes group and other access away from everything under `dir` (itself included): directories
 * 0700, files keep their owner bits only (0666 → 0600). Symbolic links are not followed. Returns
 * how many entries it changed.
 */
export async function tightenTree(dir: string): Promise<number> {
	let changed = 0;
	const visit = async (p: string, st: fs.Stats) => {
		if (st.isSymbolicLink()) return;
		if (st.isDirectory()) {
			if ((st.mode & 0o777) !== DIR_MODE) {
				await chmodIfOurs(p, DIR_MODE);
				changed++;
			}
			for (const name of await fsp.readdir(p).catch(() => [] as string[])) {
				const child = path.join(p, name);
				const cst = await fsp.lstat(child).catch(() => null);
				if (cst) await visit(child, cst);
			}
		} else if (loose(st.mode)) {
			await chmodIfOurs(p, st.mode & 0o700);
			changed++;
		}
	};
	const st = await fsp.lstat(dir).catch(() => null);
	if (st) await visit(dir, st);
	return changed;
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

const SHA256 = /^[0-9a-f]{64}$/;
const EXT = /^[a-z0-9]{1,10}$/;
const KEY = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.([a-z0-9]{1,10})$/;

export class StorageKeyError extends Error {}

/** The content-addressed key of a file: `ab/cd/<sha256>.<ext>` (lower-case hex). */
export function storageKeyFor(sha256: string, ext: string): string {
	if (!SHA256.test(sha256)) throw new StorageKeyError(`invalid sha256: ${sha256}`);
	if (!EXT.test(ext)) throw new StorageKeyError(`invalid extension: ${ext}`);
	return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.${ext}`;
}

/** Checks a key's shape (so that no key can point outside the store). */
export function assertStorageKey(key: string): void {
	const m = KEY.exec(key);
	if (!m || m[1] !== m[3].slice(0, 2) || m[2] !== m[3].slice(2, 4)) throw new StorageKeyError(`invalid storage key: ${key}`);
}

// ---------------------------------------------------------------------------------------------
// The interface
// ---------------------------------------------------------------------------------------------

export interface FileStore {
	/**
	 * Moves the local file `tempPath` (whose content hashes to `sha256`) into the store and
	 * returns its key. If the key already holds content, it is replaced by the same bytes
	 * (content-addressed), so `put` is idempotent. `tempPath` no longer exists afterwards.
	 */
	put(tempPath: string, sha256: string, ext: string): Promise<string>;
	/** A stream of the stored bytes; rejects with `StoredFileMissingError` if there are none. */
	open(key: string): Promise<Readable>;
	exists(key: string): Promise<boolean>;
	/** Removes the content (no error if it is already gone). */
	remove(key: string): Promise<void>;
}

export class StoredFileMissingError extends Error {
	constructor(key: string) {
		super(`stored file missing: ${key}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Local directory
// ---------------------------------------------------------------------------------------------

async function moveFile(from: string, to: string): Promise<void> {
	try {
		await fsp.rename(from, to);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
		// Different file systems (STORAGE_DIR on another mount): copy beside the target, then
		// rename there, so that the target never holds a partial file.
		const beside = `${to}.${crypto.randomBytes(6).toString('hex')}.part`;
		try {
			await fsp.copyFile(from, beside);
			await fsp.chmod(beside, FILE_MODE);
			await fsp.rename(beside, to);
		} catch (e2) {
			await fsp.rm(beside, { force: true });
			throw e2;
		}
		await fsp.rm(from, { force: true });
	}
}

/**
 * A store in a local directory (`root/ab/cd/<sha256>.<ext>`): files 0600, directories 0700 (the
 * root, created or not, is made 0700 on the first `put`).
 */
export function localFileStore(root: string): FileStore {
	const abs = path.resolve(root);
	const pathOf = (key: string) => {
		assertStorageKey(key);
		return path.join(abs, ...key.split('/'));
	};
	let rootChecked = false;
	return {
		async put(tempPath, sha256, ext) {
			const key = storageKeyFor(sha256, ext);
			const target = pathOf(key);
			if (!rootChecked) {
				await privateDir(abs);
				rootChecked = true;
			}
			// the mode before the move: the temporary file may come with the umask's (0644)
			await fsp.chmod(tempPath, FILE_MODE);
			try {
				await moveFile(tempPath, target);
			} catch (e) {
				// the key's directory does not exist yet (its first file): create it and move again
				if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
				await fsp.mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
				await moveFile(tempPath, target);
			}
			return key;
		},
		async open(key) {
			const p = pathOf(key);
			let handle: fsp.FileHandle;
			try {
				handle = await fsp.open(p, 'r');
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissingError(key);
				throw e;
			}
			return handle.createReadStream({ autoClose: true });
		},
		async exists(key) {
			const st = await fsp.stat(pathOf(key)).catch(() => null);
			return st !== null && st.isFile();
		},
		async remove(key) {
			await fsp.rm(pathOf(key), { force: true });
		}
	};
}

/** The store for the given settings (the only place that knows the drivers). */
export function createFileStore(settings: Pick<StorageSettings, 'driver' | 'filesDir'>): FileStore {
	switch (settings.driver) {
		case 'local':
			return localFileStore(settings.filesDir);
	}
}

let cachedStore: FileStore | undefined;
/** The running process's store. */
export function fileStore(): FileStore {
	cachedStore ??= createFileStore(storageSettings());
	return cachedStore;
}

// ---------------------------------------------------------------------------------------------
// Temporary files
// ---------------------------------------------------------------------------------------------

const TEMP_SUFFIX = '.upload';

const privateTempDirs = new Set<string>();

/**
 * A fresh path in `tmpDir` (created 0700 if needed, made 0700 once per process if it was looser)
 * for one upload; the file itself is not created (create it 0600).
 */
export async function newTempPath(tmpDir: string = storageSettings().tmpDir): Promise<string> {
	if (!privateTempDirs.has(tmpDir)) {
		await privateDir(tmpDir);
		privateTempDirs.add(tmpDir);
	} else await fsp.mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
	return path.join(tmpDir, `${Date.now()}-${crypto.randomUUID()}${TEMP_SUFFIX}`);
}

/** Removes a temporary file; never throws. */
export async function discardTemp(tempPath: string): Promise<void> {
	await fsp.rm(tempPath, { force: true }).catch(() => {});
}

/**
 * Removes upload leftovers from `tmpDir`: files older than `olderThanMs` (default one hour, so
 * that it is safe to run while uploads are in progress, for instance from a timer; at start-up
 * of the only process using the directory, `0` removes everything). Returns how many it removed.
 */
export async function sweepTemp(opts: { tmpDir?: string; olderThanMs?: number } = {}): Promise<number> {
	const dir = opts.tmpDir ?? storageSettings().tmpDir;
	const olderThanMs = opts.olderThanMs ?? 3_600_000;
	let entries: fs.Dirent[];
	try {
		entries = await fsp.readdir(dir, { withFileTypes: true });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
		throw e;
	}
	const cutoff = Date.now() - olderThanMs;
	let removed = 0;
	for (const e of entries) {
		if (!e.isFile() || !e.name.endsWith(TEMP_SUFFIX)) continue;
		const p = path.join(dir, e.name);
		const st = await fsp.stat(p).catch(() => null);
		if (!st || (olderThanMs > 0 && st.mtimeMs > cutoff)) continue;
		await fsp.rm(p, { force: true });
		removed++;
	}
	return removed;
}
