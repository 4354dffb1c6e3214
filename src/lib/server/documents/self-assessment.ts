/**
 * 1. Báo cáo kết quả tự đánh giá (the commune's self-assessment report), NĐ 30 layout, A4
 * portrait: header, title, the commune / round / criteria set, the score table by criterion and
 * indicator, total against the threshold, verdict and reasons, signature and recipients.
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
	BASE_FONT_SIZE,
	closingBlock,
	documentTitle,
	formatNumber,
	formatPoints,
	gridTable,
	heading,
	mm,
	nd30Header,
	numberLine,
	paragraph,
	portraitDocument,
	yearOf
} from './layout.ts';
import type { ScoredCriterion, SelfAssessmentReport } from './types.ts';

const TABLE_FONT_SIZE = 10;

function scoreRows(criteria: ScoredCriterion[]): TableCell[][] {
	const rows: TableCell[][] = [];
	for (const c of criteria) {
		rows.push([
			{ text: c.code, bold: true },
			{ text: c.title, bold: true, colSpan: 4 },
			'',
			'',
			'',
			{ text: formatNumber(c.maxPoints), bold: true, alignment: 'right' },
			{ text: formatNumber(c.points), bold: true, alignment: 'right' }
		]);
		for (const i of c.indicators) {
			rows.push([
				i.code,
				i.title,
				i.answer,
				i.source ?? '',
				i.evidenceCodes.join(', '),
				{ text: formatNumber(i.maxPoints), alignment: 'right' },
				{ text: formatPoints(i.points), alignment: 'right' }
			]);
		}
	}
	return rows;
}

export function selfAssessmentReport(data: SelfAssessmentReport): TDocumentDefinitions {
	const { commune } = data;
	const totalRow: TableCell[] = [
		{ text: 'Tổng điểm', bold: true, colSpan: 5, alignment: 'right' },
		'',
		'',
		'',
		'',
		{ text: formatNumber(data.maxTotal), bold: true, alignment: 'right' },
		{ text: formatNumber(data.total), bold: true, alignment: 'right' }
	];
	const table = gridTable(
		[34, '*', 62, 70, 56, 32, 32],
		['Mã', 'Nội dung', 'Số liệu', 'Nguồn số liệu', 'Minh chứng', 'Điểm tối đa', 'Điểm'],
		[...scoreRows(data.criteria), totalRow],
		TABLE_FONT_SIZE
	);

	const header = nd30Header({
		issuer: data.issuer,
		number: numberLine(data.number, '/BC-UBND'),
		place: data.issuer.place,
		date: data.date
	});
	const content: Content[] = [
		documentTitle('BÁO CÁO', [`Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${yearOf(data.date)}`]),
		heading('I. THÔNG TIN CHUNG'),
		paragraph([{ text: 'Đơn vị: ', bold: true }, `${commune.name} (mã ${commune.code}), ${commune.province}.`], {
			fontSize: BASE_FONT_SIZE
		}),
		paragraph([{ text: 'Loại đơn vị: ', bold: true }, `${commune.category}.`], { fontSize: BASE_FONT_SIZE }),
		paragraph([{ text: 'Đợt đánh giá: ', bold: true }, `${data.round}.`], { fontSize: BASE_FONT_SIZE }),
		paragraph([{ text: 'Bộ tiêu chí: ', bold: true }, `${data.criteriaSet}.`], { fontSize: BASE_FONT_SIZE }),
		heading('II. KẾT QUẢ TỰ ĐÁNH GIÁ THEO TỪNG TIÊU CHÍ'),
		table,
		heading('III. KẾT LUẬN'),
		paragraph([{ text: 'Tổng điểm tự đánh giá: ', bold: true }, `${formatNumber(data.total)}/${formatNumber(data.maxTotal)} điểm.`], {
			fontSize: BASE_FONT_SIZE
		}),
		paragraph([{ text: 'Ngưỡng điểm công nhận: ', bold: true }, `${formatNumber(data.threshold)} điểm.`], { fontSize: BASE_FONT_SIZE }),
		paragraph(
			[
				{ text: 'Kết quả: ', bold: true },
				{ text: data.verdict, bold: true }
			],
			{ fontSize: BASE_FONT_SIZE }
		)
	];
	if (data.reasons.length) {
		content.push({
			ul: data.reasons.map((r) => ({ text: r, fontSize: BASE_FONT_SIZE })),
			margin: [mm(10), 0, 0, 6]
		});
	}
	if (data.blockers.length) {
		content.push(
			paragraph([{ text: `Hồ sơ chưa đủ điều kiện gửi: còn ${formatNumber(data.blockers.length)} mục cần hoàn thành`, bold: true }, ':'], {
				fontSize: BASE_FONT_SIZE
			}),
			{ ul: data.blockers.map((b) => ({ text: b, fontSize: BASE_FONT_SIZE })), margin: [mm(10), 0, 0, 6] }
		);
	}
	content.push(closingBlock(data.signature, data.recipients));
	return portraitDocument(header, content, data.marks);
}
