/**
 * The summary report (summary-report.ts) as a Word document (.docx) that officials edit before
 * signing: the same content as the PDF, built with the `docx` library. NĐ 30 layout: A4, margins
 * 20/15/20/30 mm, Times New Roman 13–14 pt; the header as a two-column borderless table (the
 * issuing body with "Số: …" on the left, the national title, motto and place/date on the right);
 * the tables repeat their header row on every page.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import {
	AlignmentType,
	BorderStyle,
	Document,
	Packer,
	PageNumber,
	Paragraph,
	Header,
	Table,
	TableCell,
	TableLayoutType,
	TableRow,
	TextRun,
	VerticalAlign,
	WidthType,
	type IParagraphOptions,
	type ITableCellBorders
} from 'docx';
import type { DB } from '../db/index.ts';
import {
	CONTENT_WIDTH,
	formatDateShort,
	formatNumber,
	lines,
	MOTTO,
	NATIONAL_TITLE,
	normalizeNfc,
	numberLine,
	placeDateLine,
	PROVISIONAL_NOTICE,
	recipientLines,
	upper
} from './layout.ts';
import {
	byProvince,
	COMMUNE_COLUMNS,
	percentText,
	shareSentence,
	roundLabel,
	SUMMARY_SUBJECT,
	SUMMARY_TITLE,
	targetText
} from './summary-report-layout.ts';
import { summaryReportData, type SummaryReportActor, type SummaryReportOptions } from './summary-report.ts';
import type { SummaryReportDocument } from './types.ts';

const FONT = 'Times New Roman';
/** Half-points. */
const BODY = 28; // 14 pt
const BASE = 26; // 13 pt
const HEADER = 24; // 12 pt
const TABLE = 22; // 11 pt
const RECIPIENTS = 22; // 11 pt

/** Millimetres to twentieths of a point. */
const twip = (mm: number) => Math.round((mm * 1440) / 25.4);
/** PDF points to twentieths of a point. */
const pt = (points: number) => Math.round(points * 20);

type Run = { text: string; bold?: boolean; italics?: boolean; underline?: boolean; size?: number; break?: boolean };

function run(r: Run): TextRun {
	return new TextRun({
		text: r.text,
		bold: r.bold,
		italics: r.italics,
		underline: r.underline ? {} : undefined,
		size: r.size ?? BODY,
		font: FONT,
		break: r.break ? 1 : undefined
	});
}

function para(runs: Run[] | string, opts: Omit<IParagraphOptions, 'children'> & { size?: number } = {}): Paragraph {
	const { size, ...rest } = opts;
	const list = typeof runs === 'string' ? [{ text: runs }] : runs;
	return new Paragraph({ spacing: { after: 120 }, ...rest, children: list.map((r) => run({ size, ...r })) });
}

/** Lines of text in one paragraph (line breaks between them). */
function multiline(textLines: string[], style: Omit<Run, 'text'>, opts: Omit<IParagraphOptions, 'children'> = {}): Paragraph {
	return new Paragraph({
		spacing: { after: 0 },
		...opts,
		children: textLines.map((text, i) => run({ ...style, text, break: i > 0 }))
	});
}

/** A body paragraph: justified, first line indented 1 cm, as the PDF's. */
function body(runs: Run[] | string, size = BASE): Paragraph {
	return para(runs, { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: twip(10) }, size });
}

function heading(text: string): Paragraph {
	return para([{ text, bold: true }], { size: BASE, spacing: { before: 120, after: 80 }, keepNext: true });
}

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' } as const;
const NO_BORDERS: ITableCellBorders = { top: NONE, bottom: NONE, left: NONE, right: NONE };
const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;

/** The NĐ 30 header: a two-column table without borders. */
function header(data: SummaryReportDocument): Table {
	const issuer = data.issuer;
	const leftWidth = pt(190);
	const rightWidth = pt(CONTENT_WIDTH) - leftWidth;
	const parent = lines(issuer.parent).map(upper);
	const bodyLines = lines(issuer.body).map(upper);
	const left: Paragraph[] = [];
	if (parent.length) left.push(multiline(parent, { size: HEADER }, { alignment: AlignmentType.CENTER }));
	left.push(multiline(bodyLines, { size: HEADER, bold: true }, { alignment: AlignmentType.CENTER }));
	left.push(para('———', { alignment: AlignmentType.CENTER, size: 16, spacing: { after: 60 } }));
	left.push(para(numberLine(data.number, '/BC'), { alignment: AlignmentType.CENTER, size: BASE }));
	const right: Paragraph[] = [
		multiline([NATIONAL_TITLE], { size: HEADER, bold: true }, { alignment: AlignmentType.CENTER }),
		para([{ text: MOTTO, bold: true, underline: true }], { alignment: AlignmentType.CENTER, size: BASE, spacing: { after: 200 } }),
		para([{ text: placeDateLine(issuer.place, data.date), italics: true }], { alignment: AlignmentType.CENTER, size: BASE })
	];
	const cell = (children: Paragraph[], width: number) =>
		new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS });
	return new Table({
		rows: [new TableRow({ children: [cell(left, leftWidth), cell(right, rightWidth)] })],
		width: { size: pt(CONTENT_WIDTH), type: WidthType.DXA },
		columnWidths: [leftWidth, rightWidth],
		layout: TableLayoutType.FIXED,
		borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE }
	});
}

type Cell = string | { text: string; bold?: boolean; align?: 'left' | 'right' | 'center'; span?: number };

/**
 * A table with thin borders; widths in PDF points ('*' takes what is left); the bold header row
 * repeats on every page and rows do not split.
 */
function grid(widths: (number | '*')[], head: string[], rows: Cell[][]): Table {
	const fixed = widths.reduce<number>((n, w) => n + (w === '*' ? 0 : w), 0);
	const stars = widths.filter((w) => w === '*').length || 1;
	const twips = widths.map((w) => pt(w === '*' ? (CONTENT_WIDTH - fixed) / stars : w));
	const align = { left: AlignmentType.LEFT, right: AlignmentType.RIGHT, center: AlignmentType.CENTER } as const;
	const cell = (c: Cell, i: number, isHead: boolean) => {
		const v: Exclude<Cell, string> = typeof c === 'string' ? { text: c } : c;
		const span = v.span ?? 1;
		return new TableCell({
			width: { size: twips.slice(i, i + span).reduce((a, b) => a + b, 0), type: WidthType.DXA },
			...(span > 1 ? { columnSpan: span } : {}),
			verticalAlign: VerticalAlign.CENTER,
			margins: { left: 60, right: 60, top: 30, bottom: 30 },
			children: [
				multiline(
					v.text.split('\n'),
					{ size: TABLE, bold: isHead || v.bold },
					{ alignment: isHead ? AlignmentType.CENTER : align[v.align ?? 'left'] }
				)
			]
		});
	};
	return new Table({
		width: { size: twips.reduce((a, b) => a + b, 0), type: WidthType.DXA },
		columnWidths: twips,
		layout: TableLayoutType.FIXED,
		borders: { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: THIN, insideVertical: THIN },
		rows: [
			new TableRow({ tableHeader: true, cantSplit: true, children: head.map((h, i) => cell(h, i, true)) }),
			...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) }))
		]
	});
}

const spacer = () => new Paragraph({ spacing: { after: 80 }, children: [] });
const R = (text: string, bold = false): Cell => ({ text, align: 'right', bold });
const C = (text: string): Cell => ({ text, align: 'center' });

/** The report as .docx bytes, from its data (the same data the PDF is laid out from). */
export async function summaryReportDocxFrom(input: SummaryReportDocument): Promise<Buffer> {
	const data = normalizeNfc(input);
	const children: (Paragraph | Table)[] = [header(data), spacer()];
	if (data.marks.provisional) {
		children.push(
			new Table({
				width: { size: pt(CONTENT_WIDTH), type: WidthType.DXA },
				columnWidths: [pt(CONTENT_WIDTH)],
				borders: { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: NONE, insideVertical: NONE },
				rows: [
					new TableRow({
						children: [
							new TableCell({
								children: [
									para([{ text: PROVISIONAL_NOTICE, bold: true }], { alignment: AlignmentType.CENTER, size: TABLE, spacing: { after: 0 } })
								]
							})
						]
					})
				]
			}),
			spacer()
		);
	}
	children.push(
		para([{ text: SUMMARY_TITLE, bold: true }], { alignment: AlignmentType.CENTER, spacing: { before: 120, after: 0 } }),
		multiline(
			[SUMMARY_SUBJECT, `${data.round.name}, ${data.national ? 'toàn quốc' : data.area}`],
			{ size: BODY, bold: true },
			{
				alignment: AlignmentType.CENTER
			}
		),
		para('———', { alignment: AlignmentType.CENTER, size: 16, spacing: { after: 200 } }),
		heading('I. ĐỢT ĐÁNH GIÁ VÀ TÌNH HÌNH THỰC HIỆN'),
		body([
			{ text: 'Đợt đánh giá: ', bold: true },
			{
				text: `${roundLabel(data.round)}, từ ${formatDateShort(data.round.opensOn)} đến ${formatDateShort(data.round.closesOn)}.`
			}
		]),
		body([{ text: 'Địa bàn: ', bold: true }, { text: `${data.national ? 'Toàn quốc' : data.area}.` }]),
		body([
			{ text: 'Số xã, phường tham gia: ', bold: true },
			{
				text: `${formatNumber(data.total)} đơn vị ${data.national ? 'toàn quốc' : `trên địa bàn ${data.area}`}. Số đơn vị theo trạng thái hồ sơ:`
			}
		]),
		grid(
			['*', 80],
			['Trạng thái hồ sơ', 'Số xã, phường'],
			[
				...data.byState.map((s) => [s.label, R(formatNumber(s.count))]),
				[{ text: 'Tổng cộng', bold: true }, R(formatNumber(data.total), true)]
			]
		),
		heading('II. TỶ LỆ XÃ, PHƯỜNG ĐƯỢC CÔNG NHẬN SO VỚI MỤC TIÊU QUỐC GIA')
	);
	const overall = data.shares[0];
	if (overall) children.push(body(shareSentence(overall)));
	const targets = overall?.targets ?? [];
	children.push(
		grid(
			['*', 52, 66, 52, ...targets.map(() => 62)],
			['Nhóm đơn vị', 'Số xã, phường', 'Được công nhận', 'Tỷ lệ', ...targets.map((t) => `Mục tiêu ${t.percent}% (năm ${t.year})`)],
			data.shares.map((s, i) => [
				{ text: s.label, bold: i === 0 },
				R(formatNumber(s.communes), i === 0),
				R(formatNumber(s.recognised), i === 0),
				R(percentText(s.percent), i === 0),
				...s.targets.map((t) => C(targetText(t.reached)))
			])
		),
		heading('III. KẾT QUẢ CỦA TỪNG XÃ, PHƯỜNG')
	);
	if (data.communes.length) {
		const rows: Cell[][] = [];
		let n = 0;
		for (const group of data.national ? byProvince(data.communes) : [{ province: null, communes: data.communes }]) {
			if (data.national) rows.push([{ text: group.province || '(Không rõ tỉnh)', bold: true, span: COMMUNE_COLUMNS.widths.length }]);
			for (const c of group.communes)
				rows.push([
					C(formatNumber(++n)),
					c.code,
					c.name,
					c.category,
					R(formatNumber(c.selfTotal)),
					R(formatNumber(c.reviewedTotal)),
					c.result
				]);
		}
		children.push(grid(COMMUNE_COLUMNS.widths, COMMUNE_COLUMNS.header, rows));
	} else children.push(body('Không có xã, phường nào trong đợt đánh giá.'));
	children.push(heading('IV. CÁC TIÊU CHÍ CÒN NHIỀU XÃ, PHƯỜNG CHƯA ĐẠT'));
	const heldBack = data.criteria.filter((c) => c.zero + c.below > 0).slice(0, 3);
	children.push(
		body(
			heldBack.length
				? `Các tiêu chí có nhiều xã, phường chưa đạt điểm tối đa nhất: ${heldBack.map((c) => `${c.code} (${formatNumber(c.zero)} xã 0 điểm, ${formatNumber(c.below)} xã dưới điểm tối đa)`).join('; ')}.`
				: 'Không có tiêu chí nào có xã, phường chưa đạt điểm tối đa.'
		)
	);
	if (data.criteria.length)
		children.push(
			grid(
				[24, '*', 40, 44, 50, 46, 46],
				['STT', 'Tiêu chí', 'Điểm tối đa', 'Số xã 0 điểm', 'Số xã dưới điểm tối đa', 'Số xã đạt điểm tối đa', 'Số xã chưa đủ số liệu'],
				data.criteria.map((c, i) => [
					C(formatNumber(i + 1)),
					`${c.code}. ${c.title}`,
					R(formatNumber(c.maxPoints)),
					R(formatNumber(c.zero)),
					R(formatNumber(c.below)),
					R(formatNumber(c.max)),
					R(formatNumber(c.pending))
				])
			)
		);
	children.push(heading('V. CÁC QUYẾT ĐỊNH ĐÃ BAN HÀNH TRONG ĐỢT'));
	if (data.decisions.length)
		children.push(
			grid(
				[24, 86, 60, '*', 96],
				['STT', 'Số quyết định', 'Ngày ban hành', 'Xã, phường', 'Kết quả'],
				data.decisions.map((d, i) => [C(formatNumber(i + 1)), d.number, C(formatDateShort(d.date)), d.commune, d.result])
			)
		);
	else children.push(body('Trong đợt đánh giá chưa có quyết định nào được ban hành.'));
	children.push(spacer(), closing(data));

	const doc = new Document({
		creator: 'Hệ thống đánh giá xã phù hợp với trẻ em',
		title: `Báo cáo kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em - ${data.round.name} - ${data.national ? 'Toàn quốc' : data.area}`,
		styles: { default: { document: { run: { font: FONT, size: BASE } } } },
		sections: [
			{
				properties: {
					page: {
						size: { width: 11906, height: 16838 },
						margin: { top: twip(20), right: twip(15), bottom: twip(20), left: twip(30), header: twip(10) }
					},
					titlePage: true
				},
				headers: {
					// page numbers from page 2, centred at the top (NĐ 30)
					default: new Header({
						children: [
							new Paragraph({
								alignment: AlignmentType.CENTER,
								children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: BASE })]
							})
						]
					}),
					first: new Header({ children: [] })
				},
				children
			}
		]
	});
	return Packer.toBuffer(doc);
}

/** "Nơi nhận:" at bottom left and the signature block at bottom right, a borderless table. */
function closing(data: SummaryReportDocument): Table {
	const leftWidth = pt(CONTENT_WIDTH - 240);
	const rightWidth = pt(240);
	const recipients = recipientLines(data.recipients);
	const left = [
		para([{ text: 'Nơi nhận:', bold: true, italics: true }], { size: 24, spacing: { after: 0 } }),
		...(recipients.length ? [multiline(recipients, { size: RECIPIENTS })] : [])
	];
	const sig = data.signature;
	const right: Paragraph[] = [];
	for (const l of lines(sig.onBehalfOf))
		right.push(para([{ text: upper(l), bold: true }], { alignment: AlignmentType.CENTER, spacing: { after: 0 } }));
	right.push(para([{ text: upper(sig.title), bold: true }], { alignment: AlignmentType.CENTER, spacing: { after: pt(72) } }));
	right.push(para([{ text: sig.name.trim(), bold: true }], { alignment: AlignmentType.CENTER }));
	const cell = (children: Paragraph[], width: number) =>
		new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS });
	return new Table({
		rows: [new TableRow({ cantSplit: true, children: [cell(left, leftWidth), cell(right, rightWidth)] })],
		width: { size: leftWidth + rightWidth, type: WidthType.DXA },
		columnWidths: [leftWidth, rightWidth],
		layout: TableLayoutType.FIXED,
		borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE }
	});
}

/** The summary report for `actor` as .docx (the same data as `summaryReportPdf`). */
export async function summaryReportDocx(
	db: DB,
	actor: SummaryReportActor,
	opts: SummaryReportOptions = {},
	today?: string
): Promise<Buffer> {
	return summaryReportDocxFrom(await summaryReportData(db, actor, opts, today));
}
