/**
 * Backup, restore and the storage check (issue 7) on the embedded database or PostgreSQL
 * (TEST_DATABASE_URL): a deployment with two dossiers (real stored PDFs), a submission, a review,
 * an appraisal, a recognition decision and its certificate (serial sequence, stored PDF), a
 * session (bytea) and an answer holding a JSON null is backed up, restored into a second fresh
 * database and store, and compared row by row and file by file; the audit chain verifies and
 * the sequences continue. Restores into a database with data, of a tampered backup, or that
 * fail half-way write nothing. The storage check finds orphan, missing and damaged files and
 * `fix` removes only old orphans. The command line (`runOpsCommand`) end to end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDb, usingPostgres, withDataDir, type TestDb } from '../helpers/db.ts';
import { completeDossier, seedRound } from '../helpers/fixtures.ts';
import { pdf } from '../helpers/files.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { createSession } from '#lib/server/auth/session.ts';
import { addComment, appraise, startReview } from '#lib/server/reviews/index.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { assessmentCriteriaSet } from '#lib/server/dossier/index.ts';
import { generateSigningKey } from '#lib/server/certificates/signing.ts';
import { jobPromise, startCertificateJob } from '#lib/server/certificates/index.ts';
import { recordAudit, verifyAuditChain } from '#lib/server/audit/index.ts';
import { seedDemo, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { loadConfig, type Config } from '#lib/server/config.ts';
import { localFileStore, storageKeyFor, type FileStore } from '#lib/server/storage/index.ts';
import { backup, checkableLocalStore, restore, storageCheck, type Manifest } from '#lib/server/ops/backup.ts';
import { AppError } from '#lib/server/errors.ts';
import { runOpsCommand } from '../../src/cli/ops.ts';

const TABLES = [
	'admin_unit',
	'unit_lineage',
	'account',
	'session',
	'login_attempt',
	'audit_log',
	'criteria_set',
	'round',
	'assessment',
	'assessment_answer',
	'stored_file',
	'evidence',
	'evidence_link',
	'review_item',
	'review_comment',
	'submission',
	'correction_request',
	'appraisal',
	'decision',
	'decision_item',
	'revocation',
	'notification',
	'certificate',
	'document_job',
	'review_participant',
	'certificate_print',
	'audit_chain_head',
	'audit_anchored_head',
	'audit_anchor'
];

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const listFiles = (dir: string): string[] =>
	fs.existsSync(dir)
		? fs
				.readdirSync(dir, { recursive: true, withFileTypes: true })
				.filter((e) => e.isFile())
				.map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
				.sort()
		: [];

async function counts(t: TestDb): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const name of TABLES)
		out[name] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(t.db)).rows[0].n;
	return out;
}
const migrationNames = async (t: TestDb) =>
	(await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db)).rows.map((r) => r.name);

let root: string;
let src: TestDb;
let srcFiles: string;
let srcStore: FileStore;
let f: Awaited<ReturnType<typeof seedRound>>;
let first: Manifest;
const toDrop: TestDb[] = [];
const fresh = async () => {
	const t = await freshDb();
	toDrop.push(t);
	return t;
};
const timings: string[] = [];

beforeAll(async () => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-backup-'));
	src = await freshDb();
	f = await seedRound(src);
	srcFiles = path.join(root, 'src-files');
	srcStore = localFileStore(srcFiles);
	const acct = async (id: number) => {
		const a = (await loadActor(src.db, id))!;
		return a;
	};
	const [chair, reviewer, approver] = await Promise.all([acct(f.chairA), acct(f.reviewer), acct(f.approver)]);
	const a = f.assessmentA;
	const v = async () => (await loadAssessment(src.db, a))!.stateVersion;
	await completeDossier(src, a, f.officerA, srcStore);
	await completeDossier(src, f.assessmentB, f.officerB, srcStore);
	await transition(src.db, chair, a, 'submit', await v());
	await startReview(src.db, reviewer, a, await v());
	const info = (await loadAssessment(src.db, a))!;
	const set = await assessmentCriteriaSet(src.db, info);
	const c = await addComment(src.db, reviewer, info, {
		indicator: set.criteria[0].indicators[0].code,
		body: 'Đề nghị bổ sung nguồn số liệu — “trẻ em dưới 5 tuổi”.\nDòng thứ hai.'
	});
	expect(c).toBeGreaterThan(0);
	await appraise(src.db, reviewer, a, await v(), { recommendation: 'recognise', remarks: 'Đạt' });
	await confirmCriteriaSet(src.db, info.criteriaSet.id, await acct(f.admin), 'kiểm thử sao lưu');
	const decisionId = await issueDecision(src.db, approver, {
		outcome: 'recognise',
		number: '12/QĐ-UBND',
		issuedOn: '2026-11-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		assessments: [{ id: a, version: await v() }]
	});
	const keyFile = path.join(root, 'keys', 'k.pem');
	generateSigningKey(keyFile);
	const job = await startCertificateJob(src.db, { signingKeyFile: keyFile }, srcStore, approver, decisionId, {
		baseUrl: 'https://treem.example.vn',
		render: async () => pdf('Giay chung nhan'),
		tmpDir: path.join(root, 'tmp')
	});
	await jobPromise(job);
	// a session (bytea), a sign-in attempt (bigserial) and an answer that is the JSON value null
	await createSession(src.db, f.officerA);
	await src.db.insertInto('login_attempt').values({ key: 'email:x@demo.vn' }).execute();
	await src.db
		.insertInto('assessment_answer')
		.values({ assessment_id: f.assessmentB, indicator_code: 'ZZ99.9', answer: 'null', updated_by: f.officerB })
		.execute();
}, 180_000);

afterAll(async () => {
	for (const t of toDrop) await t.drop();
	await src?.drop();
	if (root) fs.rmSync(root, { recursive: true, force: true });
	console.log(`backup/restore timings (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}):\n  ${timings.join('\n  ')}`);
});

describe(`backup and restore (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('backs up every table and file, and restores them exactly into a fresh database and store', async () => {
		const before = await counts(src);
		expect(before.certificate).toBe(1);
		expect(before.submission).toBe(1);
		const out = path.join(root, 'backup-1');
		let t0 = performance.now();
		const { manifest } = await backup(src.db, srcStore, out);
		const backupMs = performance.now() - t0;
		// the backup first wrote an anchor over every chain's head, and it is in the copy
		const srcCounts = await counts(src);
		expect(srcCounts.audit_anchor).toBe(before.audit_anchor + 1);
		const lastAnchor = await src.db.selectFrom('audit_anchor').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
		expect(lastAnchor.details).toEqual({ by: 'backup' });
		const heads = await src.db
			.selectFrom('audit_chain_head')
			.select(['chain', 'seq', 'hash'])
			.where('chain', '<>', 'anchor')
			.orderBy('chain')
			.execute();
		expect(await src.db.selectFrom('audit_anchored_head').select(['chain', 'seq', 'hash']).orderBy('chain').execute()).toEqual(heads);
		expect(lastAnchor.chains).toBe(heads.length);
		first = manifest;
		expect(manifest.problems).toEqual([]);
		expect(manifest.source).toBe(usingPostgres ? 'postgres' : 'embedded');
		expect(manifest.migrations).toEqual(await migrationNames(src));
		expect(manifest.tables.map((t) => t.name).sort()).toEqual([...TABLES].sort());
		for (const t of manifest.tables) expect(t.rows, t.name).toBe(srcCounts[t.name]);
		// dependency order: every table after the ones it refers to
		const pos = (n: string) => manifest.tables.findIndex((t) => t.name === n);
		expect(pos('admin_unit')).toBeLessThan(pos('account'));
		expect(pos('account')).toBeLessThan(pos('audit_log'));
		expect(pos('decision_item')).toBeLessThan(pos('certificate'));
		expect(pos('stored_file')).toBeLessThan(pos('evidence'));
		expect(manifest.sequences.map((s) => s.name)).toContain('certificate_serial_seq');
		expect(manifest.sequences.find((s) => s.name === 'certificate_serial_seq')).toEqual({
			name: 'certificate_serial_seq',
			lastValue: 1,
			isCalled: true
		});
		const storedRows = await src.db.selectFrom('stored_file').select(['sha256', 'storage_key', 'size']).orderBy('id').execute();
		expect(storedRows).toHaveLength(3);
		expect(manifest.files).toEqual(storedRows.map((r) => ({ key: r.storage_key, size: r.size, sha256: r.sha256 })));
		expect(manifest.totals).toMatchObject({
			tables: TABLES.length,
			files: 3,
			problems: 0,
			rows: Object.values(srcCounts).reduce((s, n) => s + n, 0)
		});
		// the files on disk: JSON Lines per table, the stored files by key, the manifest
		for (const t of manifest.tables) {
			const text = fs.readFileSync(path.join(out, t.file), 'utf8');
			expect(sha(Buffer.from(text))).toBe(t.sha256);
			expect(text.split('\n').filter(Boolean)).toHaveLength(t.rows);
		}
		const accounts = fs
			.readFileSync(path.join(out, 'tables/account.jsonl'), 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
		expect(accounts.map((r) => r.id)).toEqual([...accounts.map((r) => r.id)].sort((x, y) => x - y));
		expect(accounts[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
		const round = JSON.parse(fs.readFileSync(path.join(out, 'tables/round.jsonl'), 'utf8').split('\n')[0]);
		expect(round.opens_on).toBe('2026-01-01');
		const stored = JSON.parse(fs.readFileSync(path.join(out, 'tables/stored_file.jsonl'), 'utf8').split('\n')[0]);
		expect(typeof stored.size).toBe('number');
		expect(listFiles(path.join(out, 'files'))).toEqual(storedRows.map((r) => r.storage_key).sort());

		const dst = await fresh();
		const dstFiles = path.join(root, 'dst-files');
		const dstStore = localFileStore(dstFiles);
		t0 = performance.now();
		const r = await restore(dst.db, dstStore, out, { tmpDir: path.join(root, 'tmp') });
		const restoreMs = performance.now() - t0;
		timings.push(
			`backup ${backupMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms: ${manifest.totals.tables} tables, ${manifest.totals.rows} rows (${(manifest.totals.tableBytes / 1024).toFixed(0)} KiB JSONL), ${manifest.totals.files} files`
		);
		expect(r).toMatchObject({ tables: TABLES.length, rows: manifest.totals.rows, files: 3, problems: [], migratedAfter: [] });
		expect(r.audit.ok).toBe(true);
		expect(await counts(dst)).toEqual(srcCounts);
		expect(await migrationNames(dst)).toEqual(await migrationNames(src));

		// every value identical: a backup of the restored database has the same table files
		const again = await backup(dst.db, dstStore, path.join(root, 'backup-2'));
		expect(again.manifest.tables.map((t) => [t.name, t.sha256])).toEqual(manifest.tables.map((t) => [t.name, t.sha256]));
		expect(again.manifest.sequences).toEqual(manifest.sequences);
		const nullAnswer = await dst.db
			.selectFrom('assessment_answer')
			.select(sql<string>`answer::text`.as('a'))
			.where('indicator_code', '=', 'ZZ99.9')
			.executeTakeFirstOrThrow();
		expect(nullAnswer.a).toBe('null');

		// every file, same bytes
		expect(listFiles(dstFiles)).toEqual(listFiles(srcFiles));
		for (const row of storedRows) {
			expect(sha(fs.readFileSync(path.join(dstFiles, row.storage_key)))).toBe(row.sha256);
			expect(sha(fs.readFileSync(path.join(srcFiles, row.storage_key)))).toBe(row.sha256);
		}
		expect(listFiles(path.join(root, 'tmp'))).toEqual([]);

		// the audit chain, with the very same records
		const chain = await verifyAuditChain(dst.db);
		expect(chain).toEqual(await verifyAuditChain(src.db));
		expect(chain.ok).toBe(true);

		// sequences continue: new rows in every serial table take ids above the restored ones
		for (const s of manifest.sequences.filter((x) => x.name.endsWith('_id_seq'))) {
			const table = s.name.slice(0, -'_id_seq'.length);
			const max = (await sql<{ m: number | null }>`select max(id)::bigint as m from ${sql.table(table)}`.execute(dst.db)).rows[0].m ?? 0;
			expect(s.lastValue, s.name).toBeGreaterThanOrEqual(max);
		}
		const [srcNext, dstNext] = await Promise.all(
			[src, dst].map(async (t) => Number((await sql<{ n: string }>`select nextval('certificate_serial_seq') as n`.execute(t.db)).rows[0].n))
		);
		expect(dstNext).toBe(srcNext);
		const acct = await createAccount(
			dst.db,
			dst.config,
			{ email: 'moi@demo.vn', fullName: 'Tài khoản mới', role: 'admin', unitCode: null, password: DEMO_PASSWORD },
			{ id: null, email: 'test' }
		);
		expect(acct.id).toBeGreaterThan(Math.max(...accounts.map((x) => x.id)));
		await recordAudit(dst.db, { action: 'test.after_restore', actorLabel: 'test' });
		await dst.db
			.insertInto('stored_file')
			.values({ sha256: 'f'.repeat(64), size: 1, mime: 'application/pdf', ext: 'pdf', storage_key: storageKeyFor('f'.repeat(64), 'pdf') })
			.execute();
		expect((await verifyAuditChain(dst.db)).ok).toBe(true);
	});

	it('refuses to write into a directory that is not empty', async () => {
		const out = path.join(root, 'not-empty');
		fs.mkdirSync(out);
		fs.writeFileSync(path.join(out, 'x.txt'), 'x');
		await expect(backup(src.db, srcStore, out)).rejects.toThrow(/không trống/);
		expect(fs.readdirSync(out)).toEqual(['x.txt']);
	});

	it('a backup that fails leaves no partial backup behind', async () => {
		const broken: FileStore = {
			...srcStore,
			open: async () => {
				throw Object.assign(new Error('lỗi đọc đĩa (giả lập)'), { code: 'EIO' });
			}
		};
		const created = path.join(root, 'failed-new');
		await expect(backup(src.db, broken, created)).rejects.toThrow('lỗi đọc đĩa');
		expect(fs.existsSync(created)).toBe(false);
		const empty = path.join(root, 'failed-empty');
		fs.mkdirSync(empty);
		await expect(backup(src.db, broken, empty)).rejects.toThrow('lỗi đọc đĩa');
		expect(fs.readdirSync(empty)).toEqual([]);
	});

	it('refuses to restore into a database that holds data, and writes nothing', async () => {
		const other = await fresh();
		await seedDemo(other.db, other.config, { withRound: false });
		const before = await counts(other);
		const migrations = await migrationNames(other);
		const files = path.join(root, 'refused-files');
		await expect(restore(other.db, localFileStore(files), path.join(root, 'backup-1'))).rejects.toThrow(
			/CSDL đích đã có dữ liệu \(bảng admin_unit, unit_lineage, account, audit_log\)/
		);
		expect(await counts(other)).toEqual(before);
		expect(await migrationNames(other)).toEqual(migrations);
		expect(listFiles(files)).toEqual([]);
		// the source itself, of course, too
		await expect(restore(src.db, srcStore, path.join(root, 'backup-1'))).rejects.toBeInstanceOf(AppError);
	});

	it('refuses a tampered backup before writing anything', async () => {
		const target = await fresh();
		const before = await counts(target);
		const files = path.join(root, 'tampered-files');
		const copy = (name: string) => {
			const dir = path.join(root, name);
			fs.cpSync(path.join(root, 'backup-1'), dir, { recursive: true });
			return dir;
		};
		// one byte of a table file
		const t1 = copy('tampered-table');
		const accounts = path.join(t1, 'tables/account.jsonl');
		const bytes = fs.readFileSync(accounts);
		const i = bytes.indexOf(Buffer.from('Nguy'));
		bytes[i] = 'M'.charCodeAt(0);
		fs.writeFileSync(accounts, bytes);
		await expect(restore(target.db, localFileStore(files), t1)).rejects.toThrow(
			/không toàn vẹn[\s\S]*tables\/account\.jsonl đã bị thay đổi/
		);
		// one byte of a stored file
		const t2 = copy('tampered-file');
		const key = first.files[0].key;
		const p = path.join(t2, 'files', key);
		const content = fs.readFileSync(p);
		content[content.length - 2] ^= 1;
		fs.writeFileSync(p, content);
		await expect(restore(target.db, localFileStore(files), t2)).rejects.toThrow(
			new RegExp(`files/${key.replace(/\./g, '\\.')} đã bị thay đổi`)
		);
		// a backup of a newer version of the software
		const t3 = copy('future');
		const m = JSON.parse(fs.readFileSync(path.join(t3, 'manifest.json'), 'utf8'));
		m.migrations.push('2099-01-01-001-future');
		fs.writeFileSync(path.join(t3, 'manifest.json'), JSON.stringify(m));
		await expect(restore(target.db, localFileStore(files), t3)).rejects.toThrow(
			/phiên bản phần mềm mới hơn: phiên bản lược đồ 2099-01-01-001-future/
		);
		// no manifest: not a backup
		const t4 = copy('no-manifest');
		fs.rmSync(path.join(t4, 'manifest.json'));
		await expect(restore(target.db, localFileStore(files), t4)).rejects.toThrow(/không phải là một bản sao lưu hoàn chỉnh/);
		expect(await counts(target)).toEqual(before);
		expect(listFiles(files)).toEqual([]);
	});

	it('a restore that fails half-way rolls back and removes the files it placed', async () => {
		const target = await fresh();
		const before = await counts(target);
		const files = path.join(root, 'half-way-files');
		const real = localFileStore(files);
		let puts = 0;
		const failing: FileStore = {
			...real,
			async put(tmp, sha256, ext) {
				if (++puts === 3) throw new Error('đĩa đầy (giả lập)');
				return real.put(tmp, sha256, ext);
			}
		};
		await expect(restore(target.db, failing, path.join(root, 'backup-1'), { tmpDir: path.join(root, 'tmp') })).rejects.toThrow(
			'đĩa đầy (giả lập)'
		);
		expect(puts).toBe(3);
		expect(await counts(target)).toEqual(before);
		expect(listFiles(files)).toEqual([]);
		expect(listFiles(path.join(root, 'tmp'))).toEqual([]);
		// and the same target then takes the backup
		const r = await restore(target.db, real, path.join(root, 'backup-1'));
		expect(r.audit.ok).toBe(true);
		expect(listFiles(files)).toHaveLength(3);
	});
});

describe(`storage check (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('finds orphan, missing and damaged files; fix removes only old orphans, never rows', async () => {
		const store = checkableLocalStore(srcFiles);
		const clean = await storageCheck(src.db, store);
		expect(clean).toMatchObject({ rows: 3, ok: 3, missing: [], mismatched: [], orphans: [] });

		const rows = await src.db.selectFrom('stored_file').select(['sha256', 'storage_key']).orderBy('id').execute();
		// an orphan left by a crash between placing a file and committing its row (an hour ago),
		// a recent one (maybe an upload in progress), a leftover partial copy, and files outside
		// the store's directories (ignored)
		const orphanBytes = pdf('orphan');
		const orphan = storageKeyFor(sha(orphanBytes), 'pdf');
		fs.mkdirSync(path.dirname(path.join(srcFiles, orphan)), { recursive: true });
		fs.writeFileSync(path.join(srcFiles, orphan), orphanBytes);
		const hourAgo = new Date(Date.now() - 3_600_000);
		fs.utimesSync(path.join(srcFiles, orphan), hourAgo, hourAgo);
		const young = storageKeyFor(sha(pdf('young')), 'pdf');
		fs.mkdirSync(path.dirname(path.join(srcFiles, young)), { recursive: true });
		fs.writeFileSync(path.join(srcFiles, young), pdf('young'));
		const part = `${rows[0].storage_key}.abc123.part`;
		fs.writeFileSync(path.join(srcFiles, part), 'partial');
		fs.utimesSync(path.join(srcFiles, part), hourAgo, hourAgo);
		fs.mkdirSync(path.join(srcFiles, 'tmp'), { recursive: true });
		fs.writeFileSync(path.join(srcFiles, 'tmp', 'x.upload'), 'tmp');
		// a missing file and a damaged one
		fs.rmSync(path.join(srcFiles, rows[1].storage_key));
		fs.appendFileSync(path.join(srcFiles, rows[2].storage_key), 'x');

		const report = await storageCheck(src.db, store);
		expect(report.rows).toBe(3);
		expect(report.ok).toBe(1);
		expect(report.missing).toEqual([{ key: rows[1].storage_key, sha256: rows[1].sha256 }]);
		expect(report.mismatched).toHaveLength(1);
		expect(report.mismatched[0]).toMatchObject({ key: rows[2].storage_key, sha256: rows[2].sha256 });
		expect(report.orphans.map((o) => o.path).sort()).toEqual([orphan, young, part].sort());
		expect(report.removed).toEqual([]);
		expect(fs.existsSync(path.join(srcFiles, orphan))).toBe(true);

		// a backup now: the rows are all there, the two bad files reported, the rest written
		const out = path.join(root, 'backup-damaged');
		const { manifest } = await backup(src.db, srcStore, out);
		expect(manifest.problems.map((p) => [p.key, p.problem]).sort()).toEqual(
			[
				[rows[1].storage_key, 'missing'],
				[rows[2].storage_key, 'mismatch']
			].sort()
		);
		expect(manifest.files.map((x) => x.key)).toEqual([rows[0].storage_key]);
		expect(listFiles(path.join(out, 'files'))).toEqual([rows[0].storage_key]);
		expect(manifest.tables.find((t) => t.name === 'stored_file')!.rows).toBe(3);

		const storedBefore = await src.db.selectFrom('stored_file').select('id').execute();
		const fixed = await storageCheck(src.db, store, { fix: true });
		expect(fixed.removed.sort()).toEqual([orphan, part].sort());
		expect(fixed.kept).toEqual([young]);
		expect(fs.existsSync(path.join(srcFiles, orphan))).toBe(false);
		expect(fs.existsSync(path.join(srcFiles, part))).toBe(false);
		expect(fs.existsSync(path.join(srcFiles, young))).toBe(true);
		expect(fs.existsSync(path.join(srcFiles, 'tmp', 'x.upload'))).toBe(true);
		expect(fs.existsSync(path.join(srcFiles, rows[0].storage_key))).toBe(true);
		expect(fs.existsSync(path.join(srcFiles, rows[2].storage_key))).toBe(true);
		expect(await src.db.selectFrom('stored_file').select('id').execute()).toEqual(storedBefore);
		const after = await storageCheck(src.db, store, { fix: true, minAgeMs: 0 });
		expect(after.removed).toEqual([young]);
		expect(after.missing).toHaveLength(1);
		expect(after.mismatched).toHaveLength(1);
	});
});

describe(`command line: backup, restore, storage check (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	/** A deployment the command line reaches through its configuration, like `npm run cli`. */
	async function deployment(dataDir: string, seed: boolean): Promise<Config> {
		const setup = async (t: TestDb) => {
			if (!seed) return;
			const s = await seedRound(t);
			await completeDossier(t, s.assessmentA, s.officerA, localFileStore(path.join(dataDir, 'files')));
		};
		if (usingPostgres) {
			const t = await fresh();
			await setup(t);
			return loadConfig({ DATABASE_URL: t.config.databaseUrl!, DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		}
		if (seed) await withDataDir(dataDir, setup);
		return loadConfig({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
	}

	async function cli(cfg: Config, key: string, positionals: string[] = [], values: { fix?: boolean } = {}) {
		const out: string[] = [];
		const err: string[] = [];
		const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
		const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
		process.exitCode = 0;
		try {
			const handled = await runOpsCommand(key, positionals, values, cfg);
			return { handled, code: process.exitCode ?? 0, out: out.join('\n'), err: err.join('\n') };
		} finally {
			process.exitCode = 0;
			log.mockRestore();
			error.mockRestore();
		}
	}

	it('backs up, restores into a new deployment and checks its store, with Vietnamese summaries and exit codes', async () => {
		const from = await deployment(path.join(root, 'cli-src'), true);
		const to = await deployment(path.join(root, 'cli-dst'), false);
		const out = path.join(root, 'cli-backup');

		expect((await cli(from, 'db migrate')).handled).toBe(false);
		const b = await cli(from, `backup ${out}`);
		expect(b, b.err).toMatchObject({ handled: true, code: 0 });
		expect(b.out).toMatch(
			new RegExp(
				`^Đã sao lưu ${TABLES.length} bảng \\([\\d.]+ dòng\\) và 1 tệp \\([\\d,]+ (byte|kB)\\) vào .*cli-backup trong \\d+,\\d s\\.`
			)
		);
		timings.push(`CLI: ${b.out.split('\n')[0]}`);
		const again = await cli(from, 'backup', [out]);
		expect(again.code).toBe(2);
		expect(again.err).toMatch(/^Lỗi: Thư mục .* không trống/);
		expect((await cli(from, 'backup')).code).toBe(2);

		const r = await cli(to, `restore ${out}`);
		expect(r, r.err).toMatchObject({ handled: true, code: 0 });
		expect(r.out).toMatch(
			new RegExp(
				`^Đã khôi phục ${TABLES.length} bảng \\([\\d.]+ dòng\\) và 1 tệp \\([\\d,]+ (byte|kB)\\) từ .* trong \\d+,\\d s\\.\\n.*nhật ký toàn vẹn: [\\d.]+ bản ghi\\.`
			)
		);
		timings.push(`CLI: ${r.out.split('\n')[0]}`);
		const twice = await cli(to, 'restore', [out]);
		expect(twice.code).toBe(2);
		expect(twice.err).toMatch(/CSDL đích đã có dữ liệu/);

		const ok = await cli(to, 'storage check');
		expect(ok, ok.err).toMatchObject({ code: 0 });
		expect(ok.out).toMatch(/1 tệp trong CSDL, 1 đúng nội dung[\s\S]*Kho tệp khớp với CSDL\./);
		const orphan = path.join(root, 'cli-dst', 'files', 'ab', 'cd', `abcd${'0'.repeat(60)}.pdf`);
		fs.mkdirSync(path.dirname(orphan), { recursive: true });
		fs.writeFileSync(orphan, 'mồ côi');
		fs.utimesSync(orphan, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
		const found = await cli(to, 'storage', ['check']);
		expect(found.code).toBe(1);
		expect(found.out).toMatch(/1 tệp mồ côi[\s\S]*--fix/);
		const fixed = await cli(to, 'storage check', [], { fix: true });
		expect(fixed.code).toBe(0);
		expect(fixed.out).toMatch(/1 tệp mồ côi .*; đã xóa 1/);
		expect(fs.existsSync(orphan)).toBe(false);
		expect((await cli(to, 'storage check', ['extra'])).code).toBe(2);

		// the restored deployment opens as usual, its audit chain intact
		if (!usingPostgres) {
			await withDataDir(path.join(root, 'cli-dst'), async (t) => {
				expect((await verifyAuditChain(t.db)).ok).toBe(true);
				expect(await t.db.selectFrom('account').select('email').where('email', '=', 'canbo.xa@demo.vn').executeTakeFirst()).toBeTruthy();
			});
		}
	});
});
