/**
 * 6. Báo cáo kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em (the summary report of a
 * round for a province or the nation), NĐ 30 layout, A4 portrait: header, title, I. the round and
 * the counts by state, II. the recognised share against the national targets, III. the communes,
 * IV. the criteria holding communes back, V. the decisions issued; recipients and signature.
 *
 * Pure: a pdfmake document definition from `SummaryReportDocument` (no database, no `$app/*`),
 * so that it lays out in the PDF worker thread like the other documents. The long tables repeat
 * their header row on every page.
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
import type { SummaryReportDocument, SummaryShare } from './types.ts';

const TABLE_FONT_SIZE = 10;

export const SUMMARY_TITLE = 'BÁO CÁO';
export const SUMMARY_SUBJECT = 'Kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em';

/** "65,5%" or "–" when there is no share. */
export function percentText(p: number | null): string {
	return p === null ? '–' : `${formatNumber(p, 1)}%`;
}

/** The round's name, with its year when the name does not say it. */
export function roundLabel(round: { name: string; year: number }): string {
	return round.name.includes(String(round.year)) ? round.name : `${round.name} (năm ${round.year})`;
}

/** "Đạt" / "Chưa đạt" / "–" for a target. */
export function targetText(reached: boolean | null): string {
	return reached === null ? '–' : reached ? 'Đạt' : 'Chưa đạt';
}

/** The sentence on the overall share against the targets (I.). */
export function shareSentence(s: SummaryShare): string {
	if (s.communes === 0) return 'Chưa có xã, phường nào tham gia đợt đánh giá.';
	const targets = s.targets.map((t) => `mục tiêu ${t.percent}% đến năm ${t.year}: ${t.reached ? 'đã đạt' : 'chưa đạt'}`).join('; ');
	return (
		`Số xã, phường được công nhận: ${formatNumber(s.recognised)}/${formatNumber(s.communes)}, ` +
		`đạt tỷ lệ ${percentText(s.percent)} (${targets}).`
	);
}

/** "Thành phố Huế" / "toàn quốc", as it reads after "trên địa bàn" or alone. */
function areaPhrase(data: SummaryReportDocument): string {
	return data.national ? 'toàn quốc' : `trên địa bàn ${data.area}`;
}

/** A section heading, moved to the next page when it would sit at the foot of one (with no room for what follows). */
function section(text: string): Content {
	return { ...(heading(text) as object), headlineLevel: 1 } as Content;
}

/** A table whose header row is never left alone at the foot of a page. */
function table(widths: (number | '*')[], header: string[], rows: TableCell[][]): ContentTable {
	const t = gridTable(widths, header, rows, TABLE_FONT_SIZE);
	t.table.keepWithHeaderRows = 1;
	return t;
}

const right = (text: string, bold = false): TableCell => ({ text, alignment: 'right', bold });
const centre = (text: string, bold = false): TableCell => ({ text, alignment: 'center', bold });

function sharesTable(data: SummaryReportDocument): Content {
	const rows: TableCell[][] = data.shares.map((s, i) => [
		{ text: s.label, bold: i === 0 },
		right(formatNumber(s.communes), i === 0),
		right(formatNumber(s.recognised), i === 0),
		right(percentText(s.percent), i === 0),
		...s.targets.map((t) => centre(targetText(t.reached)))
	]);
	const targets = data.shares[0]?.targets ?? [];
	return table(
		['*', 52, 66, 52, ...targets.map(() => 62)],
		['Nhóm đơn vị', 'Số xã, phường', 'Được công nhận', 'Tỷ lệ', ...targets.map((t) => `Mục tiêu ${t.percent}% (năm ${t.year})`)],
		rows
	);
}

/** The communes grouped by province (national report): the province's name before its communes. */
export function byProvince<T extends { province: string | null }>(communes: T[]): { province: string | null; communes: T[] }[] {
	const groups: { province: string | null; communes: T[] }[] = [];
	for (const c of communes) {
		const last = groups[groups.length - 1];
		if (last && last.province === c.province) last.communes.push(c);
		else groups.push({ province: c.province, communes: [c] });
	}
	return groups;
}

/** Widths of the table of communes (PDF points; '*' takes what is left) and its header. */
export const COMMUNE_COLUMNS = {
	widths: [22, 32, '*', 66, 38, 46, 94] as (number | '*')[],
	header: ['STT', 'Mã', 'Xã, phường', 'Loại đơn vị', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Kết quả']
};

function communesTable(data: SummaryReportDocument): Content {
	if (!data.communes.length) return paragraph('Không có xã, phường nào trong đợt đánh giá.', { fontSize: BASE_FONT_SIZE });
	const rows: TableCell[][] = [];
	let n = 0;
	for (const group of data.national ? byProvince(data.communes) : [{ province: null, communes: data.communes }]) {
		if (data.national) {
			const span = COMMUNE_COLUMNS.widths.length;
			rows.push([{ text: group.province || '(Không rõ tỉnh)', bold: true, colSpan: span }, ...Array<TableCell>(span - 1).fill('')]);
		}
		for (const c of group.communes)
			rows.push([
				centre(formatNumber(++n)),
				c.code,
				c.name,
				c.category,
				right(formatNumber(c.selfTotal)),
				right(formatNumber(c.reviewedTotal)),
				c.result
			]);
	}
	return table(COMMUNE_COLUMNS.widths, COMMUNE_COLUMNS.header, rows);
}

function criteriaTable(data: SummaryReportDocument): Content {
	if (!data.criteria.length) return paragraph('Chưa có số liệu theo tiêu chí.', { fontSize: BASE_FONT_SIZE });
	const rows: TableCell[][] = data.criteria.map((c, i) => [
		centre(formatNumber(i + 1)),
		{ text: [{ text: `${c.code}. `, bold: true }, c.title] },
		right(formatNumber(c.maxPoints)),
		right(formatNumber(c.zero)),
		right(formatNumber(c.below)),
		right(formatNumber(c.max)),
		right(formatNumber(c.pending))
	]);
	return table(
		[24, '*', 40, 44, 50, 46, 46],
		['STT', 'Tiêu chí', 'Điểm tối đa', 'Số xã 0 điểm', 'Số xã dưới điểm tối đa', 'Số xã đạt điểm tối đa', 'Số xã chưa đủ số liệu'],
		rows
	);
}

function decisionsTable(data: SummaryReportDocument): Content {
	if (!data.decisions.length) return paragraph('Trong đợt đánh giá chưa có quyết định nào được ban hành.', { fontSize: BASE_FONT_SIZE });
	const rows: TableCell[][] = data.decisions.map((d, i) => [
		centre(formatNumber(i + 1)),
		d.number,
		centre(formatDateShort(d.date)),
		d.commune,
		d.result
	]);
	return table([24, 86, 60, '*', 96], ['STT', 'Số quyết định', 'Ngày ban hành', 'Xã, phường', 'Kết quả'], rows);
}

export function summaryReportDocument(data: SummaryReportDocument): TDocumentDefinitions {
	const size = { fontSize: BASE_FONT_SIZE };
	const overall = data.shares[0];
	const header = nd30Header({ issuer: data.issuer, number: numberLine(data.number, '/BC'), place: data.issuer.place, date: data.date });
	const heldBack = data.criteria.filter((c) => c.zero + c.below > 0).slice(0, 3);
	const content: Content[] = [
		documentTitle(SUMMARY_TITLE, [SUMMARY_SUBJECT, `${data.round.name}, ${data.national ? 'toàn quốc' : data.area}`]),
		section('I. ĐỢT ĐÁNH GIÁ VÀ TÌNH HÌNH THỰC HIỆN'),
		paragraph(
			[
				{ text: 'Đợt đánh giá: ', bold: true },
				`${roundLabel(data.round)}, từ ${formatDateShort(data.round.opensOn)} đến ${formatDateShort(data.round.closesOn)}.`
			],
			size
		),
		paragraph([{ text: 'Địa bàn: ', bold: true }, `${data.national ? 'Toàn quốc' : data.area}.`], size),
		paragraph(
			[
				{ text: 'Số xã, phường tham gia: ', bold: true },
				`${formatNumber(data.total)} đơn vị ${areaPhrase(data)}. Số đơn vị theo trạng thái hồ sơ:`
			],
			size
		),
		table(
			['*', 80],
			['Trạng thái hồ sơ', 'Số xã, phường'],
			[
				...data.byState.map((s): TableCell[] => [s.label, right(formatNumber(s.count))]),
				[{ text: 'Tổng cộng', bold: true }, right(formatNumber(data.total), true)]
			]
		),
		section('II. TỶ LỆ XÃ, PHƯỜNG ĐƯỢC CÔNG NHẬN SO VỚI MỤC TIÊU QUỐC GIA'),
		...(overall ? [paragraph(shareSentence(overall), size)] : []),
		sharesTable(data),
		section('III. KẾT QUẢ CỦA TỪNG XÃ, PHƯỜNG'),
		communesTable(data),
		section('IV. CÁC TIÊU CHÍ CÒN NHIỀU XÃ, PHƯỜNG CHƯA ĐẠT'),
		paragraph(
			heldBack.length
				? `Các tiêu chí có nhiều xã, phường chưa đạt điểm tối đa nhất: ${heldBack.map((c) => `${c.code} (${formatNumber(c.zero)} xã 0 điểm, ${formatNumber(c.below)} xã dưới điểm tối đa)`).join('; ')}.`
				: 'Không có tiêu chí nào có xã, phường chưa đạt điểm tối đa.',
			size
		),
		criteriaTable(data),
		section('V. CÁC QUYẾT ĐỊNH ĐÃ BAN HÀNH TRONG ĐỢT'),
		decisionsTable(data),
		closingBlock(data.signature, data.recipients)
	];
	return {
		...portraitDocument(header, content, data.marks),
		// a section heading in the last eighth of a page goes to the next one, with its table
		pageBreakBefore: (node) => node.headlineLevel === 1 && (node.startPosition?.verticalRatio ?? 0) > 0.86
	};
}

/** Midnight of the document date in Vietnam (UTC+7): the PDF creation date (as render.ts). */
function creationDate(date: string): Date {
	const { year, month, day } = parseIsoDate(date);
	return new Date(Date.UTC(year, month - 1, day) - 7 * 3600 * 1000);
}

/** The definition with every string in NFC and the metadata set (as render.ts does for the others). */
export function summaryReportDefinition(data: SummaryReportDocument): TDocumentDefinitions {
	const input = normalizeNfc(data);
	const title = `Báo cáo kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em - ${input.round.name} - ${input.national ? 'Toàn quốc' : input.area}`;
	const subject = `${SUMMARY_SUBJECT} (QĐ 06/QĐ-TTg), ${formatDateVi(input.date)}`;
	return normalizeNfc({
		...summaryReportDocument(input),
		language: 'vi-VN',
		info: { title, author: PDF_AUTHOR, subject, creator: PDF_AUTHOR, producer: 'pdfmake', creationDate: creationDate(input.date) }
	});
}

/** Renders the summary report to a PDF (in the worker thread, or in this one as a fallback). */
export async function renderSummaryReport(data: SummaryReportDocument): Promise<Buffer> {
	configurePdfmake();
	return pdfmake.createPdf(summaryReportDefinition(data)).getBuffer();
}
