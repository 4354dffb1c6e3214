/**
 * Issue 16: a certificate is always exactly one A4 landscape page, whatever the commune's,
 * province's and issuing body's names and the signer's title and name. Certificates are built
 * directly (no database) over the longest real names in the bundled unit lists, long issuing
 * bodies and signer titles, in colour and black and white, as a preview and as issued, and
 * rendered with the app's renderer (`renderPdf`, what the PDF workers run). Each is read back
 * with poppler: one page of 842 × 595 pt (`pdfinfo`), the signer's name, title and the commune
 * in the text (`pdftotext`), every word inside the border and the body clear of the QR and
 * signature blocks with room to sign and seal (`pdftotext -bbox`), the QR decoding
 * (`zbarimg`). Input that cannot fit is refused with a Vietnamese message, before rendering
 * (`certificateLayoutProblem`) and by the renderer. A few renders are kept as PNGs in
 * test-results/screenshots/certificate-*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	CERTIFICATE_TOO_LONG_MESSAGE,
	CertificateOverflowError,
	certificateDocument,
	certificateLayoutProblem,
	EMBLEM_SIZE,
	LINE_EM,
	QR_SIZE,
	SIGNATURE_SPACE
} from '#lib/server/documents/certificate.ts';
import { signatureOf } from '#lib/server/documents/data.ts';
import { serifFont, textWidth } from '#lib/server/documents/fonts.ts';
import { upper } from '#lib/server/documents/layout.ts';
import { renderPdf } from '#lib/server/documents/render.ts';
import type { CertificateDocument } from '#lib/server/documents/types.ts';
import { BUNDLED_UNIT_FILES, readUnitFile } from '#lib/server/units/import.ts';
import { png } from '../helpers/files.ts';

const root = path.resolve(import.meta.dirname, '../..');
const screenshots = path.join(root, 'test-results', 'screenshots');
let dir: string;
beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificate-layout-'));
	fs.mkdirSync(screenshots, { recursive: true });
});
afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The longest real names
// ---------------------------------------------------------------------------------------------

type Named = { name: string; level2s: ({ name: string; level3s?: { name: string }[] } & Record<string, unknown>)[] };
const provincesOf = (file: string) => (readUnitFile(file).data as unknown as { data: Named[] }).data;
const pre = provincesOf(BUNDLED_UNIT_FILES.pre2025);
const post = provincesOf(BUNDLED_UNIT_FILES.post2025);

/** The `n` longest distinct names, by printed width (bold, as the commune is set), then by characters. */
function longest(names: string[], n: number): string[] {
	const distinct = [...new Set(names)];
	const byWidth = [...distinct].sort((a, b) => textWidth(b, 30, { bold: true }) - textWidth(a, 30, { bold: true }));
	const byChars = [...distinct].sort((a, b) => b.length - a.length);
	return [...new Set([...byWidth.slice(0, n), ...byChars.slice(0, n)])];
}

const NAMES = {
	post2025Communes: longest(
		post.flatMap((p) => p.level2s.map((c) => c.name)),
		2
	),
	pre2025Communes: longest(
		pre.flatMap((p) => p.level2s.flatMap((d) => (d.level3s ?? []).map((c) => c.name))),
		2
	),
	provinces: longest(
		[...pre, ...post].map((p) => p.name),
		2
	),
	/** Pre-2025 districts, which issued the decisions then (e.g. Thành phố Phan Rang-Tháp Chàm). */
	districts: longest(
		pre.flatMap((p) => p.level2s.map((d) => d.name)),
		1
	)
};
const COMMUNES = [...new Set([...NAMES.post2025Communes, ...NAMES.pre2025Communes])];

/** The deciding authority as `certificateDoc` writes it. */
const authorityOf = (unit: string) => `ỦY BAN NHÂN DÂN ${unit.toLocaleUpperCase('vi')}`;
const AUTHORITIES = [authorityOf('Thành phố Hồ Chí Minh'), ...NAMES.districts.map(authorityOf)];
const TITLES = ['Phó Chủ tịch Thường trực Ủy ban nhân dân thành phố', 'Phó Chủ tịch Ủy ban nhân dân thành phố', 'Chủ tịch'];
const SIGNERS = ['Công Tằng Tôn Nữ Thị Hoàng Phương Thảo', 'Nguyễn Huỳnh Thị Ngọc Bảo Trâm', 'Lê Văn Ánh'];

/** A signed verification URL of the length `issue` produces (claims and an Ed25519 signature). */
const ISSUED_QR =
	'https://treem.example.gov.vn/verify/K7QFM-29XMP?p=XP1.' +
	'eyJ2IjoxLCJzIjoiMjAyNi0xOTc1My0wMDAwMDEiLCJjIjoiMTk3NTMiLCJuIjoiNDIvUcSQLVVCTkQiLCJmIjoiMjAyNi0xMS0yMCIsInUiOiIyMDI5LTExLTE5In0' +
	'.4m2yq1Qz0iX0m9wH8cJm6q4p0H1pC5e5xJ0X1c0mZ7o7hV3bX9i1Q2g6kqgI4sQ9m0yq3b8d5m2yq1Qz0iX0m9wH8cJm6q4p0A';

type Case = {
	label: string;
	commune: string;
	province: string;
	authority: string;
	title: string;
	signer: string;
	colour: boolean;
	/** A preview as the preview route makes it (watermark, placeholder QR and its notice), else as issued. */
	preview: boolean;
	provisional?: boolean;
	emblem?: Uint8Array;
};

/** An ordinary certificate (a short commune name, the chair signing). */
const ordinary = (label: string, preview: boolean): Case => ({
	label,
	commune: 'Phường Phú Xuân',
	province: 'Thành phố Huế',
	authority: authorityOf('Thành phố Huế'),
	title: 'Chủ tịch',
	signer: 'Nguyễn Văn Phương',
	colour: true,
	preview
});

function certificate(c: Case): CertificateDocument {
	const province = c.province;
	return {
		kind: 'certificate',
		marks: { preview: c.preview, provisional: c.provisional ?? false },
		authority: c.authority,
		commune: { name: c.commune, province },
		decision: { number: '1234/QĐ-UBND', date: '2026-11-20' },
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		serial: c.preview ? 'XEM TRƯỚC' : '2026-19753-000001',
		qr: c.preview ? 'https://chua-dat-public-url.invalid/verify/XXXXX-XXXXX' : ISSUED_QR,
		...(c.preview ? { qrNotice: 'PUBLIC_URL chưa được đặt' } : {}),
		verificationCode: c.preview ? 'XXXXX-XXXXX' : 'K7QFM-29XMP',
		signature: signatureOf(c.title, c.signer),
		place: province.replace(/^(Thành phố|Tỉnh)\s+/u, ''),
		date: '2026-11-25',
		colour: c.colour,
		...(c.emblem ? { emblem: c.emblem } : {})
	};
}

// ---------------------------------------------------------------------------------------------
// Reading the PDFs back
// ---------------------------------------------------------------------------------------------

const flat = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

type Word = { text: string; xMin: number; yMin: number; xMax: number; yMax: number };
type Rendered = { file: string; pages: number; size: [number, number]; text: string; words: Word[] };

let counter = 0;
async function render(data: CertificateDocument, name = `c${++counter}`): Promise<Rendered> {
	const file = path.join(dir, `${name}.pdf`);
	fs.writeFileSync(file, await renderPdf(data));
	const info = run('pdfinfo', [file]);
	const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
	const words = [
		...run('pdftotext', ['-raw', '-bbox', file, '-']).matchAll(
			/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g
		)
	].map((m) => ({ text: m[5].normalize('NFC'), xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) }));
	return {
		file,
		pages: Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]),
		size: size ? [Math.round(Number(size[1])), Math.round(Number(size[2]))] : [0, 0],
		// content-stream order: the preview watermark (drawn last) does not cut through the lines
		text: flat(run('pdftotext', ['-raw', file, '-'])),
		words
	};
}

function screenshot(r: Rendered, name: string): string {
	const png = path.join(screenshots, `certificate-${name}`);
	run('pdftoppm', ['-r', '60', '-png', '-singlefile', r.file, png]);
	return `${png}.png`;
}

function qrOf(r: Rendered): string {
	const png = r.file.replace(/\.pdf$/, '');
	run('pdftoppm', ['-r', '150', '-png', '-singlefile', r.file, png]);
	return run('zbarimg', ['--quiet', '--raw', `${png}.png`]).trim();
}

/** Inside the inner frame of the border (36 pt from each edge). */
const FRAME_INSET = 36;
const WATERMARK_LETTERS = /^[BẢNXEMTRƯỚC]+$/u;

/** One A4 landscape page, with the texts, everything inside the border, nothing overlapping. */
function expectOnePage(r: Rendered, data: CertificateDocument): void {
	expect(r.pages, 'pages').toBe(1);
	expect(r.size).toEqual([842, 595]);
	const signature = data.signature;
	for (const s of [data.commune.name, data.commune.province, signature.name, upper(signature.title), ...signature.onBehalfOf.split('\n')]) {
		expect(r.text, `should contain «${s}»`).toContain(flat(s));
	}
	for (const s of ['GIẤY CHỨNG NHẬN', 'Xã, phường, thị trấn phù hợp với trẻ em', 'đã được công nhận theo Quyết định số 1234/QĐ-UBND']) {
		expect(r.text).toContain(s);
	}
	// the authority may be set on two lines (ỦY BAN NHÂN DÂN / the unit), as NĐ 30 does
	expect(r.text).toContain(flat(data.authority.replace(/^(ỦY BAN NHÂN DÂN) /u, '$1\n')));
	expect(r.text).toContain(`Mã xác minh: ${data.verificationCode}`);
	expect(r.text).toContain(`Số: ${data.serial}`);

	// every word inside the inner frame (the watermark's rotated letters aside)
	for (const w of r.words) {
		if (data.marks.preview && WATERMARK_LETTERS.test(w.text)) continue;
		expect(w.xMin, `«${w.text}» left`).toBeGreaterThanOrEqual(FRAME_INSET);
		expect(w.yMin, `«${w.text}» top`).toBeGreaterThanOrEqual(FRAME_INSET);
		expect(w.xMax, `«${w.text}» right`).toBeLessThanOrEqual(842 - FRAME_INSET);
		expect(w.yMax, `«${w.text}» bottom`).toBeLessThanOrEqual(595 - FRAME_INSET);
	}

	// the body (down to the validity, which ends with its year) clear of the QR and signature blocks
	const bodyBottom = Math.max(...r.words.filter((w) => w.text === '2029').map((w) => w.yMax));
	// the place/date line's first word ("Huế," or "Hồ" of "Hồ Chí Minh,"), after the QR's texts
	const placeDate = r.words.find((w, i) => w.text === `${data.place},`.split(' ')[0] && i > r.words.findIndex((x) => x.text === 'Mã'))!;
	expect(placeDate).toBeDefined();
	const code = r.words.find((w) => w.text === 'Mã')!;
	const notice = data.qrNotice ? r.words.find((w) => w.text === 'PUBLIC_URL')! : null;
	const qrTop = notice ? notice.yMin : code.yMin - QR_SIZE - 8;
	expect(placeDate.yMin - bodyBottom, 'body above the signature block').toBeGreaterThanOrEqual(5);
	expect(qrTop - bodyBottom, 'body above the QR').toBeGreaterThanOrEqual(5);

	// room to sign and seal: from the title's last line to the signer's name
	const firstOfName = flat(signature.name).split(' ')[0];
	const nameIndex = r.words.findIndex((w, i) => w.text === firstOfName && i > r.words.indexOf(placeDate));
	expect(nameIndex).toBeGreaterThan(0);
	const space = r.words[nameIndex].yMin - r.words[nameIndex - 1].yMax;
	expect(space, 'space for signature and seal').toBeGreaterThanOrEqual(SIGNATURE_SPACE.minimum);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('the longest real names', () => {
	it('are found in the bundled unit lists', () => {
		expect(COMMUNES).toContain('Phường Văn Miếu - Quốc Tử Giám');
		expect(NAMES.provinces).toContain('Thành phố Hồ Chí Minh');
		expect(NAMES.districts).toEqual(['Thành phố Phan Rang-Tháp Chàm']);
		expect(COMMUNES.length).toBeGreaterThanOrEqual(3);
	});
});

describe('a certificate is exactly one A4 landscape page', () => {
	// every long value in turn, in colour and black and white, preview and issued
	const cases: Case[] = COMMUNES.flatMap((commune, i) =>
		[0, 1].map((j): Case => {
			const k = 2 * i + j;
			return {
				label: `${commune} / ${TITLES[k % TITLES.length]} / ${k % 2 ? 'mono' : 'colour'} ${(k >> 1) % 2 ? 'issued' : 'preview'}`,
				commune,
				province: NAMES.provinces[k % NAMES.provinces.length],
				authority: AUTHORITIES[k % AUTHORITIES.length],
				title: TITLES[k % TITLES.length],
				signer: SIGNERS[k % SIGNERS.length],
				colour: k % 2 === 0,
				preview: (k >> 1) % 2 === 0
			};
		})
	);
	// and everything longest at once, in the four variants
	const worst = (colour: boolean, preview: boolean): Case => ({
		label: `all longest / ${colour ? 'colour' : 'mono'} ${preview ? 'preview' : 'issued'}`,
		commune: COMMUNES.reduce((a, b) => (textWidth(b, 30, { bold: true }) > textWidth(a, 30, { bold: true }) ? b : a)),
		province: NAMES.provinces[0],
		authority: AUTHORITIES.reduce((a, b) => (b.length > a.length ? b : a)),
		title: TITLES[0],
		signer: SIGNERS[0],
		colour,
		preview
	});
	for (const colour of [true, false]) for (const preview of [true, false]) cases.push(worst(colour, preview));

	for (const c of cases) {
		it(c.label, async () => {
			const data = certificate(c);
			expect(certificateLayoutProblem(data)).toBeNull();
			const r = await render(data);
			expectOnePage(r, data);
			if (c.label.startsWith('all longest')) {
				const shot = screenshot(r, `longest-${c.colour ? 'colour' : 'mono'}-${c.preview ? 'preview' : 'issued'}`);
				expect(fs.statSync(shot).size).toBeGreaterThan(1000);
				expect(qrOf(r)).toBe(data.qr);
			}
		});
	}

	it('the realistic input that used to push the name onto a second page now fits', async () => {
		// the preview route's certificate of Phường Phú Xuân signed by a vice-chair: this title
		// (two lines at 14 pt in the old 300 pt column, under "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")
		// put "Nguyễn Văn A" on page 2
		for (const colour of [true, false]) {
			const data = certificate({
				label: 'old',
				commune: 'Phường Phú Xuân',
				province: 'Thành phố Huế',
				authority: authorityOf('Thành phố Huế'),
				title: 'Phó Chủ tịch Ủy ban nhân dân thành phố',
				signer: 'Nguyễn Văn A',
				colour,
				preview: true
			});
			const r = await render(data);
			expectOnePage(r, data);
			expect(r.text).toContain('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ');
			expect(qrOf(r)).toBe(data.qr);
			screenshot(r, `vice-chair-${colour ? 'colour' : 'mono'}-preview`);
		}
	});

	it('with the provisional notice and everything longest, still one page', async () => {
		const data = certificate({ ...worst(true, false), provisional: true });
		const r = await render(data);
		expectOnePage(r, data);
		expect(r.text).toContain('TẠM TÍNH');
		screenshot(r, 'longest-provisional');
	});

	it('keeps the QR code at its printed size', () => {
		const def = certificateDocument(certificate(worst(true, false)));
		const qr = JSON.stringify(def.content).match(/\{"type":"rect","x":0,"y":0,"w":(\d+(?:\.\d+)?),"h":\d+(?:\.\d+)?,"color":"#ffffff"\}/);
		expect(Number(qr?.[1])).toBe(QR_SIZE);
		expect(QR_SIZE).toBe(110);
	});
});

describe('what cannot fit is refused in Vietnamese', () => {
	const base = (): Case => ordinary('absurd', true);
	const absurd: [string, Partial<Case>, RegExp][] = [
		['commune', { commune: `Xã ${'Rất Dài Và Dài Mãi '.repeat(20)}` }, /tên xã, phường quá dài/],
		['commune without spaces', { commune: `Xã ${'A'.repeat(120)}` }, /tên xã, phường quá dài/],
		['province', { province: `Tỉnh ${'Rất Dài '.repeat(40)}` }, /tên tỉnh, thành phố quá dài/],
		['authority', { authority: `ỦY BAN NHÂN DÂN ${'THÀNH PHỐ RẤT DÀI '.repeat(12)}` }, /tên cơ quan cấp giấy chứng nhận quá dài/],
		['title', { title: `Phó Chủ tịch ${'Ủy ban nhân dân thành phố '.repeat(8)}` }, /chức danh người ký quá dài/],
		['signer', { signer: 'Nguyễn '.repeat(30) }, /họ tên người ký quá dài/]
	];
	for (const [what, change, detail] of absurd) {
		it(`a too long ${what}: the preview says so before rendering, and the renderer refuses`, async () => {
			const data = certificate({ ...base(), ...change });
			const problem = certificateLayoutProblem(data);
			expect(problem).not.toBeNull();
			expect(problem!.startsWith(CERTIFICATE_TOO_LONG_MESSAGE)).toBe(true);
			expect(problem).toMatch(detail);
			expect(() => certificateDocument(data)).toThrow(CertificateOverflowError);
			await expect(renderPdf(data)).rejects.toThrow(problem!);
		});
	}

	it('the message', () => {
		expect(CERTIFICATE_TOO_LONG_MESSAGE).toBe('Nội dung giấy chứng nhận quá dài, không vừa một trang A4');
		expect(certificateLayoutProblem(certificate(base()))).toBeNull();
	});
});

describe('the national emblem, only when supplied', () => {
	const images = (r: Rendered) =>
		run('pdfimages', ['-list', r.file])
			.split('\n')
			.slice(2)
			.filter((l) => l.trim() !== '')
			.map((l) => l.trim().split(/\s+/));

	it('prints the supplied image at the top, within its box, and no image otherwise', async () => {
		const plain = certificate(longCase());
		expect(images(await render(plain))).toEqual([]);

		for (const [w, h] of [
			[160, 160],
			[40, 400]
		]) {
			const data = certificate({ ...longCase(), emblem: png(w, h) });
			const r = await render(data);
			expectOnePage(r, data);
			const list = images(r);
			expect(list).toHaveLength(1);
			expect(list[0].slice(3, 5)).toEqual([String(w), String(h)]);
			const def = certificateDocument(data);
			expect(JSON.stringify(def.content)).toContain(`"fit":[${EMBLEM_SIZE},${EMBLEM_SIZE}]`);
			if (w === h) screenshot(r, 'emblem-colour-issued');
		}
	});

	it('refuses bytes that are neither PNG nor JPEG', () => {
		const data = certificate({ ...base(), emblem: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>') });
		expect(() => certificateDocument(data)).toThrow('Ảnh quốc huy phải là tệp PNG hoặc JPEG.');
	});

	const longCase = (): Case => ({
		label: 'emblem',
		commune: COMMUNES[0],
		province: NAMES.provinces[0],
		authority: AUTHORITIES[0],
		title: TITLES[0],
		signer: SIGNERS[0],
		colour: true,
		preview: false
	});
	const base = (): Case => ordinary('emblem', false);
});

describe('the metrics the plan is made from', () => {
	it('the line heights match the font files pdfkit lays out with', () => {
		const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as {
			create(b: Buffer): { ascent: number; descent: number; unitsPerEm: number };
		};
		const font = serifFont();
		const ems = Object.values(font.files).map((file) => {
			const f = fontkit.create(fs.readFileSync(file));
			return (f.ascent - f.descent) / f.unitsPerEm;
		});
		// an upper bound, and a tight one: the plan leaves no room for more
		expect(LINE_EM[font.family]).toBeGreaterThanOrEqual(Math.max(...ems));
		expect(LINE_EM[font.family] - Math.max(...ems)).toBeLessThan(0.001);
	});
});
