/**
 * The criteria set as an Excel workbook (issue 14): exported with exceljs, read back with
 * exceljs, it gives exactly the stored set; an official's edit made in the workbook (here with
 * exceljs, as Excel would) imports as a new draft; errors name sheet, row and column; the
 * command line does the same round trip.
 */
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { findCriteriaSet, importCriteriaSet } from '#lib/server/criteria/index.ts';
import { criteriaWorkbook, readCriteriaWorkbook, zipDirectory } from '#lib/server/criteria/xlsx.ts';
import { SHEET_BANDS, SHEET_CRITERIA, SHEET_INDICATORS, SHEET_SET } from '#lib/domain/criteria/workbook.ts';
import { validateCriteriaSet } from '#lib/domain/criteria/index.ts';
import { MINI_SET } from '../helpers/scoring-fixtures.ts';
import { canonicalJson } from '#lib/domain/canonical-json.ts';

let t: TestDb;
const SYSTEM = { id: null, email: 'test' } as const;

beforeAll(async () => {
	t = await freshDb();
}, 120_000);
afterAll(async () => t?.drop());

async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(bytes as unknown as ArrayBuffer);
	return wb;
}

const headerIndex = (ws: ExcelJS.Worksheet, header: string) => {
	let at = -1;
	ws.getRow(1).eachCell((c, k) => {
		if (c.value === header) at = k;
	});
	if (at < 0) throw new Error(`no column ${header}`);
	return at;
};

describe(`criteria workbook on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('exports the stored set as a workbook officials can fill, which reads back to exactly that set', async () => {
		const found = (await findCriteriaSet(t.db, 'QD06-2019@1'))!;
		const bytes = await criteriaWorkbook(found.set);
		const wb = await open(bytes);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['Hướng dẫn', 'Danh sách', SHEET_SET, SHEET_CRITERIA, SHEET_INDICATORS, SHEET_BANDS]);
		expect(wb.getWorksheet('Danh sách')!.state).toBe('hidden');
		const indicators = wb.getWorksheet(SHEET_INDICATORS)!;
		expect(indicators.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		const kindCol = headerIndex(indicators, 'Loại chỉ số');
		expect(indicators.getCell(2, kindCol).dataValidation).toMatchObject({ type: 'list' });
		const rows = indicators.rowCount;
		expect(rows).toBeGreaterThan(found.set.criteria.length);
		// one row per band, the criterion and indicator on each
		const bands = wb.getWorksheet(SHEET_BANDS)!;
		const tc07 = found.set.criteria.find((c) => c.code === 'TC07')!.indicators[0];
		const tc07Rows: number[] = [];
		bands.eachRow((row, n) => {
			if (row.getCell(2).value === tc07.code) tc07Rows.push(n);
		});
		expect(tc07Rows).toHaveLength('bands' in tc07 ? tc07.bands.length : 0);
		expect(bands.getCell(tc07Rows[0], 1).value).toBe('TC07');

		const back = await readCriteriaWorkbook(bytes);
		expect(back.ok && back.value).toEqual(found.set);
	});

	it('every indicator kind, through the real file: export → import → export gives the same JSON (keys sorted)', async () => {
		const v = validateCriteriaSet({ ...MINI_SET, version: 3 });
		if (!v.ok) throw new Error(JSON.stringify(v.errors));
		const r = await importCriteriaSet(t.db, v.value, SYSTEM);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const stored = (await findCriteriaSet(t.db, r.id))!.set;
		// jsonb keeps keys in its own order: the JSON is compared with its keys sorted (canonical)
		const first = canonicalJson(stored);
		const back = await readCriteriaWorkbook(await criteriaWorkbook(stored));
		if (!back.ok) throw new Error(JSON.stringify(back.errors));
		const again = await readCriteriaWorkbook(await criteriaWorkbook(back.value));
		if (!again.ok) throw new Error(JSON.stringify(again.errors));
		expect(canonicalJson(back.value)).toBe(first);
		expect(canonicalJson(again.value)).toBe(first);
		// and importing the workbook's set again is recognised as the very same version
		const same = await importCriteriaSet(t.db, again.value, SYSTEM);
		expect(same.ok && same.outcome).toBe('unchanged');
	});

	it("imports an official's edit as a new draft version", async () => {
		const found = (await findCriteriaSet(t.db, 'QD06-2019@1'))!;
		const wb = await open(await criteriaWorkbook(found.set));
		const set = wb.getWorksheet(SHEET_SET)!;
		set.eachRow((row) => {
			if (row.getCell(1).value === 'Phiên bản') row.getCell(2).value = 7;
		});
		const criteria = wb.getWorksheet(SHEET_CRITERIA)!;
		const titleCol = headerIndex(criteria, 'Tên tiêu chí');
		criteria.getCell(2, titleCol).value = 'Tiêu chí 1 (đã sửa trong Excel)';
		// Excel stores typed text with formatting as rich text
		criteria.getCell(3, titleCol).value = { richText: [{ text: 'Tiêu chí 2 ' }, { font: { bold: true }, text: 'in đậm' }] };
		const edited = Buffer.from(await wb.xlsx.writeBuffer());
		const read = await readCriteriaWorkbook(edited);
		expect(read.ok).toBe(true);
		if (!read.ok) return;
		const r = await importCriteriaSet(t.db, read.value, SYSTEM);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const stored = (await findCriteriaSet(t.db, r.id))!;
		expect(stored.row).toMatchObject({ code: 'QD06-2019', version: 7, status: 'draft' });
		expect(stored.set.criteria[0].title).toBe('Tiêu chí 1 (đã sửa trong Excel)');
		expect(stored.set.criteria[1].title).toBe('Tiêu chí 2 in đậm');
		expect(stored.set.criteria.slice(2)).toEqual(found.set.criteria.slice(2));
	});

	it('names the sheet, row and column of each error, and writes nothing', async () => {
		const found = (await findCriteriaSet(t.db, 'QD06-2019@1'))!;
		const wb = await open(await criteriaWorkbook(found.set));
		const bands = wb.getWorksheet(SHEET_BANDS)!;
		bands.getCell(4, headerIndex(bands, 'Điểm')).value = 'nhiều';
		const indicators = wb.getWorksheet(SHEET_INDICATORS)!;
		indicators.getCell(5, headerIndex(indicators, 'Điểm tối đa')).value = 12.5;
		const r = await readCriteriaWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toContainEqual({ sheet: SHEET_BANDS, row: 4, column: 'Điểm', message: '"nhiều" không phải là số.' });
		expect(r.errors).toContainEqual({ sheet: SHEET_INDICATORS, row: 5, column: 'Điểm tối đa', message: '12.5 phải là số nguyên.' });
	});

	it('refuses what is not a workbook and a zip that would inflate beyond bounds, before inflating it', async () => {
		const notXlsx = await readCriteriaWorkbook(Buffer.from('{"code":"X"}'));
		expect(!notXlsx.ok && notXlsx.errors[0].message).toMatch(/không phải bảng tính Excel/);
		const broken = await readCriteriaWorkbook(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200)]));
		expect(!broken.ok && broken.errors[0].message).toMatch(/bị hỏng/);
		// a real zip whose one entry inflates to 40 MB (highly compressible)
		const yazl = await import('yazl');
		const zip = new yazl.ZipFile();
		zip.addBuffer(Buffer.alloc(40 * 1024 * 1024), 'xl/worksheets/sheet1.xml');
		zip.end();
		const chunks: Buffer[] = [];
		for await (const c of zip.outputStream) chunks.push(c as Buffer);
		const bomb = Buffer.concat(chunks);
		expect(bomb.length).toBeLessThan(400_000);
		expect(zipDirectory(bomb)).toEqual({ entries: 1, inflated: 40 * 1024 * 1024 });
		const r = await readCriteriaWorkbook(bomb);
		expect(!r.ok && r.errors[0].message).toMatch(/quá lớn khi giải nén/);
	});
});

describe('criteria workbook on the command line', () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-criteria-xlsx-'));
	const env = { ...process.env, DATA_DIR: path.join(tmp, 'data'), DATABASE_URL: '' } as Record<string, string>;
	const cli = (...args: string[]) => {
		const r = spawnSync(process.execPath, ['src/cli/main.ts', ...args], {
			env,
			encoding: 'utf8',
			cwd: path.resolve(import.meta.dirname, '../..')
		});
		return { code: r.status, out: r.stdout, err: r.stderr };
	};
	afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('exports to .xlsx, validates and imports it back; a broken cell is reported at its place', async () => {
		const file = path.join(tmp, 'qd06.xlsx');
		const exp = cli('criteria', 'export', 'QD06-2019@1', file);
		expect(exp.code, exp.err).toBe(0);
		expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');
		const ok = cli('criteria', 'validate', file);
		expect(ok.code, ok.err).toBe(0);
		expect(ok.out).toMatch(/Hợp lệ: QD06-2019@1, 13 tiêu chí/);
		const same = cli('criteria', 'import', file);
		expect(same.code, same.err).toBe(0);
		expect(same.out).toMatch(/Không thay đổi/);

		const wb = await open(fs.readFileSync(file));
		const criteria = wb.getWorksheet(SHEET_CRITERIA)!;
		criteria.getCell(3, headerIndex(criteria, 'Điểm tối đa')).value = 'một trăm';
		const bad = path.join(tmp, 'bad.xlsx');
		fs.writeFileSync(bad, Buffer.from(await wb.xlsx.writeBuffer()));
		const r = cli('criteria', 'import', bad);
		expect(r.code).not.toBe(0);
		expect(r.err).toContain('Trang "Tiêu chí", dòng 3, cột "Điểm tối đa": "một trăm" không phải là số.');
	}, 120_000);
});
