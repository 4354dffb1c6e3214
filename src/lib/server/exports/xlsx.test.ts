import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
	cellValue,
	columnLetter,
	contentDisposition,
	excelDate,
	ExportAborted,
	safeText,
	xlsxResponse,
	xlsxWriter,
	XLSX_TYPE
} from './xlsx.ts';

async function collect(write: (x: ReturnType<typeof xlsxWriter>) => Promise<void>): Promise<Buffer> {
	const out = new PassThrough();
	const chunks: Buffer[] = [];
	out.on('data', (c: Buffer) => chunks.push(c));
	const ended = new Promise((r) => out.on('end', r));
	await write(xlsxWriter(out));
	await ended;
	return Buffer.concat(chunks);
}

async function open(buf: Buffer) {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(buf as unknown as ArrayBuffer);
	return wb;
}

describe('formula-injection-safe cells', () => {
	it('prefixes text a spreadsheet would read as a formula with an apostrophe', () => {
		for (const s of ['=1+1', '+1', '-2', '@SUM(A1)', '\t=x', '\r=x', '=HYPERLINK("http://x","y")']) expect(safeText(s)).toBe(`'${s}`);
		for (const s of ['Phường Phú Xuân', '1+1', 'a=b', ' =x']) expect(safeText(s)).toBe(s);
		expect(cellValue('-5', 'int')).toBe("'-5");
		expect(cellValue(-5, 'int')).toBe(-5);
		expect(cellValue(-5, 'text')).toBe("'-5");
		expect(cellValue(Number.NaN, 'int')).toBeNull();
		expect(cellValue('', 'text')).toBeNull();
	});

	it('writes such text as text, never as a formula, and the header bold, frozen and filtered', async () => {
		const buf = await collect(async (x) => {
			const s = x.sheet('Thử: a/b', [
				{ header: 'Tên', width: 20 },
				{ header: 'Số', kind: 'int' },
				{ header: 'Tỷ lệ', kind: 'percent' },
				{ header: 'Ngày', kind: 'date' }
			]);
			await s.add(['=1+1', 1234567, 0.655, excelDate('2026-06-10')]);
			await s.add(['@cmd', -3, null, null]);
			await s.done();
			await x.finish();
		});
		const wb = await open(buf);
		const ws = wb.worksheets[0];
		expect(ws.name).toBe('Thử  a b');
		expect(ws.getRow(1).values).toEqual([undefined, 'Tên', 'Số', 'Tỷ lệ', 'Ngày']);
		expect(ws.getCell('A1').font?.bold).toBe(true);
		expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		expect(ws.autoFilter).toBe('A1:D1');
		const a2 = ws.getCell('A2');
		expect(a2.type).toBe(ExcelJS.ValueType.String);
		expect(a2.value).toBe("'=1+1");
		expect(a2.formula).toBeUndefined();
		expect(ws.getCell('A3').value).toBe("'@cmd");
		expect(ws.getCell('B2').value).toBe(1234567);
		expect(ws.getCell('B2').numFmt).toBe('#,##0');
		expect(ws.getCell('C2').numFmt).toBe('0.0%');
		expect(ws.getCell('D2').numFmt).toBe('dd/mm/yyyy');
		expect((ws.getCell('D2').value as Date).toISOString()).toBe('2026-06-10T00:00:00.000Z');
		expect(ws.getColumn(1).width).toBe(20);
	});
});

describe('helpers', () => {
	it('names columns and downloads', () => {
		expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
		expect(excelDate('bad')).toBeNull();
		const cd = contentDisposition('ma-trận-điểm-2026-Đà Nẵng.xlsx');
		expect(cd).toBe(
			`attachment; filename="ma-tran-diem-2026-Da-Nang.xlsx"; filename*=UTF-8''${encodeURIComponent('ma-trận-điểm-2026-Đà Nẵng.xlsx')}`
		);
		expect(cd).toMatch(/^[\x20-\x7e]+$/);
	});

	it('streams a response with the spreadsheet type', async () => {
		const res = xlsxResponse('bảng.xlsx', async (x) => {
			const s = x.sheet('A', [{ header: 'x' }]);
			for (let i = 0; i < 1000; i++) await s.add([`dòng ${i}`]);
			await s.done();
			await x.finish();
		});
		expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
		const wb = await open(Buffer.from(await res.arrayBuffer()));
		expect(wb.worksheets[0].rowCount).toBe(1001);
		expect(wb.worksheets[0].getCell('A1001').value).toBe('dòng 999');
	});
});

describe('a cancelled download', () => {
	it('stops the writer instead of waiting for ever', async () => {
		let rows = 0;
		let failure: unknown = null;
		const res = xlsxResponse('x.xlsx', async (x) => {
			const s = x.sheet('A', [{ header: 'x' }]);
			try {
				for (let i = 0; i < 1_000_000; i++) {
					await s.add([`dòng ${i} `.repeat(20)]);
					rows++;
				}
			} catch (e) {
				failure = e;
				throw e;
			}
		});
		const reader = res.body!.getReader();
		await reader.read();
		await reader.cancel();
		for (let i = 0; i < 200 && !failure; i++) await new Promise((r) => setTimeout(r, 10));
		expect(failure).toBeInstanceOf(ExportAborted);
		expect(rows).toBeLessThan(1_000_000);
	});
});
