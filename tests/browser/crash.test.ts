/**
 * A crash in the middle of an upload (issue 7, "never lose work"): the built server on the demo
 * data receives a 30 MB evidence file sent slowly; half-way through it is killed (SIGKILL, no
 * shutdown of any kind). The partial upload is left in DATA_DIR/tmp. The server started again on
 * the same data directory sweeps the temporary directory at start, has no evidence row, no
 * stored_file row and no stored file for that upload, keeps its audit chain, and takes uploads
 * again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie, startServer, type RunningServer } from '../helpers/server.ts';
import { withDataDir } from '../helpers/db.ts';
import { pdf } from '../helpers/files.ts';
import { seedDemo } from '#lib/server/seed/demo.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import { checkableLocalStore, storageCheck } from '#lib/server/ops/backup.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-crash-'));
const tmpDir = path.join(dataDir, 'tmp');
const filesDir = path.join(dataDir, 'files');
const SIZE = 30 * 1024 * 1024;
let server: RunningServer | undefined;
let assessmentId: number;
let before: { evidence: number; storedFiles: number; audit: number };

const listFiles = (dir: string): { path: string; size: number }[] =>
	fs.existsSync(dir)
		? fs
				.readdirSync(dir, { recursive: true, withFileTypes: true })
				.filter((e) => e.isFile())
				.map((e) => ({ path: path.join(e.parentPath, e.name), size: fs.statSync(path.join(e.parentPath, e.name)).size }))
		: [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function snapshot() {
	return withDataDir(dataDir, async (t) => ({
		evidence: (await t.db.selectFrom('evidence').select('id').where('assessment_id', '=', assessmentId).execute()).length,
		storedFiles: (await t.db.selectFrom('stored_file').select('id').execute()).length,
		audit: (await t.db.selectFrom('audit_log').select('id').execute()).length,
		uploads: await t.db.selectFrom('audit_log').select(['id', 'details']).where('action', '=', 'evidence.upload').execute(),
		chain: await verifyAuditChain(t.db),
		store: await storageCheck(t.db, checkableLocalStore(filesDir), { minAgeMs: 0 })
	}));
}

const cookieFor = sessionCookie;

beforeAll(async () => {
	// the demo deployment (as DEMO_SEED=1 loads it), prepared before the server so that the
	// test knows the assessment of Phường Phú Xuân (19753) in the demo round
	const ids = await withDataDir(dataDir, async (t) => {
		await seedDemo(t.db, t.config);
		const a = await t.db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.select('a.id')
			.where('c.code', '=', '19753')
			.where('c.era', '=', 'post2025')
			.executeTakeFirstOrThrow();
		return a.id;
	});
	assessmentId = ids;
	const s = await snapshot();
	before = { evidence: s.evidence, storedFiles: s.storedFiles, audit: s.audit };
}, 180_000);

afterAll(async () => {
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the server killed in the middle of an upload', () => {
	it('leaves a temporary file, which the next start sweeps; no row and no stored file for the upload', async () => {
		server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		const url = server.url;
		const cookie = await cookieFor(url, 'canbo.xa@demo.vn');

		// a 30 MB PDF (padded), streamed in 256 KB pieces with pauses, so that it is mid-way
		// when the server dies
		const boundary = `----crash${crypto.randomBytes(8).toString('hex')}`;
		const head = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nevidence\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\nTC07.1\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bien-ban-lon.pdf"\r\nContent-Type: application/pdf\r\n\r\n`
		);
		const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		const body = pdf('Bien ban rat lon', SIZE);
		const fullSha = crypto.createHash('sha256').update(body).digest('hex');
		const req = http.request(`${url}/assessments/${assessmentId}/evidence/upload`, {
			method: 'POST',
			headers: {
				cookie,
				origin: url,
				accept: 'application/json',
				'content-type': `multipart/form-data; boundary=${boundary}`,
				'content-length': String(head.length + body.length + tail.length)
			}
		});
		let response: number | null = null;
		const done = new Promise<string>((resolve) => {
			req.on('response', (res) => {
				response = res.statusCode ?? null;
				res.resume();
				res.on('end', () => resolve('response'));
				res.on('error', () => resolve('response error'));
			});
			req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
		});
		const write = (chunk: Buffer) => new Promise<void>((resolve, reject) => req.write(chunk, (e) => (e ? reject(e) : resolve())));
		await write(head);
		const piece = 256 * 1024;
		let sent = 0;
		let partial: { path: string; size: number } | undefined;
		while (sent < body.length) {
			await write(body.subarray(sent, sent + piece));
			sent += piece;
			await sleep(10);
			if (sent >= body.length / 2) {
				// the server has written a good part of it to its temporary file
				partial = listFiles(tmpDir).find((f) => f.path.endsWith('.upload') && f.size >= body.length / 4);
				if (partial) break;
			}
		}
		expect(partial, `no temporary file after sending ${sent} bytes; server log:\n${server.log()}`).toBeDefined();
		expect(sent).toBeLessThan(body.length);
		await server.kill('SIGKILL');
		expect(await done).toMatch(/^error|response/);
		expect(response).toBeNull(); // the upload never got an answer
		req.destroy();

		// what the crash left: the partial upload in DATA_DIR/tmp, nothing in the store
		const left = listFiles(tmpDir).filter((f) => f.path.endsWith('.upload'));
		expect(left).toHaveLength(1);
		expect(left[0].size).toBeGreaterThan(0);
		expect(left[0].size).toBeLessThan(body.length);
		expect(listFiles(filesDir).filter((f) => f.path.includes(fullSha))).toEqual([]);

		// the next start, on the same data directory (the lock of the dead process is stale)
		server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		// (checked last, so that a failure here does not hide the rest)
		const tmpAfterStart = listFiles(tmpDir);
		// and it takes uploads again
		const form = new FormData();
		form.append('kind', 'evidence');
		form.append('indicator', 'TC07.1');
		form.append('file', new File([new Uint8Array(pdf('Sau su co'))], 'sau-su-co.pdf', { type: 'application/pdf' }));
		const ok = await fetch(`${server.url}/assessments/${assessmentId}/evidence/upload`, {
			method: 'POST',
			headers: { cookie: await cookieFor(server.url, 'canbo.xa@demo.vn'), origin: server.url, accept: 'application/json' },
			body: form
		});
		expect(ok.status, await ok.clone().text()).toBe(201);
		const added = (await ok.json()) as { sha256: string };
		await server.stop();
		server = undefined;

		const after = await snapshot();
		// exactly the upload after the restart: none for the one cut off
		expect(after.evidence).toBe(before.evidence + 1);
		expect(after.storedFiles).toBe(before.storedFiles + 1);
		expect(after.uploads.map((u) => (u.details as { sha256: string }).sha256)).toEqual([added.sha256]);
		expect(after.uploads.some((u) => (u.details as { sha256: string }).sha256 === fullSha)).toBe(false);
		expect(after.chain.ok).toBe(true);
		expect(after.store).toMatchObject({ missing: [], mismatched: [], orphans: [] });
		expect(listFiles(filesDir).filter((f) => f.path.includes(fullSha))).toEqual([]);
		// the temporary directory was swept when the server started again
		expect(tmpAfterStart, 'the partial upload is still in DATA_DIR/tmp after the restart').toEqual([]);
		expect(listFiles(tmpDir)).toEqual([]);
	}, 240_000);
});
