/**
 * Shared building blocks for documents laid out after Nghị định 30/2020/NĐ-CP (NĐ 30): A4 page
 * and margins, the two-column header (issuing body / national title and motto), title and
 * subject line (trích yếu), signature block, recipients ("Nơi nhận:"), the preview watermark and
 * the provisional notice, plus Vietnamese date and number formatting and NFC normalisation.
 *
 * Pure functions over pdfmake document definitions: no database, no `$app/*`; runs under plain
 * Node type stripping and in a worker thread.
 */
import type { Content, ContentTable, ContentText, CustomTableLayout, TableCell, TDocumentDefinitions, Watermark } from 'pdfmake/interfaces';
import { serifFont, textWidth } from './fonts.ts';
import type { Issuer, Marks, Signature } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Page geometry and sizes
// ---------------------------------------------------------------------------------------------

/** Millimetres to PDF points. */
export function mm(value: number): number {
	return (value * 72) / 25.4;
}

/** A4 in points (pdfmake's 'A4'). */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** NĐ 30 margins: left 30 mm, top 20 mm, right 15 mm, bottom 20 mm ([left, top, right, bottom]). */
export const PAGE_MARGINS: [number, number, number, number] = [mm(30), mm(20), mm(15), mm(20)];

/** Width of the text block on an A4 portrait page with the NĐ 30 margins. */
export const CONTENT_WIDTH = A4.width - PAGE_MARGINS[0] - PAGE_MARGINS[2];

/** Base size of the documents (NĐ 30: 13–14). */
export const BASE_FONT_SIZE = 13;
/** Size of running text in the body of a decision (NĐ 30 allows 13–14). */
export const BODY_FONT_SIZE = 14;
/** Header lines: issuing body and national title (NĐ 30: 12–13). */
export const HEADER_FONT_SIZE = 12;
/** The list under "Nơi nhận:" (NĐ 30: 11). */
export const RECIPIENTS_FONT_SIZE = 11;

export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';
export const PREVIEW_WATERMARK = 'BẢN XEM TRƯỚC';
export const PROVISIONAL_NOTICE = 'TẠM TÍNH: thang điểm chưa được đối chiếu với văn bản gốc; không dùng để ra quyết định công nhận.';
/** Author written into the PDF metadata. */
export const PDF_AUTHOR = 'Hệ thống đánh giá xã phù hợp với trẻ em';

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

type DateParts = { year: number; month: number; day: number };

/** Parses 'YYYY-MM-DD' (a calendar date, no time zone); throws on anything else. */
export function parseIsoDate(date: string): DateParts {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!m) throw new Error(`Ngày không hợp lệ (cần YYYY-MM-DD): ${date}`);
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const check = new Date(Date.UTC(year, month - 1, day));
	if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
		throw new Error(`Ngày không hợp lệ: ${date}`);
	}
	return { year, month, day };
}

function pad2(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

/**
 * "ngày 05 tháng 01 năm 2026". NĐ 30: days below 10 and months below 3 take a leading zero
 * (so "tháng 01", "tháng 02", but "tháng 3" … "tháng 12").
 */
export function formatDateVi(date: string): string {
	const { year, month, day } = parseIsoDate(date);
	return `ngày ${pad2(day)} tháng ${month < 3 ? pad2(month) : String(month)} năm ${year}`;
}

/** "05/01/2026": for tables. */
export function formatDateShort(date: string): string {
	const { year, month, day } = parseIsoDate(date);
	return `${pad2(day)}/${pad2(month)}/${year}`;
}

/** The year of a 'YYYY-MM-DD' date. */
export function yearOf(date: string): number {
	return parseIsoDate(date).year;
}

/** "Huế, ngày 20 tháng 11 năm 2026" (the place/date line under the motto). */
export function placeDateLine(place: string, date: string): string {
	const p = place.trim();
	return p ? `${p}, ${formatDateVi(date)}` : formatDateVi(date).replace(/^n/, 'N');
}

/**
 * Vietnamese number format: "." between thousands, "," before decimals (at most `decimals`,
 * trailing zeros dropped). 1234.5 → "1.234,5".
 */
export function formatNumber(value: number, decimals = 2): string {
	if (!Number.isFinite(value)) return String(value);
	const factor = 10 ** decimals;
	const rounded = Math.round(Math.abs(value) * factor) / factor;
	const [intPart, fracPart = ''] = rounded.toFixed(decimals).split('.');
	const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
	const frac = fracPart.replace(/0+$/, '');
	const sign = value < 0 && rounded !== 0 ? '-' : '';
	return `${sign}${grouped}${frac ? `,${frac}` : ''}`;
}

/** A difference with its sign: "+5", "-10", "0". */
export function formatSigned(value: number): string {
	const s = formatNumber(value);
	return value > 0 && s !== '0' ? `+${s}` : s;
}

/** Points or "–" when not scored. */
export function formatPoints(value: number | null): string {
	return value === null ? '–' : formatNumber(value);
}

/** Upper case with Vietnamese rules, whitespace collapsed. */
export function upper(text: string): string {
	return text
		.toLocaleUpperCase('vi')
		.replace(/[ \t]+/g, ' ')
		.trim();
}

/** The lines of a (possibly multi-line) body name, e.g. "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ". */
export function lines(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter((l) => l !== '');
}

/** "Số: 15/QĐ-UBND", or a blank number to be filled in ("Số:        /BC-UBND") when none. */
export function numberLine(number: string | null, blankSuffix: string): string {
	const n = (number ?? '').trim().replace(/^Số:\s*/i, '');
	return n ? `Số: ${n}` : `Số:${'\u00a0'.repeat(12)}${blankSuffix}`;
}

// ---------------------------------------------------------------------------------------------
// NFC normalisation
// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object') return false;
	const proto = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every string (at any depth, in plain objects and arrays) in Unicode NFC,
 * so "ế" typed as e + ◌̂ + ◌́ is laid out as the one precomposed glyph. Functions, Dates, Buffers
 * and other class instances are kept as they are.
 */
export function normalizeNfc<T>(value: T): T {
	if (typeof value === 'string') return value.normalize('NFC') as T;
	if (Array.isArray(value)) return value.map((v) => normalizeNfc(v)) as T;
	if (isPlainObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = normalizeNfc(v);
		return out as T;
	}
	return value;
}

// ---------------------------------------------------------------------------------------------
// Rules, notices, marks
// ---------------------------------------------------------------------------------------------

/** A horizontal rule of `length` points centred in its column. */
export function centredRule(length: number, marginTop = 1, lineWidth = 0.6): Content {
	return {
		canvas: [{ type: 'line', x1: 0, y1: 0, x2: length, y2: 0, lineWidth }],
		alignment: 'center',
		margin: [0, marginTop, 0, 0]
	};
}

/** Text centred in its column with a rule exactly as long as the text under it (NĐ 30 motto). */
export function textWithRuleUnder(text: string, style: { fontSize: number; bold?: boolean; italics?: boolean }): Content {
	const ruleLayout: CustomTableLayout = {
		hLineWidth: (i, node) => (i === node.table.body.length ? 0.6 : 0),
		vLineWidth: () => 0,
		paddingLeft: () => 0,
		paddingRight: () => 0,
		paddingTop: () => 0,
		paddingBottom: () => 1
	};
	return {
		columns: [
			{ width: '*', text: '' },
			{ width: 'auto', table: { body: [[{ text, ...style }]] }, layout: ruleLayout },
			{ width: '*', text: '' }
		],
		columnGap: 0
	};
}

/** The boxed "TẠM TÍNH …" line shown when the criteria set is provisional. */
export function provisionalNotice(fontSize = 11): Content {
	return {
		table: {
			widths: ['*'],
			body: [[{ text: PROVISIONAL_NOTICE, bold: true, fontSize, alignment: 'center', color: '#000000' }]]
		},
		layout: {
			hLineWidth: () => 1.2,
			vLineWidth: () => 1.2,
			paddingTop: () => 3,
			paddingBottom: () => 3,
			paddingLeft: () => 6,
			paddingRight: () => 6
		},
		margin: [0, 0, 0, 8]
	};
}

/** The "BẢN XEM TRƯỚC" watermark across each page, for the page size given. */
export function previewWatermark(pageWidth: number, pageHeight: number): Watermark {
	return {
		text: PREVIEW_WATERMARK,
		opacity: 0.12,
		bold: true,
		color: '#555555',
		angle: Math.round((Math.atan2(pageHeight, pageWidth) * -180) / Math.PI)
	};
}

// ---------------------------------------------------------------------------------------------
// Header, title, signature, recipients
// ---------------------------------------------------------------------------------------------

/** NĐ 30: the rule under the issuing body is 1/3 to 1/2 of its line; we take 1/2 of the longest. */
export function issuerRuleLength(bodyLines: string[], fontSize: number): number {
	const widest = Math.max(0, ...bodyLines.map((l) => textWidth(l, fontSize, { bold: true })));
	return Math.max(24, Math.round(widest / 2));
}

/** Width of the left header column (issuing body, "Số: …"). */
export const ISSUER_COLUMN_WIDTH = 190;

/**
 * The NĐ 30 header: at top left the parent body (upper case) over the issuing body (upper case,
 * bold) with a short rule, then "Số: …"; at top right the national title (bold) over the motto
 * (bold, rule as long as the motto), then the place/date line in italics. "Số: …" and the date
 * share a line.
 */
export function nd30Header(options: { issuer: Issuer; number: string; place: string; date: string }): Content {
	const { issuer } = options;
	const left: Content[] = [];
	const parent = lines(issuer.parent).map(upper);
	if (parent.length) left.push({ text: parent.join('\n'), fontSize: HEADER_FONT_SIZE, alignment: 'center' });
	const body = lines(issuer.body).map(upper);
	left.push({ text: body.join('\n'), fontSize: HEADER_FONT_SIZE, bold: true, alignment: 'center' });
	left.push(centredRule(issuerRuleLength(body, HEADER_FONT_SIZE), 2));
	const right: Content[] = [
		{ text: NATIONAL_TITLE, fontSize: HEADER_FONT_SIZE, bold: true, alignment: 'center' },
		textWithRuleUnder(MOTTO, { fontSize: BASE_FONT_SIZE, bold: true })
	];
	return {
		stack: [
			{
				columns: [
					{ width: ISSUER_COLUMN_WIDTH, stack: left },
					{ width: '*', stack: right }
				],
				columnGap: 4
			},
			{
				columns: [
					{ width: ISSUER_COLUMN_WIDTH, text: options.number, fontSize: BASE_FONT_SIZE, alignment: 'center' },
					{ width: '*', text: placeDateLine(options.place, options.date), fontSize: BASE_FONT_SIZE, italics: true, alignment: 'center' }
				],
				columnGap: 4,
				margin: [0, 6, 0, 0]
			}
		],
		margin: [0, 0, 0, 16]
	};
}

/** Document type (bold, centred), the subject line(s) (bold) and a short rule under them. */
export function documentTitle(title: string, subject: string[] = [], fontSize = BODY_FONT_SIZE): Content {
	const stack: Content[] = [{ text: title, bold: true, fontSize, alignment: 'center' }];
	if (subject.length) {
		stack.push({ text: subject.join('\n'), bold: true, fontSize, alignment: 'center' });
		const widest = Math.max(...subject.map((l) => textWidth(l, fontSize, { bold: true })));
		stack.push(centredRule(Math.min(150, Math.max(60, Math.round(widest / 3))), 4));
	}
	return { stack, margin: [0, 0, 0, 12] };
}

/** The signature block: on behalf of / title (bold, upper case), room to sign and stamp, name (bold). */
export function signatureBlock(signature: Signature, options: { placeDate?: string; space?: number; fontSize?: number } = {}): Content {
	const fontSize = options.fontSize ?? BODY_FONT_SIZE;
	const stack: Content[] = [];
	if (options.placeDate) stack.push({ text: options.placeDate, italics: true, fontSize: fontSize - 1, margin: [0, 0, 0, 2] });
	const behalf = upper(signature.onBehalfOf);
	if (behalf) stack.push({ text: behalf, bold: true, fontSize });
	stack.push({ text: upper(signature.title), bold: true, fontSize });
	stack.push({ text: signature.name.trim(), bold: true, fontSize, margin: [0, options.space ?? 72, 0, 0] });
	return { stack, alignment: 'center' };
}

/**
 * Each recipient on its own line starting with "- ", ending with ";" (the last one with "."),
 * unless it already ends with punctuation.
 */
export function recipientLines(recipients: string[]): string[] {
	const items = recipients.map((r) => r.trim()).filter((r) => r !== '');
	return items.map((r, i) => {
		const dashed = /^[-–•]/.test(r) ? r.replace(/^[-–•]\s*/, '- ') : `- ${r}`;
		if (/[;.:,]$/.test(dashed)) return dashed;
		return dashed + (i === items.length - 1 ? '.' : ';');
	});
}

/** "Nơi nhận:" (bold italic, 12) and the list (11) at bottom left. */
export function recipientsBlock(recipients: string[]): Content {
	const list = recipientLines(recipients);
	return {
		stack: [
			{ text: 'Nơi nhận:', bold: true, italics: true, fontSize: 12 },
			...(list.length ? [{ text: list.join('\n'), fontSize: RECIPIENTS_FONT_SIZE }] : [])
		]
	};
}

/** Recipients at bottom left and the signature at bottom right, kept on one page. */
export function closingBlock(signature: Signature, recipients: string[]): Content {
	return {
		columns: [
			{ width: '*', stack: [recipientsBlock(recipients)], margin: [0, 6, 0, 0] },
			{ width: 240, stack: [signatureBlock(signature)] }
		],
		columnGap: 8,
		unbreakable: true,
		margin: [0, 14, 0, 0]
	};
}

// ---------------------------------------------------------------------------------------------
// Paragraphs and tables
// ---------------------------------------------------------------------------------------------

/**
 * Keeps tokens such as "120/TTr-SYT" or "06/QĐ-TTg" in one piece. The line breaker may break
 * after "/" and "-", and justified lines spread their slack over every break opportunity, which
 * opens gaps inside document numbers ("120/ TTr- SYT"). Such tokens (with the spaces after them)
 * become unbreakable inlines; the rest of the text is left as it is.
 */
export function keepCodesTogether(text: string): string | ContentText[] {
	if (!/\S[/-]|[/-]\S/.test(text)) return text;
	const parts = text.match(/\s+|\S+/g) ?? [];
	const out: ContentText[] = [];
	let plain = '';
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i];
		if (part.length > 1 && /\S/.test(part) && /[/-]/.test(part)) {
			if (plain) out.push({ text: plain });
			plain = '';
			const space = i + 1 < parts.length && /^\s+$/.test(parts[i + 1]) ? parts[++i] : '';
			out.push({ text: part + space, noWrap: true });
		} else {
			plain += part;
		}
	}
	if (plain) out.push({ text: plain });
	return out;
}

/** `keepCodesTogether` over plain strings and simple text inlines (their style kept). */
function protectInlines(text: Content): Content {
	if (typeof text === 'string') return keepCodesTogether(text);
	if (Array.isArray(text)) {
		return text.flatMap((item): Content[] => {
			if (typeof item === 'string') {
				const kept = keepCodesTogether(item);
				return typeof kept === 'string' ? [kept] : kept;
			}
			if (item && typeof item === 'object' && 'text' in item && typeof item.text === 'string' && !item.noWrap) {
				const kept = keepCodesTogether(item.text);
				if (typeof kept === 'string') return [item];
				const { text: _text, ...style } = item;
				return kept.map((k) => ({ ...style, ...k }));
			}
			return [item];
		});
	}
	return text;
}

/** A body paragraph: justified, first line indented 1 cm, 6 pt after. */
export function paragraph(
	text: Content,
	options: { fontSize?: number; italics?: boolean; bold?: boolean; indent?: boolean } = {}
): Content {
	return {
		text: protectInlines(text),
		fontSize: options.fontSize ?? BODY_FONT_SIZE,
		italics: options.italics,
		bold: options.bold,
		alignment: 'justify',
		leadingIndent: options.indent === false ? 0 : mm(10),
		margin: [0, 0, 0, 6]
	};
}

/** A section heading inside a report ("I. …"), bold. */
export function heading(text: string, fontSize = BASE_FONT_SIZE): Content {
	return { text, bold: true, fontSize, margin: [0, 6, 0, 4] };
}

/** Thin grid for the score and annex tables. */
export const GRID_LAYOUT: CustomTableLayout = {
	hLineWidth: () => 0.5,
	vLineWidth: () => 0.5,
	hLineColor: () => '#000000',
	vLineColor: () => '#000000',
	paddingLeft: () => 3,
	paddingRight: () => 3,
	paddingTop: () => 2,
	paddingBottom: () => 2
};

/** A table with the thin grid, a repeated bold header row and rows that never split. */
export function gridTable(widths: (number | '*' | 'auto')[], header: string[], rows: TableCell[][], fontSize: number): ContentTable {
	const head: TableCell[] = header.map((h) => ({ text: h, bold: true, alignment: 'center', fontSize }));
	return {
		table: { headerRows: 1, dontBreakRows: true, widths, body: [head, ...rows] },
		layout: GRID_LAYOUT,
		fontSize,
		margin: [0, 2, 0, 8]
	};
}

// ---------------------------------------------------------------------------------------------
// The document shell
// ---------------------------------------------------------------------------------------------

/**
 * An A4 portrait NĐ 30 document: margins, serif font at 13, page numbers from page 2 (centred in
 * the top margin), the preview watermark when marked and the provisional notice (between the
 * header and the rest) when marked. `info` is filled in by `render.ts`.
 */
export function portraitDocument(header: Content, content: Content[], marks: Marks): TDocumentDefinitions {
	const [left, , right] = PAGE_MARGINS;
	const body: Content[] = marks.provisional ? [header, provisionalNotice(), ...content] : [header, ...content];
	return {
		pageSize: 'A4',
		pageOrientation: 'portrait',
		pageMargins: PAGE_MARGINS,
		defaultStyle: { font: serifFont().family, fontSize: BASE_FONT_SIZE, lineHeight: 1.1 },
		header: (currentPage: number) =>
			currentPage > 1
				? { text: String(currentPage), alignment: 'center', fontSize: BASE_FONT_SIZE, margin: [left, mm(10), right, 0] }
				: null,
		...(marks.preview ? { watermark: previewWatermark(A4.width, A4.height) } : {}),
		content: body
	};
}
