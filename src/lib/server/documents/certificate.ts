/**
 * 4. Giấy chứng nhận xã, phường, thị trấn phù hợp với trẻ em: one A4 landscape page with a double
 * border (dark red and gold in colour, black otherwise), the authority and the national title at
 * the top, the big title, the commune, the decision and the validity, and along the bottom the QR
 * code (verification aid, not a signature) with its code and serial at left and the place/date
 * and signature block at right.
 */
import QRCode from 'qrcode';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces';
import { serifFont, textWidth } from './fonts.ts';
import {
	A4,
	BASE_FONT_SIZE,
	centredRule,
	formatDateVi,
	issuerRuleLength,
	lines,
	MOTTO,
	NATIONAL_TITLE,
	placeDateLine,
	previewWatermark,
	PROVISIONAL_NOTICE,
	signatureBlock,
	textWithRuleUnder,
	upper
} from './layout.ts';
import type { CertificateDocument } from './types.ts';

/** A4 landscape. */
const PAGE = { width: A4.height, height: A4.width } as const;
/** [left, top, right, bottom]: inside the decorative border. */
const MARGINS: [number, number, number, number] = [60, 48, 60, 44];
/** Height of the bottom band (QR at left, signature at right), placed absolutely. */
const BOTTOM_BAND = 150;
/** Printed side of the QR code, in points (about 3.9 cm). */
const QR_SIZE = 110;

const COLOURS = {
	colour: { outer: '#8b1a1a', inner: '#c9a227', title: '#8b1a1a', name: '#1f3a7a' },
	mono: { outer: '#000000', inner: '#000000', title: '#000000', name: '#000000' }
} as const;

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

function border(colour: boolean): Content {
	const c = colour ? COLOURS.colour : COLOURS.mono;
	const outer = 18;
	const inner = 26;
	return {
		canvas: [
			{ type: 'rect', x: outer, y: outer, w: PAGE.width - 2 * outer, h: PAGE.height - 2 * outer, lineWidth: 3, lineColor: c.outer },
			{ type: 'rect', x: inner, y: inner, w: PAGE.width - 2 * inner, h: PAGE.height - 2 * inner, lineWidth: 1, lineColor: c.inner }
		]
	};
}

export function certificateDocument(data: CertificateDocument): TDocumentDefinitions {
	const c = data.colour ? COLOURS.colour : COLOURS.mono;
	const authority = lines(data.authority).map(upper);
	const name = data.commune.name.trim();
	// the commune on one line: 30 pt, smaller for a long name (not below 20 pt)
	const nameSize = Math.max(
		20,
		Math.min(30, Math.floor((30 * (PAGE.width - MARGINS[0] - MARGINS[2])) / Math.max(1, textWidth(name, 30, { bold: true }))))
	);
	const header: Content = {
		columns: [
			{
				width: 300,
				stack: [
					{ text: authority.join('\n'), bold: true, fontSize: 13, alignment: 'center' },
					centredRule(issuerRuleLength(authority, 13), 2)
				]
			},
			{
				width: '*',
				stack: [
					{ text: NATIONAL_TITLE, bold: true, fontSize: 13, alignment: 'center' },
					textWithRuleUnder(MOTTO, { fontSize: 14, bold: true })
				]
			}
		],
		columnGap: 10
	};

	const body: Content[] = [header];
	if (data.marks.provisional) {
		body.push({
			table: { widths: ['*'], body: [[{ text: PROVISIONAL_NOTICE, bold: true, fontSize: 10, alignment: 'center' }]] },
			layout: { hLineWidth: () => 1, vLineWidth: () => 1, paddingTop: () => 2, paddingBottom: () => 2 },
			margin: [60, 8, 60, 0]
		});
	}
	body.push(
		{
			text: 'GIẤY CHỨNG NHẬN',
			bold: true,
			fontSize: 40,
			color: c.title,
			alignment: 'center',
			characterSpacing: 2,
			margin: [0, data.marks.provisional ? 10 : 26, 0, 0]
		},
		{
			text: 'Xã, phường, thị trấn phù hợp với trẻ em',
			bold: true,
			italics: true,
			fontSize: 19,
			color: c.title,
			alignment: 'center',
			margin: [0, 2, 0, 0]
		},
		{ text: name, bold: true, fontSize: nameSize, color: c.name, alignment: 'center', margin: [0, 16, 0, 0] },
		{ text: data.commune.province.trim(), fontSize: 17, alignment: 'center', margin: [0, 2, 0, 0] },
		{
			text: `đã được công nhận theo Quyết định số ${data.decision.number.trim()} ${formatDateVi(data.decision.date)}`,
			fontSize: 15,
			alignment: 'center',
			margin: [0, 14, 0, 0]
		},
		{
			text: `Có giá trị từ ${formatDateVi(data.validFrom)} đến ${formatDateVi(data.validUntil)}`,
			fontSize: 15,
			italics: true,
			alignment: 'center',
			margin: [0, 3, 0, 0]
		}
	);

	// QR at bottom left, signature at bottom right, pinned to the bottom of the page
	const bottom: Content = {
		absolutePosition: { x: MARGINS[0], y: PAGE.height - MARGINS[3] - BOTTOM_BAND },
		columns: [
			{
				width: 200,
				alignment: 'center',
				stack: [
					// a notice about the QR (a preview without PUBLIC_URL) takes the place of the space above it
					...(data.qrNotice
						? [
								{ text: data.qrNotice, bold: true, fontSize: 10, color: '#b00020' },
								{ ...qrCanvas(data.qr, QR_SIZE), alignment: 'center' as const }
							]
						: [{ ...qrCanvas(data.qr, QR_SIZE), alignment: 'center' as const, margin: [0, 8, 0, 0] as [number, number, number, number] }]),
					{ text: `Mã xác minh: ${data.verificationCode}`, fontSize: 10 },
					{ text: `Số: ${data.serial}`, fontSize: 10 }
				]
			},
			{ width: '*', text: '' },
			{
				width: 300,
				stack: [signatureBlock(data.signature, { placeDate: placeDateLine(data.place, data.date), space: 56, fontSize: 14 })]
			}
		],
		columnGap: 0
	};
	body.push(bottom);

	return {
		pageSize: 'A4',
		pageOrientation: 'landscape',
		pageMargins: MARGINS,
		defaultStyle: { font: serifFont().family, fontSize: BASE_FONT_SIZE, lineHeight: 1.1 },
		background: () => border(data.colour),
		...(data.marks.preview ? { watermark: previewWatermark(PAGE.width, PAGE.height) } : {}),
		content: body
	};
}
