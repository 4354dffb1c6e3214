/**
 * The printed matter of a satisfaction survey (criterion 13, issue 15), A4 portrait:
 * - `survey_slips`: single-use answer slips, 8 to a page (2 × 4, cut along the dashed lines), each
 *   with the commune's name, the group, the QR code of its short link, the link and the code;
 * - `survey_poster`: a poster with the QR code of the campaign's open link;
 * - `survey_paper_form`: the paper questionnaire (the same questions as on the phone), one
 *   template after the other, to print, fill by hand and type in afterwards.
 *
 * Pure: a pdfmake document definition from the data (no database, no `$app/*`), laid out in the
 * PDF worker thread like the survey report.
 */
import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { qrCanvas } from './certificate.ts';
import { configurePdfmake, serifFont } from './fonts.ts';
import { A4, formatDateShort, GRID_LAYOUT, mm, normalizeNfc, PDF_AUTHOR } from './layout.ts';
import type { SurveyPaperFormDocument, SurveyPosterDocument, SurveyPrintDocument, SurveySlipsDocument } from './types.ts';

export type {
	SurveyPaperFormDocument,
	SurveyPaperQuestion,
	SurveyPosterDocument,
	SurveyPrintDocument,
	SurveySlipsDocument
} from './types.ts';

const MARGIN = mm(10);
/** Slips per row and rows per page. */
const COLS = 2;
const ROWS = 4;
// the row height pdfmake adds the cell padding (8 + 4) and the line to
const SLIP_HEIGHT = Math.floor((A4.height - 2 * MARGIN) / ROWS) - 16;
/** Side of a slip's QR code (about 4.2 cm: decodable from a 50 dpi scan). */
export const SLIP_QR = 120;

const DASHED = {
	hLineWidth: () => 0.6,
	vLineWidth: () => 0.6,
	hLineStyle: () => ({ dash: { length: 4, space: 3 } }),
	vLineStyle: () => ({ dash: { length: 4, space: 3 } }),
	hLineColor: () => '#777777',
	vLineColor: () => '#777777',
	paddingLeft: () => 8,
	paddingRight: () => 8,
	paddingTop: () => 8,
	paddingBottom: () => 4
};

function slipCell(d: SurveySlipsDocument, slip: { code: string; url: string }): TableCell {
	const pretty = `${slip.code.slice(0, 4)}-${slip.code.slice(4)}`;
	return {
		stack: [
			{ text: 'PHIẾU KHẢO SÁT Ý KIẾN (không ghi tên)', bold: true, fontSize: 10 },
			{ text: d.commune, bold: true, fontSize: 11, margin: [0, 1, 0, 0] },
			{ text: d.groupLabel, fontSize: 9, margin: [0, 0, 0, 4] },
			{
				columns: [
					{ width: SLIP_QR, ...qrCanvas(slip.url, SLIP_QR) },
					{
						width: '*',
						stack: [
							{ text: 'Quét mã QR bằng điện thoại, hoặc mở trang:', fontSize: 8.5 },
							{ text: d.manualUrl, fontSize: 8.5, bold: true, margin: [0, 1, 0, 3] },
							{ text: 'và nhập mã:', fontSize: 8.5 },
							{ text: pretty, fontSize: 16, bold: true, characterSpacing: 1, margin: [0, 2, 0, 3] },
							{ text: `Mỗi mã trả lời được một lần. Hạn trả lời: ${formatDateShort(d.closesOn)}.`, fontSize: 8 }
						]
					}
				],
				columnGap: 6
			}
		]
	};
}

function slipsDocument(d: SurveySlipsDocument): TDocumentDefinitions {
	const rows: TableCell[][] = [];
	for (let i = 0; i < d.slips.length; i += COLS) {
		const row: TableCell[] = d.slips.slice(i, i + COLS).map((s) => slipCell(d, s));
		while (row.length < COLS) row.push({ text: '' });
		rows.push(row);
	}
	return {
		pageSize: 'A4',
		pageOrientation: 'portrait',
		pageMargins: [MARGIN, MARGIN, MARGIN, MARGIN],
		defaultStyle: { font: serifFont().family, fontSize: 10, lineHeight: 1.05 },
		content: [
			{
				table: { widths: Array(COLS).fill('*'), heights: SLIP_HEIGHT, dontBreakRows: true, body: rows },
				layout: DASHED
			}
		]
	};
}

function posterDocument(d: SurveyPosterDocument): TDocumentDefinitions {
	const side = 300;
	return {
		pageSize: 'A4',
		pageOrientation: 'portrait',
		pageMargins: [mm(20), mm(20), mm(20), mm(15)],
		defaultStyle: { font: serifFont().family, fontSize: 14, lineHeight: 1.15, alignment: 'center' },
		content: [
			{ text: 'KHẢO SÁT Ý KIẾN', bold: true, fontSize: 30, color: '#0b5d3b' },
			{ text: 'về việc thực hiện quyền trẻ em', bold: true, fontSize: 20, margin: [0, 4, 0, 6] },
			{ text: d.commune, bold: true, fontSize: 22, margin: [0, 0, 0, 10] },
			{ text: `Dành cho: ${d.groups.join('; ')}.`, fontSize: 13, margin: [0, 0, 0, 12] },
			{ ...qrCanvas(d.url, side), alignment: 'center' },
			{ text: 'Quét mã QR bằng camera điện thoại, hoặc mở trang:', margin: [0, 12, 0, 2] },
			{ text: d.url, bold: true, fontSize: 13 },
			{
				text: 'Không cần đăng nhập. Không ghi tên, không hỏi thông tin cá nhân. Trả lời trong khoảng 2 phút.',
				margin: [0, 14, 0, 4]
			},
			{ text: `Thời gian khảo sát: từ ngày ${formatDateShort(d.opensOn)} đến ngày ${formatDateShort(d.closesOn)}.`, bold: true }
		]
	};
}

const tick = (): TableCell => ({ text: ' ' });

function paperFormDocument(d: SurveyPaperFormDocument): TDocumentDefinitions {
	const content: Content[] = [];
	d.forms.forEach((f, i) => {
		const options = f.questions[0]?.options ?? [];
		const width = options.length > 3 ? 52 : 70;
		content.push(
			{ text: `${d.commune.toUpperCase()}`, bold: true, fontSize: 11, ...(i > 0 ? { pageBreak: 'before' as const } : {}) },
			{ text: f.name.toUpperCase(), bold: true, fontSize: 15, alignment: 'center', margin: [0, 8, 0, 2] },
			{ text: `${d.round} · Phiếu không ghi tên`, italics: true, alignment: 'center', margin: [0, 0, 0, 6] },
			...(d.provisionalNotice ? [{ text: d.provisionalNotice, bold: true, fontSize: 9, margin: [0, 0, 0, 6] } as Content] : []),
			{ text: f.intro, margin: [0, 0, 0, 4] },
			{ text: 'Đánh dấu X vào một ô cho mỗi câu.', italics: true, margin: [0, 0, 0, 4] },
			{
				table: {
					headerRows: 1,
					dontBreakRows: true,
					widths: [24, '*', ...options.map(() => width)],
					body: [
						[
							{ text: 'Câu', bold: true, alignment: 'center' },
							{ text: 'Nội dung', bold: true, alignment: 'center' },
							...options.map((o) => ({ text: o, bold: true, alignment: 'center' as const, fontSize: 9 }))
						],
						...f.questions.map((q) => [
							{ text: q.code, alignment: 'center' as const },
							{ text: q.text },
							...q.options.map(() => ({ text: '', margin: [0, 10, 0, 10] as [number, number, number, number] }))
						])
					]
				},
				layout: GRID_LAYOUT,
				fontSize: 11,
				margin: [0, 0, 0, 10]
			}
		);
		const choice = (title: string, list: string[]): Content => ({
			margin: [0, 2, 0, 6],
			stack: [
				{ text: `${title} (không bắt buộc):`, bold: true, margin: [0, 0, 0, 2] },
				{
					table: {
						widths: list.flatMap(() => [14, 'auto']),
						body: [list.flatMap((l) => [tick(), { text: l, border: [false, false, false, false] }])]
					},
					layout: { ...GRID_LAYOUT, paddingRight: () => 8 }
				}
			]
		});
		if (f.ageGroups.length) content.push(choice('Nhóm tuổi', [...f.ageGroups, 'Không muốn trả lời']));
		if (f.sex.length) content.push(choice('Giới tính', f.sex));
		content.push({ text: 'Xin cảm ơn!', italics: true, alignment: 'right', margin: [0, 8, 0, 0] });
	});
	return {
		pageSize: 'A4',
		pageOrientation: 'portrait',
		pageMargins: [mm(15), mm(15), mm(15), mm(15)],
		defaultStyle: { font: serifFont().family, fontSize: 12, lineHeight: 1.1 },
		content
	};
}

function title(d: SurveyPrintDocument): string {
	switch (d.kind) {
		case 'survey_slips':
			return `Phiếu khảo sát có mã - ${d.commune} - ${d.groupLabel}`;
		case 'survey_poster':
			return `Áp phích khảo sát - ${d.commune}`;
		case 'survey_paper_form':
			return `Phiếu khảo sát giấy - ${d.commune}`;
	}
}

export function surveyPrintDefinition(data: SurveyPrintDocument): TDocumentDefinitions {
	const input = normalizeNfc(data);
	const body =
		input.kind === 'survey_slips'
			? slipsDocument(input)
			: input.kind === 'survey_poster'
				? posterDocument(input)
				: paperFormDocument(input);
	const [y, m, dd] = input.date.split('-').map(Number);
	return normalizeNfc({
		...body,
		language: 'vi-VN',
		info: {
			title: title(input),
			author: PDF_AUTHOR,
			subject: 'Khảo sát mức độ hài lòng của trẻ em và người dân (TC13, QĐ 06/QĐ-TTg)',
			creator: PDF_AUTHOR,
			producer: 'pdfmake',
			creationDate: new Date(Date.UTC(y, m - 1, dd) - 7 * 3600 * 1000)
		}
	});
}

/** Renders slips, poster or paper form to a PDF (in the worker thread, or in this one as a fallback). */
export async function renderSurveyPrint(data: SurveyPrintDocument): Promise<Buffer> {
	configurePdfmake();
	return pdfmake.createPdf(surveyPrintDefinition(data)).getBuffer();
}
