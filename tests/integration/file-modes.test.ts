/**
 * Owner-only files (issue 12): everything the app or the command line writes is 0600 in 0700
 * directories, whatever the umask it was started with (022 here, the usual default, under which
 * backups came out 0644 in 0755 directories and the embedded database's files 0666): the
 * embedded database's directory (opened and closed), the file store and its temporary files, a
 * backup and the backup key, and the command line run as a separate process.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres } from '../helpers/db.ts';
import { pdf } from '../helpers/files.ts';
import { connect } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { loadConfig } from '#lib/server/config.ts';
import { localFileStore, newTempPath } from '#lib/server/storage/index.ts';
import { backup } from '#lib/server/ops/backup.ts';
import { generateBackupKey } from '#lib/server/ops/backup-key.ts';

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, '../..');

/** Every entry under `dir` (itself included) that is not owner-only: a file with group or other bits, a directory other than 0700. */
function notOwnerOnly(dir: string): string[] {
	const bad: string[] = [];
	const visit = (p: string) => {
		const st = fs.lstatSync(p);
		const mode = st.mode & 0o777;
		if (st.isDirectory()) {
			if (mode !== 0o700) bad.push(`${path.relative(dir, p) || '.'}/ ${mode.toString(8)}`);
			for (const name of fs.readdirSync(p)) visit(path.join(p, name));
		} else if (!st.isSymbolicLink() && (mode & 0o077) !== 0) bad.push(`${path.relative(dir, p)} ${mode.toString(8)}`);
	};
	visit(dir);
	return bad;
}

const countFiles = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

let root: string;
let savedUmask: number;

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-modes-'));
});
afterAll(() => {
	if (root) fs.rmSync(root, { recursive: true, force: true });
});
// the usual umask, under which a file written without an explicit mode is 0644 (the writers
// must not depend on the umask the app sets for itself)
beforeEach(() => {
	savedUmask = process.umask(0o022);
});
afterEach(() => {
	process.umask(savedUmask);
});

describe('owner-only files', () => {
	it('the embedded database: DATA_DIR, its database directory and every file in it, after opening and after closing', async () => {
		const dataDir = path.join(root, 'embedded-data');
		const cfg = loadConfig({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		const conn = await connect(cfg);
		try {
			process.umask(0o022);
			await prepareDatabase(conn.db);
			// open: the directories already keep everyone else out
			expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
			expect(fs.statSync(cfg.embeddedDbDir).mode & 0o777).toBe(0o700);
			expect(fs.statSync(path.join(cfg.embeddedDbDir, '.app.lock')).mode & 0o777).toBe(0o600);
		} finally {
			await conn.close();
		}
		expect(countFiles(cfg.embeddedDbDir)).toBeGreaterThan(500);
		expect(notOwnerOnly(dataDir)).toEqual([]);

		// a data directory left loose by an older version is tightened when opened
		fs.chmodSync(dataDir, 0o755);
		fs.chmodSync(cfg.embeddedDbDir, 0o755);
		fs.chmodSync(path.join(cfg.embeddedDbDir, 'PG_VERSION'), 0o666);
		const again = await connect(cfg);
		await again.close();
		expect(notOwnerOnly(dataDir)).toEqual([]);
	});

	it('the file store: stored files 0600 in 0700 directories, temporary files in a 0700 directory', async () => {
		const filesDir = path.join(root, 'store', 'files');
		const tmpDir = path.join(root, 'store', 'tmp');
		const store = localFileStore(filesDir);
		// as the certificate job writes its PDF: a temporary file with the umask's mode (0644)
		for (const note of ['một', 'hai']) {
			const content = pdf(`Minh chứng ${note}`);
			const tmp = await newTempPath(tmpDir);
			fs.writeFileSync(tmp, content);
			expect(fs.statSync(tmp).mode & 0o777).toBe(0o644);
			await store.put(tmp, crypto.createHash('sha256').update(content).digest('hex'), 'pdf');
		}
		expect(countFiles(filesDir)).toBe(2);
		expect(notOwnerOnly(path.join(root, 'store'))).toEqual([]);
	});

	it(`a backup (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}): every file 0600, every directory 0700, the backup key too`, async () => {
		const t = await freshDb();
		try {
			process.umask(0o022);
			const store = localFileStore(path.join(root, 'backup-src-files'));
			const content = pdf('Bản sao lưu');
			const sha256 = crypto.createHash('sha256').update(content).digest('hex');
			const tmp = path.join(root, 'evidence.pdf');
			fs.writeFileSync(tmp, content);
			const key = await store.put(tmp, sha256, 'pdf');
			await t.db
				.insertInto('stored_file')
				.values({ sha256, size: content.length, mime: 'application/pdf', ext: 'pdf', storage_key: key })
				.execute();
			const keys = path.join(root, 'keys');
			const signingKey = generateBackupKey(path.join(keys, 'backup-ed25519.pem'));
			expect(notOwnerOnly(keys)).toEqual([]);

			const out = path.join(root, 'backups', 'new');
			const { manifest } = await backup(t.db, store, out, { signingKey });
			expect(manifest.files).toHaveLength(1);
			expect(notOwnerOnly(out)).toEqual([]);
			expect(fs.readdirSync(out).sort()).toEqual(['files', 'manifest.json', 'manifest.sig', 'tables']);
			// into an existing empty directory that others could read: it is closed first
			const existing = path.join(root, 'backups', 'existing');
			fs.mkdirSync(existing, { mode: 0o755 });
			fs.chmodSync(existing, 0o755);
			await backup(t.db, store, existing, { signingKey });
			expect(notOwnerOnly(existing)).toEqual([]);
		} finally {
			await t.drop();
		}
	});

	it('the command line, started with umask 022: migrate and back up an embedded deployment, all owner-only', async () => {
		const dataDir = path.join(root, 'cli-data');
		const out = path.join(root, 'cli-backup');
		const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REVIEW_LEVEL: 'province', NODE_ENV: '' };
		const cli = (...args: string[]) => run(process.execPath, ['src/cli/main.ts', ...args], { cwd: projectRoot, env, timeout: 120_000 });
		await cli('db', 'migrate');
		const b = await cli('backup', out);
		expect(b.stdout).toMatch(/Đã sao lưu .* vào .*cli-backup/);
		expect(countFiles(path.join(dataDir, 'pglite'))).toBeGreaterThan(500);
		expect(notOwnerOnly(dataDir)).toEqual([]);
		expect(notOwnerOnly(out)).toEqual([]);
		expect(fs.existsSync(path.join(dataDir, 'keys', 'backup-ed25519.pem'))).toBe(true);
	}, 120_000);
});
