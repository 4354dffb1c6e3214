import { describe, expect, it } from 'vitest';
import { QD06_2019, QD06_2019_V2, validateCriteriaSet } from './index.ts';
import {
	SHEET_BANDS,
	SHEET_CRITERIA,
	SHEET_INDICATORS,
	SHEET_SET,
	setToTables,
	tablesToSet,
	describeWorkbookError,
	type WorkbookTables
} from './workbook.ts';
import { SMALL_CRITERIA_SET as SMALL_SET } from '../../../../tests/helpers/small-criteria.ts';
import { MINI_SET } from '../../../../tests/helpers/scoring-fixtures.ts';

const parsed = (input: unknown) => {
	const v = validateCriteriaSet(input);
	if (!v.ok) throw new Error(JSON.stringify(v.errors));
	return v.value;
};

const sheet = (t: WorkbookTables, name: string) => t.sheets.find((s) => s.name === name)!;
const cellAt = (t: WorkbookTables, name: string, row: number, header: string) => {
	const s = sheet(t, name);
	return { row: s.rows[row - 2], index: s.columns.findIndex((c) => c.header === header) };
};

describe('criteria set as workbook tables', () => {
	it.each([
		['QD06-2019@1', QD06_2019],
		['QD06-2019@2', QD06_2019_V2]
	])('gives back exactly the set it was made from (%s)', (_, input) => {
		const set = parsed(input);
		const r = tablesToSet(setToTables(set));
		expect(r.ok && r.value).toEqual(set);
	});

	it('every indicator kind: export → import → export gives byte-identical JSON', () => {
		const set = parsed(MINI_SET);
		expect(new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.kind)))).toEqual(
			new Set(['check', 'rate', 'incidence', 'level', 'survey', 'manual'])
		);
		const once = tablesToSet(setToTables(set));
		if (!once.ok) throw new Error(JSON.stringify(once.errors));
		const twice = tablesToSet(setToTables(once.value));
		if (!twice.ok) throw new Error(JSON.stringify(twice.errors));
		expect(JSON.stringify(once.value)).toBe(JSON.stringify(set));
		expect(JSON.stringify(twice.value)).toBe(JSON.stringify(set));
	});

	it('carries a confirmation and every indicator kind', () => {
		const set = { ...parsed(SMALL_SET), confirmation: { by: 'Quản trị A', at: '2026-01-02T03:04:05.000Z' } };
		const kinds = new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.kind)));
		const r = tablesToSet(setToTables(set));
		expect(r.ok && r.value).toEqual(parsed(set));
		expect(kinds.size).toBeGreaterThanOrEqual(3);
	});

	it('one row per band, with the criterion and indicator on each row', () => {
		const set = parsed(QD06_2019);
		const t = setToTables(set);
		const bands = set.criteria.flatMap((c) =>
			c.indicators.flatMap((i) => ('bands' in i ? i.bands : 'levels' in i ? i.levels : []).map(() => [c.code, i.code]))
		);
		expect(sheet(t, SHEET_BANDS).rows.map((r) => [r[0], r[1]])).toEqual(bands);
		expect(sheet(t, SHEET_INDICATORS).rows).toHaveLength(set.criteria.reduce((n, c) => n + c.indicators.length, 0));
	});

	it('accepts the format codes as well as the labels, and a decimal comma', () => {
		const set = parsed(QD06_2019);
		const t = setToTables(set);
		const ind = sheet(t, SHEET_INDICATORS);
		const kindAt = ind.columns.findIndex((c) => c.header === 'Loại chỉ số');
		const rateRow = ind.rows.findIndex((r) => r[kindAt] === 'Tỷ lệ (%)');
		ind.rows[rateRow][kindAt] = 'rate';
		const b = sheet(t, SHEET_BANDS);
		const minAt = b.columns.findIndex((c) => c.header.startsWith('Từ'));
		const first = b.rows.findIndex((r) => typeof r[minAt] === 'number');
		const original = b.rows[first][minAt] as number;
		b.rows[first][minAt] = String(original).replace('.', ',');
		const r = tablesToSet(t);
		expect(r.ok && r.value).toEqual(set);
	});

	it('names the sheet, row and column of a cell that is not a number', () => {
		const t = setToTables(parsed(QD06_2019));
		const { row, index } = cellAt(t, SHEET_BANDS, 3, 'Điểm');
		row[index] = 'năm mươi';
		const r = tablesToSet(t);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([{ sheet: SHEET_BANDS, row: 3, column: 'Điểm', message: '"năm mươi" không phải là số.' }]);
		expect(describeWorkbookError(r.errors[0])).toBe('Trang "Mức điểm", dòng 3, cột "Điểm": "năm mươi" không phải là số.');
	});

	it("puts the set's own rule errors back at their cells", () => {
		const set = parsed(QD06_2019);
		const t = setToTables(set);
		// a band worth more than its indicator's maximum
		const b = sheet(t, SHEET_BANDS);
		const pointsAt = b.columns.findIndex((c) => c.header === 'Điểm');
		b.rows[0][pointsAt] = 99_999;
		// a criterion whose maximum is not the sum of its indicators'
		const cr = sheet(t, SHEET_CRITERIA);
		const maxAt = cr.columns.findIndex((c) => c.header === 'Điểm tối đa');
		(cr.rows[1][maxAt] as number) += 1;
		// a threshold above the set's total
		const s = sheet(t, SHEET_SET);
		const thresholdRow = s.rows.findIndex((r) => String(r[0]).startsWith('Ngưỡng điểm'));
		s.rows[thresholdRow][1] = 1_000_000;
		const r = tablesToSet(t);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const places = r.errors.map((e) => [e.sheet, e.row, e.column]);
		expect(places).toContainEqual([SHEET_BANDS, 2, 'Điểm']);
		expect(places).toContainEqual([SHEET_CRITERIA, 3, 'Điểm tối đa']);
		expect(places).toContainEqual([SHEET_SET, thresholdRow + 2, 'Giá trị']);
	});

	it('refuses an unknown kind, a band of an unknown indicator, a missing sheet', () => {
		const t = setToTables(parsed(QD06_2019));
		const ind = sheet(t, SHEET_INDICATORS);
		const kindAt = ind.columns.findIndex((c) => c.header === 'Loại chỉ số');
		ind.rows[0][kindAt] = 'Tỷ lệ phần trăm';
		const b = sheet(t, SHEET_BANDS);
		b.rows.push(['TC01', 'TC01.99', 50, null, null, null, 10, 'Không']);
		const r = tablesToSet(t);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toContainEqual(expect.objectContaining({ sheet: SHEET_INDICATORS, row: 2, column: 'Loại chỉ số' }));
		expect(r.errors).toContainEqual(expect.objectContaining({ sheet: SHEET_BANDS, row: b.rows.length + 1, column: 'Mã chỉ số' }));

		const missing = tablesToSet({ sheets: setToTables(parsed(QD06_2019)).sheets.filter((s) => s.name !== SHEET_CRITERIA) });
		expect(!missing.ok && missing.errors[0]).toEqual({
			sheet: SHEET_CRITERIA,
			row: null,
			column: null,
			message: 'Thiếu trang tính "Tiêu chí".'
		});
	});

	it('reads columns by their header, whatever their order, and skips blank rows', () => {
		const set = parsed(QD06_2019);
		const t = setToTables(set);
		const cr = sheet(t, SHEET_CRITERIA);
		const reversed = { ...cr, columns: [...cr.columns].reverse(), rows: cr.rows.map((r) => [...r].reverse()) };
		reversed.rows.splice(
			1,
			0,
			reversed.columns.map(() => null)
		);
		t.sheets[t.sheets.indexOf(cr)] = reversed;
		const r = tablesToSet(t);
		expect(r.ok && r.value).toEqual(set);
	});
});

describe('citations in the workbook', () => {
	it('round-trips citations, partial ones included, and reports a bad page at its cell', () => {
		const set = parsed(QD06_2019);
		set.criteria[0].citation = { article: 'Điều 2', clause: 'khoản 2', page: 3 };
		set.criteria[0].indicators[0].citation = { point: 'điểm a' };
		const t = setToTables(set);
		const r = tablesToSet(t);
		expect(r.ok && r.value).toEqual(set);
		expect(r.ok && r.value.criteria[1].citation).toBeUndefined();

		const { row, index } = cellAt(t, SHEET_INDICATORS, 2, 'Trích dẫn: Trang');
		row[index] = 0;
		const bad = tablesToSet(t);
		expect(!bad.ok && bad.errors).toEqual([
			{ sheet: SHEET_INDICATORS, row: 2, column: 'Trích dẫn: Trang', message: 'Số trang phải lớn hơn 0' }
		]);
	});
});
