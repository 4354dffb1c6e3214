/**
 * Issue 16, "Certificate and documents" and "Approver and administrator", on the embedded
 * database or PostgreSQL (TEST_DATABASE_URL): the decision's legal bases and the reviewing office
 * are settings an administrator corrects (validated, audited), a decision keeps the wording it was
 * issued with and a new one takes the new settings; Điều 1 names the round without nested
 * brackets; the appraisal report's "Ghi chú" carries the reviewer's reasons and the returns for
 * correction, and the head of the reviewing office signs it; the national emblem (PNG or JPEG
 * by content, size-limited, in the file store) goes on the certificate's top, which stays one
 * page; an issued certificate prints in black and white as the same certificate (serial, code,
 * signed QR), counted and audited as a print, refused outside the printer's area.
 *
 * PDFs are read back with poppler (pdftotext, pdfinfo, pdfimages, pdftoppm) and zbarimg; the
 * pages of each are kept in test-results/screenshots/settings/.
 */
import type { Actor } from '#lib/domain/access.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { COMMUNE_B, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { loadAssessment, loadDossier } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { appraise, returnForCorrection, saveReviewItem, startReview } from '#lib/server/reviews/index.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { generateSigningKey } from '#lib/server/certificates/signing.ts';
import {
	BW_PUBLIC_URL_MISSING_MESSAGE,
	certificatesOf,
	checkEmblemLayout,
	jobPromise,
	openCertificateForPrint,
	previewCertificate,
	startCertificateJob
} from '#lib/server/certificates/index.ts';
import { appraisalData, decisionData, storedDecisionSource } from '#lib/server/documents/data.ts';
import { PdfPool, workerPath } from '#lib/server/documents/pool.ts';
import {
	DEFAULT_LEGAL_BASES,
	EMBLEM_MAX_BYTES,
	EMBLEM_TYPE_MESSAGE,
	loadDocumentSettings,
	removeEmblem,
	saveLegalBases,
	saveReviewOffice,
	setEmblem
} from '#lib/server/settings/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import type { ReviewItemInput } from '#lib/domain/review.ts';
import { png } from '../helpers/files.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'test-results', 'screenshots', 'settings');
let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let dir: string;
let keyFile: string;
let pool: PdfPool;
let admin: Actor;
let approver: Actor;
let reviewer: Actor;
let decisionA: number;
let itemA: number;

const X = 'TC01.1'; // returned for a supplement
const Z = 'TC03.1'; // points lowered with a reason
const REASON = 'Số vụ theo sổ của Công an xã cao hơn báo cáo';
const REQUEST = 'Bổ sung quyết định phân công có chữ ký';

const item = (indicator: string, over: Partial<ReviewItemInput> = {}): ReviewItemInput => ({
	indicator,
	points: null,
	reason: '',
	status: 'accepted',
	request: '',
	revision: 0,
	...over
});

type Read = { file: string; text: string; flat: string; pages: number; images: string[][] };
/** Writes the PDF, keeps a picture of each page (<name>-<page>.png), and reads it back. */
function read(pdf: Buffer, name: string): Read {
	const file = path.join(dir, `${name}.pdf`);
	fs.writeFileSync(file, pdf);
	fs.mkdirSync(shots, { recursive: true });
	execFileSync('pdftoppm', ['-r', '50', '-png', file, path.join(shots, name)]);
	const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
	const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
	const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' })
		.split('\n')
		.slice(2)
		.filter((l) => l.trim() !== '')
		.map((l) => l.trim().split(/\s+/));
	return { file, text, flat: text.replace(/\s+/g, ' '), pages, images };
}
const qrOf = (r: Read) => {
	const out = path.join(dir, `qr-${path.basename(r.file, '.pdf')}`);
	execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', r.file, out]);
	return execFileSync('zbarimg', ['--quiet', '--raw', `${out}.png`], { encoding: 'utf8' }).trim();
};
/** How many pixels of the first page (at 40 dpi) are visibly coloured (not grey). */
function colouredPixels(r: Read): number {
	const out = path.join(dir, `px-${path.basename(r.file, '.pdf')}`);
	execFileSync('pdftoppm', ['-r', '40', '-singlefile', r.file, out]);
	const ppm = fs.readFileSync(`${out}.ppm`);
	// P6\n<w> <h>\n255\n
	let at = 0;
	for (let fields = 0; fields < 4; at++) if (ppm[at] === 0x0a || ppm[at] === 0x20) fields++;
	let n = 0;
	for (let i = at; i + 2 < ppm.length; i += 3) {
		const [r, g, b] = [ppm[i], ppm[i + 1], ppm[i + 2]];
		if (Math.max(r, g, b) - Math.min(r, g, b) > 24) n++;
	}
	return n;
}
const cfg = { signingKeyFile: '', publicUrl: 'https://treem.example.vn' };
const store = () => localFileStore(path.join(dir, 'files'));
const render = (d: Parameters<PdfPool['render']>[0]) => pool.render(d);
const audits = async (action: string) =>
	t.db.selectFrom('audit_log').select(['actor_label', 'object_id', 'details']).where('action', '=', action).orderBy('id').execute();

/** Submit → review (one indicator lowered with a reason, one returned for a supplement) → resubmit → appraise. */
async function reviewedAndReturned(id: number, chair: Actor, officer: number) {
	const v = async () => (await loadAssessment(t.db, id))!.stateVersion;
	await completeDossier(t, id, officer);
	await transition(t.db, chair, id, 'submit', await v());
	let a = await startReview(t.db, reviewer, id, await v());
	const dossier = await loadDossier(t.db, a);
	const z = dossier.criteria.flatMap((c) => c.indicators).find((i) => i.code === Z)!;
	await saveReviewItem(t.db, reviewer, a, item(Z, { points: Math.max(0, (z.selfPoints ?? 0) - 5), reason: REASON }));
	await saveReviewItem(t.db, reviewer, a, item(X, { status: 'needs_supplement', request: REQUEST }));
	a = await returnForCorrection(t.db, reviewer, id, a.stateVersion, 'Đề nghị xã bổ sung.');
	a = await transition(t.db, chair, id, 'resubmit', a.stateVersion);
	a = await startReview(t.db, reviewer, id, a.stateVersion);
	const revision = (
		await t.db
			.selectFrom('review_item')
			.select('revision')
			.where('assessment_id', '=', id)
			.where('indicator_code', '=', X)
			.executeTakeFirstOrThrow()
	).revision;
	await saveReviewItem(t.db, reviewer, a, item(X, { revision }));
	await appraise(t.db, reviewer, id, a.stateVersion, { recommendation: 'recognise', remarks: 'Hồ sơ đầy đủ sau bổ sung.' });
}

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
	keyFile = path.join(dir, 'keys', 'k.pem');
	generateSigningKey(keyFile);
	cfg.signingKeyFile = keyFile;
	pool = new PdfPool(workerPath()!, 2);
	const acct = async (id: number) => (await loadActor(t.db, id))!;
	[admin, approver, reviewer] = await Promise.all([acct(f.admin), acct(f.approver), acct(f.reviewer)]);
	const chairB = await createAccount(
		t.db,
		t.config,
		{ email: 'chutich.xa2@demo.vn', fullName: 'Chủ tịch xã B', role: 'commune_chair', unitCode: COMMUNE_B, password: DEMO_PASSWORD },
		{ id: null, email: 'test' }
	);
	await reviewedAndReturned(f.assessmentA, await acct(f.chairA), f.officerA);
	await reviewedAndReturned(f.assessmentB, await acct(chairB.id), f.officerB);
	await confirmCriteriaSet(t.db, (await loadAssessment(t.db, f.assessmentA))!.criteriaSet.id, admin, 'kiểm thử');
	decisionA = await issueDecision(t.db, approver, {
		outcome: 'recognise',
		number: '42/QĐ-UBND',
		issuedOn: '2026-11-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		assessments: [{ id: f.assessmentA, version: (await loadAssessment(t.db, f.assessmentA))!.stateVersion }]
	});
	itemA = (await t.db.selectFrom('decision_item').select('id').where('decision_id', '=', decisionA).executeTakeFirstOrThrow()).id;
}, 240_000);
afterAll(async () => {
	await pool?.close();
	await t?.drop();
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`document settings on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('by default the decision cites each law with its number and date, names the proposer, and Điều 1 names the round without nested brackets', async () => {
		const s = await loadDocumentSettings(t.db, t.config);
		expect(s.legalBases).toMatchObject({ isDefault: true, value: DEFAULT_LEGAL_BASES });
		expect(s.reviewOffice).toMatchObject({ isDefault: true, value: { name: 'Sở Y tế', headTitle: 'Giám đốc' } });
		const r = read(await render(await decisionData(t.db, (await storedDecisionSource(t.db, decisionA))!)), 'quyet-dinh-mac-dinh');
		for (const line of [
			'Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/06/2025;',
			'Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;',
			'Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn',
			'Theo đề nghị của Giám đốc Sở Y tế.',
			'Điều 1. Công nhận Phường Phú Xuân, Thành phố Huế đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em trong đợt đánh giá thử, theo Danh sách kèm theo Quyết định này.'
		])
			expect(r.flat).toContain(line);
		const article1 = /Điều 1\..*?Điều 2\./s.exec(r.flat)![0];
		expect(article1).not.toMatch(/[()]/);
		expect(r.flat).not.toContain('cơ quan thẩm định.');
	});

	it('only an administrator changes the legal bases; bad input is refused at the field in Vietnamese; each change is audited', async () => {
		await expect(saveLegalBases(t.db, approver, 'Căn cứ Luật Trẻ em;')).rejects.toMatchObject({ kind: 'forbidden' });
		for (const [input, message] of [
			['', /ít nhất một căn cứ/],
			['Luật Trẻ em số 102/2016/QH13', /Dòng 1: mỗi căn cứ bắt đầu bằng "Căn cứ"/],
			[Array.from({ length: 13 }, (_, i) => `Căn cứ văn bản số ${i + 1}/2025;`).join('\n'), /Tối đa 12 căn cứ/]
		] as const) {
			const e = await saveLegalBases(t.db, admin, input).catch((x: unknown) => x);
			expect(e).toMatchObject({ kind: 'invalid', fieldErrors: { legalBases: expect.stringMatching(message) } });
		}
		expect(await audits('setting.change')).toEqual([]);
		const lines = await saveLegalBases(
			t.db,
			admin,
			'  Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/06/2025;\r\n\r\nCăn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;\nCăn cứ Kế hoạch số 99/KH-UBND ngày 01/02/2026 của Ủy ban nhân dân tỉnh;\n'
		);
		expect(lines).toHaveLength(3);
		const [audit] = await audits('setting.change');
		expect(audit).toMatchObject({ actor_label: admin.email, object_id: 'decision.legal_bases', details: { before: null, after: lines } });
		expect((await loadDocumentSettings(t.db, t.config)).legalBases).toMatchObject({
			isDefault: false,
			value: lines,
			updatedBy: admin.name
		});
	});

	it('the reviewing office is a setting too: the new decision proposes through it; the decision issued before keeps its own wording', async () => {
		await expect(saveReviewOffice(t.db, admin, { name: 'S', headTitle: '' })).rejects.toMatchObject({
			kind: 'invalid',
			fieldErrors: { officeName: expect.stringMatching(/^Tên cơ quan thẩm định từ 3/), headTitle: expect.stringMatching(/^Chức danh/) }
		});
		await saveReviewOffice(t.db, admin, { name: 'Sở Y tế tỉnh Thừa Thiên Huế', headTitle: 'Giám đốc' });
		const decisionB = await issueDecision(t.db, approver, {
			outcome: 'recognise',
			number: '43/QĐ-UBND',
			issuedOn: '2026-11-21',
			signerName: 'Phạm Quốc Việt',
			signerTitle: 'Phó Chủ tịch',
			validFrom: '2026-11-21',
			validUntil: '2029-11-20',
			assessments: [{ id: f.assessmentB, version: (await loadAssessment(t.db, f.assessmentB))!.stateVersion }]
		});
		const fresh = read(await render(await decisionData(t.db, (await storedDecisionSource(t.db, decisionB))!)), 'quyet-dinh-sau-khi-sua');
		expect(fresh.flat).toContain('Căn cứ Kế hoạch số 99/KH-UBND ngày 01/02/2026 của Ủy ban nhân dân tỉnh; Theo đề nghị');
		expect(fresh.flat).toContain('Theo đề nghị của Giám đốc Sở Y tế tỉnh Thừa Thiên Huế.');
		expect(fresh.flat).not.toContain('06/QĐ-TTg ngày 03/01/2019');
		// the decision issued before the change reads as it was issued
		const before = read(await render(await decisionData(t.db, (await storedDecisionSource(t.db, decisionA))!)), 'quyet-dinh-da-ban-hanh');
		expect(before.flat).toContain('06/QĐ-TTg ngày 03/01/2019');
		expect(before.flat).toContain('Theo đề nghị của Giám đốc Sở Y tế.');
		expect(before.flat).not.toContain('99/KH-UBND');
		// the wording kept with a decision never changes
		await expect(t.db.deleteFrom('decision_wording' as never).execute()).rejects.toThrow(/immutable/);
	});

	it("the appraisal report: 'Ghi chú' carries the reviewer's reason and the return for correction; the head of the reviewing office signs it", async () => {
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const data = await appraisalData(t.db, t.config, await loadDossier(t.db, a));
		expect(data.rows.find((r) => r.code === 'TC03')!.note).toBe(`${Z}: ${REASON}`);
		const returned = (
			await t.db.selectFrom('correction_request').select('created_at').where('assessment_id', '=', a.id).executeTakeFirstOrThrow()
		).created_at;
		const day = new Intl.DateTimeFormat('en-GB', {
			timeZone: 'Asia/Ho_Chi_Minh',
			day: '2-digit',
			month: '2-digit',
			year: 'numeric'
		}).format(returned);
		expect(data.rows.find((r) => r.code === 'TC01')!.note).toContain(`Trả bổ sung ${day}: ${X} – ${REQUEST}`);
		expect(data.rows.find((r) => r.code === 'TC02')!.note).toBeNull();
		const r = read(await render(data), 'bao-cao-tham-dinh');
		expect(r.flat).toContain('SỞ Y TẾ TỈNH THỪA THIÊN HUẾ');
		for (const words of ['Số vụ theo sổ của Công an xã', `Trả bổ sung ${day}:`, 'Bổ sung quyết định phân công'])
			expect(r.flat).toContain(words);
		expect(r.flat).toContain(`Cán bộ thẩm định: ${reviewer.name}.`);
		expect(r.text).toMatch(/Nơi nhận:\s+GIÁM ĐỐC\s*$/m);
		expect(r.flat).not.toContain('NGƯỜI THẨM ĐỊNH');
	});

	it('the emblem: PNG or JPEG by content and size-limited; with it the certificate carries the image and stays one page; removable; audited', async () => {
		const opts = { tmpDir: path.join(dir, 'tmp'), check: (e: Uint8Array) => checkEmblemLayout(e, render) };
		const svgAsPng = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>');
		await expect(setEmblem(t.db, store(), admin, svgAsPng, opts)).rejects.toMatchObject({
			kind: 'unsupported',
			fieldErrors: { emblem: EMBLEM_TYPE_MESSAGE }
		});
		const big = Buffer.concat([png(8, 8), Buffer.alloc(EMBLEM_MAX_BYTES)]);
		await expect(setEmblem(t.db, store(), admin, big, opts)).rejects.toMatchObject({ kind: 'too_large' });
		// a PNG signature over garbage: refused when laid out, not at issuing
		const broken = Buffer.concat([png(8, 8).subarray(0, 16), Buffer.alloc(64, 7)]);
		await expect(setEmblem(t.db, store(), admin, broken, opts)).rejects.toMatchObject({
			kind: 'invalid',
			fieldErrors: { emblem: expect.any(String) }
		});
		await expect(setEmblem(t.db, store(), approver, png(8, 8), opts)).rejects.toMatchObject({ kind: 'forbidden' });
		expect(await audits('setting.emblem_upload')).toEqual([]);

		const emblem = png(180, 180);
		const ref = await setEmblem(t.db, store(), admin, emblem, opts);
		expect(ref).toMatchObject({ mime: 'image/png', size: emblem.length });
		expect(await store().exists(ref.storageKey)).toBe(true);
		expect(await audits('setting.emblem_upload')).toMatchObject([{ actor_label: admin.email, details: { sha256: ref.sha256 } }]);

		// issued with the emblem: the stored original has the image at the top and is one page
		const job = await startCertificateJob(t.db, cfg, store(), approver, decisionA, { render, tmpDir: path.join(dir, 'tmp') });
		await jobPromise(job);
		const opened = await openCertificateForPrint(t.db, store(), approver, decisionA, itemA, null);
		const issued = read(await buffer(opened.stream), 'giay-chung-nhan-quoc-huy');
		expect(issued.pages).toBe(1);
		expect(issued.images).toHaveLength(1);
		expect(issued.images[0].slice(3, 5)).toEqual(['180', '180']);
		expect(issued.flat).toContain('GIẤY CHỨNG NHẬN');

		// removed: the preview has no image again
		expect(await removeEmblem(t.db, admin)).toBe(true);
		expect(await audits('setting.emblem_remove')).toMatchObject([{ details: { sha256: ref.sha256 } }]);
		const preview = read(
			await render((await previewCertificate(t.db, cfg, approver, decisionA, itemA, { store: store() }))!),
			'xem-truoc-khong-quoc-huy'
		);
		expect(preview.images).toEqual([]);
		expect((await loadDocumentSettings(t.db, t.config)).emblem.value).toBeNull();
		// and back for the black-and-white print below
		await setEmblem(t.db, store(), admin, emblem, opts);
	});

	it('an issued certificate in black and white: the same serial, code and signed QR, no colour but the emblem, one page, counted and audited as a print', async () => {
		const cert = (await certificatesOf(t.db, decisionA)).get(itemA)!;
		expect(cert.printed).toBe(1);
		const bw = { kind: 'black_and_white' as const, cfg, render };
		// a later print needs a reason, like any reprint
		await expect(openCertificateForPrint(t.db, store(), approver, decisionA, itemA, null, bw)).rejects.toThrow(/in lại cần ghi lý do/);
		const opened = await openCertificateForPrint(t.db, store(), approver, decisionA, itemA, 'Bản in đen trắng để niêm yết', bw);
		expect(opened.fileName).toBe(`giay-chung-nhan-${cert.serial}-ban-in-den-trang.pdf`);
		const copy = read(await buffer(opened.stream), 'giay-chung-nhan-den-trang');
		expect(copy.pages).toBe(1);
		expect(copy.flat).toContain(`Số: ${cert.serial}`);
		expect(copy.flat).toContain(`Mã xác minh: ${cert.code}`);
		expect(copy.flat).not.toContain('BẢN XEM TRƯỚC');
		expect(copy.images).toHaveLength(1);
		// the QR is the original's, signed payload and all
		const original = read(
			await buffer((await openCertificateForPrint(t.db, store(), approver, decisionA, itemA, 'So sánh với bản gốc')).stream),
			'goc'
		);
		expect(qrOf(copy)).toBe(qrOf(original));
		expect(qrOf(copy)).toMatch(new RegExp(`^https://treem\\.example\\.vn/verify/${cert.code}\\?p=XP1\\.`));
		// no colour but the emblem's own pixels (a disc 60 pt across: about 1,000 pixels at 40 dpi)
		const [inOriginal, inCopy] = [colouredPixels(original), colouredPixels(copy)];
		expect(inCopy).toBeLessThan(1300);
		expect(inOriginal).toBeGreaterThan(inCopy + 2000);
		// the stored original is unchanged
		const stored = await t.db
			.selectFrom('certificate')
			.select('pdf_sha256')
			.where('decision_item_id', '=', itemA)
			.executeTakeFirstOrThrow();
		expect(stored.pdf_sha256).toBe(cert.sha256);
		expect((await certificatesOf(t.db, decisionA)).get(itemA)!.printed).toBe(3);
		const prints = await audits('certificate.reprint');
		expect(prints.map((p) => p.details)).toEqual([
			expect.objectContaining({ reason: 'Bản in đen trắng để niêm yết', rendition: 'black_and_white', serial: cert.serial }),
			expect.not.objectContaining({ rendition: expect.anything() })
		]);
		// without PUBLIC_URL the same QR cannot be laid out again: refused, nothing counted
		await expect(
			openCertificateForPrint(t.db, store(), approver, decisionA, itemA, 'Thử khi chưa đặt', { ...bw, cfg: { publicUrl: null } })
		).rejects.toMatchObject({ kind: 'conflict', message: BW_PUBLIC_URL_MISSING_MESSAGE });
		expect((await certificatesOf(t.db, decisionA)).get(itemA)!.printed).toBe(3);
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
	});

	it('the black-and-white print is refused outside the area and to roles that may not print', async () => {
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
		const created = await createAccount(
			t.db,
			t.config,
			{ email: 'lanhdao.dn@demo.vn', fullName: 'Bùi Thị Mai', role: 'approver', unitCode: '48', password: DEMO_PASSWORD },
			{ id: null, email: 'test' }
		);
		const outside = (await loadActor(t.db, created.id))!;
		const bw = { kind: 'black_and_white' as const, cfg, render };
		const before = (await certificatesOf(t.db, decisionA)).get(itemA)!.printed;
		await expect(openCertificateForPrint(t.db, store(), outside, decisionA, itemA, 'In để lưu hồ sơ', bw)).rejects.toMatchObject({
			kind: 'not_found'
		});
		for (const id of [f.officerA, f.reviewer, f.admin]) {
			await expect(
				openCertificateForPrint(t.db, store(), (await loadActor(t.db, id))!, decisionA, itemA, 'In để lưu hồ sơ', bw)
			).rejects.toMatchObject({
				kind: 'forbidden'
			});
		}
		expect((await certificatesOf(t.db, decisionA)).get(itemA)!.printed).toBe(before);
	});
});
