import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV cells', () => {
	it('neutralises anything a spreadsheet would run as a formula', () => {
		for (const attack of ['=HYPERLINK("http://x","bấm")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
			const cell = csvCell(attack);
			expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
		}
		expect(csvCell('Phường Phú Xuân')).toBe('Phường Phú Xuân');
		expect(csvCell(-5)).toBe('-5'); // numbers stay numbers
	});
	it('quotes separators, quotes and line breaks; keeps Vietnamese in NFC', () => {
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('nói "có"')).toBe('"nói ""có"""');
		expect(csvCell('dòng 1\ndòng 2')).toBe('"dòng 1\ndòng 2"');
		expect(csvCell('Xã Quảng Điền'.normalize('NFD'))).toBe('Xã Quảng Điền');
		const csv = toCsv(['Đơn vị', 'Điểm'], [['=cmd', 1000]]);
		expect(csv).toBe("\uFEFFĐơn vị,Điểm\r\n'=cmd,1000\r\n");
	});
});
