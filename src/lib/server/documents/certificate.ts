/**
 * 4. Giấy chứng nhận xã, phường, thị trấn phù hợp với trẻ em: always exactly one A4 landscape
 * page. A decorative border (frames, a band of diamonds and corner ornaments, dark red and gold
 * in colour, black otherwise) is drawn as vectors in the page background; inside it, the
 * deciding authority and the national title at the top (with the national emblem between them
 * when an administrator supplied the image), the big title, the commune, the decision and the
 * validity, and along the bottom the QR code (verification aid, not a signature) with its code
 * and serial at left and the place/date and signature block, with room to sign and seal, at
 * right.
 *
 * Nothing is left to chance: every text is broken into lines here, from the font's own metrics
 * (the advance widths `textWidth` measures with fontkit, and the ascent and descent pdfkit uses
 * for the line height), at the largest size that keeps it within its bounds (the commune on one
 * line at 30 pt, stepwise smaller, then on two lines; the signer's title on one line, then two
 * balanced lines; …). The height of every block follows, so the layout is planned before pdfmake
 * sees it: the QR and signature blocks are pinned to the bottom of the frame, the rest is spread
 * between the header and them, and when it does not fit, the plan is redone with smaller titles,
 * tighter spacing and a smaller signature space (never below what a signature and seal need).
 * When even that fails (absurd input), the certificate is not laid out at all: the builder throws
 * `CertificateOverflowError` with a Vietnamese message naming the field, which
 * `certificateLayoutProblem` returns beforehand for a preview to show. As a last guard the
 * document refuses to come out on a second page (the footer callback throws the same error).
 */
import QRCode from 'qrcode';
import type { CanvasElement, Column, Content, ContentText, TDocumentDefinitions } from 'pdfmake/interfaces';
import { serifFont, textWidth } from './fonts.ts';
import {
	A4,
	BASE_FONT_SIZE,
	formatDateVi,
	lines,
	MOTTO,
	NATIONAL_TITLE,
	normalizeNfc,
	placeDateLine,
	previewWatermark,
	PROVISIONAL_NOTICE,
	textWithRuleUnder,
	upper
} from './layout.ts';
import type { CertificateDocument } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Page geometry
// ---------------------------------------------------------------------------------------------

/** A4 landscape. */
const PAGE = { width: A4.height, height: A4.width } as const;
/** Insets of the border's lines from the page edge (outer frame … inner frame). */
const FRAME = { outer: 14, outerHair: 18, band: 25, innerHair: 32, inner: 36 } as const;
/** [left, top, right, bottom]: the text block inside the inner frame. */
const MARGINS: [number, number, number, number] = [58, 48, 58, 44];
const CONTENT_WIDTH = PAGE.width - MARGINS[0] - MARGINS[2];
/** Nothing is placed below this line (pdfmake starts a second page at PAGE.height - MARGINS[3]; 1 pt to spare). */
const CONTENT_BOTTOM = PAGE.height - MARGINS[3] - 1;

/** Printed side of the QR code, in points (about 3.9 cm). */
export const QR_SIZE = 110;
/** Width of the QR column (bottom left) and of the signature column (bottom right). */
const QR_COLUMN = 200;
const SIGNATURE_COLUMN = 360;
/** Header columns: the authority (left), the national title and motto (right), the emblem between. */
const AUTHORITY_COLUMN = 300;
const NATIONAL_COLUMN = 320;
/** Largest side of the national emblem, when supplied. */
export const EMBLEM_SIZE = 60;
/** Room to sign and seal between the signer's title and name: 30 mm, never below 22 mm. */
export const SIGNATURE_SPACE = { preferred: 84, minimum: 64 } as const;
/** The text lines' leading (as the other documents). */
const LINE_HEIGHT = 1.1;
/** Least space between the body of the certificate and the QR and signature blocks. */
const MIN_GAP = 10;

const COLOURS = {
	colour: { frame: '#8b1a1a', gold: '#c9a227', title: '#8b1a1a', name: '#1f3a7a', ornament: '#c9a227' },
	mono: { frame: '#000000', gold: '#000000', title: '#000000', name: '#000000', ornament: '#000000' }
} as const;

// ---------------------------------------------------------------------------------------------
// Text measurement
// ---------------------------------------------------------------------------------------------

/**
 * Ascent minus descent per em (the hhea values pdfkit takes for the line height, fontSize ×
 * this × lineHeight) of the serif fonts `fonts.ts` may choose: Liberation Serif 2 (1825 + 443
 * over 2048 units) and DejaVu Serif (bold: 1923 + 483 over 2048), rounded up. Any other family
 * gets a generous 1.25. The test checks these against the font files.
 */
export const LINE_EM: Readonly<Record<string, number>> = { LiberationSerif: 1.1075, DejaVuSerif: 1.1749 };

function lineEm(): number {
	return LINE_EM[serifFont().family] ?? 1.25;
}

/** Height in points of `count` lines at `size`. */
function linesHeight(count: number, size: number): number {
	return count * size * lineEm() * LINE_HEIGHT;
}

type Style = { bold?: boolean; italics?: boolean; characterSpacing?: number };

/** Widths at 1 pt of the words measured so far, per style (a width scales with the size). */
const unitWidths = new Map<string, number>();

function unitWidth(word: string, style: Style): number {
	const key = `${style.bold ? 'b' : ''}${style.italics ? 'i' : ''}|${word}`;
	let w = unitWidths.get(key);
	if (w === undefined) {
		if (unitWidths.size > 20_000) unitWidths.clear();
		w = textWidth(word, 1, style);
		unitWidths.set(key, w);
	}
	return w;
}

/**
 * Width in points of one line, word by word as pdfmake measures it (each word with the space
 * after it, the last without), with 2 % and 1 pt to spare: pdfmake must never break it again.
 */
function measure(text: string, size: number, style: Style): number {
	const ws = text.split(' ');
	let units = 0;
	for (let i = 0; i < ws.length; i++) units += unitWidth(i < ws.length - 1 ? `${ws[i]} ` : ws[i], style);
	const spacing = (style.characterSpacing ?? 0) * Math.max(0, [...text].length - 1);
	return units * size * 1.02 + spacing + 1;
}

/** Words of a line, a lone dash kept with the word before it ("Văn Miếu -" / "Quốc Tử Giám"). */
function words(text: string): string[] {
	const out: string[] = [];
	for (const w of text.split(/\s+/).filter((s) => s !== '')) {
		if (/^[-–—]$/.test(w) && out.length) out[out.length - 1] += ` ${w}`;
		else out.push(w);
	}
	return out;
}

/**
 * `text` broken at spaces into lines no wider than `width` (greedy; two lines are balanced, so
 * that "PHÓ CHỦ TỊCH ỦY BAN / NHÂN DÂN THÀNH PHỐ" rather than a lone last word); null when a
 * single word is wider than `width`.
 */
function wrap(text: string, size: number, style: Style, width: number): string[] | null {
	const ws = words(text);
	if (ws.length === 0) return [];
	const out: string[] = [];
	let line = '';
	for (const w of ws) {
		const candidate = line ? `${line} ${w}` : w;
		if (measure(candidate, size, style) <= width) {
			line = candidate;
			continue;
		}
		if (!line || measure(w, size, style) > width) return null;
		out.push(line);
		line = w;
	}
	out.push(line);
	if (out.length !== 2) return out;
	let best = out;
	let bestWidth = Math.max(...out.map((l) => measure(l, size, style)));
	for (let i = 1; i < ws.length; i++) {
		const pair = [ws.slice(0, i).join(' '), ws.slice(i).join(' ')];
		const widest = Math.max(...pair.map((l) => measure(l, size, style)));
		if (widest <= width && widest < bestWidth) [best, bestWidth] = [pair, widest];
	}
	return best;
}

type Fitted = { size: number; lines: string[] };
type Attempt = { size: number; maxLines: number };

/**
 * The first attempt (size, most lines) at which every paragraph of `paragraphs`, each broken
 * into lines of at most `width`, fits in `maxLines` lines together; null when none does.
 */
function fit(paragraphs: string[], style: Style, width: number, attempts: Attempt[]): Fitted | null {
	for (const { size, maxLines } of attempts) {
		const out: string[] = [];
		let ok = true;
		for (const p of paragraphs) {
			const l = wrap(p, size, style, width);
			if (l === null) {
				ok = false;
				break;
			}
			out.push(...l);
		}
		if (ok && out.length <= maxLines) return { size, lines: out };
	}
	return null;
}

/** Sizes from `from` down to `to` by `step`. */
function sizes(from: number, to: number, step = 1): number[] {
	const out: number[] = [];
	for (let s = from; s >= to - 1e-9; s -= step) out.push(Math.round(s * 10) / 10);
	return out;
}

/**
 * One line from `from` down to `oneTo`, then two lines, … up to `maxLines` lines, each from
 * min(`from`, `moreFrom`) down to `moreTo` (a long name is better on two lines at 24 pt than on
 * one at 16).
 */
function attempts(from: number, oneTo: number, maxLines: number, more: { from: number; to: number }, step = 1): Attempt[] {
	const out: Attempt[] = sizes(from, oneTo, step).map((size) => ({ size, maxLines: 1 }));
	for (let n = 2; n <= maxLines; n++) out.push(...sizes(Math.min(from, more.from), more.to, step).map((size) => ({ size, maxLines: n })));
	return out;
}

// ---------------------------------------------------------------------------------------------
// Overflow
// ---------------------------------------------------------------------------------------------

/** The start of every message about a certificate that cannot fit its page. */
export const CERTIFICATE_TOO_LONG_MESSAGE = 'Nội dung giấy chứng nhận quá dài, không vừa một trang A4';

/** Thrown by the certificate builder (and by the renderer's last guard) when the certificate would not fit one page. */
export class CertificateOverflowError extends Error {
	constructor(detail: string) {
		super(`${CERTIFICATE_TOO_LONG_MESSAGE}: ${detail}. Hãy rút gọn nội dung này rồi thử lại.`);
		this.name = 'CertificateOverflowError';
	}
}

const FIELD = {
	authority: 'tên cơ quan cấp giấy chứng nhận quá dài',
	commune: 'tên xã, phường quá dài',
	province: 'tên tỉnh, thành phố quá dài',
	decision: 'số quyết định quá dài',
	validity: 'dòng thời hạn công nhận quá dài',
	place: 'địa danh ở dòng ngày tháng quá dài',
	onBehalfOf: 'dòng thẩm quyền ký (TM., KT.) quá dài',
	title: 'chức danh người ký quá dài',
	signer: 'họ tên người ký quá dài',
	qr: 'dòng ghi chú, mã xác minh hoặc số giấy chứng nhận quá dài',
	total: 'các phần cộng lại cao hơn trang giấy (tên xã, cơ quan cấp, chức danh và họ tên người ký)'
} as const;

// ---------------------------------------------------------------------------------------------
// The plan: every text broken into lines, every block's height, the spacing
// ---------------------------------------------------------------------------------------------

/** How tight the layout is: the first level that fits wins. */
type Level = {
	title: number;
	subtitle: number;
	name: number;
	province: number;
	body: number;
	signature: number;
	space: number;
	gaps: number;
};
const LEVELS: Level[] = [
	{ title: 40, subtitle: 19, name: 30, province: 17, body: 15, signature: 14, space: SIGNATURE_SPACE.preferred, gaps: 1 },
	{ title: 36, subtitle: 17, name: 26, province: 16, body: 14, signature: 13, space: 74, gaps: 0.6 },
	{ title: 32, subtitle: 16, name: 22, province: 14, body: 13, signature: 12, space: SIGNATURE_SPACE.minimum, gaps: 0.3 }
];

/** Smallest sizes a field may take. */
const MIN = { authority: 10, name: 16, province: 12, body: 12, signature: 11, qr: 8 } as const;

type Signing = { size: number; placeDate: string[]; behalf: string[]; title: string[]; name: string[]; space: number; height: number };
type QrBlock = { size: number; notice: string[]; code: string[]; serial: string[]; height: number };

type Plan = {
	level: Level;
	authority: Fitted;
	headerHeight: number;
	provisional: Fitted | null;
	name: Fitted;
	province: Fitted;
	decision: Fitted;
	validity: Fitted;
	signing: Signing;
	qr: QrBlock;
	/** Top margins of the middle blocks (the spare height spread among them). */
	gaps: { title: number; subtitle: number; name: number; province: number; decision: number; validity: number };
};

type Texts = {
	authority: string[];
	name: string;
	province: string;
	decision: string;
	validity: string;
	placeDate: string;
	behalf: string[];
	title: string;
	signer: string;
	qrNotice: string | null;
	code: string;
	serial: string;
};

const oneSpace = (s: string) => s.replace(/\s+/g, ' ').trim();

function texts(data: CertificateDocument): Texts {
	// "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ" is set the NĐ 30 way: the body over the unit's name
	const authority = lines(data.authority)
		.map(upper)
		.flatMap((l) => {
			const m = /^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN) (.+)$/u.exec(l);
			return m ? [m[1], m[2]] : [l];
		});
	return {
		authority,
		name: oneSpace(data.commune.name),
		province: oneSpace(data.commune.province),
		decision: `đã được công nhận theo Quyết định số ${oneSpace(data.decision.number)} ${formatDateVi(data.decision.date)}`,
		validity: `Có giá trị từ ${formatDateVi(data.validFrom)} đến ${formatDateVi(data.validUntil)}`,
		placeDate: placeDateLine(oneSpace(data.place), data.date),
		behalf: lines(data.signature.onBehalfOf).map(upper),
		title: upper(data.signature.title),
		signer: oneSpace(data.signature.name),
		qrNotice: data.qrNotice ? oneSpace(data.qrNotice) : null,
		code: `Mã xác minh: ${oneSpace(data.verificationCode)}`,
		serial: `Số: ${oneSpace(data.serial)}`
	};
}

/** The signature block at the largest size (≤ the level's) at which each part keeps within its lines. */
function planSigning(t: Texts, level: Level): Signing | string {
	let problem: string = FIELD.title;
	for (const { size, maxLines } of attempts(level.signature, level.signature - 2, 3, { from: level.signature, to: MIN.signature }, 0.5)) {
		const title = fit([t.title], { bold: true }, SIGNATURE_COLUMN, [{ size, maxLines }]);
		if (!title) {
			problem = FIELD.title;
			continue;
		}
		const behalf = fit(t.behalf, { bold: true }, SIGNATURE_COLUMN, [{ size, maxLines: 3 }]);
		const name = fit([t.signer], { bold: true }, SIGNATURE_COLUMN, [{ size, maxLines: 2 }]);
		const placeDate = fit([t.placeDate], { italics: true }, SIGNATURE_COLUMN, [{ size: size - 1, maxLines: 2 }]);
		if (!behalf) problem = FIELD.onBehalfOf;
		else if (!name) problem = FIELD.signer;
		else if (!placeDate) problem = FIELD.place;
		else {
			const height =
				linesHeight(placeDate.lines.length, size - 1) +
				2 +
				linesHeight(behalf.lines.length + title.lines.length, size) +
				level.space +
				linesHeight(name.lines.length, size);
			return { size, placeDate: placeDate.lines, behalf: behalf.lines, title: title.lines, name: name.lines, space: level.space, height };
		}
	}
	return problem;
}

/** The QR column: notice (if any), the code, the verification code and the serial. */
function planQr(t: Texts): QrBlock | string {
	for (const size of sizes(10, MIN.qr, 0.5)) {
		const notice = t.qrNotice ? fit([t.qrNotice], { bold: true }, QR_COLUMN, [{ size, maxLines: 3 }]) : { size, lines: [] };
		const code = fit([t.code], {}, QR_COLUMN, [{ size, maxLines: 1 }]);
		const serial = fit([t.serial], {}, QR_COLUMN, [{ size, maxLines: 1 }]);
		if (!notice || !code || !serial) continue;
		const above = notice.lines.length ? linesHeight(notice.lines.length, size) : 8;
		const height = above + QR_SIZE + 0.02 + linesHeight(2, size);
		return { size, notice: notice.lines, code: code.lines, serial: serial.lines, height };
	}
	return FIELD.qr;
}

/** The plan of `data`'s certificate, or the reason it cannot fit one page. */
function plan(data: CertificateDocument): Plan | string {
	const t = texts(data);
	const authority = fit(t.authority, { bold: true }, AUTHORITY_COLUMN, [
		...sizes(13, MIN.authority, 0.5).map((size) => ({ size, maxLines: t.authority.length })),
		...sizes(13, MIN.authority, 0.5).map((size) => ({ size, maxLines: Math.max(3, t.authority.length) })),
		...sizes(12, MIN.authority, 0.5).map((size) => ({ size, maxLines: 4 }))
	]);
	if (!authority) return FIELD.authority;
	// authority and rule | emblem | national title and motto (the motto's rule is a table border)
	const headerHeight = Math.max(
		linesHeight(authority.lines.length, authority.size) + 3,
		linesHeight(1, 13) + linesHeight(1, 14) + 2,
		data.emblem ? EMBLEM_SIZE : 0
	);
	const qr = planQr(t);
	if (typeof qr === 'string') return qr;
	// the boxed notice, 60 pt in from each side (the box's padding and rules: 12 pt)
	const provisional = data.marks.provisional
		? fit([PROVISIONAL_NOTICE], { bold: true }, CONTENT_WIDTH - 120 - 12, [
				{ size: 10, maxLines: 2 },
				{ size: 9, maxLines: 3 }
			])
		: null;
	if (data.marks.provisional && !provisional) return FIELD.total; // a fixed text: never

	let problem: string = FIELD.total;
	for (const level of LEVELS) {
		const name = fit([t.name], { bold: true }, CONTENT_WIDTH, attempts(level.name, 20, 2, { from: 24, to: MIN.name }));
		if (!name) return FIELD.commune;
		const province = fit([t.province], {}, CONTENT_WIDTH, attempts(level.province, 13, 2, { from: 15, to: MIN.province }));
		if (!province) return FIELD.province;
		const decision = fit([t.decision], {}, CONTENT_WIDTH, attempts(level.body, 13, 2, { from: level.body, to: MIN.body }));
		if (!decision) return FIELD.decision;
		const validity = fit([t.validity], { italics: true }, CONTENT_WIDTH, attempts(level.body, 13, 2, { from: level.body, to: MIN.body }));
		if (!validity) return FIELD.validity;
		const signing = planSigning(t, level);
		if (typeof signing === 'string') {
			problem = signing;
			continue;
		}
		const title = fit(['GIẤY CHỨNG NHẬN'], { bold: true, characterSpacing: 2 }, CONTENT_WIDTH, [{ size: level.title, maxLines: 1 }]);
		if (!title) continue;

		const base = {
			title: (provisional ? 10 : 22) * level.gaps,
			subtitle: 2,
			name: 14 * level.gaps,
			province: 2,
			decision: 12 * level.gaps,
			validity: 3
		};
		const provisionalHeight = provisional ? 8 + linesHeight(provisional.lines.length, provisional.size) + 6 : 0;
		const body =
			provisionalHeight +
			linesHeight(1, level.title) +
			linesHeight(1, level.subtitle) +
			linesHeight(name.lines.length, name.size) +
			linesHeight(province.lines.length, province.size) +
			linesHeight(decision.lines.length, decision.size) +
			linesHeight(validity.lines.length, validity.size) +
			Object.values(base).reduce((a, b) => a + b, 0);
		const bottomTop = CONTENT_BOTTOM - Math.max(signing.height, qr.height);
		const spare = bottomTop - MIN_GAP - (MARGINS[1] + headerHeight + body);
		if (spare < 0) continue;
		// the spare height: mostly above the title, some around the commune's name and the decision
		const extra = Math.min(spare, 90);
		const gaps = {
			...base,
			title: base.title + extra * 0.45,
			name: base.name + extra * 0.25,
			decision: base.decision + extra * 0.15
		};
		return { level, authority, headerHeight, provisional, name, province, decision, validity, signing, qr, gaps };
	}
	return problem;
}

/**
 * Null when `data`'s certificate fits one A4 landscape page; otherwise the Vietnamese message
 * ("Nội dung giấy chứng nhận quá dài, không vừa một trang A4: …") naming what is too long, for a
 * preview or form to show instead of a PDF. Cheap (font metrics only): call it before rendering.
 */
export function certificateLayoutProblem(data: CertificateDocument): string | null {
	const result = plan(normalizeNfc(data));
	return typeof result === 'string' ? new CertificateOverflowError(result).message : null;
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

/**
 * The QR code for `text` (error correction M), `side` points wide, as pdfmake canvas rectangles:
 * one per run of dark modules in a row (each a hair taller than a module, so that no renderer
 * shows a seam between rows), on a white square that includes the 4-module quiet zone the
 * standard asks for. Canvas vectors are drawn directly; the SVG this replaces was parsed twice
 * by pdfmake and once more by its SVG library, half the time of a certificate.
 */
export function qrCanvas(
	text: string,
	side: number
): { canvas: { type: 'rect'; x: number; y: number; w: number; h: number; color: string }[] } {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const { size, data } = qr.modules;
	const quiet = 4;
	const m = side / (size + 2 * quiet);
	const vectors: { type: 'rect'; x: number; y: number; w: number; h: number; color: string }[] = [
		{ type: 'rect', x: 0, y: 0, w: side, h: side, color: '#ffffff' }
	];
	for (let row = 0; row < size; row++) {
		let col = 0;
		while (col < size) {
			if (!data[row * size + col]) {
				col++;
				continue;
			}
			const start = col;
			while (col < size && data[row * size + col]) col++;
			vectors.push({ type: 'rect', x: (start + quiet) * m, y: (row + quiet) * m, w: (col - start) * m, h: m + 0.02, color: '#000000' });
		}
	}
	return { canvas: vectors };
}

type Point = { x: number; y: number };
/** A square standing on its corner, centred on `c`, `r` from the centre to each corner. */
const diamond = (c: Point, r: number): Point[] => [
	{ x: c.x - r, y: c.y },
	{ x: c.x, y: c.y - r },
	{ x: c.x + r, y: c.y },
	{ x: c.x, y: c.y + r }
];

/**
 * The decorative border, in vectors: a heavy outer frame and a hairline inside it, a band of
 * diamonds, a hairline and the inner frame, with an ornament on each corner of the band and
 * brackets inside the corners of the inner frame.
 */
function border(colour: boolean): Content {
	const c = colour ? COLOURS.colour : COLOURS.mono;
	const { width: W, height: H } = PAGE;
	const frame = (inset: number, lineWidth: number, lineColor: string) => ({
		type: 'rect' as const,
		x: inset,
		y: inset,
		w: W - 2 * inset,
		h: H - 2 * inset,
		lineWidth,
		lineColor
	});
	const canvas: CanvasElement[] = [
		frame(FRAME.outer, 2.4, c.frame),
		frame(FRAME.outerHair, 0.6, c.frame),
		frame(FRAME.innerHair, 0.6, c.frame),
		frame(FRAME.inner, 1.2, c.gold)
	];
	// diamonds along the band, evenly spaced between the corner ornaments
	const b = FRAME.band;
	const fill = colour ? { color: c.ornament, lineWidth: 0.3, lineColor: c.ornament } : { lineWidth: 0.6, lineColor: c.ornament };
	// one closed outline per side (there along the peaks, back along the troughs): beads on a
	// thread, drawn in four paths rather than two hundred
	const side = (from: Point, length: number, horizontal: boolean) => {
		const usable = length - 2 * 16;
		const count = Math.max(1, Math.round(usable / 13));
		const step = usable / count;
		const at = (along: number, across: number): Point =>
			horizontal ? { x: from.x + along, y: from.y + across } : { x: from.x + across, y: from.y + along };
		const there: Point[] = [at(16, 0)];
		const back: Point[] = [at(16, 0)];
		for (let i = 0; i < count; i++) {
			const d = 16 + step * (i + 0.5);
			const half = step * 0.32;
			there.push(at(d - half, 0), at(d, -3), at(d + half, 0));
			back.push(at(d - half, 0), at(d, 3), at(d + half, 0));
		}
		there.push(at(length - 16, 0));
		back.push(at(length - 16, 0));
		canvas.push({ type: 'polyline', points: [...there, ...back.reverse()], closePath: true, ...fill });
	};
	side({ x: b, y: b }, W - 2 * b, true);
	side({ x: b, y: H - b }, W - 2 * b, true);
	side({ x: b, y: b }, H - 2 * b, false);
	side({ x: W - b, y: b }, H - 2 * b, false);
	// corner ornaments: a diamond on the band's corner, another inside it
	for (const corner of [
		{ x: b, y: b },
		{ x: W - b, y: b },
		{ x: b, y: H - b },
		{ x: W - b, y: H - b }
	]) {
		canvas.push({
			type: 'polyline',
			points: diamond(corner, 10),
			closePath: true,
			color: c.frame,
			lineColor: c.frame,
			lineWidth: 0.5
		});
		canvas.push({ type: 'polyline', points: diamond(corner, 4.5), closePath: true, color: colour ? c.gold : '#ffffff' });
	}
	// brackets inside the inner frame's corners
	const k = FRAME.inner + 4;
	const arm = 34;
	for (const [x, y, dx, dy] of [
		[k, k, 1, 1],
		[W - k, k, -1, 1],
		[k, H - k, 1, -1],
		[W - k, H - k, -1, -1]
	]) {
		canvas.push({
			type: 'polyline',
			points: [
				{ x: x + dx * arm, y },
				{ x, y },
				{ x, y: y + dy * arm }
			],
			lineWidth: 0.8,
			lineColor: c.gold
		});
	}
	return { canvas };
}

/** The image type of `bytes` as a data URL prefix, from its signature (PNG or JPEG only). */
function emblemDataUrl(bytes: Uint8Array): string {
	const png = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
	const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
	if (!png && !jpeg) throw new Error('Ảnh quốc huy phải là tệp PNG hoặc JPEG.');
	return `data:image/${png ? 'png' : 'jpeg'};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

const joined = (l: string[]) => l.join('\n');

/**
 * The pdfmake definition of `data`'s certificate (one A4 landscape page). Throws
 * `CertificateOverflowError` when it cannot fit (see `certificateLayoutProblem`).
 */
export function certificateDocument(data: CertificateDocument): TDocumentDefinitions {
	const p = plan(data);
	if (typeof p === 'string') throw new CertificateOverflowError(p);
	const c = data.colour ? COLOURS.colour : COLOURS.mono;
	const t = texts(data);

	const authority: Column = {
		width: AUTHORITY_COLUMN,
		stack: [
			{ text: joined(p.authority.lines), bold: true, fontSize: p.authority.size, alignment: 'center' },
			{
				canvas: [
					{
						type: 'line',
						x1: 0,
						y1: 0,
						x2: Math.max(24, Math.round(Math.max(...p.authority.lines.map((l) => textWidth(l, p.authority.size, { bold: true }))) / 2)),
						y2: 0,
						lineWidth: 0.6
					}
				],
				alignment: 'center',
				margin: [0, 2, 0, 0]
			}
		]
	};
	const national: Column = {
		width: NATIONAL_COLUMN,
		stack: [{ text: NATIONAL_TITLE, bold: true, fontSize: 13, alignment: 'center' }, textWithRuleUnder(MOTTO, { fontSize: 14, bold: true })]
	};
	const emblem: Column = data.emblem
		? { width: '*', stack: [{ image: emblemDataUrl(data.emblem), fit: [EMBLEM_SIZE, EMBLEM_SIZE], alignment: 'center' }] }
		: { width: '*', text: '' };
	const body: Content[] = [{ columns: [authority, emblem, national], columnGap: 0 }];

	if (p.provisional) {
		body.push({
			table: {
				widths: ['*'],
				body: [[{ text: joined(p.provisional.lines), bold: true, fontSize: p.provisional.size, alignment: 'center' }]]
			},
			layout: { hLineWidth: () => 1, vLineWidth: () => 1, paddingTop: () => 2, paddingBottom: () => 2 },
			margin: [60, 8, 60, 0]
		});
	}
	const middle: ContentText[] = [
		{
			text: 'GIẤY CHỨNG NHẬN',
			bold: true,
			fontSize: p.level.title,
			color: c.title,
			characterSpacing: 2,
			margin: [0, p.gaps.title, 0, 0]
		},
		{
			text: 'Xã, phường, thị trấn phù hợp với trẻ em',
			bold: true,
			italics: true,
			fontSize: p.level.subtitle,
			color: c.title,
			margin: [0, p.gaps.subtitle, 0, 0]
		},
		{ text: joined(p.name.lines), bold: true, fontSize: p.name.size, color: c.name, margin: [0, p.gaps.name, 0, 0] },
		{ text: joined(p.province.lines), fontSize: p.province.size, margin: [0, p.gaps.province, 0, 0] },
		{ text: joined(p.decision.lines), fontSize: p.decision.size, margin: [0, p.gaps.decision, 0, 0] },
		{ text: joined(p.validity.lines), fontSize: p.validity.size, italics: true, margin: [0, p.gaps.validity, 0, 0] }
	];
	body.push(...middle.map((m): Content => ({ ...m, alignment: 'center' })));

	// QR at bottom left, signature at bottom right, each pinned to the bottom of the frame
	const q = p.qr;
	body.push({
		absolutePosition: { x: MARGINS[0], y: CONTENT_BOTTOM - q.height },
		columns: [
			{
				width: QR_COLUMN,
				alignment: 'center',
				fontSize: q.size,
				stack: [
					// a notice about the QR (a preview without PUBLIC_URL) takes the place of the space above it
					...(q.notice.length
						? [
								{ text: joined(q.notice), bold: true, color: '#b00020' },
								{ ...qrCanvas(data.qr, QR_SIZE), alignment: 'center' as const }
							]
						: [{ ...qrCanvas(data.qr, QR_SIZE), alignment: 'center' as const, margin: [0, 8, 0, 0] as [number, number, number, number] }]),
					{ text: joined(q.code) },
					{ text: joined(q.serial) }
				]
			},
			{ width: '*', text: '' }
		],
		columnGap: 0
	});
	const s = p.signing;
	body.push({
		absolutePosition: { x: MARGINS[0], y: CONTENT_BOTTOM - s.height },
		columns: [
			{ width: '*', text: '' },
			{
				width: SIGNATURE_COLUMN,
				alignment: 'center',
				stack: [
					{ text: joined(s.placeDate), italics: true, fontSize: s.size - 1, margin: [0, 0, 0, 2] },
					...(s.behalf.length ? [{ text: joined(s.behalf), bold: true, fontSize: s.size }] : []),
					{ text: joined(s.title), bold: true, fontSize: s.size },
					// room to sign and seal
					{ text: joined(s.name), bold: true, fontSize: s.size, margin: [0, s.space, 0, 0] }
				]
			}
		],
		columnGap: 0
	});

	return {
		pageSize: 'A4',
		pageOrientation: 'landscape',
		pageMargins: MARGINS,
		defaultStyle: { font: serifFont().family, fontSize: BASE_FONT_SIZE, lineHeight: LINE_HEIGHT },
		background: () => border(data.colour),
		// the last guard: a certificate never comes out on a second page
		footer: (_page: number, pageCount: number) => {
			if (pageCount > 1) throw new CertificateOverflowError(`${FIELD.total} (${t.name})`);
			return null;
		},
		...(data.marks.preview ? { watermark: previewWatermark(PAGE.width, PAGE.height) } : {}),
		content: body
	};
}
