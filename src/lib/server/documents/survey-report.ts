/**
 * 7. Báo cáo kết quả khảo sát mức độ hài lòng của trẻ em và người dân (criterion 13, issue 15),
 * NĐ 30 layout, A4 portrait: header, title, I. method and dates, II. the sample against the
 * target and the TC13 figures, III. the results per group and question, IV. the flagged
 * responses and how they were treated, the notice that the questionnaire is provisional;
 * recipients and signature. Generated when the commune closes its campaign and attached as the
 * evidence of TC13.1 and TC13.2.
 *
 * Pure: a pdfmake document definition from `SurveyReportDocument` (no database, no `$app/*`),
 * laid out in the PDF worker thread like the summary report.
 */
import pdfmake from 'pdfmake';
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { configurePdfmake } from './fonts.ts';
import {
	BASE_FONT_SIZE,
	closingBlock,
	documentTitle,
	formatDateShort,
	formatDateVi,
	formatNumber,
	gridTable,
	heading,
	nd30Header,
	normalizeNfc,
	numberLine,
	paragraph,
	parseIsoDate,
	PDF_AUTHOR,
	portraitDocument
} from './layout.ts';
import type { SurveyReportDocument, SurveyReportGroup } from './types.ts';

const TABLE_FONT_SIZE = 10;

/** A table whose header row never stands alone at the foot of a page. */
const keptWithHeader = (t: ContentTable): ContentTable => ({ ...t, table: { ...t.table, keepWithHeaderRows: 1 } });
export const SURVEY_REPORT_TITLE = 'BÁO CÁO';
export const SURVEY_REPORT_SUBJECT = 'Kết quả khảo sát mức độ hài lòng của trẻ em và người dân về việc thực hiện quyền trẻ em';

const right = (text: string, bold = false): TableCell => ({ text, alignment: 'right', bold });
const size = { fontSize: BASE_FONT_SIZE };

function boxed(text: string): Content {
	return {
		table: { widths: ['*'], body: [[{ text, bold: true, fontSize: 11, alignment: 'center' }]] },
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

function groupSection(g: SurveyReportGroup, index: number): Content[] {
	const scale = g.questions[0]?.counts.map((c) => c.label) ?? [];
	const out: Content[] = [
		heading(`${index}. ${g.label}`),
		paragraph(
			`Phiếu: ${g.template}. Số phiếu hợp lệ: ${formatNumber(g.base)}` +
				` (${g.byChannel.map((c) => `${c.label.toLocaleLowerCase('vi')}: ${formatNumber(c.count)}`).join('; ')}); ` +
				`số người hài lòng: ${formatNumber(g.satisfied)}, tỷ lệ ${g.percent}.` +
				(g.excluded ? ` Số phiếu bị đánh dấu và không tính: ${formatNumber(g.excluded)}.` : ''),
			size
		)
	];
	if (g.questions.length) {
		out.push(
			keptWithHeader(
				gridTable(
					[28, '*', ...scale.map(() => 38), 44],
					['Câu', 'Nội dung', ...scale, 'Tỷ lệ hài lòng'],
					g.questions.map((q): TableCell[] => [
						{ text: q.code, bold: true },
						q.text,
						...q.counts.map((c) => right(formatNumber(c.count))),
						right(q.satisfiedPercent)
					]),
					TABLE_FONT_SIZE - 1
				)
			)
		);
	}
	for (const b of g.breakdowns) {
		if (!b.rows.length) continue;
		out.push(
			keptWithHeader(
				gridTable(
					['*', 70, 70],
					[b.title, 'Số phiếu hợp lệ', 'Tỷ lệ hài lòng'],
					b.rows.map((r): TableCell[] => [r.label, right(formatNumber(r.base)), right(r.percent)]),
					TABLE_FONT_SIZE
				)
			)
		);
	}
	return out;
}

export function surveyReportDocument(data: SurveyReportDocument): TDocumentDefinitions {
	const header = nd30Header({ issuer: data.issuer, number: numberLine(null, '/BC-UBND'), place: data.issuer.place, date: data.date });
	const content: Content[] = [
		documentTitle(SURVEY_REPORT_TITLE, [SURVEY_REPORT_SUBJECT, `${data.commune}, ${data.round}`]),
		...(data.provisionalNotice ? [boxed(data.provisionalNotice)] : []),
		heading('I. PHƯƠNG PHÁP VÀ THỜI GIAN KHẢO SÁT'),
		paragraph(
			[
				{ text: 'Thời gian khảo sát: ', bold: true },
				`từ ngày ${formatDateShort(data.opensOn)} đến ngày ${formatDateShort(data.closesOn)}.`
			],
			size
		),
		...data.method.map((m) => paragraph(m, size)),
		heading('II. CỠ MẪU VÀ KẾT QUẢ CHUNG'),
		paragraph(data.sampleRule, size),
		gridTable(
			[44, '*', 50, 50, 50, 50, 50],
			['Chỉ số', 'Nội dung', 'Cỡ mẫu gợi ý', 'Mục tiêu', 'Phiếu hợp lệ', 'Số hài lòng', 'Tỷ lệ hài lòng'],
			data.figures.map((f): TableCell[] => [
				{ text: f.indicator, bold: true },
				f.title,
				right(formatNumber(f.suggested)),
				right(formatNumber(f.target)),
				right(formatNumber(f.base)),
				right(formatNumber(f.satisfied)),
				right(f.percent, true)
			]),
			TABLE_FONT_SIZE
		),
		heading('III. KẾT QUẢ THEO NHÓM VÀ THEO CÂU HỎI'),
		...data.groups.flatMap((g, i) => groupSection(g, i + 1)),
		heading('IV. PHIẾU BỊ ĐÁNH DẤU VÀ CÁCH XỬ LÝ'),
		paragraph(data.flagRule, size),
		data.flags.some((f) => f.flagged > 0)
			? gridTable(
					['*', 60, 70, 70],
					['Loại đánh dấu', 'Số phiếu', 'Được chấp nhận (có tính)', 'Không tính'],
					data.flags.map((f): TableCell[] => [
						f.label,
						right(formatNumber(f.flagged)),
						right(formatNumber(f.accepted)),
						right(formatNumber(f.excluded))
					]),
					TABLE_FONT_SIZE
				)
			: paragraph('Không có phiếu nào bị đánh dấu trùng lặp hoặc gửi dồn dập.', size),
		closingBlock(data.signature, data.recipients)
	];
	return portraitDocument(header, content, data.marks);
}

function creationDate(date: string): Date {
	const { year, month, day } = parseIsoDate(date);
	return new Date(Date.UTC(year, month - 1, day) - 7 * 3600 * 1000);
}

export function surveyReportDefinition(data: SurveyReportDocument): TDocumentDefinitions {
	const input = normalizeNfc(data);
	return normalizeNfc({
		...surveyReportDocument(input),
		language: 'vi-VN',
		info: {
			title: `Báo cáo kết quả khảo sát mức độ hài lòng - ${input.commune} - ${input.round}`,
			author: PDF_AUTHOR,
			subject: `${SURVEY_REPORT_SUBJECT} (QĐ 06/QĐ-TTg), ${formatDateVi(input.date)}`,
			creator: PDF_AUTHOR,
			producer: 'pdfmake',
			creationDate: creationDate(input.date)
		}
	});
}

/** Renders the survey report to a PDF (in the worker thread, or in this one as a fallback). */
export async function renderSurveyReport(data: SurveyReportDocument): Promise<Buffer> {
	configurePdfmake();
	return pdfmake.createPdf(surveyReportDefinition(data)).getBuffer();
}
