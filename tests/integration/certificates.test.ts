/**
 * Certificates on the embedded database or PostgreSQL (TEST_DATABASE_URL): issuing a
 * decision's certificates in a background job through the worker-thread pool, the stored PDF
 * and its hash, the QR (decoded with zbarimg) carrying the verification URL and a payload signed
 * with Ed25519, the public verification status (valid, expired, revoked), a tampered payload
 * refused by the command line, and reprints that need a reason. Issue 12: the QR's address comes
 * from PUBLIC_URL only (issuing without it is refused and writes nothing; a preview without it
 * carries a marked placeholder), and a job whose heartbeat stopped is taken over by one retry at
 * once while a live one still blocks retries.
 */
import type { Actor } from '#lib/domain/access.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { completeDossier, seedRound } from '../helpers/fixtures.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { appraise, startReview } from '#lib/server/reviews/index.ts';
import { issueDecision, revokeRecognition } from '#lib/server/decisions/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { generateSigningKey, verifyPayload, payloadFrom } from '#lib/server/certificates/signing.ts';
import {
	certificatesOf,
	JOB_INTERRUPTED_MESSAGE,
	jobPromise,
	latestJob,
	openCertificateForPrint,
	previewCertificate,
	PUBLIC_URL_MISSING_MESSAGE,
	startCertificateJob,
	verifyCertificate
} from '#lib/server/certificates/index.ts';
import { AppError } from '#lib/server/errors.ts';
import { PdfPool, workerPath } from '#lib/server/documents/pool.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let dir: string;
let keyFile: string;
let pool: PdfPool;
let decisionId: number;
let itemId: number;
let approverActor: Actor;

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-'));
	keyFile = path.join(dir, 'keys', 'k.pem');
	generateSigningKey(keyFile);
	pool = new PdfPool(workerPath()!, 2);
	const acct = async (id: number) => {
		const a = (await loadActor(t.db, id))!;
		return a;
	};
	const [chair, reviewer, approver] = await Promise.all([acct(f.chairA), acct(f.reviewer), acct(f.approver)]);
	const id = f.assessmentA;
	const v = async () => (await loadAssessment(t.db, id))!.stateVersion;
	await completeDossier(t, id, f.officerA);
	await transition(t.db, chair, id, 'submit', await v());
	await startReview(t.db, reviewer, id, await v());
	await appraise(t.db, reviewer, id, await v(), { recommendation: 'recognise', remarks: '' });
	await confirmCriteriaSet(t.db, (await loadAssessment(t.db, id))!.criteriaSet.id, await acct(f.admin), 'kiểm thử');
	approverActor = approver;
	decisionId = await issueDecision(t.db, approver, {
		outcome: 'recognise',
		number: '42/QĐ-UBND',
		issuedOn: '2026-11-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		assessments: [{ id, version: await v() }]
	});
	itemId = (await t.db.selectFrom('decision_item').select('id').where('decision_id', '=', decisionId).executeTakeFirstOrThrow()).id;
}, 180_000);
afterAll(async () => {
	await pool?.close();
	await t?.drop();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** Decodes the QR code of a PDF's first page (rendered at 150 dpi). */
function qrOf(pdf: Buffer, name: string): string {
	const file = path.join(dir, `${name}.pdf`);
	fs.writeFileSync(file, pdf);
	execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(dir, name)]);
	return execFileSync('zbarimg', ['--quiet', '--raw', path.join(dir, `${name}.png`)], { encoding: 'utf8' }).trim();
}
const textOf = (pdf: Buffer, name: string) => {
	const file = path.join(dir, `${name}.pdf`);
	fs.writeFileSync(file, pdf);
	return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
};
const filesUnder = (d: string): string[] =>
	fs.existsSync(d)
		? fs
				.readdirSync(d, { recursive: true, withFileTypes: true })
				.filter((e) => e.isFile())
				.map((e) => e.name)
		: [];

describe(`certificates on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	const store = () => localFileStore(path.join(dir, 'files'));
	const approver = () => approverActor;
	const cfg = (publicUrl: string | null = 'https://treem.example.vn') => ({ signingKeyFile: keyFile, publicUrl });
	const counts = async () => {
		const n = async (table: 'document_job' | 'certificate' | 'stored_file' | 'audit_log' | 'certificate_print') =>
			Number(
				(
					await t.db
						.selectFrom(table)
						.select((eb) => eb.fn.countAll<string>().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		return {
			jobs: await n('document_job'),
			certificates: await n('certificate'),
			storedFiles: await n('stored_file'),
			audit: await n('audit_log'),
			files: filesUnder(path.join(dir, 'files')).length
		};
	};

	it('a certificate that would not fit one A4 page is refused, in the preview and before issuing, naming what is too long', async () => {
		const commune = await t.db.selectFrom('decision_item').select('commune_id').where('id', '=', itemId).executeTakeFirstOrThrow();
		const { name } = await t.db.selectFrom('admin_unit').select('name').where('id', '=', commune.commune_id).executeTakeFirstOrThrow();
		await t.db
			.updateTable('admin_unit')
			.set({ name: `Phường ${'Rấtdàikhôngcókhoảngtrắng'.repeat(12)}` })
			.where('id', '=', commune.commune_id)
			.execute();
		try {
			const before = await counts();
			await expect(previewCertificate(t.db, cfg(), approver(), decisionId, itemId)).rejects.toMatchObject({
				kind: 'invalid',
				message: expect.stringMatching(/^Nội dung giấy chứng nhận quá dài, không vừa một trang A4/)
			});
			await expect(
				startCertificateJob(t.db, cfg(), store(), approver(), decisionId, { render: (d) => pool.render(d), tmpDir: path.join(dir, 'tmp') })
			).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('không vừa một trang A4') });
			expect(await counts()).toEqual(before);
		} finally {
			await t.db.updateTable('admin_unit').set({ name }).where('id', '=', commune.commune_id).execute();
		}
	});

	it('checks the area in the module itself: an approver of another province can neither preview, issue nor print', async () => {
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
		const created = await createAccount(
			t.db,
			t.config,
			{ email: 'lanhdao.dn@demo.vn', fullName: 'Bùi Thị Mai', role: 'approver', unitCode: '48', password: DEMO_PASSWORD },
			{ id: null, email: 'test' }
		);
		const outside = (await loadActor(t.db, created.id))!;
		const before = await counts();
		await expect(previewCertificate(t.db, cfg(), outside, decisionId, itemId)).rejects.toMatchObject({ kind: 'not_found' });
		await expect(
			startCertificateJob(t.db, cfg(), store(), outside, decisionId, { render: (d) => pool.render(d), tmpDir: path.join(dir, 'tmp') })
		).rejects.toMatchObject({ kind: 'not_found' });
		await expect(openCertificateForPrint(t.db, store(), outside, decisionId, itemId, 'In lại để lưu hồ sơ')).rejects.toMatchObject({
			kind: 'not_found'
		});
		// a commune officer may do none of it at all
		const officer = (await loadActor(t.db, f.officerA))!;
		await expect(previewCertificate(t.db, cfg(), officer, decisionId, itemId)).rejects.toMatchObject({ kind: 'forbidden' });
		expect(await counts()).toEqual(before);
	});

	it('without PUBLIC_URL, issuing is refused with a message for the administrator, and nothing is written', async () => {
		const before = await counts();
		for (const publicUrl of [null, '']) {
			const refused = await startCertificateJob(t.db, cfg(publicUrl), store(), approver(), decisionId, {
				render: (d) => pool.render(d),
				tmpDir: path.join(dir, 'tmp')
			}).catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(AppError);
			expect(refused).toMatchObject({ kind: 'conflict', message: PUBLIC_URL_MISSING_MESSAGE });
			expect(PUBLIC_URL_MISSING_MESSAGE).toMatch(/PUBLIC_URL/);
			expect(PUBLIC_URL_MISSING_MESSAGE).toMatch(/quản trị hệ thống/);
		}
		expect(await counts()).toEqual(before);
		expect(await latestJob(t.db, decisionId)).toBeNull();
	});

	it('a preview without PUBLIC_URL: its QR goes to a reserved placeholder that says so, printed under it too', async () => {
		const doc = (await previewCertificate(t.db, { publicUrl: null }, approver(), decisionId, itemId))!;
		expect(doc.qr).toBe('https://chua-dat-public-url.invalid/verify/XXXXX-XXXXX');
		const pdf = await pool.render(doc);
		const qr = qrOf(pdf, 'preview-unset');
		// the only address in it is the placeholder (a `.invalid` name never resolves)
		expect(new URL(qr).hostname).toBe('chua-dat-public-url.invalid');
		const words = textOf(pdf, 'preview-unset');
		expect(words).toContain('PUBLIC_URL chưa được đặt');
		// the notice fits: still one page, with the code and serial under the QR
		expect(execFileSync('pdfinfo', [path.join(dir, 'preview-unset.pdf')], { encoding: 'utf8' })).toMatch(/^Pages:\s+1$/m);
		expect(words).toMatch(/Số: XEM TRƯỚC/);
		expect(words.match(/[a-z0-9.-]+\.(example|com|vn|invalid|local)\b/gi) ?? []).toEqual([]);

		// with PUBLIC_URL: its address, and no notice
		const set = (await previewCertificate(t.db, { publicUrl: 'https://treem.example.vn' }, approver(), decisionId, itemId))!;
		expect(set.qrNotice).toBeUndefined();
		const qrSet = qrOf(await pool.render(set), 'preview-set');
		expect(qrSet).toBe('https://treem.example.vn/verify/XXXXX-XXXXX');
	});

	it('a job that is alive (fresh heartbeat) still makes a retry wait', async () => {
		await t.db
			.insertInto('document_job')
			.values({ kind: 'certificates', decision_id: decisionId, total: 1, created_by: approverActor.id, status: 'running' })
			.execute();
		await expect(
			startCertificateJob(t.db, cfg(), store(), approver(), decisionId, { render: (d) => pool.render(d), tmpDir: path.join(dir, 'tmp') })
		).rejects.toThrow(/hãy chờ xong/);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ status: 'running' });
	});

	it('a job cut off by a crash (heartbeat stopped, started a moment ago) is taken over at once, by one retry of two', async () => {
		// the job of the previous test, as a crash leaves it: started just now, no heartbeat for 2 minutes
		const dead = await t.db.selectFrom('document_job').select('id').where('decision_id', '=', decisionId).executeTakeFirstOrThrow();
		await sql`update document_job set heartbeat_at = now() - interval '2 minutes' where id = ${dead.id}`.execute(t.db);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ id: dead.id, status: 'failed', error: JOB_INTERRUPTED_MESSAGE });

		// two retries at once; the winner's job is held in its first certificate, then fails (nothing issued)
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const opts = {
			render: async () => {
				await gate;
				throw new Error('test: layout stopped on purpose');
			},
			tmpDir: path.join(dir, 'tmp'),
			heartbeatMs: 100
		};
		const results = await Promise.allSettled([
			startCertificateJob(t.db, cfg(), store(), approver(), decisionId, opts),
			startCertificateJob(t.db, cfg(), store(), approver(), decisionId, opts)
		]);
		const won = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value);
		const lost = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
		expect(won).toHaveLength(1);
		expect(lost).toEqual([expect.stringMatching(/hãy chờ xong/)]);
		const old = await t.db
			.selectFrom('document_job')
			.select(['status', 'error', 'finished_at'])
			.where('id', '=', dead.id)
			.executeTakeFirstOrThrow();
		expect(old).toMatchObject({ status: 'failed', error: JOB_INTERRUPTED_MESSAGE, finished_at: expect.any(Date) });
		const takeovers = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'certificate.job_takeover').execute();
		expect(takeovers.map((r) => r.details)).toEqual([{ interruptedJob: dead.id }]);

		// the running job keeps its heartbeat while it works
		const beat = async () =>
			(
				await t.db.selectFrom('document_job').select('heartbeat_at').where('id', '=', won[0]).executeTakeFirstOrThrow()
			).heartbeat_at.getTime();
		const first = await beat();
		await expect.poll(beat, { timeout: 5_000, interval: 100 }).toBeGreaterThan(first);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ id: won[0], status: 'running' });
		release();
		await jobPromise(won[0]);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ id: won[0], status: 'failed' });
		expect(await t.db.selectFrom('certificate').select('id').execute()).toEqual([]);
	});

	it('issues the certificate in a background job: stored PDF, hash, serial, signed QR', async () => {
		const jobId = await startCertificateJob(t.db, cfg(), store(), approver(), decisionId, {
			render: (d) => pool.render(d),
			tmpDir: path.join(dir, 'tmp')
		});
		await jobPromise(jobId);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ id: jobId, total: 1, done: 1, status: 'done' });
		const cert = (await certificatesOf(t.db, decisionId)).get(itemId)!;
		expect(cert.serial).toMatch(/^2026-19753-\d{6}$/);
		expect(cert.code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);

		// the stored PDF is the one whose hash is published
		const opened = await openCertificateForPrint(t.db, store(), approver(), decisionId, itemId, null);
		const chunks: Buffer[] = [];
		for await (const c of opened.stream) chunks.push(c as Buffer);
		const pdf = Buffer.concat(chunks);
		expect(crypto.createHash('sha256').update(pdf).digest('hex')).toBe(cert.sha256);
		const file = path.join(dir, 'cert.pdf');
		fs.writeFileSync(file, pdf);
		const textOut = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
		expect(textOut).toContain('GIẤY CHỨNG NHẬN');
		expect(textOut).toContain('Phường Phú Xuân');
		expect(textOut).toContain('42/QĐ-UBND');
		expect(textOut).toContain(cert.serial);
		expect(textOut).not.toContain('BẢN XEM TRƯỚC');

		// the QR decodes to the verification URL with the signed payload
		execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(dir, 'cert')]);
		const qr = execFileSync('zbarimg', ['--quiet', '--raw', path.join(dir, 'cert.png')], { encoding: 'utf8' }).trim();
		expect(qr.startsWith(`https://treem.example.vn/verify/${cert.code}?p=XP1.`)).toBe(true);
		const publicPem = crypto.createPublicKey(fs.readFileSync(keyFile)).export({ type: 'spki', format: 'pem' }).toString();
		const ok = verifyPayload(qr, publicPem);
		expect(ok).toMatchObject({
			ok: true,
			claims: { s: cert.serial, v: cert.code, c: '19753', n: 'Phường Phú Xuân', d: '42/QĐ-UBND', f: '2026-11-20', u: '2029-11-19' }
		});

		// the command line checks it offline; a tampered payload fails
		const cli = (arg: string) =>
			spawnSync(process.execPath, ['src/cli/main.ts', 'certificate', 'verify', arg], {
				cwd: root,
				env: { ...process.env, SIGNING_KEY_FILE: keyFile, DATABASE_URL: '' },
				encoding: 'utf8'
			});
		const good = cli(payloadFrom(qr));
		expect(good.status).toBe(0);
		expect(good.stdout).toContain('HỢP LỆ');
		expect(good.stdout).toContain(cert.serial);
		const [prefix, claims, sig] = payloadFrom(qr).split('.');
		const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), u: '2099-12-31' })).toString(
			'base64url'
		);
		const bad = cli(`${prefix}.${forged}.${sig}`);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('KHÔNG HỢP LỆ');
		expect(verifyPayload(`${prefix}.${forged}.${sig}`, publicPem)).toMatchObject({ ok: false });
		// another deployment's key does not verify it either
		const other = crypto.generateKeyPairSync('ed25519').publicKey;
		expect(verifyPayload(qr, other)).toMatchObject({ ok: false });
	});

	it('a second job issues nothing new; the certificate row cannot change', async () => {
		const jobId = await startCertificateJob(t.db, cfg(), store(), approver(), decisionId, {
			render: (d) => pool.render(d),
			tmpDir: path.join(dir, 'tmp')
		});
		await jobPromise(jobId);
		expect(await latestJob(t.db, decisionId)).toMatchObject({ total: 0, status: 'done' });
		expect(await t.db.selectFrom('certificate').select('id').execute()).toHaveLength(1);
		await expect(sql`update certificate set serial = 'X'`.execute(t.db)).rejects.toThrow(/immutable/);
	});

	it('a reprint needs a reason; every print is in the audit trail', async () => {
		await expect(openCertificateForPrint(t.db, store(), approver(), decisionId, itemId, null)).rejects.toThrow(/in lại cần ghi lý do/);
		const again = await openCertificateForPrint(t.db, store(), approver(), decisionId, itemId, 'Bản in trước bị hỏng');
		expect((await text(again.stream)).startsWith('%PDF')).toBe(true);
		const prints = await t.db
			.selectFrom('audit_log')
			.select(['action', 'details'])
			.where('object_type', '=', 'certificate')
			.where('action', 'like', 'certificate.%print')
			.orderBy('id')
			.execute();
		expect(prints.map((p) => p.action)).toEqual(['certificate.print', 'certificate.reprint']);
		expect(prints[1].details).toMatchObject({ reason: 'Bản in trước bị hỏng' });
		expect((await certificatesOf(t.db, decisionId)).get(itemId)!.printed).toBe(2);
	});

	it('the public status: valid, expired after the period, revoked at once after a revocation', async () => {
		const cert = (await certificatesOf(t.db, decisionId)).get(itemId)!;
		const valid = (await verifyCertificate(t.db, cert.code, '2027-01-01'))!;
		expect(valid).toMatchObject({
			status: 'valid',
			commune: 'Phường Phú Xuân',
			decisionNumber: '42/QĐ-UBND',
			decisionDate: '2026-11-20',
			validFrom: '2026-11-20',
			validUntil: '2029-11-19',
			sha256: cert.sha256,
			criteriaSet: 'QD06-2019@1'
		});
		// no personal data: names of people are not in what the page gets
		expect(JSON.stringify(valid)).not.toMatch(/Phạm Quốc Việt|Nguyễn Thị Hoa|@demo\.vn/);
		expect((await verifyCertificate(t.db, cert.code, '2030-01-01'))!.status).toBe('expired');
		expect(await verifyCertificate(t.db, 'AAAAA-AAAAA')).toBeUndefined();
		expect(await verifyCertificate(t.db, "x' or 1=1 --")).toBeUndefined();
		await revokeRecognition(t.db, (await loadActor(t.db, f.approver))!, itemId, 'Số liệu không trung thực');
		expect((await verifyCertificate(t.db, cert.code, '2027-01-01'))!.status).toBe('revoked');
		// a revoked recognition's certificate is not printed any more
		await expect(openCertificateForPrint(t.db, store(), approver(), decisionId, itemId, 'In lại để lưu hồ sơ')).rejects.toThrow(
			/đã bị thu hồi/
		);
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
	});

	it('a certificate of a unit merged into another reads "superseded by a merger"', async () => {
		// a second recognition, for commune B, then B is treated as a pre-2025 unit merged away
		const acct = async (id: number) => {
			const a = (await loadActor(t.db, id))!;
			return a;
		};
		const [officerB, reviewer, approver] = await Promise.all([acct(f.officerB), acct(f.reviewer), acct(f.approver)]);
		const b = f.assessmentB;
		const v = async () => (await loadAssessment(t.db, b))!.stateVersion;
		await completeDossier(t, b, f.officerB);
		await transition(t.db, { ...officerB, role: 'commune_chair' }, b, 'submit', await v());
		await startReview(t.db, reviewer, b, await v());
		await appraise(t.db, reviewer, b, await v(), { recommendation: 'recognise', remarks: '' });
		const d = await issueDecision(t.db, approver, {
			outcome: 'recognise',
			number: '43/QĐ-UBND',
			issuedOn: '2026-11-21',
			signerName: 'Phạm Quốc Việt',
			signerTitle: 'Chủ tịch',
			validFrom: '2026-11-21',
			validUntil: '2029-11-20',
			assessments: [{ id: b, version: await v() }]
		});
		await jobPromise(
			await startCertificateJob(t.db, cfg(), store(), approver, d, {
				render: (x) => pool.render(x),
				tmpDir: path.join(dir, 'tmp')
			})
		);
		const cert = [...(await certificatesOf(t.db, d)).values()][0];
		expect((await verifyCertificate(t.db, cert.code, '2027-01-01'))!.status).toBe('valid');
		const unit = await t.db.selectFrom('assessment').select('commune_id').where('id', '=', b).executeTakeFirstOrThrow();
		const successor = await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('level', '=', 'commune')
			.where('id', '!=', unit.commune_id)
			.orderBy('id')
			.executeTakeFirstOrThrow();
		await t.db.updateTable('admin_unit').set({ era: 'pre2025', code: 'T19774' }).where('id', '=', unit.commune_id).execute();
		await t.db.insertInto('unit_lineage').values({ unit_id: successor.id, old_unit_id: unit.commune_id, share: 'full' }).execute();
		expect((await verifyCertificate(t.db, cert.code, '2027-01-01'))!).toMatchObject({
			status: 'superseded',
			statusLabel: expect.stringMatching(/sáp nhập/)
		});
	});
});
