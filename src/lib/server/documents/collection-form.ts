/**
 * 5. Phiếu thu thập số liệu (issue 14): a blank form per criteria set, A4 portrait with the NĐ 30
 * header, printed so that a commune can collect its figures on paper (from the health station,
 * the police, the schools, the civil-status register…) before entering them. It lists the base
 * counts first (children under 1, under 5, under 16: shared by several indicators), then every
 * criterion and each of its indicators: code, title, what is measured, room to write each figure
 * (numerator and denominator of a rate, count and population of an incidence, a box per answer
 * of a yes/no or level indicator…), the source and the reporting period, and the points scale in
 * small print. A signature block closes it (who compiled the figures, the committee's
 * confirmation).
 *
 * `collectionFormData` builds the data from a criteria set (pure); `collectionFormDossier` reads
 * what a dossier adds (its commune and round); `collectionForm` lays it out (pure, no database:
 * it runs in the PDF worker). Only type imports from the server modules, so the worker loads no
 * database code.
 */
import type { Content, ContentText, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { baseCountOf, baseCountUsage, BASE_COUNT_LABELS } from '../../domain/base-counts.ts';
import { BASE_COUNT_KEYS, INDICATOR_KIND_LABELS } from '../../domain/criteria/constants.ts';
import type { CriteriaSet, Indicator } from '../../domain/criteria/schema.ts';
import { canIssueDecisions } from '../../domain/criteria/verification.ts';
import type { DB } from '../db/index.ts';
import type { AssessmentInfo } from '../dossier/index.ts';
import {
	BASE_FONT_SIZE,
	BODY_FONT_SIZE,
	centredRule,
	formatNumber,
	GRID_LAYOUT,
	HEADER_FONT_SIZE,
	heading,
	ISSUER_COLUMN_WIDTH,
	issuerRuleLength,
	lines,
	MOTTO,
	NATIONAL_TITLE,
	portraitDocument,
	textWithRuleUnder,
	upper
} from './layout.ts';
import type { CollectionForm, FormCriterion, FormFigure, FormIndicator, Issuer } from './types.ts';

export const COLLECTION_FORM_TITLE = 'PHIẾU THU THẬP SỐ LIỆU';
export const COLLECTION_FORM_SUBTITLE = 'ĐÁNH GIÁ XÃ, PHƯỜNG PHÙ HỢP VỚI TRẺ EM';

/** The blank to write in by hand. */
const BLANK = '…………………';
/** The committee's name, to be written in, when the form is printed from the criteria set page. */
export const BLANK_COMMITTEE = 'ỦY BAN NHÂN DÂN\nXÃ/PHƯỜNG …………………';

// ---------------------------------------------------------------------------------------------
// Data (pure)
// ---------------------------------------------------------------------------------------------

/** "*" after a provisional band's points. */
const star = (provisional: boolean) => (provisional ? '*' : '');

/** Base-count hint for a denominator/population: "bằng số trẻ em dưới 1 tuổi ở Phần II". */
function baseHint(indicator: Indicator): string | null {
	const key = baseCountOf(indicator);
	return key ? `Bằng ${BASE_COUNT_LABELS[key].toLocaleLowerCase('vi')} ở Phần II.` : null;
}

function figuresOf(indicator: Indicator): FormFigure[] {
	const evidence: FormFigure = { label: 'Minh chứng kèm theo (tên, số, ngày văn bản; hình ảnh…)', hint: null, unit: null, tall: true };
	switch (indicator.kind) {
		case 'check':
		case 'level':
			return [evidence];
		case 'rate':
			return [
				{ label: `Tử số: ${indicator.numeratorLabel}`, hint: null, unit: null },
				{
					label: `Mẫu số: ${indicator.denominatorLabel}`,
					hint:
						[
							baseHint(indicator),
							indicator.zeroDenominator === 'maxPoints' ? 'Mẫu số bằng 0 (không có trường hợp nào): được đủ điểm.' : null
						]
							.filter(Boolean)
							.join(' ') || null,
					unit: null
				},
				{ label: 'Tỷ lệ = tử số / mẫu số × 100', hint: null, unit: '%' }
			];
		case 'incidence':
			return [
				{ label: `Số trường hợp: ${indicator.countLabel}`, hint: null, unit: null },
				{ label: `Số trẻ em: ${indicator.populationLabel}`, hint: baseHint(indicator), unit: null },
				{
					label: `Tỷ suất = số trường hợp / số trẻ em × ${formatNumber(indicator.per)}`,
					hint: null,
					unit: `/${formatNumber(indicator.per)} trẻ em`
				}
			];
		case 'survey':
			return [
				{ label: 'Tổng số người được khảo sát', hint: null, unit: null },
				{ label: 'Số người trả lời hài lòng hoặc rất hài lòng', hint: null, unit: null },
				{ label: 'Tỷ lệ hài lòng', hint: 'Tối đa 2 chữ số thập phân.', unit: '%' }
			];
		case 'manual':
			return [
				{ label: 'Điểm tự chấm', hint: null, unit: `/${formatNumber(indicator.maxPoints)} điểm` },
				{ label: 'Giải trình (căn cứ chấm điểm)', hint: null, unit: null, tall: true }
			];
	}
}

function optionsOf(indicator: Indicator): FormIndicator['options'] {
	switch (indicator.kind) {
		case 'check':
			return [
				{ label: 'Có', points: `${formatNumber(indicator.maxPoints)} điểm` },
				{ label: 'Không', points: '0 điểm' }
			];
		case 'level':
			return indicator.levels.map((l) => ({ label: l.label, points: `${formatNumber(l.points)} điểm${star(l.provisional)}` }));
		default:
			return [];
	}
}

function scaleOf(indicator: Indicator): string {
	switch (indicator.kind) {
		case 'rate':
		case 'survey': {
			const bands = [...indicator.bands].sort((a, b) => b.min - a.min);
			const lowest = bands[bands.length - 1];
			const parts = bands.map((b) => `≥ ${formatNumber(b.min)}%: ${formatNumber(b.points)}${star(b.provisional)}`);
			if (lowest.min > 0) parts.push(`dưới ${formatNumber(lowest.min)}%: 0`);
			return `${parts.join('; ')} (điểm).`;
		}
		case 'incidence': {
			const bands = [...indicator.bands].sort((a, b) => a.max - b.max);
			const per = formatNumber(indicator.per);
			const parts = bands.map((b) => `≤ ${formatNumber(b.max)}/${per}: ${formatNumber(b.points)}${star(b.provisional)}`);
			parts.push(`cao hơn: 0`);
			const zero = indicator.zeroIfCountAtLeast ? ` Từ ${formatNumber(indicator.zeroIfCountAtLeast)} trường hợp trở lên: 0 điểm.` : '';
			return `${parts.join('; ')} (điểm).${zero}`;
		}
		case 'check':
			return `Có: ${formatNumber(indicator.maxPoints)} điểm; Không: 0 điểm.`;
		case 'level':
			return 'Điểm của mỗi mức ghi bên cạnh mức.';
		case 'manual':
			return `Từ 0 đến ${formatNumber(indicator.maxPoints)} điểm, kèm giải trình.`;
	}
}

/**
 * The form's data from a criteria set; `dossier` names the commune's committee (header), the
 * commune and the round, or null for a blank form.
 */
export function collectionFormData(
	set: CriteriaSet,
	options: {
		date: string;
		dossier?: { issuer: Issuer; commune: string; province: string; round: string } | null;
	}
): CollectionForm {
	const usage = baseCountUsage(set);
	const criteria: FormCriterion[] = set.criteria.map((c) => ({
		code: c.code,
		title: c.title,
		maxPoints: c.maxPoints,
		indicators: c.indicators.map((i) => ({
			code: i.code,
			title: i.title,
			kindLabel: INDICATOR_KIND_LABELS[i.kind],
			measure: i.measure,
			guidance: i.guidance,
			figures: figuresOf(i),
			options: optionsOf(i),
			scale: scaleOf(i),
			maxPoints: i.maxPoints
		}))
	}));
	const d = options.dossier ?? null;
	return {
		kind: 'collection_form',
		marks: { preview: false, provisional: !canIssueDecisions(set, set.confirmation) },
		issuer: d ? d.issuer : null,
		date: options.date,
		dossier: d ? { commune: d.commune, province: d.province, round: d.round } : null,
		criteriaSet: { code: set.code, version: set.version, name: set.name, legalReference: set.legalReference },
		baseCounts: BASE_COUNT_KEYS.map((k) => ({ label: BASE_COUNT_LABELS[k], usedBy: usage[k] })),
		criteria,
		maxTotal: set.criteria.reduce((sum, c) => sum + c.maxPoints, 0)
	};
}

/** The commune's and its province's names, for the form of one dossier. */
export async function collectionFormDossier(
	db: DB,
	assessment: Pick<AssessmentInfo, 'commune' | 'round'>
): Promise<{ commune: string; province: string; round: string }> {
	const province =
		assessment.commune.provinceId === null
			? undefined
			: await db.selectFrom('admin_unit').select('name').where('id', '=', assessment.commune.provinceId).executeTakeFirst();
	return { commune: assessment.commune.name, province: province?.name ?? '', round: assessment.round.name };
}

// ---------------------------------------------------------------------------------------------
// Layout (pure)
// ---------------------------------------------------------------------------------------------

const SMALL = 9;
const TABLE = 11;
const BOX = '□';
/** Writing space for one figure, and for a written explanation. */
const FIGURE_HEIGHT = 26;
const TALL_HEIGHT = 44;
const VALUE_WIDTH = 150;

/** The NĐ 30 header, with the date line left blank ("…, ngày … tháng … năm …") to be filled in by hand. */
function formHeader(issuer: Issuer | null): Content {
	const left: Content[] = [];
	const parent = issuer ? lines(issuer.parent).map(upper) : [];
	if (parent.length) left.push({ text: parent.join('\n'), fontSize: HEADER_FONT_SIZE, alignment: 'center' });
	const body = lines(issuer ? issuer.body : BLANK_COMMITTEE).map(upper);
	left.push({ text: body.join('\n'), fontSize: HEADER_FONT_SIZE, bold: true, alignment: 'center' });
	left.push(centredRule(issuerRuleLength(body, HEADER_FONT_SIZE), 2));
	const place = issuer?.place.trim() || '…………';
	return {
		stack: [
			{
				columns: [
					{ width: ISSUER_COLUMN_WIDTH, stack: left },
					{
						width: '*',
						stack: [
							{ text: NATIONAL_TITLE, fontSize: HEADER_FONT_SIZE, bold: true, alignment: 'center' },
							textWithRuleUnder(MOTTO, { fontSize: BASE_FONT_SIZE, bold: true })
						]
					}
				],
				columnGap: 4
			},
			{
				columns: [
					{ width: ISSUER_COLUMN_WIDTH, text: '' },
					{ width: '*', text: `${place}, ngày …… tháng …… năm 20……`, fontSize: BASE_FONT_SIZE, italics: true, alignment: 'center' }
				],
				columnGap: 4,
				margin: [0, 6, 0, 0]
			}
		],
		margin: [0, 0, 0, 16]
	};
}

function title(data: CollectionForm): Content {
	const s = data.criteriaSet;
	return {
		stack: [
			{ text: COLLECTION_FORM_TITLE, bold: true, fontSize: BODY_FONT_SIZE, alignment: 'center' },
			{ text: COLLECTION_FORM_SUBTITLE, bold: true, fontSize: BODY_FONT_SIZE, alignment: 'center' },
			{ text: s.name, fontSize: BASE_FONT_SIZE - 1, alignment: 'center', margin: [0, 2, 0, 0] },
			{ text: `Mã bộ tiêu chí: ${s.code}@${s.version}`, fontSize: BASE_FONT_SIZE - 1, alignment: 'center' },
			centredRule(120, 4)
		],
		margin: [0, 0, 0, 10]
	};
}

/** "Label: value" on a line, or "Label: ………" to be written in. */
function infoLine(label: string, value: string | null): Content {
	return {
		text: [{ text: `${label}: `, bold: true }, value?.trim() ? value : BLANK.repeat(3)],
		fontSize: BASE_FONT_SIZE - 1,
		margin: [0, 0, 0, 4]
	};
}

function generalInfo(data: CollectionForm): Content[] {
	const d = data.dossier;
	return [
		heading('I. THÔNG TIN CHUNG', BASE_FONT_SIZE - 1),
		infoLine('Xã, phường', d?.commune ?? null),
		infoLine('Tỉnh, thành phố', d?.province ?? null),
		infoLine('Đợt đánh giá', d?.round ?? null),
		infoLine('Người thu thập, chức vụ', null),
		{
			text: [
				{ text: 'Căn cứ: ', italics: true },
				{ text: data.criteriaSet.legalReference, italics: true }
			],
			fontSize: SMALL + 1,
			margin: [0, 2, 0, 4]
		},
		{
			text:
				'Cách ghi: ghi số liệu vào ô trống bên phải; ghi rõ nguồn số liệu (sổ hộ tịch, trạm y tế, công an, trường học, hồ sơ bảo vệ trẻ em…) ' +
				`và kỳ báo cáo của từng số liệu; với câu hỏi có các ô ${BOX}, đánh dấu X vào một ô. Số liệu trên phiếu được nhập vào hệ thống ` +
				'và là căn cứ cho báo cáo tự đánh giá.',
			fontSize: SMALL + 1,
			italics: true,
			alignment: 'justify',
			margin: [0, 0, 0, 4]
		}
	];
}

function baseCountsSection(data: CollectionForm): Content[] {
	const head: TableCell[] = ['Số trẻ em trên địa bàn', 'Số liệu', 'Nguồn số liệu', 'Kỳ báo cáo'].map((h) => ({
		text: h,
		bold: true,
		alignment: 'center',
		fontSize: TABLE - 1
	}));
	const rows: TableCell[][] = data.baseCounts.map((b) => [
		{
			stack: [
				{ text: b.label, fontSize: TABLE },
				...(b.usedBy.length ? [{ text: `Dùng cho: ${b.usedBy.join(', ')}`, fontSize: SMALL, italics: true }] : [])
			]
		},
		'',
		'',
		''
	]);
	return [
		heading('II. SỐ TRẺ EM DÙNG CHUNG CHO CÁC TIÊU CHÍ', BASE_FONT_SIZE - 1),
		{
			table: {
				headerRows: 1,
				dontBreakRows: true,
				widths: ['*', 80, 110, 80],
				heights: (row: number) => (row === 0 ? 0 : FIGURE_HEIGHT + 4),
				body: [head, ...rows]
			},
			layout: GRID_LAYOUT,
			margin: [0, 2, 0, 2]
		},
		{
			text: 'Số trẻ em dưới 1 tuổi không lớn hơn số trẻ em dưới 5 tuổi, và số này không lớn hơn số trẻ em dưới 16 tuổi.',
			fontSize: SMALL,
			italics: true,
			margin: [0, 0, 0, 6]
		}
	];
}

/** One indicator: a grid with its name, what is measured, the figures, the boxes, source and period. */
function indicatorBlock(i: FormIndicator): Content {
	const rows: TableCell[][] = [];
	const heights: number[] = [];
	const add = (row: TableCell[], height = 0) => {
		rows.push(row);
		heights.push(height);
	};
	add(
		[
			{
				columns: [
					{
						width: '*',
						text: [
							{ text: `${i.code}. `, bold: true },
							{ text: i.title, bold: true }
						]
					},
					{ width: 'auto', text: `${i.kindLabel} · tối đa ${formatNumber(i.maxPoints)} điểm`, fontSize: SMALL, margin: [6, 2, 0, 0] }
				],
				fillColor: '#eeeeee',
				colSpan: 2
			},
			''
		],
		0
	);
	add(
		[
			{
				stack: [
					{ text: [{ text: 'Cách đo: ', bold: true }, i.measure], fontSize: SMALL + 1 },
					{ text: i.guidance, fontSize: SMALL, italics: true, margin: [0, 1, 0, 0] }
				],
				colSpan: 2
			},
			''
		],
		0
	);
	if (i.options.length) {
		const option = (o: FormIndicator['options'][number]): ContentText => ({
			text: [
				{ text: `${BOX}  `, fontSize: TABLE + 3 },
				{ text: o.label, fontSize: TABLE },
				...(o.points ? [{ text: `  (${o.points})`, fontSize: SMALL }] : [])
			],
			margin: [0, 1, 0, 1]
		});
		// short answers (Có / Không) side by side, levels one per line
		const short = i.options.every((o) => o.label.length <= 12);
		const cell: Content = short
			? { columns: i.options.map((o) => ({ width: 'auto', ...option(o) })), columnGap: 36 }
			: { stack: i.options.map(option) };
		add([{ ...cell, colSpan: 2 } as TableCell, ''], 0);
	}
	for (const f of i.figures) {
		add(
			[
				{
					stack: [{ text: f.label, fontSize: TABLE }, ...(f.hint ? [{ text: f.hint, fontSize: SMALL, italics: true }] : [])]
				},
				f.unit
					? { text: f.unit, fontSize: SMALL, alignment: 'right', margin: [0, f.tall ? TALL_HEIGHT - 14 : FIGURE_HEIGHT - 14, 0, 0] }
					: ''
			],
			f.tall ? TALL_HEIGHT : FIGURE_HEIGHT
		);
	}
	add(
		[
			{
				text: [
					{ text: 'Nguồn số liệu: ', bold: true },
					{ text: '(đơn vị, sổ sách, văn bản)', italics: true, fontSize: SMALL }
				],
				fontSize: TABLE
			},
			{ text: 'Kỳ báo cáo:', bold: true, fontSize: TABLE }
		],
		FIGURE_HEIGHT + 8
	);
	add([{ text: [{ text: 'Thang điểm: ', bold: true }, i.scale], fontSize: SMALL - 0.5, colSpan: 2 }, ''], 0);
	return {
		table: {
			widths: ['*', VALUE_WIDTH],
			dontBreakRows: true,
			heights: (row: number) => heights[row] ?? 0,
			body: rows
		},
		layout: GRID_LAYOUT,
		margin: [0, 0, 0, 8]
	};
}

function criterionSection(c: FormCriterion): Content {
	const head: Content = {
		text: [
			{ text: `${c.code}. ${c.title}`, bold: true },
			{ text: ` (tối đa ${formatNumber(c.maxPoints)} điểm)`, fontSize: SMALL + 1 }
		],
		fontSize: BASE_FONT_SIZE - 1,
		margin: [0, 4, 0, 4]
	};
	const [first, ...rest] = c.indicators.map(indicatorBlock);
	// the criterion's name never stays alone at the foot of a page
	return { stack: [{ stack: [head, first], unbreakable: true }, ...rest] };
}

function signatures(): Content {
	// room to sign (and, for the committee, to stamp) under each title
	const who = (titleText: string, note: string): Content[] => [
		{ text: titleText, bold: true, fontSize: BASE_FONT_SIZE },
		{ text: note, italics: true, fontSize: SMALL + 2, margin: [0, 0, 0, 72] }
	];
	return {
		columns: [
			{
				width: '*',
				stack: [{ text: ' ', fontSize: BASE_FONT_SIZE - 1, margin: [0, 0, 0, 2] }, ...who('NGƯỜI TỔNG HỢP', '(Ký, ghi rõ họ tên)')]
			},
			{
				width: 250,
				stack: [
					{ text: '…………, ngày …… tháng …… năm 20……', italics: true, fontSize: BASE_FONT_SIZE - 1, margin: [0, 0, 0, 2] },
					...who('XÁC NHẬN CỦA ỦY BAN NHÂN DÂN', '(Ký, ghi rõ họ tên, đóng dấu)')
				]
			}
		],
		columnGap: 8,
		alignment: 'center',
		unbreakable: true,
		margin: [0, 16, 0, 0]
	};
}

function hasProvisionalBands(data: CollectionForm): boolean {
	return data.criteria.some((c) => c.indicators.some((i) => i.scale.includes('*') || i.options.some((o) => o.points?.includes('*'))));
}

export function collectionForm(data: CollectionForm): TDocumentDefinitions {
	const provisionalBandsNote: Content[] = hasProvisionalBands(data)
		? [{ text: 'Mức điểm có dấu * là mức tạm tính, chưa có trong văn bản gốc.', fontSize: SMALL, italics: true, margin: [0, 0, 0, 4] }]
		: [];
	const content: Content[] = [
		title(data),
		...generalInfo(data),
		...baseCountsSection(data),
		heading(`III. SỐ LIỆU THEO TỪNG TIÊU CHÍ (tổng điểm tối đa ${formatNumber(data.maxTotal)})`, BASE_FONT_SIZE - 1),
		...provisionalBandsNote,
		...data.criteria.map(criterionSection),
		signatures()
	];
	const doc = portraitDocument(formHeader(data.issuer), content, data.marks);
	return { ...doc, defaultStyle: { ...doc.defaultStyle, lineHeight: 1.05 } };
}
