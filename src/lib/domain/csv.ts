/**
 * CSV for spreadsheets, safe against formula injection: a text cell that a spreadsheet would
 * read as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with an
 * apostrophe; every cell is quoted when it holds a separator, a quote or a line break. Numbers
 * are written as they are. The file starts with a BOM so Excel reads UTF-8 (Vietnamese) right.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let s = value.normalize('NFC');
	if (FORMULA_START.test(s)) s = `'${s}`;
	return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
	return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
