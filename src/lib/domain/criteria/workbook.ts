/**
 * A criteria set as a workbook officials can fill (issue 14): the set as plain tables, one per
 * sheet, and back. Pure: cells in, cells out; the .xlsx file itself is written and read by the
 * server (`server/criteria/xlsx.ts`, exceljs). Importing the tables of an exported set gives
 * exactly the set exported (the same output of `validateCriteriaSet`).
 *
 * Sheets (their rows' order is the set's order):
 * - "Bộ tiêu chí": one row per field of the set (code, name, legal reference, version, status,
 *   the pass rule's thresholds by category and its two conditions, the confirmation if any);
 * - "Tiêu chí": one row per criterion;
 * - "Chỉ số": one row per indicator, with its criterion's code;
 * - "Mức điểm": one row per band or level, with the criterion's and the indicator's codes.
 * Codes join the sheets. Kinds, yes/no fields, base counts and the pass rule's conditions are
 * written as Vietnamese labels (the workbook offers them as drop-down lists) and read back from
 * those labels or from the interchange format's own codes.
 *
 * Errors, whether in reading the cells or in the set they make, name the sheet, the row and the
 * column (`WorkbookError`).
 */
import { COMMUNE_CATEGORIES, COMMUNE_CATEGORY_LABELS, type CommuneCategory } from '../units.ts';
import { BASE_COUNT_KEYS, INDICATOR_KIND_LABELS, INDICATOR_KINDS, type BaseCountKey, type IndicatorKind } from './constants.ts';
import {
	CRITERIA_SET_STATUS_LABELS,
	CRITERIA_SET_STATUSES,
	validateCriteriaSet,
	type Citation,
	type CriteriaSet,
	type CriteriaSetStatus
} from './schema.ts';

/** A cell as the tables hold it: text, a number, or empty. */
export type Cell = string | number | null;

export type ColumnType = 'text' | 'integer' | 'number' | 'choice';

export type Column = {
	key: string;
	header: string;
	width: number;
	type: ColumnType;
	/** For `choice` columns: the labels offered (a drop-down list in the workbook). */
	choices?: readonly string[];
	/** A line of help shown as the header's note. */
	note?: string;
};

export type Sheet = { name: string; columns: readonly Column[]; rows: Cell[][] };

/** The workbook as tables (the instructions sheet is the server's: it carries no data). */
export type WorkbookTables = { sheets: Sheet[] };

export type WorkbookError = {
	sheet: string;
	/** The row as Excel numbers it (the header is row 1); null for a whole sheet. */
	row: number | null;
	/** The column's header; null for a whole row or sheet. */
	column: string | null;
	message: string;
};

export type WorkbookResult = { ok: true; value: CriteriaSet } | { ok: false; errors: WorkbookError[] };

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

export const SHEET_SET = 'Bộ tiêu chí';
export const SHEET_CRITERIA = 'Tiêu chí';
export const SHEET_INDICATORS = 'Chỉ số';
export const SHEET_BANDS = 'Mức điểm';

const YES = 'Có';
const NO = 'Không';
const YES_NO = [YES, NO] as const;

const BASE_COUNT_LABELS: Record<BaseCountKey, string> = {
	under1: 'Trẻ em dưới 1 tuổi',
	under5: 'Trẻ em dưới 5 tuổi',
	under16: 'Trẻ em dưới 16 tuổi'
};

const ZERO_DENOMINATOR_LABELS = { invalid: 'Số liệu không hợp lệ', maxPoints: 'Được đủ điểm' } as const;
const MET_RULE_LABELS = { positive: 'Điểm lớn hơn 0', minPoints: 'Đạt số điểm tối thiểu' } as const;

/** Reads a label back: the Vietnamese label, or the interchange format's code itself. */
function fromLabel<K extends string>(labels: Record<K, string>, cell: string): K | undefined {
	const want = cell.normalize('NFC').trim().toLowerCase();
	for (const [key, label] of Object.entries(labels) as [K, string][]) {
		if (key.toLowerCase() === want || label.toLowerCase() === want) return key;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

const col = (key: string, header: string, width: number, type: ColumnType, extra: Partial<Column> = {}): Column => ({
	key,
	header,
	width,
	type,
	...extra
});

/** "Bộ tiêu chí": field | value. The field column is the key: its rows are fixed. */
const SET_COLUMNS = [col('field', 'Mục', 44, 'text'), col('value', 'Giá trị', 80, 'text')] as const;

type SetField = { key: string; label: string; type: ColumnType; choices?: readonly string[]; optional?: boolean };
const SET_FIELDS: readonly SetField[] = [
	{ key: 'code', label: 'Mã bộ tiêu chí', type: 'text' },
	{ key: 'name', label: 'Tên bộ tiêu chí', type: 'text' },
	{ key: 'legalReference', label: 'Căn cứ pháp lý', type: 'text' },
	{ key: 'version', label: 'Phiên bản', type: 'integer' },
	{ key: 'status', label: 'Trạng thái', type: 'choice', choices: CRITERIA_SET_STATUSES.map((s) => CRITERIA_SET_STATUS_LABELS[s]) },
	...COMMUNE_CATEGORIES.map((c) => ({
		key: `threshold.${c}`,
		label: `Ngưỡng điểm: ${COMMUNE_CATEGORY_LABELS[c]}`,
		type: 'integer' as const
	})),
	{ key: 'requireAllCriteriaMet', label: 'Phải đạt tất cả các tiêu chí', type: 'choice', choices: YES_NO },
	{ key: 'forbidZeroCriterion', label: 'Không tiêu chí nào được 0 điểm', type: 'choice', choices: YES_NO },
	{ key: 'confirmation.by', label: 'Xác nhận bởi (để trống nếu chưa xác nhận)', type: 'text', optional: true },
	{ key: 'confirmation.at', label: 'Xác nhận lúc (ISO 8601)', type: 'text', optional: true }
];

/** Where in the gazetted text an item comes from (all blank: not recorded). */
const CITATION_COLUMNS = [
	col('citation.article', 'Trích dẫn: Điều', 12, 'text', { note: 'Ví dụ: Điều 2' }),
	col('citation.clause', 'Trích dẫn: Khoản', 12, 'text', { note: 'Ví dụ: khoản 2' }),
	col('citation.point', 'Trích dẫn: Điểm', 12, 'text', { note: 'Ví dụ: điểm a' }),
	col('citation.page', 'Trích dẫn: Trang', 10, 'integer', { note: 'Trang của văn bản gốc' })
] as const;

const citationCells = (c: Citation | undefined): Row => ({
	'citation.article': c?.article ?? null,
	'citation.clause': c?.clause ?? null,
	'citation.point': c?.point ?? null,
	'citation.page': c?.page ?? null
});

const CRITERION_COLUMNS = [
	col('code', 'Mã tiêu chí', 12, 'text'),
	col('title', 'Tên tiêu chí', 48, 'text'),
	col('maxPoints', 'Điểm tối đa', 12, 'integer'),
	col('guidance', 'Hướng dẫn', 48, 'text'),
	col('metRule', 'Điều kiện đạt', 24, 'choice', { choices: Object.values(MET_RULE_LABELS) }),
	col('metPoints', 'Số điểm tối thiểu để đạt', 14, 'integer', { note: 'Chỉ điền khi điều kiện đạt là "Đạt số điểm tối thiểu".' }),
	col('source', 'Nguồn', 40, 'text'),
	...CITATION_COLUMNS,
	col('verified', 'Đã đối chiếu văn bản gốc', 14, 'choice', { choices: YES_NO })
] as const;

const INDICATOR_COLUMNS = [
	col('criterion', 'Mã tiêu chí', 12, 'text'),
	col('code', 'Mã chỉ số', 12, 'text'),
	col('kind', 'Loại chỉ số', 26, 'choice', { choices: INDICATOR_KINDS.map((k) => INDICATOR_KIND_LABELS[k]) }),
	col('title', 'Tên chỉ số', 48, 'text'),
	col('measure', 'Cách đo', 36, 'text'),
	col('guidance', 'Hướng dẫn', 40, 'text'),
	col('maxPoints', 'Điểm tối đa', 12, 'integer'),
	col('source', 'Nguồn', 36, 'text'),
	...CITATION_COLUMNS,
	col('verified', 'Đã đối chiếu văn bản gốc', 14, 'choice', { choices: YES_NO }),
	col('numeratorLabel', 'Tử số (chỉ số tỷ lệ)', 30, 'text'),
	col('denominatorLabel', 'Mẫu số (chỉ số tỷ lệ)', 30, 'text'),
	col('zeroDenominator', 'Khi mẫu số bằng 0 (chỉ số tỷ lệ)', 22, 'choice', { choices: Object.values(ZERO_DENOMINATOR_LABELS) }),
	col('countLabel', 'Số trường hợp (chỉ số tỷ suất)', 30, 'text'),
	col('populationLabel', 'Số trẻ em làm mẫu số (chỉ số tỷ suất)', 30, 'text'),
	col('per', 'Tính trên … trẻ em (chỉ số tỷ suất)', 14, 'integer'),
	col('zeroIfCountAtLeast', '0 điểm khi số trường hợp từ (chỉ số tỷ suất)', 16, 'integer', { note: 'Để trống nếu không áp dụng.' }),
	col('baseCount', 'Số trẻ em dùng chung (tỷ lệ, tỷ suất)', 22, 'choice', { choices: BASE_COUNT_KEYS.map((k) => BASE_COUNT_LABELS[k]) })
] as const;

const BAND_COLUMNS = [
	col('criterion', 'Mã tiêu chí', 12, 'text'),
	col('indicator', 'Mã chỉ số', 12, 'text'),
	col('min', 'Từ … % trở lên (tỷ lệ, khảo sát)', 16, 'number'),
	col('max', 'Không quá … (tỷ suất)', 16, 'number'),
	col('levelCode', 'Mã mức (chỉ số mức độ)', 16, 'text'),
	col('levelLabel', 'Tên mức (chỉ số mức độ)', 40, 'text'),
	col('points', 'Điểm', 10, 'integer'),
	col('provisional', 'Tạm tính (chưa có nguồn)', 14, 'choice', { choices: YES_NO })
] as const;

type Row = Record<string, Cell>;
const toCells = (columns: readonly Column[], row: Row): Cell[] => columns.map((c) => row[c.key] ?? null);
const yesNo = (b: boolean) => (b ? YES : NO);

// ---------------------------------------------------------------------------------------------
// Set → tables
// ---------------------------------------------------------------------------------------------

export function setToTables(set: CriteriaSet): WorkbookTables {
	const setValues: Record<string, Cell> = {
		code: set.code,
		name: set.name,
		legalReference: set.legalReference,
		version: set.version,
		status: CRITERIA_SET_STATUS_LABELS[set.status],
		requireAllCriteriaMet: yesNo(set.passRule.requireAllCriteriaMet),
		forbidZeroCriterion: yesNo(set.passRule.forbidZeroCriterion),
		'confirmation.by': set.confirmation?.by ?? null,
		'confirmation.at': set.confirmation?.at ?? null
	};
	for (const c of COMMUNE_CATEGORIES) setValues[`threshold.${c}`] = set.passRule.thresholds[c];

	const criteria: Cell[][] = [];
	const indicators: Cell[][] = [];
	const bands: Cell[][] = [];
	for (const c of set.criteria) {
		criteria.push(
			toCells(CRITERION_COLUMNS, {
				code: c.code,
				title: c.title,
				maxPoints: c.maxPoints,
				guidance: c.guidance,
				metRule: MET_RULE_LABELS[c.metRule.kind],
				metPoints: c.metRule.kind === 'minPoints' ? c.metRule.points : null,
				source: c.source,
				...citationCells(c.citation),
				verified: yesNo(c.verified)
			})
		);
		for (const i of c.indicators) {
			const row: Row = {
				criterion: c.code,
				code: i.code,
				kind: INDICATOR_KIND_LABELS[i.kind],
				title: i.title,
				measure: i.measure,
				guidance: i.guidance,
				maxPoints: i.maxPoints,
				source: i.source,
				...citationCells(i.citation),
				verified: yesNo(i.verified)
			};
			const band = (extra: Row, points: number, provisional: boolean) =>
				bands.push(toCells(BAND_COLUMNS, { criterion: c.code, indicator: i.code, ...extra, points, provisional: yesNo(provisional) }));
			switch (i.kind) {
				case 'rate':
					Object.assign(row, {
						numeratorLabel: i.numeratorLabel,
						denominatorLabel: i.denominatorLabel,
						zeroDenominator: ZERO_DENOMINATOR_LABELS[i.zeroDenominator],
						baseCount: i.baseCount ? BASE_COUNT_LABELS[i.baseCount] : null
					});
					for (const b of i.bands) band({ min: b.min }, b.points, b.provisional);
					break;
				case 'survey':
					for (const b of i.bands) band({ min: b.min }, b.points, b.provisional);
					break;
				case 'incidence':
					Object.assign(row, {
						countLabel: i.countLabel,
						populationLabel: i.populationLabel,
						per: i.per,
						zeroIfCountAtLeast: i.zeroIfCountAtLeast,
						baseCount: i.baseCount ? BASE_COUNT_LABELS[i.baseCount] : null
					});
					for (const b of i.bands) band({ max: b.max }, b.points, b.provisional);
					break;
				case 'level':
					for (const l of i.levels) band({ levelCode: l.code, levelLabel: l.label }, l.points, l.provisional);
					break;
				case 'check':
				case 'manual':
					break;
			}
			indicators.push(toCells(INDICATOR_COLUMNS, row));
		}
	}
	return {
		sheets: [
			{
				name: SHEET_SET,
				columns: SET_COLUMNS,
				rows: SET_FIELDS.filter((f) => !f.optional || setValues[f.key] !== null).map((f) => [f.label, setValues[f.key]])
			},
			{ name: SHEET_CRITERIA, columns: CRITERION_COLUMNS, rows: criteria },
			{ name: SHEET_INDICATORS, columns: INDICATOR_COLUMNS, rows: indicators },
			{ name: SHEET_BANDS, columns: BAND_COLUMNS, rows: bands }
		]
	};
}

/** The drop-down lists of the set sheet's value cells, by row (0-based among the data rows). */
export function setSheetChoices(tables: WorkbookTables): (readonly string[] | undefined)[] {
	const sheet = tables.sheets.find((s) => s.name === SHEET_SET);
	return (sheet?.rows ?? []).map((r) => SET_FIELDS.find((f) => f.label === r[0])?.choices);
}

// ---------------------------------------------------------------------------------------------
// Tables → set
// ---------------------------------------------------------------------------------------------

/** Where each part of the set came from, to put the set's own errors back at their cells. */
type Origin = { sheet: string; row: number; columns: readonly Column[] };

class Reader {
	errors: WorkbookError[] = [];

	error(sheet: string, row: number | null, column: string | null, message: string): void {
		this.errors.push({ sheet, row, column, message });
	}

	/** The sheet's data rows as records by column key, with their Excel row numbers; blank rows skipped. */
	rows(tables: WorkbookTables, name: string, columns: readonly Column[]): { row: number; cells: Row }[] {
		const sheet = tables.sheets.find((s) => s.name === name);
		if (!sheet) {
			this.error(name, null, null, `Thiếu trang tính "${name}".`);
			return [];
		}
		// columns are found by their header, so a reordered or widened sheet still reads
		const at = columns.map((c) => sheet.columns.findIndex((h) => h.header.trim() === c.header));
		columns.forEach((c, k) => {
			if (at[k] < 0) this.error(name, 1, c.header, `Thiếu cột "${c.header}".`);
		});
		const out: { row: number; cells: Row }[] = [];
		sheet.rows.forEach((cells, index) => {
			if (cells.every((v) => v === null || (typeof v === 'string' && v.trim() === ''))) return;
			const record: Row = {};
			columns.forEach((c, k) => {
				const v = at[k] >= 0 ? (cells[at[k]] ?? null) : null;
				record[c.key] = typeof v === 'string' && v.trim() === '' ? null : v;
			});
			out.push({ row: index + 2, cells: record });
		});
		return out;
	}

	text(sheet: string, row: number, column: Column, v: Cell, required = true): string | null {
		if (v === null) {
			if (required) this.error(sheet, row, column.header, 'Không được để trống.');
			return null;
		}
		return typeof v === 'number' ? String(v) : v;
	}

	number(sheet: string, row: number, column: Column, v: Cell, required = true): number | null {
		if (v === null) {
			if (required) this.error(sheet, row, column.header, 'Không được để trống.');
			return null;
		}
		const n = typeof v === 'number' ? v : Number(v.trim().replace(/\s/g, '').replace(',', '.'));
		if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) {
			this.error(sheet, row, column.header, `"${v}" không phải là số.`);
			return null;
		}
		if (column.type === 'integer' && !Number.isInteger(n)) {
			this.error(sheet, row, column.header, `${v} phải là số nguyên.`);
			return null;
		}
		return n;
	}

	/** The four citation cells: absent when all are blank. */
	citation(sheet: string, row: number, columns: readonly Column[], cells: Row): Record<string, unknown> | undefined {
		const at = (key: string) => columns.find((c) => c.key === key)!;
		const parts: Record<string, unknown> = {};
		for (const key of ['article', 'clause', 'point'] as const) {
			const v = this.text(sheet, row, at(`citation.${key}`), cells[`citation.${key}`], false);
			if (v !== null) parts[key] = v;
		}
		const page = this.number(sheet, row, at('citation.page'), cells['citation.page'], false);
		if (page !== null) parts.page = page;
		return Object.keys(parts).length > 0 ? parts : undefined;
	}

	choice<K extends string>(sheet: string, row: number, column: Column, v: Cell, labels: Record<K, string>, required = true): K | null {
		if (v === null) {
			if (required) this.error(sheet, row, column.header, `Không được để trống; chọn một trong: ${Object.values(labels).join('; ')}.`);
			return null;
		}
		const key = fromLabel(labels, String(v));
		if (key === undefined)
			this.error(sheet, row, column.header, `"${v}" không hợp lệ; chọn một trong: ${Object.values(labels).join('; ')}.`);
		return key ?? null;
	}
}

const column = (columns: readonly Column[], key: string): Column => columns.find((c) => c.key === key)!;
const YES_NO_LABELS = { true: YES, false: NO } as const;

/**
 * Reads the tables back into a set and validates it with the interchange format's own rules;
 * every error names its sheet, row and column.
 */
export function tablesToSet(tables: WorkbookTables): WorkbookResult {
	const r = new Reader();
	const origins = new Map<string, Origin>();
	const input: Record<string, unknown> = {};

	// --- the set sheet: field | value
	const setRows = r.rows(tables, SHEET_SET, SET_COLUMNS);
	const setFieldRow = new Map<string, number>();
	const valueColumn = column(SET_COLUMNS, 'value');
	const setValue = new Map<string, Cell>();
	for (const { row, cells } of setRows) {
		const label = typeof cells.field === 'string' ? cells.field.normalize('NFC').trim() : String(cells.field ?? '');
		const field = SET_FIELDS.find((f) => f.label === label || f.key === label);
		if (!field) {
			r.error(SHEET_SET, row, 'Mục', `Mục "${label}" không có trong mẫu.`);
			continue;
		}
		setFieldRow.set(field.key, row);
		setValue.set(field.key, cells.value);
	}
	const fieldValue = (key: string): { row: number; v: Cell } | null => {
		const row = setFieldRow.get(key);
		const f = SET_FIELDS.find((x) => x.key === key)!;
		if (row === undefined) {
			if (!f.optional && setRows.length > 0) r.error(SHEET_SET, null, null, `Thiếu dòng "${f.label}".`);
			return null;
		}
		return { row, v: setValue.get(key) ?? null };
	};
	const setOrigin = (key: string, path: string) => {
		const row = setFieldRow.get(key);
		if (row !== undefined) origins.set(path, { sheet: SHEET_SET, row, columns: [{ ...valueColumn, key: '' }] });
	};
	for (const key of ['code', 'name', 'legalReference']) {
		const f = fieldValue(key);
		if (f) input[key] = r.text(SHEET_SET, f.row, valueColumn, f.v);
		setOrigin(key, key);
	}
	const version = fieldValue('version');
	if (version) input.version = r.number(SHEET_SET, version.row, { ...valueColumn, type: 'integer' }, version.v);
	setOrigin('version', 'version');
	const status = fieldValue('status');
	if (status) input.status = r.choice<CriteriaSetStatus>(SHEET_SET, status.row, valueColumn, status.v, CRITERIA_SET_STATUS_LABELS);
	setOrigin('status', 'status');
	const thresholds: Partial<Record<CommuneCategory, number | null>> = {};
	for (const c of COMMUNE_CATEGORIES) {
		const f = fieldValue(`threshold.${c}`);
		if (f) thresholds[c] = r.number(SHEET_SET, f.row, { ...valueColumn, type: 'integer' }, f.v);
		setOrigin(`threshold.${c}`, `passRule.thresholds.${c}`);
	}
	const flag = (key: string): boolean | null => {
		const f = fieldValue(key);
		setOrigin(key, `passRule.${key}`);
		if (!f) return null;
		const v = r.choice(SHEET_SET, f.row, valueColumn, f.v, YES_NO_LABELS);
		return v === null ? null : v === 'true';
	};
	input.passRule = { thresholds, requireAllCriteriaMet: flag('requireAllCriteriaMet'), forbidZeroCriterion: flag('forbidZeroCriterion') };
	const by = fieldValue('confirmation.by');
	const at = fieldValue('confirmation.at');
	if (by?.v != null || at?.v != null) {
		input.confirmation = {
			by: by ? r.text(SHEET_SET, by.row, valueColumn, by.v) : null,
			at: at ? r.text(SHEET_SET, at.row, valueColumn, at.v) : null
		};
		setOrigin('confirmation.by', 'confirmation.by');
		setOrigin('confirmation.at', 'confirmation.at');
	}

	// --- criteria
	const criteria: Record<string, unknown>[] = [];
	const criterionAt = new Map<string, number>();
	for (const { row, cells } of r.rows(tables, SHEET_CRITERIA, CRITERION_COLUMNS)) {
		const c = (key: string) => column(CRITERION_COLUMNS, key);
		const code = r.text(SHEET_CRITERIA, row, c('code'), cells.code);
		const metKind = r.choice(SHEET_CRITERIA, row, c('metRule'), cells.metRule, MET_RULE_LABELS);
		const metPoints = metKind === 'minPoints' ? r.number(SHEET_CRITERIA, row, c('metPoints'), cells.metPoints) : null;
		if (metKind === 'positive' && cells.metPoints !== null)
			r.error(SHEET_CRITERIA, row, c('metPoints').header, 'Chỉ điền khi điều kiện đạt là "Đạt số điểm tối thiểu".');
		const verified = r.choice(SHEET_CRITERIA, row, c('verified'), cells.verified, YES_NO_LABELS);
		const index = criteria.length;
		if (code !== null) {
			if (criterionAt.has(code)) r.error(SHEET_CRITERIA, row, c('code').header, `Mã tiêu chí ${code} bị trùng.`);
			else criterionAt.set(code, index);
		}
		criteria.push({
			code,
			title: r.text(SHEET_CRITERIA, row, c('title'), cells.title),
			maxPoints: r.number(SHEET_CRITERIA, row, c('maxPoints'), cells.maxPoints),
			guidance: r.text(SHEET_CRITERIA, row, c('guidance'), cells.guidance),
			metRule: metKind === 'minPoints' ? { kind: metKind, points: metPoints } : { kind: metKind },
			source: r.text(SHEET_CRITERIA, row, c('source'), cells.source),
			citation: r.citation(SHEET_CRITERIA, row, CRITERION_COLUMNS, cells),
			verified: verified === null ? null : verified === 'true',
			indicators: []
		});
		origins.set(`criteria.${index}`, { sheet: SHEET_CRITERIA, row, columns: CRITERION_COLUMNS });
	}
	input.criteria = criteria;

	// --- indicators
	const indicatorAt = new Map<string, { criterion: number; index: number; kind: IndicatorKind | null; value: Record<string, unknown> }>();
	for (const { row, cells } of r.rows(tables, SHEET_INDICATORS, INDICATOR_COLUMNS)) {
		const c = (key: string) => column(INDICATOR_COLUMNS, key);
		const criterionCode = r.text(SHEET_INDICATORS, row, c('criterion'), cells.criterion);
		const ci = criterionCode === null ? undefined : criterionAt.get(criterionCode);
		if (criterionCode !== null && ci === undefined)
			r.error(SHEET_INDICATORS, row, c('criterion').header, `Không có tiêu chí ${criterionCode} trong trang "${SHEET_CRITERIA}".`);
		const code = r.text(SHEET_INDICATORS, row, c('code'), cells.code);
		const kind = r.choice(SHEET_INDICATORS, row, c('kind'), cells.kind, INDICATOR_KIND_LABELS);
		const verified = r.choice(SHEET_INDICATORS, row, c('verified'), cells.verified, YES_NO_LABELS);
		const value: Record<string, unknown> = {
			kind,
			code,
			title: r.text(SHEET_INDICATORS, row, c('title'), cells.title),
			measure: r.text(SHEET_INDICATORS, row, c('measure'), cells.measure),
			guidance: r.text(SHEET_INDICATORS, row, c('guidance'), cells.guidance),
			maxPoints: r.number(SHEET_INDICATORS, row, c('maxPoints'), cells.maxPoints),
			source: r.text(SHEET_INDICATORS, row, c('source'), cells.source),
			citation: r.citation(SHEET_INDICATORS, row, INDICATOR_COLUMNS, cells),
			verified: verified === null ? null : verified === 'true'
		};
		const only = (keys: string[]) => {
			for (const k of [
				'numeratorLabel',
				'denominatorLabel',
				'zeroDenominator',
				'countLabel',
				'populationLabel',
				'per',
				'zeroIfCountAtLeast',
				'baseCount'
			])
				if (!keys.includes(k) && cells[k] !== null && kind !== null)
					r.error(SHEET_INDICATORS, row, c(k).header, `Không dùng cho chỉ số loại "${INDICATOR_KIND_LABELS[kind]}": để trống.`);
		};
		const baseCount = () => r.choice(SHEET_INDICATORS, row, c('baseCount'), cells.baseCount, BASE_COUNT_LABELS, false);
		if (kind === 'rate') {
			Object.assign(value, {
				numeratorLabel: r.text(SHEET_INDICATORS, row, c('numeratorLabel'), cells.numeratorLabel),
				denominatorLabel: r.text(SHEET_INDICATORS, row, c('denominatorLabel'), cells.denominatorLabel),
				bands: [],
				// left blank: the format's default ("invalid")
				zeroDenominator:
					r.choice(SHEET_INDICATORS, row, c('zeroDenominator'), cells.zeroDenominator, ZERO_DENOMINATOR_LABELS, false) ?? undefined,
				baseCount: baseCount()
			});
			only(['numeratorLabel', 'denominatorLabel', 'zeroDenominator', 'baseCount']);
		} else if (kind === 'incidence') {
			Object.assign(value, {
				countLabel: r.text(SHEET_INDICATORS, row, c('countLabel'), cells.countLabel),
				populationLabel: r.text(SHEET_INDICATORS, row, c('populationLabel'), cells.populationLabel),
				per: r.number(SHEET_INDICATORS, row, c('per'), cells.per),
				bands: [],
				zeroIfCountAtLeast: r.number(SHEET_INDICATORS, row, c('zeroIfCountAtLeast'), cells.zeroIfCountAtLeast, false),
				baseCount: baseCount()
			});
			only(['countLabel', 'populationLabel', 'per', 'zeroIfCountAtLeast', 'baseCount']);
		} else if (kind === 'survey') {
			value.bands = [];
			only([]);
		} else if (kind === 'level') {
			value.levels = [];
			only([]);
		} else only([]);
		if (ci !== undefined) {
			const list = criteria[ci].indicators as unknown[];
			if (code !== null) {
				if (indicatorAt.has(code)) r.error(SHEET_INDICATORS, row, c('code').header, `Mã chỉ số ${code} bị trùng.`);
				else indicatorAt.set(code, { criterion: ci, index: list.length, kind, value });
			}
			origins.set(`criteria.${ci}.indicators.${list.length}`, { sheet: SHEET_INDICATORS, row, columns: INDICATOR_COLUMNS });
			list.push(value);
		}
	}

	// --- bands and levels
	for (const { row, cells } of r.rows(tables, SHEET_BANDS, BAND_COLUMNS)) {
		const c = (key: string) => column(BAND_COLUMNS, key);
		const code = r.text(SHEET_BANDS, row, c('indicator'), cells.indicator);
		const ind = code === null ? undefined : indicatorAt.get(code);
		if (code !== null && !ind) {
			r.error(SHEET_BANDS, row, c('indicator').header, `Không có chỉ số ${code} trong trang "${SHEET_INDICATORS}".`);
			continue;
		}
		if (!ind || ind.kind === null) continue;
		const criterionCode = cells.criterion === null ? null : String(cells.criterion).trim();
		const expected = (criteria[ind.criterion] as { code: string | null }).code;
		if (criterionCode !== expected) r.error(SHEET_BANDS, row, c('criterion').header, `Chỉ số ${code} thuộc tiêu chí ${expected}.`);
		const points = r.number(SHEET_BANDS, row, c('points'), cells.points);
		const provisionalChoice = r.choice(SHEET_BANDS, row, c('provisional'), cells.provisional, YES_NO_LABELS, false);
		const provisional = provisionalChoice === 'true';
		const unused = (keys: string[]) => {
			for (const k of ['min', 'max', 'levelCode', 'levelLabel'])
				if (!keys.includes(k) && cells[k] !== null)
					r.error(SHEET_BANDS, row, c(k).header, `Không dùng cho chỉ số loại "${INDICATOR_KIND_LABELS[ind.kind!]}": để trống.`);
		};
		const path = `criteria.${ind.criterion}.indicators.${ind.index}`;
		switch (ind.kind) {
			case 'rate':
			case 'survey': {
				const list = ind.value.bands as unknown[];
				origins.set(`${path}.bands.${list.length}`, { sheet: SHEET_BANDS, row, columns: BAND_COLUMNS });
				list.push({ min: r.number(SHEET_BANDS, row, c('min'), cells.min), points, provisional });
				unused(['min']);
				break;
			}
			case 'incidence': {
				const list = ind.value.bands as unknown[];
				origins.set(`${path}.bands.${list.length}`, { sheet: SHEET_BANDS, row, columns: BAND_COLUMNS });
				list.push({ max: r.number(SHEET_BANDS, row, c('max'), cells.max), points, provisional });
				unused(['max']);
				break;
			}
			case 'level': {
				const list = ind.value.levels as unknown[];
				origins.set(`${path}.levels.${list.length}`, { sheet: SHEET_BANDS, row, columns: BAND_COLUMNS });
				list.push({
					code: r.text(SHEET_BANDS, row, c('levelCode'), cells.levelCode),
					label: r.text(SHEET_BANDS, row, c('levelLabel'), cells.levelLabel),
					points,
					provisional
				});
				unused(['levelCode', 'levelLabel']);
				break;
			}
			case 'check':
			case 'manual':
				r.error(SHEET_BANDS, row, null, `Chỉ số ${code} (loại "${INDICATOR_KIND_LABELS[ind.kind]}") không có mức điểm: xóa dòng này.`);
		}
	}

	if (r.errors.length > 0) return { ok: false, errors: r.errors };
	const v = validateCriteriaSet(input);
	if (v.ok) return v;
	return { ok: false, errors: v.errors.map((e) => locate(e.path, e.message, origins)) };
}

/** Field names of the interchange format → the column they are read from. */
const FIELD_COLUMN: Record<string, string> = {
	min: 'min',
	max: 'max',
	points: 'points',
	label: 'levelLabel',
	provisional: 'provisional'
};

/**
 * Puts an error of the interchange format (path "criteria[6].indicators[0].bands[1].points")
 * back at the cell it came from.
 */
function locate(path: string, message: string, origins: Map<string, Origin>): WorkbookError {
	const parts = path
		.replace(/\[(\d+)\]/g, '.$1')
		.split('.')
		.filter(Boolean);
	for (let n = parts.length; n > 0; n--) {
		const origin = origins.get(parts.slice(0, n).join('.'));
		if (!origin) continue;
		const field = parts[n];
		if (origin.sheet === SHEET_SET) return { sheet: origin.sheet, row: origin.row, column: 'Giá trị', message };
		const isLevel = parts[n - 2] === 'levels';
		const key =
			field === undefined
				? undefined
				: isLevel && field === 'code'
					? 'levelCode'
					: origin.sheet === SHEET_BANDS
						? FIELD_COLUMN[field]
						: field;
		const metKey =
			field === 'metRule'
				? parts[n + 1] === 'points'
					? 'metPoints'
					: 'metRule'
				: field === 'citation' && parts[n + 1]
					? `citation.${parts[n + 1]}`
					: key;
		const c = origin.columns.find((x) => x.key === metKey);
		return { sheet: origin.sheet, row: origin.row, column: c?.header ?? null, message };
	}
	if (parts[0] === 'criteria') return { sheet: SHEET_CRITERIA, row: null, column: null, message };
	return { sheet: SHEET_SET, row: null, column: null, message };
}

/** 'Trang "Mức điểm", dòng 12, cột "Điểm"' */
export function workbookErrorLocation(e: WorkbookError): string {
	const where = [`Trang "${e.sheet}"`];
	if (e.row !== null) where.push(`dòng ${e.row}`);
	if (e.column !== null) where.push(`cột "${e.column}"`);
	return where.join(', ');
}

/** 'Trang "Mức điểm", dòng 12, cột "Điểm": …' */
export function describeWorkbookError(e: WorkbookError): string {
	return `${workbookErrorLocation(e)}: ${e.message}`;
}

/** The instructions sheet's lines (Vietnamese). */
export const WORKBOOK_INSTRUCTIONS: readonly string[] = [
	'HƯỚNG DẪN ĐIỀN BỘ TIÊU CHÍ',
	'',
	'Tệp này là một phiên bản bộ tiêu chí xã, phường phù hợp với trẻ em. Có thể sửa rồi nhập lại trên trang "Nhập bộ tiêu chí" (hoặc lệnh criteria import tệp.xlsx): phiên bản mới được nhập ở trạng thái dự thảo, xem trước các thay đổi rồi mới áp dụng.',
	'',
	`1. Trang "${SHEET_SET}": mã, tên, căn cứ pháp lý, phiên bản (tăng lên 1 khi sửa), ngưỡng tổng điểm theo từng loại xã và hai điều kiện công nhận. Không đổi tên các mục ở cột "Mục".`,
	`2. Trang "${SHEET_CRITERIA}": mỗi dòng một tiêu chí, theo thứ tự. Điểm tối đa của tiêu chí phải bằng tổng điểm tối đa các chỉ số của nó.`,
	`3. Trang "${SHEET_INDICATORS}": mỗi dòng một chỉ số, ghi mã tiêu chí chứa nó. Mã chỉ số có dạng <mã tiêu chí>.<số>, ví dụ TC07.1. Chỉ điền các cột dành cho loại chỉ số đã chọn (tỷ lệ: tử số, mẫu số, khi mẫu số bằng 0; tỷ suất: số trường hợp, số trẻ em làm mẫu số, tính trên … trẻ em); các cột khác để trống.`,
	`4. Trang "${SHEET_BANDS}": mỗi dòng một mức điểm, ghi mã tiêu chí và mã chỉ số. Tỷ lệ, khảo sát: "Từ … % trở lên", các mức tăng dần; tỷ suất: "Không quá …", các mức tăng dần, điểm giảm dần; mức độ: mã mức (chữ thường không dấu) và tên mức, ít nhất hai mức. Chỉ số Có/Không và chấm điểm trực tiếp không có dòng ở trang này.`,
	'5. Các cột có danh sách chọn (loại chỉ số, Có/Không, điều kiện đạt, số trẻ em dùng chung): chọn trong danh sách, không gõ khác đi.',
	'6. Cột "Nguồn": văn bản hay nguồn của mục. Các cột "Trích dẫn" (Điều, khoản, điểm, trang): nơi của mục trong văn bản gốc. "Đã đối chiếu văn bản gốc": chọn "Có" khi bạn đã so với văn bản được công bố chính thức; khi nhập, mục mới hay đã sửa vẫn chờ một quản trị viên khác xác nhận (nguyên tắc bốn mắt). "Tạm tính" là mức điểm chưa có nguồn.',
	'7. Không thêm công thức: chỉ nhập giá trị. Khi nhập, mọi lỗi được báo kèm tên trang, số dòng và tên cột; có lỗi thì không có gì được ghi.'
];

export type { CriteriaSetStatus };
