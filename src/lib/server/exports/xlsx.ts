/**
 * Excel (.xlsx) exports (issue 13): the shared workbook helpers. Every sheet has its Vietnamese
 * header row in bold, frozen (views: ySplit 1) and filtered (autofilter), its column widths and
 * number formats (integers `#,##0`, shares `0.0%`, dates as real dates shown dd/mm/yyyy), and
 * cells safe against formula injection: a text cell that a spreadsheet would read as a formula
 * (starting with =, +, -, @, a tab or a carriage return) is written as text with an apostrophe
 * before it, as the CSV export does.
 *
 * Streamed: rows go through exceljs's streaming writer (`stream.xlsx.WorkbookWriter`) into a
 * Node stream as they are added and committed, so that a big sheet never sits in memory; a
 * route answers with `xlsxResponse`, a web ReadableStream over that Node stream.
 *
 * Server module: no `$app/*`.
 */
import { PassThrough, Readable, type Writable } from 'node:stream';
import { once } from 'node:events';
import ExcelJS from 'exceljs';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** How a column's values are written and shown. */
export type ColumnKind = 'text' | 'int' | 'number' | 'percent' | 'date';

export type Column = { header: string; kind?: ColumnKind; width?: number };

export type Cell = string | number | boolean | Date | null | undefined;

const NUM_FMT: Record<ColumnKind, string | undefined> = {
	text: '@',
	int: '#,##0',
	number: '#,##0.00',
	percent: '0.0%',
	date: 'dd/mm/yyyy'
};

const DEFAULT_WIDTH: Record<ColumnKind, number> = { text: 24, int: 12, number: 12, percent: 10, date: 12 };

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell as written: NFC, and with an apostrophe before anything a spreadsheet would read as
 * a formula (=, +, -, @, tab, carriage return at the start).
 */
export function safeText(s: string): string {
	const t = s.normalize('NFC');
	return FORMULA_START.test(t) ? `'${t}` : t;
}

/** A value as it goes into a cell of a column of `kind` (text made safe, non-finite numbers left blank). */
export function cellValue(value: Cell, kind: ColumnKind = 'text'): string | number | boolean | Date | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return value === '' ? null : safeText(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return null;
		return kind === 'text' ? safeText(String(value)) : value;
	}
	return value;
}

/**
 * A calendar date ('YYYY-MM-DD', or the Vietnam date of an instant) as the Date exceljs writes as
 * that day's serial number: midnight UTC of that day (the cell then shows the same day anywhere).
 */
export function excelDate(day: string | null | undefined): Date | null {
	if (!day) return null;
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
	return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

/** The column letters of column `n` (1-based): 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
	let s = '';
	for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
	return s;
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
export function sheetName(name: string): string {
	return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
}

/** One sheet being written: add rows in order; `done` commits it (call before the next sheet). */
export type SheetWriter = { add(row: Cell[]): Promise<void>; done(): Promise<void> };

export type XlsxWriter = {
	sheet(name: string, columns: Column[]): SheetWriter;
	/** Commits the workbook: the zip's last bytes go to the stream, which is then ended. */
	finish(): Promise<void>;
};

/** Rows written between two looks at the output's back-pressure. */
const YIELD_EVERY = 256;

/** Bytes a sheet may hold back (written, not yet compressed and passed on) before its writer waits. */
const MAX_PENDING = 2 * 1024 * 1024;

type Piped = {
	writableLength?: number;
	readableLength?: number;
	_writableState?: { length?: number };
	_readableState?: { length?: number; pipes?: Piped[] | Piped | null };
};
type SheetStream = { buffers?: { length: number }[]; pipes?: Piped[] };

/**
 * What a sheet's stream holds back: its own buffers, and what the streams it feeds (the zip entry's
 * checksum and compressor, the zip, the output) hold, following their pipes.
 */
function pending(ws: ExcelJS.Worksheet): number {
	const stream = (ws as unknown as { stream?: SheetStream }).stream;
	if (!stream) return 0;
	let n = 0;
	for (const b of stream.buffers ?? []) n += b.length;
	const seen = new Set<Piped>();
	const walk = (s: Piped, depth: number) => {
		if (seen.has(s) || depth > 8) return;
		seen.add(s);
		// readable-stream 2 (archiver's) has no writableLength/readableLength getters: read its states
		n += (s.writableLength ?? s._writableState?.length ?? 0) + (s.readableLength ?? s._readableState?.length ?? 0);
		const pipes = s._readableState?.pipes; // an array, or one stream in older readable-stream versions
		for (const p of Array.isArray(pipes) ? pipes : pipes ? [pipes] : []) walk(p, depth + 1);
	};
	for (const p of stream.pipes ?? []) walk(p, 0);
	return n;
}

/**
 * Back-pressure, which exceljs's streaming writer does not apply itself (its sheet streams write on
 * regardless): waits while the sheet's compressor lags or the output is full (a slow client), and
 * always gives the event loop a turn, so that a big export neither fills memory nor holds the
 * server up.
 */
async function drained(ws: ExcelJS.Worksheet, out: Writable): Promise<void> {
	await new Promise((r) => setImmediate(r));
	for (let i = 0; i < 10_000 && (pending(ws) > MAX_PENDING || out.writableNeedDrain); i++) {
		if (out.destroyed) break;
		if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
		else await new Promise((r) => setTimeout(r, 1));
	}
	// the client went away (or the file failed): stop writing, let go of the rows
	if (out.destroyed) throw new ExportAborted();
}

/** The output of an export was closed before the end (a download cancelled). */
export class ExportAborted extends Error {
	constructor() {
		super('export aborted: its output was closed');
	}
}

/**
 * A streaming workbook writing into `out`. Rows are committed as they are added; every few
 * hundred rows the writer waits while the output is full (a slow client) and yields to the event
 * loop, so that a big export neither fills memory nor holds the server up.
 */
export function xlsxWriter(out: Writable, meta: { creator?: string; title?: string } = {}): XlsxWriter {
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream: out,
		useStyles: true,
		// shared strings: the matrix repeats its few titles and names on every row, so the table stays
		// small while the sheets' XML (and what is compressed, and the garbage) shrinks by half
		useSharedStrings: true,
		// the fastest compression: deflating is what a big export waits on (the sheets' XML compresses well anyway)
		zip: { zlib: { level: 1 } }
	});
	wb.creator = meta.creator ?? 'Hệ thống đánh giá xã, phường phù hợp với trẻ em';
	if (meta.title) wb.title = meta.title;
	wb.created = new Date();
	return {
		sheet(name, columns) {
			const kinds = columns.map((c) => c.kind ?? 'text');
			const ws = wb.addWorksheet(sheetName(name), {
				views: [{ state: 'frozen', xSplit: 0, ySplit: 1, activeCell: 'A2' }],
				properties: { defaultRowHeight: 15 }
			});
			ws.columns = columns.map((c, i) => ({
				header: c.header,
				key: `c${i}`,
				width: c.width ?? DEFAULT_WIDTH[kinds[i]],
				style: { numFmt: NUM_FMT[kinds[i]] }
			}));
			ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, columns.length) } };
			const header = ws.getRow(1);
			header.font = { bold: true };
			header.alignment = { vertical: 'middle', wrapText: true };
			header.commit();
			const styles = kinds.map((k): Partial<ExcelJS.Style> => ({ numFmt: NUM_FMT[k] }));
			let n = 0;
			return {
				async add(row) {
					// an empty value as `undefined`: exceljs then makes no cell of it at all
					const values = row.map((v, i) => cellValue(v, kinds[i]) ?? undefined);
					const r = ws.addRow(values);
					// one style object per column, shared by its cells: exceljs then finds its id by identity
					// (a fresh object per cell is serialised to be compared, the largest cost of a big sheet)
					for (let i = 0; i < row.length; i++) if (values[i] !== undefined) r.getCell(i + 1).style = styles[i];
					r.commit();
					if (++n % YIELD_EVERY === 0) await drained(ws, out);
				},
				async done() {
					ws.commit();
				}
			};
		},
		async finish() {
			await wb.commit();
		}
	};
}

/**
 * `Content-Disposition` for a download: the name in ASCII (diacritics dropped, đ → d, anything
 * else → '-') and the exact name as `filename*` (UTF-8, RFC 5987).
 */
export function contentDisposition(name: string): string {
	const ascii =
		name
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/đ/g, 'd')
			.replace(/Đ/g, 'D')
			.replace(/[^A-Za-z0-9._-]+/g, '-')
			.replace(/-+/g, '-') || 'export.xlsx';
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.normalize('NFC'))}`;
}

/**
 * A streamed .xlsx response: `write` fills the workbook (it must call `finish`); an error while
 * writing aborts the stream (the client sees a broken download, never a truncated "valid" file).
 * The work starts at once; the body flows as the client reads it.
 */
export function xlsxResponse(filename: string, write: (x: XlsxWriter) => Promise<void>): Response {
	const out = new PassThrough();
	const writer = xlsxWriter(out);
	write(writer).catch((e: unknown) => {
		if (e instanceof ExportAborted) return; // the download was cancelled: nothing to report
		console.error('xlsx export failed', e);
		out.destroy(e instanceof Error ? e : new Error(String(e)));
	});
	return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
		headers: {
			'Content-Type': XLSX_TYPE,
			'Content-Disposition': contentDisposition(filename),
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff'
		}
	});
}

/** Writes a workbook to a file (the command line, the benchmark); resolves once the file is closed. */
export async function writeXlsxFile(file: string, write: (x: XlsxWriter) => Promise<void>): Promise<void> {
	const fs = await import('node:fs');
	const out = fs.createWriteStream(file);
	const closed = once(out, 'close');
	try {
		await write(xlsxWriter(out));
	} catch (e) {
		out.destroy();
		await closed.catch(() => undefined);
		fs.rmSync(file, { force: true });
		throw e;
	}
	await closed;
}
