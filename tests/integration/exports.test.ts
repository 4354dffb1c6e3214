/**
 * The .xlsx exports (issue 13) opened back with exceljs and checked cell by cell, for two
 * communes, against values computed here independently: the answers as stored (the DB rows) and
 * the scores of each dossier read through the dossier module (the domain's scoring engine). The
 * header rows are frozen; a commune name and a figure's source starting with "=" come back as
 * text, not formulas; an officer of another province gets nothing of this province; the command
 * line writes the same score matrix into a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { freshDb, usingPostgres, withDataDir, type TestDb } from '../helpers/db.ts';
import { actorOf, COMMUNE_A, COMMUNE_B, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { loadDossierById, refreshFigures } from '#lib/server/dossier/index.ts';
import { xlsxWriter, type XlsxWriter } from '#lib/server/exports/xlsx.ts';
import { boardWorkbook } from '#lib/server/exports/board.ts';
import { exportArea, scoreMatrix } from '#lib/server/exports/score-matrix.ts';
import { dashboardWorkbook } from '#lib/server/exports/dashboard.ts';
import { isAppError } from '#lib/server/errors.ts';
import { STATE_LABELS } from '#lib/domain/workflow.ts';
import { VERDICT_LABELS } from '#lib/domain/terms.ts';

const TODAY = '2026-06-10';
const EVIL_NAME = '=HYPERLINK("http://x.invalid","Phú Xuân")';
const EVIL_SOURCE = '=1+2';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let outsideOfficer: number;
let provinceOfficer: number;

/** Scenario: A full marks and recognised, named with a formula; B with one rate below full, one survey unanswered, reviewed. */
async function scenario(db: TestDb) {
	const s = await seedRound(db);
	await completeDossier(db, s.assessmentA, s.officerA);
	await completeDossier(db, s.assessmentB, s.officerB);
	await db.db
		.updateTable('assessment_answer')
		.set({ answer: JSON.stringify({ numerator: 150, denominator: 200, source: EVIL_SOURCE, period: 'Quý I/2026' }) })
		.where('assessment_id', '=', s.assessmentB)
		.where('indicator_code', '=', 'TC02.1')
		.execute();
	await db.db.deleteFrom('assessment_answer').where('assessment_id', '=', s.assessmentB).where('indicator_code', '=', 'TC13.2').execute();
	const now = new Date();
	await db.db
		.insertInto('review_item')
		.values([
			{ assessment_id: s.assessmentB, indicator_code: 'TC01.1', points: 20, reason: 'Chưa đủ', updated_by: s.reviewer, updated_at: now },
			{ assessment_id: s.assessmentB, indicator_code: 'TC07.1', points: 0, reason: 'Sai số liệu', updated_by: s.reviewer, updated_at: now }
		])
		.execute();
	await refreshFigures(db.db, s.assessmentB);
	await db.db.updateTable('assessment').set({ state: 'recognised' }).where('id', '=', s.assessmentA).execute();
	await db.db.updateTable('assessment').set({ state: 'appraised' }).where('id', '=', s.assessmentB).execute();
	await db.db.updateTable('admin_unit').set({ name: EVIL_NAME }).where('code', '=', COMMUNE_A).where('level', '=', 'commune').execute();
	return s;
}

beforeAll(async () => {
	t = await freshDb();
	f = await scenario(t);
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
	await createAccount(
		t.db,
		t.config,
		{ email: 'tinh.dn@demo.vn', fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
		{ id: null, email: 'test' }
	);
	const id = async (email: string) =>
		(await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
	outsideOfficer = await id('tinh.dn@demo.vn');
	provinceOfficer = await id('tinh@demo.vn');
}, 180_000);
afterAll(async () => t?.drop());

async function workbook(write: (x: XlsxWriter) => Promise<void>): Promise<ExcelJS.Workbook> {
	const out = new PassThrough();
	const chunks: Buffer[] = [];
	out.on('data', (c: Buffer) => chunks.push(c));
	const ended = new Promise((r) => out.on('end', r));
	await write(xlsxWriter(out));
	await ended;
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
	return wb;
}

/** The sheet's rows as objects keyed by the header's text. */
function records(ws: ExcelJS.Worksheet): Record<string, unknown>[] {
	const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
	const out: Record<string, unknown>[] = [];
	ws.eachRow((row, n) => {
		if (n === 1) return;
		const rec: Record<string, unknown> = {};
		header.forEach((h, i) => {
			const cell = row.getCell(i + 1);
			expect(cell.formula, `${ws.name}!${cell.address}`).toBeUndefined();
			rec[h] = cell.value ?? null;
		});
		out.push(rec);
	});
	return out;
}

function expectFrozenHeader(ws: ExcelJS.Worksheet) {
	expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 1 });
	expect(ws.getRow(1).getCell(1).font?.bold, ws.name).toBe(true);
	expect(ws.autoFilter, ws.name).toBeTruthy();
}

/** What the matrix should say for one commune, computed from the DB rows and the dossier module. */
async function expectedMatrix(assessmentId: number) {
	const d = (await loadDossierById(t.db, assessmentId))!;
	const stored = Object.fromEntries(
		(
			await t.db.selectFrom('assessment_answer').select(['indicator_code', 'answer']).where('assessment_id', '=', assessmentId).execute()
		).map((r) => [r.indicator_code, (typeof r.answer === 'string' ? JSON.parse(r.answer) : r.answer) as Record<string, unknown>])
	);
	const reviewed = new Set(
		(await t.db.selectFrom('review_item').select('indicator_code').where('assessment_id', '=', assessmentId).execute()).map(
			(r) => r.indicator_code
		)
	);
	const rows = new Map<string, Record<string, unknown>>();
	for (const c of d.self.criteria)
		for (const i of c.indicators) {
			const a = stored[i.code] ?? {};
			const rev = d.reviewed.criteria.find((x) => x.code === c.code)!.indicators.find((x) => x.code === i.code)!;
			rows.set(i.code, {
				'Mã tiêu chí': c.code,
				'Mã chỉ tiêu': i.code,
				'Tử số / số trường hợp': (a.numerator ?? a.count ?? null) as number | null,
				'Mẫu số / dân số': (a.denominator ?? a.population ?? null) as number | null,
				'Tỷ lệ khảo sát (%)': (a.percent ?? null) as number | null,
				'Có/Không': a.value === undefined ? null : a.value ? 'Có' : 'Không',
				'Nguồn số liệu': a.source === undefined ? null : String(a.source).startsWith('=') ? `'${a.source}` : a.source,
				'Kỳ số liệu': a.period ?? null,
				'Điểm tự đánh giá': i.points,
				'Điểm thẩm định': reviewed.has(i.code) ? rev.points : null,
				'Điểm tối đa': i.maxPoints
			});
		}
	return { d, rows };
}

describe(`xlsx exports on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('the score matrix: both sheets cell by cell for two communes, text where a formula was typed', async () => {
		const reviewer = await actorOf(t, f.reviewer);
		const area = await exportArea(t.db, reviewer);
		const m = await scoreMatrix(t.db, area, f.roundId);
		expect(m.communes).toBe(2);
		const wb = await workbook(m.write);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Ma trận điểm']);
		for (const ws of wb.worksheets) expectFrozenHeader(ws);

		const summary = records(wb.getWorksheet('Tổng hợp')!);
		expect(summary).toHaveLength(2);
		const matrix = records(wb.getWorksheet('Ma trận điểm')!);
		expect(matrix).toHaveLength(2 * 26);

		for (const [code, id] of [
			[COMMUNE_A, f.assessmentA],
			[COMMUNE_B, f.assessmentB]
		] as const) {
			const { d, rows } = await expectedMatrix(id);
			const stateRow = await t.db
				.selectFrom('assessment')
				.select(['state', 'self_total', 'self_verdict', 'reviewed_total', 'reviewed_verdict'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow();
			const s = summary.find((r) => r['Mã xã'] === code)!;
			const name = code === COMMUNE_A ? `'${EVIL_NAME}` : d.assessment.commune.name;
			const isReviewed = rows.values().some((r) => r['Điểm thẩm định'] !== null);
			expect(s).toMatchObject({
				'Tên xã': name,
				'Trạng thái': STATE_LABELS[stateRow.state],
				Ngưỡng: d.self.threshold,
				'Điểm tối đa': d.self.maxTotal,
				'Tổng điểm tự đánh giá': d.self.total,
				'Kết luận tự đánh giá': VERDICT_LABELS[d.self.verdict],
				'Tổng điểm thẩm định': isReviewed ? d.reviewed.total : null,
				'Kết luận thẩm định': isReviewed ? VERDICT_LABELS[d.reviewed.verdict] : null
			});
			// stored figures agree with the dossier's score (the summary reads the stored ones)
			expect(stateRow.self_total).toBe(d.self.total);
			const mine = matrix.filter((r) => r['Mã xã'] === code);
			expect(mine).toHaveLength(26);
			for (const r of mine) {
				expect(r['Tên xã']).toBe(name);
				expect(r, `${code} ${String(r['Mã chỉ tiêu'])}`).toMatchObject(rows.get(String(r['Mã chỉ tiêu']))!);
			}
		}
		// what the scenario was built to show
		const b = (ind: string) => matrix.find((r) => r['Mã xã'] === COMMUNE_B && r['Mã chỉ tiêu'] === ind)!;
		expect(b('TC02.1')).toMatchObject({ 'Tử số / số trường hợp': 150, 'Mẫu số / dân số': 200, 'Nguồn số liệu': `'${EVIL_SOURCE}` });
		expect(b('TC13.2')).toMatchObject({ 'Tỷ lệ khảo sát (%)': null, 'Điểm tự đánh giá': null, 'Tình trạng số liệu': 'Chưa nhập' });
		expect(b('TC01.1')).toMatchObject({ 'Điểm tự đánh giá': 50, 'Điểm thẩm định': 20 });
		expect(b('TC07.1')).toMatchObject({ 'Điểm tự đánh giá': 50, 'Điểm thẩm định': 0 });
		expect(b('TC01.2')['Điểm thẩm định']).toBeNull();
		const a = summary.find((r) => r['Mã xã'] === COMMUNE_A)!;
		expect(a['Tổng điểm thẩm định']).toBeNull();
		expect(wb.getWorksheet('Ma trận điểm')!.getColumn(11).numFmt).toBe('#,##0');
	});

	it('the board: the same rows as the page, dates as dates', async () => {
		const reviewer = await actorOf(t, f.reviewer);
		const book = await boardWorkbook(t.db, reviewer, { roundId: f.roundId }, TODAY);
		expect(book.rows).toBe(2);
		const wb = await workbook(book.write);
		const ws = wb.worksheets[0];
		expectFrozenHeader(ws);
		const rows = records(ws);
		for (const [code, id] of [
			[COMMUNE_A, f.assessmentA],
			[COMMUNE_B, f.assessmentB]
		] as const) {
			const d = (await loadDossierById(t.db, id))!;
			const r = rows.find((x) => x['Mã đơn vị'] === code)!;
			expect(r).toMatchObject({
				'Đơn vị': code === COMMUNE_A ? `'${EVIL_NAME}` : d.assessment.commune.name,
				'Trạng thái': STATE_LABELS[code === COMMUNE_A ? 'recognised' : 'appraised'],
				'Điểm tự đánh giá': d.self.total,
				Ngưỡng: d.self.threshold,
				'Kết luận': VERDICT_LABELS[d.self.verdict],
				'Ngày gửi': null
			});
		}
		// a state filter narrows the rows as on the page
		const only = await boardWorkbook(t.db, reviewer, { roundId: f.roundId, state: 'appraised' }, TODAY);
		expect(only.rows).toBe(1);
	});

	it('the dashboard tables: the page numbers, one sheet per table', async () => {
		const officer = await actorOf(t, provinceOfficer);
		const book = await dashboardWorkbook(t.db, officer, { roundId: f.roundId }, TODAY);
		const wb = await workbook(book.write);
		expect(wb.worksheets.map((w) => w.name)).toEqual([
			'Thông tin',
			'Theo trạng thái',
			'Tỷ lệ công nhận',
			'Tổng điểm so với ngưỡng',
			'Theo tiêu chí',
			'Tiêu chí hạn chế nhiều nhất'
		]);
		for (const ws of wb.worksheets) expectFrozenHeader(ws);
		const states = records(wb.getWorksheet('Theo trạng thái')!);
		expect(states.find((r) => r['Trạng thái'] === STATE_LABELS.recognised)?.['Số xã']).toBe(1);
		expect(states.reduce((n, r) => n + Number(r['Số xã']), 0)).toBe(2);
		const shares = records(wb.getWorksheet('Tỷ lệ công nhận')!);
		expect(shares[0]).toMatchObject({ 'Số xã': 2, 'Số xã được công nhận': 1, 'Tỷ lệ được công nhận': 0.5 });
		expect(wb.getWorksheet('Tỷ lệ công nhận')!.getCell('D2').numFmt).toBe('0.0%');
		const criteria = records(wb.getWorksheet('Theo tiêu chí')!);
		expect(criteria).toHaveLength(13);
		// TC07 held at 0 for B by the review, full for A
		expect(criteria.find((r) => r['Mã tiêu chí'] === 'TC07')).toMatchObject({
			'Số xã 0 điểm': 1,
			'Số xã đạt điểm tối đa': 1,
			'Tỷ lệ 0 điểm': 0.5
		});
		for (const [i, c] of book.dashboard.criteria.entries()) expect(criteria[i]['Số xã 0 điểm']).toBe(c.zero);
	});

	it('another province gets nothing of this one; a commune account may not export; an administrator may export the nation', async () => {
		const outside = await actorOf(t, outsideOfficer);
		const area = await exportArea(t.db, outside);
		const m = await scoreMatrix(t.db, area, f.roundId);
		expect(m.communes).toBe(0);
		const wb = await workbook(m.write);
		expect(wb.worksheets.map((w) => w.rowCount)).toEqual([1, 1]);
		expect((await boardWorkbook(t.db, outside, { roundId: f.roundId }, TODAY)).rows).toBe(0);
		const dash = await dashboardWorkbook(t.db, outside, { roundId: f.roundId }, TODAY);
		expect(dash.dashboard.round).toBeNull();

		const commune = await actorOf(t, f.officerA);
		const refused = await exportArea(t.db, commune).then(
			() => null,
			(e: unknown) => e
		);
		expect(isAppError(refused) && refused.kind).toBe('forbidden');

		const admin = await actorOf(t, f.admin);
		const nation = await exportArea(t.db, admin);
		expect(nation.kind).toBe('nation');
		expect((await scoreMatrix(t.db, nation, f.roundId)).communes).toBe(2);
		const dn = await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('code', '=', '48')
			.where('level', '=', 'province')
			.executeTakeFirstOrThrow();
		expect((await scoreMatrix(t.db, await exportArea(t.db, admin, dn.id), f.roundId)).communes).toBe(0);
	});

	it('the command line writes the score matrix of a round into a file', async () => {
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-cli-'));
		const env: Record<string, string> = { ...(process.env as Record<string, string>), REVIEW_LEVEL: 'province' };
		let roundId = f.roundId;
		if (usingPostgres) env.DATABASE_URL = t.config.databaseUrl!;
		else {
			env.DATA_DIR = path.join(tmp, 'data');
			roundId = await withDataDir(env.DATA_DIR, async (d) => (await scenario(d)).roundId);
		}
		const out = path.join(tmp, 'ma-tran.xlsx');
		const cli = (...args: string[]) =>
			spawnSync(process.execPath, ['src/cli/main.ts', ...args], { env, encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
		const r = cli('report', String(roundId), '--province', '46', '--format', 'xlsx', '--out', out);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain('2 xã');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.readFile(out);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Ma trận điểm']);
		const summary = records(wb.getWorksheet('Tổng hợp')!);
		expect(summary.map((x) => x['Mã xã']).sort()).toEqual([COMMUNE_A, COMMUNE_B].sort());
		expect(records(wb.getWorksheet('Ma trận điểm')!)).toHaveLength(52);
		// the whole nation without --province; a bad format is refused in Vietnamese
		const all = cli('report', String(roundId), '--format', 'xlsx', '--out', out);
		expect(all.status, all.stderr).toBe(0);
		expect(all.stdout).toContain('Toàn quốc');
		// the summary report as PDF (documents/summary-report.ts) through the same command
		const pdf = path.join(tmp, 'bao-cao.pdf');
		const p = cli('report', String(roundId), '--province', '46', '--format', 'pdf', '--out', pdf);
		expect(p.status, p.stderr).toBe(0);
		expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
		const bad = cli('report', String(roundId), '--format', 'csv', '--out', out);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('Cần --format xlsx hoặc --format pdf.');
		fs.rmSync(tmp, { recursive: true, force: true });
	}, 180_000);
});
