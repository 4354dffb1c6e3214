/**
 * A criteria set as an Excel workbook (issue 14): written for officials to fill (instructions
 * in Vietnamese, frozen headers, drop-down lists for kinds, yes/no and the other choices) and
 * read back into the same set. The tables themselves, and every rule, are the domain's
 * (`domain/criteria/workbook.ts`); this module only moves cells in and out of the .xlsx file
 * with exceljs.
 *
 * A workbook from outside is a zip: its directory is checked before anything is inflated
 * (entries and uncompressed size bounded), so a small upload cannot expand into gigabytes.
 */
import ExcelJS from 'exceljs';
import {
	WORKBOOK_INSTRUCTIONS,
	setSheetChoices,
	setToTables,
	tablesToSet,
	type Cell,
	type WorkbookResult,
	type WorkbookTables
} from '../../domain/criteria/workbook.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';

const INSTRUCTIONS = 'Hướng dẫn';
const LISTS = 'Danh sách';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };

/** The .xlsx file of a set. */
export async function criteriaWorkbook(set: CriteriaSet): Promise<Buffer> {
	const tables = setToTables(set);
	const wb = new ExcelJS.Workbook();
	wb.creator = 'Xã, phường phù hợp với trẻ em';
	wb.created = new Date(0); // the same set gives the same file

	const help = wb.addWorksheet(INSTRUCTIONS);
	help.getColumn(1).width = 120;
	WORKBOOK_INSTRUCTIONS.forEach((line, i) => {
		const cell = help.getCell(i + 1, 1);
		cell.value = line;
		cell.alignment = { wrapText: true, vertical: 'top' };
		if (i === 0) cell.font = { bold: true, size: 14 };
	});
	help.getCell(WORKBOOK_INSTRUCTIONS.length + 2, 1).value = `Bộ tiêu chí: ${set.code}@${set.version} — ${set.name}`;

	// the drop-down lists live on a hidden sheet (an inline list is limited to 255 characters)
	const lists = wb.addWorksheet(LISTS, { state: 'hidden' });
	let listColumn = 0;
	const listRange = (choices: readonly string[]): string => {
		listColumn += 1;
		choices.forEach((c, i) => (lists.getCell(i + 1, listColumn).value = c));
		const letter = lists.getColumn(listColumn).letter;
		return `'${LISTS}'!$${letter}$1:$${letter}$${choices.length}`;
	};
	const rangeOf = new Map<string, string>();
	const validation = (choices: readonly string[]): ExcelJS.DataValidation => {
		const key = choices.join('\n');
		if (!rangeOf.has(key)) rangeOf.set(key, listRange(choices));
		return {
			type: 'list',
			allowBlank: true,
			formulae: [rangeOf.get(key)!],
			showErrorMessage: true,
			errorStyle: 'stop',
			errorTitle: 'Giá trị không hợp lệ',
			error: 'Chọn một giá trị trong danh sách.'
		};
	};

	const setChoices = setSheetChoices(tables);
	for (const sheet of tables.sheets) {
		const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
		ws.columns = sheet.columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
		const header = ws.getRow(1);
		header.font = { bold: true };
		header.alignment = { wrapText: true, vertical: 'middle' };
		header.eachCell((cell) => (cell.fill = HEADER_FILL));
		sheet.columns.forEach((c, k) => {
			if (c.note) header.getCell(k + 1).note = c.note;
		});
		for (const row of sheet.rows) ws.addRow(row.map((v) => v ?? null));
		ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
		// room to add rows: the lists apply well below the last row
		const lastRow = Math.max(sheet.rows.length + 200, 500);
		sheet.columns.forEach((c, k) => {
			if (c.type === 'choice' && c.choices) {
				const v = validation(c.choices);
				for (let r = 2; r <= lastRow; r++) ws.getCell(r, k + 1).dataValidation = v;
			}
			if (c.type === 'integer' || c.type === 'number') ws.getColumn(k + 1).numFmt = c.type === 'integer' ? '0' : '0.##';
		});
		if (sheet.columns[0].key === 'field') {
			setChoices.forEach((choices, i) => {
				if (choices) ws.getCell(i + 2, 2).dataValidation = validation(choices);
			});
		}
		ws.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));
	}
	return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Bounds of a workbook from outside. */
const MAX_ENTRIES = 200;
const MAX_INFLATED = 30 * 1024 * 1024;

/** Whether the bytes start as a zip file (an .xlsx is one). */
export function looksLikeWorkbook(bytes: Uint8Array): boolean {
	return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Reads the zip's central directory (without inflating anything): the number of entries and the
 * sum of their uncompressed sizes, or null when the directory cannot be found.
 */
export function zipDirectory(bytes: Uint8Array): { entries: number; inflated: number } | null {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	// the end-of-central-directory record: within the last 22 + 65535 bytes
	for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
		if (view.getUint32(at, true) !== 0x06054b50) continue;
		const entries = view.getUint16(at + 10, true);
		let offset = view.getUint32(at + 16, true);
		let inflated = 0;
		for (let n = 0; n < entries; n++) {
			if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
			inflated += view.getUint32(offset + 24, true);
			offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
		}
		return { entries, inflated };
	}
	return null;
}

/** One cell's value as the tables hold it. */
function cellValue(v: ExcelJS.CellValue): Cell {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number' || typeof v === 'string') return v;
	if (typeof v === 'boolean') return v ? 'Có' : 'Không';
	if (v instanceof Date) return v.toISOString();
	if (typeof v === 'object') {
		if ('richText' in v) return v.richText.map((t) => t.text).join('');
		if ('formula' in v || 'sharedFormula' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
		if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
		if ('error' in v) return String((v as ExcelJS.CellErrorValue).error);
	}
	return String(v);
}

/**
 * The set in an .xlsx file, validated: the set, or the errors with their sheet, row and column.
 * Nothing is written anywhere.
 */
export async function readCriteriaWorkbook(bytes: Uint8Array): Promise<WorkbookResult> {
	const whole = (message: string): WorkbookResult => ({ ok: false, errors: [{ sheet: '(tệp)', row: null, column: null, message }] });
	if (!looksLikeWorkbook(bytes)) return whole('Tệp không phải bảng tính Excel (.xlsx).');
	const dir = zipDirectory(bytes);
	if (!dir) return whole('Tệp Excel bị hỏng (không đọc được mục lục của tệp nén).');
	if (dir.entries > MAX_ENTRIES || dir.inflated > MAX_INFLATED)
		return whole('Tệp Excel quá lớn khi giải nén; bộ tiêu chí chỉ cần vài trăm dòng.');
	const wb = new ExcelJS.Workbook();
	try {
		await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
	} catch {
		return whole('Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không đúng định dạng.');
	}
	const tables: WorkbookTables = { sheets: [] };
	wb.eachSheet((ws) => {
		if (ws.name === INSTRUCTIONS || ws.name === LISTS) return;
		const width = ws.getRow(1).cellCount;
		const headers = Array.from({ length: width }, (_, k) => String(cellValue(ws.getRow(1).getCell(k + 1).value) ?? ''));
		const rows: Cell[][] = [];
		for (let r = 2; r <= ws.rowCount; r++) {
			const row = ws.getRow(r);
			rows.push(
				headers.map((_, k) => {
					const v = cellValue(row.getCell(k + 1).value);
					return typeof v === 'string' ? v.normalize('NFC') : v;
				})
			);
		}
		tables.sheets.push({
			name: ws.name,
			columns: headers.map((header) => ({ key: header, header, width: 0, type: 'text' as const })),
			rows
		});
	});
	return tablesToSet(tables);
}
