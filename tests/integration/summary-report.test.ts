/**
 * The summary report (issue 13) of a seeded round with communes in two provinces (Huế: Phú Xuân
 * recognised, Kim Long refused by decision 15/QĐ-UBND, Vỹ Dạ still a draft; Đà Nẵng: Hải Vân
 * complete, a draft), under a criteria set neither verified nor confirmed (TẠM TÍNH): the PDF's
 * text (pdftotext -layout) and the .docx's word/document.xml carry the dashboard's counts, the
 * share, the communes with their totals and the decision; a province officer's report holds
 * none of the other province's communes; the national report holds both.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf, completeDossier, COMMUNE_A, COMMUNE_B } from '../helpers/fixtures.ts';
import { seedDemo, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { loadAssessment, refreshFigures } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { appraise, startReview } from '#lib/server/reviews/index.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { provinceDashboard } from '#lib/server/dashboard/index.ts';
import { summaryReportData, summaryReportPdf } from '#lib/server/documents/summary-report.ts';
import { summaryReportDocx } from '#lib/server/documents/summary-report-docx.ts';
import { closePool } from '#lib/server/documents/pool.ts';
import { PROVISIONAL_NOTICE } from '#lib/server/documents/layout.ts';
import type { Actor } from '#lib/domain/access.ts';

const COMMUNE_C = '19777'; // Phường Vỹ Dạ (Huế), left as a draft
const COMMUNE_D = '20194'; // Phường Hải Vân (Đà Nẵng)
const TODAY = '2026-06-10';
const NUMBER = '15/QĐ-UBND';

let t: TestDb;
let roundId: number;
let ids: Record<string, number>;
let reviewer: Actor;
let provinceOfficer: Actor;
let outsideOfficer: Actor;
let admin: Actor;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-report-'));

/** The text of a PDF as laid out (pdftotext -layout), spaces collapsed. */
function pdfText(pdf: Buffer, name: string): string {
	const file = path.join(tmp, `${name}.pdf`);
	fs.writeFileSync(file, pdf);
	return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
}

/** word/document.xml of a .docx, its text runs joined. */
function docxText(docx: Buffer, name: string): string {
	const file = path.join(tmp, `${name}.docx`);
	fs.writeFileSync(file, docx);
	const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 64 << 20 });
	return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
		.map((m) => m[1])
		.join(' ')
		.replace(/&amp;/g, '&')
		.normalize('NFC');
}

const flat = (s: string) => s.replace(/\s+/g, ' ');

beforeAll(async () => {
	t = await freshDb();
	await seedDemo(t.db, t.config, { withRound: false });
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
	const system = { id: null, email: 'fixture' };
	await createAccount(
		t.db,
		t.config,
		{ email: 'canbo.xa2@demo.vn', fullName: 'Cán bộ xã B', role: 'commune_officer', unitCode: COMMUNE_B, password: DEMO_PASSWORD },
		system
	);
	await createAccount(
		t.db,
		t.config,
		{ email: 'tinh.dn@demo.vn', fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
		system
	);
	const set = await t.db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', 'QD06-2019')
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	({ roundId } = await openRound(
		t.db,
		'post2025',
		{
			name: 'Đợt đánh giá năm 2026',
			year: 2026,
			criteriaSetId: set.id,
			opensOn: '2026-01-01',
			closesOn: '2099-12-31',
			communeCodes: [COMMUNE_A, COMMUNE_B, COMMUNE_C, COMMUNE_D]
		},
		system
	));
	ids = Object.fromEntries(
		(
			await t.db
				.selectFrom('assessment as a')
				.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
				.select(['a.id', 'c.code'])
				.where('a.round_id', '=', roundId)
				.execute()
		).map((r) => [r.code, r.id])
	);
	const acct = async (email: string) => {
		const row = await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow();
		return (await loadActor(t.db, row.id))!;
	};
	const [officerA, chairA, officerB, approver] = await Promise.all(
		['canbo.xa@demo.vn', 'chutich.xa@demo.vn', 'canbo.xa2@demo.vn', 'lanhdao@demo.vn'].map(acct)
	);
	[reviewer, provinceOfficer, outsideOfficer, admin] = await Promise.all(
		['thamdinh@demo.vn', 'tinh@demo.vn', 'tinh.dn@demo.vn', 'quantri@demo.vn'].map(acct)
	);
	await completeDossier(t, ids[COMMUNE_A], officerA.id);
	await completeDossier(t, ids[COMMUNE_B], officerB.id);
	await completeDossier(t, ids[COMMUNE_D], officerA.id);
	// D: a reviewer's 0 on TC07.1 (TC07 at 0 points), as the dashboard test sets one
	await t.db
		.insertInto('review_item')
		.values({
			assessment_id: ids[COMMUNE_D],
			indicator_code: 'TC07.1',
			points: 0,
			reason: 'Sai số liệu',
			updated_by: reviewer.id,
			updated_at: new Date()
		})
		.execute();
	await refreshFigures(t.db, ids[COMMUNE_D]);
	// A recognised (as the dashboard test sets it); B through the workflow, refused by a decision
	await t.db.updateTable('assessment').set({ state: 'recognised' }).where('id', '=', ids[COMMUNE_A]).execute();
	const version = async (id: number) => (await loadAssessment(t.db, id))!.stateVersion;
	const b = ids[COMMUNE_B];
	await transition(t.db, { ...chairA, id: officerB.id, role: 'commune_chair' }, b, 'submit', await version(b));
	await startReview(t.db, reviewer, b, await version(b));
	await appraise(t.db, reviewer, b, await version(b), { recommendation: 'not_recognise', remarks: 'Chưa đạt' });
	await issueDecision(t.db, approver, {
		outcome: 'not_recognise',
		number: NUMBER,
		issuedOn: '2026-05-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '',
		validUntil: '',
		assessments: [{ id: b, version: await version(b) }]
	} as Parameters<typeof issueDecision>[2]);
}, 240_000);

afterAll(async () => {
	await closePool();
	await t?.drop();
});

describe(`summary report on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it("carries the province dashboard's figures, the communes with their totals and the decision", async () => {
		const dashboard = await provinceDashboard(t.db, provinceOfficer, { roundId }, TODAY);
		const data = await summaryReportData(t.db, provinceOfficer, { roundId }, TODAY);
		expect(data.national).toBe(false);
		expect(data.area).toBe('Thành phố Huế');
		expect(data.total).toBe(3);
		expect(data.byState.map((s) => s.count)).toEqual(dashboard.byState.map((s) => s.count));
		expect(data.shares.map((s) => [s.communes, s.recognised, s.percent])).toEqual(
			dashboard.shares.map((s) => [s.communes, s.recognised, s.percent])
		);
		expect(data.shares[0]).toMatchObject({ communes: 3, recognised: 1, percent: 33.3 });
		expect(data.criteria).toHaveLength(13);
		const byCode = Object.fromEntries(dashboard.criteria.map((c) => [c.code, [c.zero, c.below, c.max, c.pending]]));
		for (const c of data.criteria) expect([c.zero, c.below, c.max, c.pending], c.code).toEqual(byCode[c.code]);
		expect(data.communes.map((c) => c.code).sort()).toEqual([COMMUNE_A, COMMUNE_B, COMMUNE_C].sort());
		expect(data.marks.provisional).toBe(true);
		expect(data.decisions).toEqual([{ number: NUMBER, date: '2026-05-20', commune: 'Phường Kim Long (19774)', result: 'Không công nhận' }]);

		const stored = await t.db
			.selectFrom('assessment')
			.select(['self_total', 'reviewed_total'])
			.where('id', '=', ids[COMMUNE_A])
			.executeTakeFirstOrThrow();
		expect(stored.self_total).toBeGreaterThan(0);
		const a = data.communes.find((c) => c.code === COMMUNE_A)!;
		expect([a.selfTotal, a.reviewedTotal, a.result]).toEqual([stored.self_total, stored.reviewed_total, 'Được công nhận']);

		const pdf = await summaryReportPdf(t.db, provinceOfficer, { roundId }, TODAY);
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		const text = pdfText(pdf, 'province');
		const one = flat(text);
		expect(one).toContain('BÁO CÁO');
		expect(one).toContain('Kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em');
		expect(one).toContain('SỞ Y TẾ');
		expect(one).toContain('Huế, ngày 10 tháng 6 năm 2026');
		expect(one).toContain(flat(PROVISIONAL_NOTICE).slice(0, 40));
		expect(one).toContain('Số xã, phường tham gia: 3 đơn vị trên địa bàn Thành phố Huế');
		expect(one).toContain('Số xã, phường được công nhận: 1/3, đạt tỷ lệ 33,3%');
		// a commune's row: its code, name, self and reviewed totals and its result, on one line
		const rowA = text.split('\n').find((l) => l.includes(COMMUNE_A));
		expect(rowA, text).toBeDefined();
		expect(flat(rowA!)).toMatch(
			new RegExp(
				`${COMMUNE_A} Phường Phú Xuân .*${a.selfTotal.toLocaleString('vi-VN')} ${a.reviewedTotal.toLocaleString('vi-VN')} Được công nhận`
			)
		);
		for (const s of dashboard.byState.filter((x) => x.count > 0)) expect(one).toMatch(new RegExp(`${s.label} +${s.count}`));
		expect(one).toContain(NUMBER);
		expect(one).toContain('20/05/2026');
		expect(one).toContain('Không công nhận');
		// the other province's commune is not there
		expect(one).not.toContain(COMMUNE_D);
		expect(one).not.toContain('Hải Vân');
		// signed by the head of the reviewing office (the settings)
		expect(one).toContain('GIÁM ĐỐC');
		// the first pages, to look at
		fs.writeFileSync(path.join(tmp, 'province.pdf'), pdf);
		execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '3', path.join(tmp, 'province.pdf'), path.join(tmp, 'province')]);
	}, 120_000);

	it("gives a province officer of another province only that province's communes", async () => {
		const data = await summaryReportData(t.db, outsideOfficer, { roundId }, TODAY);
		expect(data.area).toBe('Thành phố Đà Nẵng');
		expect(data.communes.map((c) => c.code)).toEqual([COMMUNE_D]);
		expect(data.decisions).toEqual([]);
		const one = flat(pdfText(await summaryReportPdf(t.db, outsideOfficer, { roundId }, TODAY), 'outside'));
		expect(one).toContain('Phường Hải Vân');
		for (const code of [COMMUNE_A, COMMUNE_B, COMMUNE_C]) expect(one).not.toContain(code);
		expect(one).not.toContain('Phú Xuân');
		expect(one).not.toContain(NUMBER);
		expect(one).toContain('Số xã, phường được công nhận: 0/1, đạt tỷ lệ 0%');
	}, 120_000);

	it('gives an administrator the nation, or the province chosen', async () => {
		const national = await summaryReportData(t.db, admin, { roundId }, TODAY);
		expect(national.national).toBe(true);
		expect(national.total).toBe(4);
		expect(national.communes.map((c) => c.code).sort()).toEqual([COMMUNE_A, COMMUNE_B, COMMUNE_C, COMMUNE_D].sort());
		expect(national.communes.find((c) => c.code === COMMUNE_D)?.province).toBe('Thành phố Đà Nẵng');
		expect(national.shares[0]).toMatchObject({ communes: 4, recognised: 1, percent: 25 });
		const huế = await provinceDashboard(t.db, admin, { roundId, provinceId: (await unitId('46'))! }, TODAY);
		const dn = await provinceDashboard(t.db, admin, { roundId, provinceId: (await unitId('48'))! }, TODAY);
		for (const c of national.criteria) {
			const [h, d] = [huế, dn].map((x) => x.criteria.find((y) => y.code === c.code)!);
			expect(c.zero + c.below + c.max + c.pending).toBe(4);
			expect([c.zero, c.below, c.max]).toEqual([h.zero + d.zero, h.below + d.below, h.max + d.max]);
		}
		const one = flat(pdfText(await summaryReportPdf(t.db, admin, { roundId }, TODAY), 'national'));
		expect(one).toContain('Toàn quốc');
		expect(one).toContain('Phường Hải Vân');
		expect(one).toContain('Phường Phú Xuân');
		// the communes under their province's name
		expect(one).toMatch(/Thành phố Huế 1 19774 Phường Kim Long .* Thành phố Đà Nẵng 4 20194 Phường Hải Vân/);
		// the criteria holding communes back first: TC07, at 0 points in Hải Vân
		expect(national.criteria[0]).toMatchObject({ code: 'TC07', zero: 1 });
		expect(one).toContain('Các tiêu chí có nhiều xã, phường chưa đạt điểm tối đa nhất: TC07 (1 xã 0 điểm, 0 xã dưới điểm tối đa)');
		// by province: Huế (46) before Đà Nẵng (48)
		expect(national.communes.map((c) => c.code)).toEqual([COMMUNE_B, COMMUNE_A, COMMUNE_C, COMMUNE_D]);
		fs.writeFileSync(path.join(tmp, 'national.pdf'), await summaryReportPdf(t.db, admin, { roundId }, TODAY));
		execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '3', path.join(tmp, 'national.pdf'), path.join(tmp, 'national')]);

		const chosen = await summaryReportData(t.db, admin, { roundId, provinceId: (await unitId('48'))! }, TODAY);
		expect(chosen.area).toBe('Thành phố Đà Nẵng');
		expect(chosen.communes.map((c) => c.code)).toEqual([COMMUNE_D]);
		await expect(summaryReportData(t.db, admin, { roundId, provinceId: 2_000_000 }, TODAY)).rejects.toMatchObject({ kind: 'not_found' });
	}, 120_000);

	it('opens as a .docx with the same counts, communes and decision', async () => {
		const docx = await summaryReportDocx(t.db, provinceOfficer, { roundId }, TODAY);
		expect(docx.subarray(0, 2).toString()).toBe('PK');
		const text = flat(docxText(docx, 'province'));
		expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
		expect(text).toContain('Số xã, phường tham gia: 3 đơn vị trên địa bàn Thành phố Huế');
		expect(text).toContain('Số xã, phường được công nhận: 1/3, đạt tỷ lệ 33,3%');
		expect(text).toContain('Phường Phú Xuân');
		expect(text).toContain(COMMUNE_A);
		expect(text).toContain(NUMBER);
		expect(text).toContain('TẠM TÍNH');
		expect(text).not.toContain('Hải Vân');
		// the national one: the communes under their province's name (a row across the table)
		const national = await summaryReportDocx(t.db, admin, { roundId }, TODAY);
		const all = flat(docxText(national, 'national'));
		expect(all).toMatch(/Thành phố Huế 1 19774 Phường Kim Long .* Thành phố Đà Nẵng 4 20194 Phường Hải Vân/);
		expect(execFileSync('unzip', ['-p', path.join(tmp, 'national.docx'), 'word/document.xml'], { encoding: 'utf8' })).toContain(
			'<w:gridSpan w:val="7"/>'
		);
	}, 120_000);
});

async function unitId(code: string): Promise<number | undefined> {
	return (
		await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('code', '=', code)
			.where('level', '=', 'province')
			.where('era', '=', 'post2025')
			.executeTakeFirst()
	)?.id;
}
