/**
 * The official documents as PDFs (pdfmake, server side): each of the four layouts is rendered
 * from realistic data, then read back with poppler (`pdftotext -layout`, `pdfinfo`, `pdffonts`)
 * and, for the certificate, rasterised with `pdftoppm` and its QR code decoded with `zbarimg`.
 * Text is compared after NFC normalisation of both sides and with runs of white space collapsed
 * (justified lines and side-by-side columns come out with extra spaces).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pdfmake from 'pdfmake';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configurePdfmake, serifFont } from '#lib/server/documents/fonts.ts';
import {
	formatDateShort,
	formatDateVi,
	formatNumber,
	normalizeNfc,
	placeDateLine,
	PREVIEW_WATERMARK,
	PROVISIONAL_NOTICE
} from '#lib/server/documents/layout.ts';
import { documentDefinition, renderPdf } from '#lib/server/documents/render.ts';
import type {
	AppraisalReport,
	CertificateDocument,
	DecisionDocument,
	DocumentData,
	Marks,
	ScoredCriterion,
	SelfAssessmentReport
} from '#lib/server/documents/types.ts';

// ---------------------------------------------------------------------------------------------
// Realistic data
// ---------------------------------------------------------------------------------------------

const MARKED: Marks = { preview: true, provisional: true };
const CLEAN: Marks = { preview: false, provisional: false };

const CRITERIA: [code: string, title: string, max: number][] = [
	['TC01', 'Nguồn lực thực hiện quyền trẻ em', 100],
	['TC02', 'Trẻ em được khai sinh đúng quy định', 75],
	['TC03', 'Trẻ em bị xâm hại', 75],
	['TC04', 'Trẻ em vi phạm pháp luật, nghiện ma túy', 50],
	['TC05', 'Trẻ em bị tai nạn, thương tích', 75],
	['TC06', 'Trẻ em có hoàn cảnh đặc biệt được trợ giúp', 125],
	['TC07', 'Trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin thuộc chương trình tiêm chủng mở rộng', 50],
	['TC08', 'Trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân và thể thấp còi', 75],
	['TC09', 'Trẻ em được khám sức khỏe định kỳ', 50],
	['TC10', 'Trẻ em đến trường, lớp mầm non', 100],
	['TC11', 'Trẻ em được thực hiện quyền tham gia của trẻ em', 75],
	['TC12', 'Hoạt động vui chơi, giải trí, văn hóa, thể dục, thể thao dành cho trẻ em', 75],
	['TC13', 'Mức độ hài lòng của trẻ em và người dân về việc thực hiện quyền trẻ em', 75]
];

/** Two indicators per criterion; 5 points short on TC01, TC04, TC07, TC10, TC13 → 975/1.000. */
function scoredCriteria(): ScoredCriterion[] {
	return CRITERIA.map(([code, title, max], i) => {
		const a = Math.round(max * 0.6);
		const b = max - a;
		const lost = i % 3 === 0 ? 5 : 0;
		return {
			code,
			title,
			maxPoints: max,
			points: max - lost,
			indicators: [
				{
					code: `${code}.1`,
					title: i === 1 ? 'Tỷ lệ trẻ em dưới 1 tuổi được đăng ký khai sinh đúng hạn' : `Chỉ số định lượng: ${title.toLowerCase()}`,
					maxPoints: a,
					answer: '198/200 (99%)',
					source: i === 1 ? 'Sổ hộ tịch · Năm 2026' : 'Trạm y tế phường · Năm 2026',
					evidenceCodes: [`${code}-01`, `${code}-02`],
					points: a
				},
				{
					code: `${code}.2`,
					title: 'Có kế hoạch, báo cáo định kỳ được Ủy ban nhân dân phê duyệt',
					maxPoints: b,
					answer: 'Có',
					source: i === 4 ? null : 'Công chức Văn hóa - Xã hội · Năm 2026',
					evidenceCodes: i === 4 ? [] : [`${code}-03`],
					points: b - lost
				}
			]
		};
	});
}

function selfAssessment(marks: Marks): SelfAssessmentReport {
	return {
		kind: 'self_assessment',
		marks,
		issuer: { parent: 'UBND THÀNH PHỐ HUẾ', body: 'ỦY BAN NHÂN DÂN\nPHƯỜNG PHÚ XUÂN', place: 'Phú Xuân' },
		number: '27/BC-UBND',
		date: '2026-01-05',
		commune: {
			name: 'Phường Phú Xuân',
			code: '19753',
			province: 'Thành phố Huế',
			category: 'Phường thuộc thành phố trực thuộc trung ương'
		},
		round: 'Đợt đánh giá năm 2026',
		criteriaSet: 'QD06-2019@1 — Bộ tiêu chí QĐ 06/QĐ-TTg',
		criteria: scoredCriteria(),
		total: 975,
		maxTotal: 1000,
		threshold: 900,
		verdict: 'Đạt chuẩn',
		reasons: [
			'Đạt đủ 13 tiêu chí, không có tiêu chí nào 0 điểm.',
			'Tổng điểm đạt ngưỡng 900 điểm của phường thuộc thành phố trực thuộc trung ương.'
		],
		blockers: [],
		signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: 'Nguyễn Thị Hoa' },
		recipients: ['Sở Y tế thành phố Huế', 'Thường trực Đảng ủy, HĐND phường', 'Lưu: VT, VHXH']
	};
}

function appraisal(marks: Marks): AppraisalReport {
	const rows = CRITERIA.map(([code, title, max], i) => ({
		code,
		title,
		maxPoints: max,
		selfPoints: max - (i % 3 === 0 ? 5 : 0),
		reviewedPoints: max - (i % 3 === 0 ? 5 : 0) - (i === 2 ? 10 : 0),
		note: i === 2 ? 'Điều chỉnh theo số liệu của Công an xã' : null
	}));
	return {
		kind: 'appraisal',
		marks,
		issuer: { parent: 'UBND THÀNH PHỐ HUẾ', body: 'SỞ Y TẾ', place: 'Huế' },
		number: '112/BC-SYT',
		date: '2026-02-09',
		commune: { name: 'Xã Quảng Điền', code: '19900', province: 'Thành phố Huế', category: 'Xã, phường, thị trấn khác' },
		round: 'Đợt đánh giá năm 2026',
		criteriaSet: 'QD06-2019@1 — Bộ tiêu chí QĐ 06/QĐ-TTg',
		rows,
		selfTotal: 975,
		reviewedTotal: 965,
		maxTotal: 1000,
		threshold: 850,
		verdict: 'Đạt chuẩn',
		recommendation: 'Đề nghị công nhận',
		remarks: 'Hồ sơ đầy đủ, số liệu khớp giữa các tiêu chí; đề nghị xã duy trì hoạt động của các thôn về bảo vệ trẻ em.',
		adjustments: ['TC03.1: 45 → 35 (số vụ trẻ em bị xâm hại theo số liệu của Công an xã cao hơn báo cáo)'],
		signature: { onBehalfOf: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC', name: 'Đặng Văn Ưng' },
		recipients: ['UBND xã Quảng Điền', 'Lưu: VT, BVCSTE']
	};
}

const PLACES = [
	'Phường Phú Xuân',
	'Xã Quảng Điền',
	'Phường Thuận Hóa',
	'Xã Phú Vinh',
	'Phường Hương Trà',
	'Xã A Lưới 1',
	'Phường Kim Long',
	'Xã Phong Điền',
	'Phường Vỹ Dạ',
	'Xã Đan Điền'
];

function decision(marks: Marks, count = 3): DecisionDocument {
	return {
		kind: 'decision',
		marks,
		issuer: { parent: '', body: 'ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ', place: 'Huế' },
		number: '15/QĐ-UBND',
		date: '2026-11-20',
		outcome: 'recognise',
		bases: [
			'Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025',
			'Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016',
			'Căn cứ Quyết định số 06/QĐ-TTg ngày 03 tháng 01 năm 2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, trình tự đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em',
			'Theo đề nghị của Giám đốc Sở Y tế tại Tờ trình số 120/TTr-SYT ngày 10 tháng 11 năm 2026'
		],
		round: 'Đợt đánh giá năm 2026',
		communes: Array.from({ length: count }, (_, i) => ({
			name: i < PLACES.length ? PLACES[i] : `${PLACES[i % PLACES.length]} ${Math.floor(i / PLACES.length) + 1}`,
			code: String(19700 + i),
			district: null,
			province: 'Thành phố Huế',
			category: i % 2 ? 'Xã, phường, thị trấn khác' : 'Phường thuộc thành phố trực thuộc trung ương',
			total: 900 + (i % 90),
			validFrom: '2026-11-20',
			validUntil: '2029-11-19'
		})),
		signature: { onBehalfOf: '', title: 'CHỦ TỊCH', name: 'Nguyễn Văn Phương' },
		recipients: ['Như Điều 3', 'Bộ Y tế (Cục Bà mẹ và Trẻ em)', 'Chủ tịch, các PCT UBND thành phố', 'Lưu: VT, VX']
	};
}

function certificate(marks: Marks, colour: boolean): CertificateDocument {
	return {
		kind: 'certificate',
		marks,
		authority: 'UBND THÀNH PHỐ HUẾ',
		commune: { name: 'Phường Phú Xuân', province: 'Thành phố Huế' },
		decision: { number: '15/QĐ-UBND', date: '2026-11-20' },
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		serial: 'GCN-2026-000123',
		qr:
			'https://xaphuhoptreem.hue.gov.vn/xac-minh/GCN-2026-000123?p=eyJzIjoiR0NOLTIwMjYtMDAwMTIzIiwiYyI6IjE5NzUzIiwidiI6IjIwMjktMTEtMTkifQ' +
			'.Zm9vYmFyYmF6cXV4cXV1eA',
		verificationCode: 'K7QF-29XM',
		signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: 'Nguyễn Văn Phương' },
		place: 'Huế',
		date: '2026-11-25',
		colour
	};
}

// ---------------------------------------------------------------------------------------------
// Reading the PDFs back
// ---------------------------------------------------------------------------------------------

let dir: string;
beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'documents-pdf-'));
});
afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

const nfc = (s: string) => s.normalize('NFC');
const flat = (s: string) => nfc(s).replace(/\s+/g, ' ');

type Rendered = {
	file: string;
	bytes: Buffer;
	/** `pdftotext -layout`, NFC, white space collapsed. */
	text: string;
	/** The same per page (split on form feeds). */
	pages: string[];
	/** `pdftotext -raw` (content-stream order), NFC, white space collapsed. */
	raw: string;
	/** Non-space characters of `pdftotext -raw`: the rotated watermark's letters come out one per line. */
	dense: string;
	/** Whether the document carries the preview watermark. */
	preview: boolean;
	info: Record<string, string>;
	/** Page size in whole points, e.g. [595, 842]. */
	size: [number, number];
};

let counter = 0;
function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
	return execFileSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'ignore'] });
}

async function render(data: DocumentData): Promise<Rendered> {
	const bytes = await renderPdf(data);
	const file = path.join(dir, `${data.kind}-${++counter}.pdf`);
	fs.writeFileSync(file, bytes);
	const layout = nfc(run('pdftotext', ['-layout', file, '-']));
	const raw = nfc(run('pdftotext', ['-raw', file, '-']));
	const info: Record<string, string> = {};
	for (const line of run('pdfinfo', ['-isodates', file], { ...process.env, TZ: 'UTC' }).split('\n')) {
		const m = /^([^:]+):\s*(.*)$/.exec(line);
		if (m) info[m[1].trim()] = nfc(m[2].trim());
	}
	const size = /^([\d.]+) x ([\d.]+) pts/.exec(info['Page size'] ?? '');
	return {
		file,
		bytes,
		text: flat(layout),
		pages: layout.split('\f').map(flat),
		raw: flat(raw),
		dense: raw.replace(/\s+/g, ''),
		preview: data.marks.preview,
		info,
		size: size ? [Math.round(Number(size[1])), Math.round(Number(size[2]))] : [0, 0]
	};
}

/**
 * Each string in the `-layout` text; on a preview, in the `-raw` text instead: `-layout` places the
 * rotated watermark's letters among the lines they cross, while `-raw` keeps the stream order
 * (the watermark is drawn last on each page).
 */
function expectTexts(r: Rendered, expected: string[]): void {
	const haystack = r.preview ? r.raw : r.text;
	for (const s of expected) expect(haystack, `should contain «${s}»`).toContain(flat(s));
}

/** The watermark and the provisional notice are there exactly when marked. */
function expectMarks(r: Rendered, marks: Marks): void {
	const watermark = PREVIEW_WATERMARK.replace(/\s+/g, '');
	if (marks.preview) {
		expect(r.dense).toContain(watermark);
		// on every page
		expect(r.dense.split(watermark).length - 1).toBe(Number(r.info.Pages));
	} else {
		expect(r.dense).not.toContain(watermark);
	}
	if (marks.provisional) expect(r.raw).toContain(flat(PROVISIONAL_NOTICE));
	else expect(r.raw).not.toContain('TẠM TÍNH');
}

const NATIONAL = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

describe('formatting', () => {
	it('writes dates the NĐ 30 way: a leading zero for days below 10 and months below 3', () => {
		expect(formatDateVi('2026-01-05')).toBe('ngày 05 tháng 01 năm 2026');
		expect(formatDateVi('2026-02-10')).toBe('ngày 10 tháng 02 năm 2026');
		expect(formatDateVi('2026-03-07')).toBe('ngày 07 tháng 3 năm 2026');
		expect(formatDateVi('2026-11-20')).toBe('ngày 20 tháng 11 năm 2026');
		expect(placeDateLine('Huế', '2026-11-20')).toBe('Huế, ngày 20 tháng 11 năm 2026');
		expect(formatDateShort('2026-01-05')).toBe('05/01/2026');
		expect(() => formatDateVi('2026-02-30')).toThrow();
	});

	it('groups thousands with "." and uses "," for decimals', () => {
		expect(formatNumber(975)).toBe('975');
		expect(formatNumber(1000)).toBe('1.000');
		expect(formatNumber(1234567.5)).toBe('1.234.567,5');
		expect(formatNumber(-1250)).toBe('-1.250');
		expect(formatNumber(0.004)).toBe('0');
	});

	it('normalises every string of a definition to NFC and keeps functions and dates', () => {
		const decomposed = 'Phường Phú Xuân'.normalize('NFD');
		expect(decomposed).not.toBe(nfc(decomposed));
		const when = new Date(0);
		const fn = () => 1;
		const out = normalizeNfc({ a: [decomposed, { b: decomposed }], when, fn, n: 3 });
		expect(out).toEqual({ a: ['Phường Phú Xuân', { b: 'Phường Phú Xuân' }], when, fn, n: 3 });
		expect(out.when).toBe(when);
		expect(out.fn).toBe(fn);
	});
});

// ---------------------------------------------------------------------------------------------
// The four documents
// ---------------------------------------------------------------------------------------------

describe('fonts', () => {
	it('uses a serif with the full Vietnamese repertoire, and only that font is embedded', async () => {
		const font = serifFont();
		expect(['LiberationSerif', 'DejaVuSerif']).toContain(font.family);
		if (fs.existsSync('/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf')) expect(font.family).toBe('LiberationSerif');
		for (const file of Object.values(font.files)) expect(fs.existsSync(file)).toBe(true);
		const r = await render(selfAssessment(CLEAN));
		const fonts = run('pdffonts', [r.file])
			.split('\n')
			.slice(2)
			.filter((l) => l.trim() !== '')
			.map((l) => l.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, ''));
		expect(fonts.length).toBeGreaterThan(0);
		for (const f of fonts) expect(f.startsWith(font.family)).toBe(true);
	});
});

describe('self-assessment report', () => {
	it('lays out header, score table, total, verdict, signature and recipients on A4 portrait', async () => {
		const r = await render(selfAssessment(MARKED));
		expect(r.size).toEqual([595, 842]);
		expectTexts(r, [
			...NATIONAL,
			'UBND THÀNH PHỐ HUẾ',
			'ỦY BAN NHÂN DÂN',
			'PHƯỜNG PHÚ XUÂN',
			'Số: 27/BC-UBND',
			'Phú Xuân, ngày 05 tháng 01 năm 2026',
			'BÁO CÁO',
			'Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm 2026',
			'Đơn vị: Phường Phú Xuân (mã 19753), Thành phố Huế.',
			'Đợt đánh giá: Đợt đánh giá năm 2026.',
			'Bộ tiêu chí: QD06-2019@1 — Bộ tiêu chí QĐ 06/QĐ-TTg.',
			'TC02 Trẻ em được khai sinh đúng quy định 75 75',
			'TC01 Nguồn lực thực hiện quyền trẻ em 100 95',
			'Sổ hộ tịch · Năm 2026',
			'TC02-01, TC02-02',
			'Tổng điểm 1.000 975',
			'Tổng điểm tự đánh giá: 975/1.000 điểm.',
			'Ngưỡng điểm công nhận: 900 điểm.',
			'Kết quả: Đạt chuẩn',
			'Đạt đủ 13 tiêu chí, không có tiêu chí nào 0 điểm.',
			'Nơi nhận:',
			'- Sở Y tế thành phố Huế;',
			'- Lưu: VT, VHXH.',
			'TM. ỦY BAN NHÂN DÂN',
			'CHỦ TỊCH',
			'Nguyễn Thị Hoa'
		]);
		expectMarks(r, MARKED);
		expect(r.info.Title).toBe('Báo cáo kết quả tự đánh giá - Phường Phú Xuân - Đợt đánh giá năm 2026');
		expect(r.info.Author).toBe('Hệ thống đánh giá xã phù hợp với trẻ em');
		expect(r.info.CreationDate).toMatch(/^2026-01-04T17:00:00/); // 00:00 on 05/01/2026 in Vietnam
	});

	it('has neither mark when not marked, and each mark on its own', async () => {
		expectMarks(await render(selfAssessment(CLEAN)), CLEAN);
		const previewOnly = { preview: true, provisional: false };
		expectMarks(await render(selfAssessment(previewOnly)), previewOnly);
		const provisionalOnly = { preview: false, provisional: true };
		expectMarks(await render(selfAssessment(provisionalOnly)), provisionalOnly);
	});

	it('prints a blank number to fill in when there is none yet', async () => {
		const r = await render({ ...selfAssessment(CLEAN), number: null });
		expect(r.text).toMatch(/Số: \/BC-UBND/);
	});
});

describe('appraisal report', () => {
	it('shows self and reviewed points side by side with the difference, totals and conclusions', async () => {
		const r = await render(appraisal(CLEAN));
		expect(r.size).toEqual([595, 842]);
		expectTexts(r, [
			...NATIONAL,
			'UBND THÀNH PHỐ HUẾ',
			'SỞ Y TẾ',
			'Số: 112/BC-SYT',
			'Huế, ngày 09 tháng 02 năm 2026',
			'BÁO CÁO THẨM ĐỊNH',
			'của Xã Quảng Điền',
			'Đơn vị được thẩm định: Xã Quảng Điền (mã 19900), Thành phố Huế.',
			'TC03 Trẻ em bị xâm hại 75 75 65 -10',
			'TC06 Trẻ em có hoàn cảnh đặc biệt 125 125 125 0',
			'Tổng điểm 1.000 975 965 -10',
			'Tổng điểm: tự đánh giá 975 điểm;',
			'thẩm định 965/1.000 điểm (ngưỡng công nhận 850 điểm).',
			'TC03.1: 45 → 35 (số vụ trẻ em bị xâm hại',
			'Kết quả: Đạt chuẩn',
			'Đề xuất: Đề nghị công nhận',
			'Nhận xét: Hồ sơ đầy đủ',
			'KT. GIÁM ĐỐC',
			'PHÓ GIÁM ĐỐC',
			'Đặng Văn Ưng',
			'- UBND xã Quảng Điền;'
		]);
		// wrapped header cells: whole in the stream order
		for (const h of ['Điểm tối đa', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Chênh lệch', 'Ghi chú']) expect(r.raw).toContain(h);
		expectMarks(r, CLEAN);
	});

	it('carries both marks when marked', async () => {
		expectMarks(await render(appraisal(MARKED)), MARKED);
	});
});

describe('decision', () => {
	it('lays out the decision, its articles and, on a new page, the annex', async () => {
		const data = decision(MARKED);
		const r = await render(data);
		expect(r.size).toEqual([595, 842]);
		expect(Number(r.info.Pages)).toBe(2);
		expectTexts(r, [
			...NATIONAL,
			'ỦY BAN NHÂN DÂN',
			'THÀNH PHỐ HUẾ',
			'Số: 15/QĐ-UBND',
			'Huế, ngày 20 tháng 11 năm 2026',
			'QUYẾT ĐỊNH',
			'Về việc công nhận xã, phường, thị trấn phù hợp với trẻ em',
			'CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ',
			'Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016;',
			'Theo đề nghị của Giám đốc Sở Y tế tại Tờ trình số 120/TTr-SYT ngày 10 tháng 11 năm 2026.',
			'QUYẾT ĐỊNH:',
			'Điều 1. Công nhận 3 xã, phường, thị trấn có tên trong Danh sách kèm theo Quyết định này',
			'Thời hạn công nhận: từ ngày 20 tháng 11 năm 2026 đến ngày 19 tháng 11 năm 2029.',
			'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
			'Điều 3.',
			'chịu trách nhiệm thi hành Quyết định này.',
			'Nơi nhận:',
			'- Như Điều 3;',
			'Nguyễn Văn Phương',
			'DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN ĐƯỢC CÔNG NHẬN',
			'(Kèm theo Quyết định số 15/QĐ-UBND ngày 20 tháng 11 năm 2026)',
			'STT',
			'Phường Phú Xuân',
			'Xã Quảng Điền',
			'Phường Thuận Hóa',
			'từ 20/11/2026',
			'đến 19/11/2029'
		]);
		// the annex starts a page of its own
		expect(r.pages[0]).toContain('QUYẾT ĐỊNH:');
		expect(r.pages[0]).not.toContain('DANH SÁCH XÃ');
		expect(r.pages[1]).toContain('DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN ĐƯỢC CÔNG NHẬN');
		expect(r.pages[1]).toContain('1 Phường Phú Xuân Thành phố Huế');
		expectMarks(r, MARKED);
		expect(r.info.Title).toBe('Quyết định số 15/QĐ-UBND về việc công nhận xã, phường, thị trấn phù hợp với trẻ em');
	});

	it('lays out a refusal with districts, named implementers and the collective body as authority', async () => {
		const data: DecisionDocument = {
			...decision(CLEAN, 2),
			outcome: 'not_recognise',
			communes: [
				{
					name: 'Xã Quảng Điền',
					code: '19900',
					district: 'Huyện Quảng Điền',
					province: 'Tỉnh Thừa Thiên Huế',
					category: 'Xã, phường, thị trấn khác',
					total: 812,
					validFrom: null,
					validUntil: null
				},
				{
					name: 'Xã Hồng Thủy',
					code: '19901',
					district: 'Huyện A Lưới',
					province: 'Tỉnh Thừa Thiên Huế',
					category: 'Xã đặc biệt khó khăn',
					total: 765,
					validFrom: null,
					validUntil: null
				}
			],
			implementers: ['Chánh Văn phòng Ủy ban nhân dân thành phố', 'Giám đốc Sở Y tế'],
			signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: 'Nguyễn Văn Phương' }
		};
		const r = await render(data);
		expectTexts(r, [
			'Về việc không công nhận xã, phường, thị trấn phù hợp với trẻ em',
			'ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ',
			'Điều 1. Không công nhận 2 xã, phường, thị trấn',
			'Điều 3. Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Y tế chịu trách nhiệm thi hành Quyết định này.',
			'TM. ỦY BAN NHÂN DÂN',
			'DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN KHÔNG ĐƯỢC CÔNG NHẬN',
			'Xã Hồng Thủy',
			'Huyện A Lưới',
			'812'
		]);
		expect(r.raw).toContain('Quận, huyện, thị xã');
		expect(r.text).not.toContain('CHỦ TỊCH ỦY BAN NHÂN DÂN');
		expect(r.text).not.toContain('Thời hạn công nhận');
		expectMarks(r, CLEAN);
	});

	it('renders 300 communes with the annex over several pages and the table header repeated', async () => {
		const data = decision(CLEAN, 300);
		const r = await render(data);
		const pages = Number(r.info.Pages);
		expect(pages).toBeGreaterThanOrEqual(5);
		expect(r.size).toEqual([595, 842]);
		expectTexts(r, ['Công nhận 300 xã, phường, thị trấn', '300 Xã Đan Điền 30', '1 Phường Phú Xuân']);
		for (const page of r.pages.slice(1, pages)) expect(page).toContain('STT Xã, phường, thị trấn');
	});

	it('lays out decomposed (NFD) input as composed text', async () => {
		const data = decision(CLEAN, 1);
		data.communes[0].name = 'Phường Thuận Hóa'.normalize('NFD');
		data.signature.name = 'Đặng Văn Ưng'.normalize('NFD');
		const json = JSON.stringify(documentDefinition(data));
		expect(json).toBe(nfc(json));
		const r = await render(data);
		const layout = run('pdftotext', ['-layout', r.file, '-']);
		expect(layout).toContain('Phường Thuận Hóa'); // NFC without normalising the output
		expect(layout).toContain('Đặng Văn Ưng');
		expectTexts(r, ['Công nhận Phường Thuận Hóa, Thành phố Huế đạt tiêu chuẩn']);
	});
});

describe('certificate', () => {
	for (const colour of [true, false]) {
		it(`fits one A4 landscape page (${colour ? 'colour' : 'black and white'}) and its QR code decodes to the payload`, async () => {
			const marks = colour ? MARKED : CLEAN;
			const data = certificate(marks, colour);
			const r = await render(data);
			expect(r.size).toEqual([842, 595]);
			expect(Number(r.info.Pages)).toBe(1);
			expectTexts(r, [
				...NATIONAL,
				'UBND THÀNH PHỐ HUẾ',
				'GIẤY CHỨNG NHẬN',
				'Xã, phường, thị trấn phù hợp với trẻ em',
				'Phường Phú Xuân',
				'Thành phố Huế',
				'đã được công nhận theo Quyết định số 15/QĐ-UBND ngày 20 tháng 11 năm 2026',
				'Có giá trị từ ngày 20 tháng 11 năm 2026 đến ngày 19 tháng 11 năm 2029',
				'Huế, ngày 25 tháng 11 năm 2026',
				'TM. ỦY BAN NHÂN DÂN',
				'CHỦ TỊCH',
				'Nguyễn Văn Phương',
				'Mã xác minh: K7QF-29XM',
				'Số: GCN-2026-000123'
			]);
			expectMarks(r, marks);

			const png = path.join(dir, `certificate-${colour ? 'colour' : 'mono'}`);
			run('pdftoppm', ['-r', '150', '-png', '-singlefile', r.file, png]);
			const decoded = run('zbarimg', ['--quiet', '--raw', `${png}.png`]).replace(/\n$/, '');
			expect(decoded).toBe(data.qr);
		});
	}
});

describe('rendering', () => {
	it('gives the same bytes for the same input', async () => {
		for (const data of [certificate(MARKED, true), decision(MARKED, 20)] as DocumentData[]) {
			const a = await renderPdf(data);
			const b = await renderPdf(data);
			expect(a.equals(b)).toBe(true);
		}
	});

	it('refuses URLs and every local file, the font files included (pdfmake has the fonts in memory)', async () => {
		configurePdfmake();
		const font = serifFont();
		const base = { defaultStyle: { font: font.family }, content: [{ image: 'x' }] };
		await expect(pdfmake.createPdf({ ...base, images: { x: 'https://example.invalid/logo.png' } }).getBuffer()).rejects.toThrow(/denied/i);
		await expect(pdfmake.createPdf({ ...base, images: { x: '/etc/hostname' } }).getBuffer()).rejects.toThrow(/denied/i);
		await expect(pdfmake.createPdf({ ...base, images: { x: font.files.normal } }).getBuffer()).rejects.toThrow(/denied/i);
	});

	it('reads no file for a document once the fonts are loaded', async () => {
		await renderPdf(certificate(CLEAN, false));
		const reads = vi.spyOn(fs, 'readFileSync');
		const opens = vi.spyOn(fs, 'openSync');
		try {
			const pdf = await renderPdf(certificate(MARKED, true));
			await renderPdf(decision(CLEAN, 2));
			expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
			expect(reads).not.toHaveBeenCalled();
			expect(opens).not.toHaveBeenCalled();
		} finally {
			reads.mockRestore();
			opens.mockRestore();
		}
	});
});
