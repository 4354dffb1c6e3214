/**
 * 2. Báo cáo thẩm định (the reviewing office's appraisal report), NĐ 30 layout, A4 portrait:
 * self-assessed and reviewed points side by side per criterion with the difference and, under
 * "Ghi chú", the reviewer's reasons and the returns for correction; totals, verdict,
 * recommendation, the per-indicator adjustments and remarks; signed by the head of the reviewing
 * office.
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
	BASE_FONT_SIZE,
	closingBlock,
	documentTitle,
	formatNumber,
	formatSigned,
	gridTable,
	heading,
	mm,
	nd30Header,
	numberLine,
	paragraph,
	portraitDocument,
	yearOf
} from './layout.ts';
import type { AppraisalReport } from './types.ts';

const TABLE_FONT_SIZE = 10;
/** The notes are the longest cells: a size smaller. */
const NOTE_FONT_SIZE = 9;

export function appraisalReport(data: AppraisalReport): TDocumentDefinitions {
	const { commune } = data;
	const right = (text: string, bold = false): TableCell => ({ text, alignment: 'right', bold });
	const rows: TableCell[][] = data.rows.map((r) => [
		r.code,
		r.title,
		right(formatNumber(r.maxPoints)),
		right(formatNumber(r.selfPoints)),
		right(formatNumber(r.reviewedPoints)),
		right(formatSigned(r.reviewedPoints - r.selfPoints)),
		{ text: r.note ?? '', fontSize: NOTE_FONT_SIZE }
	]);
	rows.push([
		{ text: 'Tổng điểm', bold: true, colSpan: 2, alignment: 'right' },
		'',
		right(formatNumber(data.maxTotal), true),
		right(formatNumber(data.selfTotal), true),
		right(formatNumber(data.reviewedTotal), true),
		right(formatSigned(data.reviewedTotal - data.selfTotal), true),
		''
	]);
	const table = gridTable(
		[30, '*', 34, 42, 42, 38, 116],
		['Mã', 'Tiêu chí', 'Điểm tối đa', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Chênh lệch', 'Ghi chú'],
		rows,
		TABLE_FONT_SIZE
	);
	// a row with long notes may continue on the next page rather than push the table off it
	table.table.dontBreakRows = false;
	const size = { fontSize: BASE_FONT_SIZE };

	const header = nd30Header({ issuer: data.issuer, number: numberLine(data.number, '/BC'), place: data.issuer.place, date: data.date });
	const content: Content[] = [
		documentTitle('BÁO CÁO THẨM ĐỊNH', [
			`Kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${yearOf(data.date)}`,
			`của ${commune.name}`
		]),
		heading('I. THÔNG TIN CHUNG'),
		paragraph([{ text: 'Đơn vị được thẩm định: ', bold: true }, `${commune.name} (mã ${commune.code}), ${commune.province}.`], size),
		paragraph([{ text: 'Loại đơn vị: ', bold: true }, `${commune.category}.`], size),
		paragraph([{ text: 'Đợt đánh giá: ', bold: true }, `${data.round}.`], size),
		paragraph([{ text: 'Bộ tiêu chí: ', bold: true }, `${data.criteriaSet}.`], size),
		...(data.reviewer ? [paragraph([{ text: 'Cán bộ thẩm định: ', bold: true }, `${data.reviewer}.`], size)] : []),
		heading('II. KẾT QUẢ THẨM ĐỊNH THEO TỪNG TIÊU CHÍ'),
		table,
		paragraph(
			[
				{ text: 'Tổng điểm: ', bold: true },
				`tự đánh giá ${formatNumber(data.selfTotal)} điểm; thẩm định ${formatNumber(data.reviewedTotal)}/${formatNumber(data.maxTotal)} điểm ` +
					`(ngưỡng công nhận ${formatNumber(data.threshold)} điểm).`
			],
			size
		)
	];
	if (data.adjustments.length) {
		content.push(heading('III. CÁC ĐIỀU CHỈNH ĐIỂM'));
		content.push({ ul: data.adjustments.map((a) => ({ text: a, fontSize: BASE_FONT_SIZE })), margin: [mm(10), 0, 0, 6] });
	}
	content.push(heading(`${data.adjustments.length ? 'IV' : 'III'}. KẾT LUẬN VÀ ĐỀ XUẤT`));
	content.push(
		paragraph(
			[
				{ text: 'Kết quả: ', bold: true },
				{ text: data.verdict, bold: true }
			],
			size
		)
	);
	content.push(paragraph([{ text: 'Đề xuất: ', bold: true }, data.recommendation], size));
	if (data.remarks.trim()) {
		content.push(paragraph([{ text: 'Nhận xét: ', bold: true }, data.remarks.trim()], size));
	}
	content.push(closingBlock(data.signature, data.recipients));
	return portraitDocument(header, content, data.marks);
}
