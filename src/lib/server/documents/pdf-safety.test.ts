/**
 * The check that keeps PDFs with scripts or other active content out of the inline viewer
 * (issue 12): found in plain dictionaries, behind `#xx` escapes in names, inside compressed object
 * streams; an object stream it cannot read counts as active; ordinary files (a page and zoom to
 * open at included) pass.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { ACTIVE_PDF_MESSAGE, assertViewableInline, pdfActiveContent } from './pdf-safety.ts';

/** A one-page PDF from its objects (1: catalog, 2: pages, 3: page, then `extra`), with a valid xref. */
function pdfOf(catalogExtra: string, extra: string[] = [], streams: { dict: string; data: Buffer }[] = []): Buffer {
	const content = 'BT /F1 12 Tf 20 100 Td (Minh chung) Tj ET';
	const parts: (string | Buffer)[] = [];
	const objects: (string | { dict: string; data: Buffer })[] = [
		`<< /Type /Catalog /Pages 2 0 R ${catalogExtra} >>`,
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
		...extra,
		...streams
	];
	let size = 0;
	const push = (p: string | Buffer) => {
		parts.push(p);
		size += typeof p === 'string' ? Buffer.byteLength(p, 'latin1') : p.length;
	};
	push('%PDF-1.5\n');
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(size);
		if (typeof o === 'string') push(`${i + 1} 0 obj\n${o}\nendobj\n`);
		else {
			push(`${i + 1} 0 obj\n${o.dict.replace('LEN', String(o.data.length))}\nstream\n`);
			push(o.data);
			push('\nendstream\nendobj\n');
		}
	});
	const xref = size;
	push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
	push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
	return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

describe('active content in PDFs', () => {
	it('an ordinary PDF passes, including one that opens at a page and zoom', () => {
		expect(pdfActiveContent(pdfOf(''))).toEqual([]);
		expect(pdfActiveContent(pdfOf('/OpenAction [3 0 R /FitH null]'))).toEqual([]);
		expect(() => assertViewableInline(pdfOf(''))).not.toThrow();
	});

	it('JavaScript run on opening is found, and refused with a Vietnamese message', () => {
		const js = pdfOf('/OpenAction 5 0 R', ['<< /Type /Action /S /JavaScript /JS (app.alert\\("x"\\)) >>']);
		expect(pdfActiveContent(js)).toEqual(['JS', 'JavaScript']);
		let refused: unknown;
		try {
			assertViewableInline(js);
		} catch (e) {
			refused = e;
		}
		expect(refused).toBeInstanceOf(AppError);
		expect(refused).toMatchObject({ kind: 'unsupported', message: ACTIVE_PDF_MESSAGE, details: { found: ['JS', 'JavaScript'] } });
		expect(ACTIVE_PDF_MESSAGE).toMatch(/tải về/i);
	});

	it('names written with #xx escapes are decoded', () => {
		expect(pdfActiveContent(pdfOf('/OpenAction 5 0 R', ['<< /S /J#61vaScript /J#53 (x) >>']))).toEqual(['JS', 'JavaScript']);
	});

	it('other active content: launching, embedded files, XFA, automatic actions', () => {
		expect(pdfActiveContent(pdfOf('/OpenAction 5 0 R', ['<< /S /Launch /F (cmd.exe) >>']))).toEqual(['Launch']);
		expect(pdfActiveContent(pdfOf('/Names << /EmbeddedFiles 5 0 R >>', ['<< /Names [] >>']))).toEqual(['EmbeddedFiles']);
		expect(pdfActiveContent(pdfOf('/AcroForm << /XFA 5 0 R >>', ['<< >>']))).toEqual(['XFA']);
		expect(pdfActiveContent(pdfOf('', ['<< /Type /Page /AA << /O 6 0 R >> >>']))).toEqual(['AA']);
	});

	it('a script hidden in a compressed object stream is found', () => {
		const objects = '5 0 << /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>';
		const data = zlib.deflateSync(Buffer.from(objects, 'latin1'));
		const hidden = pdfOf('/OpenAction 5 0 R', [], [{ dict: '<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length LEN >>', data }]);
		expect(hidden.includes('JavaScript')).toBe(false); // not in the raw bytes
		expect(pdfActiveContent(hidden)).toEqual(['JS', 'JavaScript']);
		// the same with an indirect length
		const indirect = pdfOf(
			'/OpenAction 5 0 R',
			[],
			[{ dict: '<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode] /Length 9 0 R >>', data }]
		);
		expect(pdfActiveContent(indirect)).toEqual(['JS', 'JavaScript']);
		// a compressed stream without anything active passes
		const clean = pdfOf(
			'',
			[],
			[{ dict: '<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length LEN >>', data: zlib.deflateSync('5 0 << /Type /Font >>') }]
		);
		expect(pdfActiveContent(clean)).toEqual([]);
	});

	it('an object stream that cannot be read (another filter, damaged) counts as active', () => {
		const hex = Buffer.from(Buffer.from('5 0 << /S /JavaScript >>').toString('hex') + '>');
		expect(
			pdfActiveContent(pdfOf('', [], [{ dict: '<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length LEN >>', data: hex }]))
		).toEqual(['ObjStm?']);
		const damaged = Buffer.from('this is not zlib data at all');
		expect(
			pdfActiveContent(pdfOf('', [], [{ dict: '<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length LEN >>', data: damaged }]))
		).toEqual(['ObjStm?']);
	});
});
