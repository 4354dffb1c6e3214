/**
 * Criteria-set model (bộ tiêu chí) and its interchange format.
 *
 * The zod schema below IS the interchange format: `criteria-set.schema.json` is generated from it
 * (`criteriaSetJsonSchema()`), and `validateCriteriaSet()` is the only way a set enters the system
 * (import, CLI, admin editor). See FORMAT.md beside this file for the format and the scoring rules.
 *
 * Pure TypeScript: no I/O. User-facing messages are Vietnamese (NFC).
 */
import { z } from 'zod';
import { COMMUNE_CATEGORIES } from '../units.ts';
import type { CommuneCategory } from '../units.ts';
import { formatNumberVi } from './format-vi.ts';
import { BASE_COUNT_KEYS, LOCATION_SEPARATOR, MAX_PER } from './constants.ts';

export { MAX_COUNT, MAX_PER, INDICATOR_KINDS, INDICATOR_KIND_LABELS, LOCATION_SEPARATOR, BASE_COUNT_KEYS } from './constants.ts';
export type { IndicatorKind, BaseCountKey } from './constants.ts';

export const CRITERIA_SET_STATUSES = ['draft', 'active', 'retired'] as const;
export type CriteriaSetStatus = (typeof CRITERIA_SET_STATUSES)[number];

export const CRITERIA_SET_STATUS_LABELS: Record<CriteriaSetStatus, string> = {
	draft: 'Bản nháp',
	active: 'Đang áp dụng',
	retired: 'Ngừng áp dụng'
};

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Required text: NFC-normalised, trimmed, not empty. */
const text = () => z.string().normalize('NFC').trim().min(1, { error: 'Không được để trống' });

const points = () =>
	z.number().int({ error: 'Điểm phải là số nguyên' }).min(0, { error: 'Điểm không được âm' }).max(100_000, { error: 'Điểm quá lớn' });

const positivePoints = () =>
	z
		.number()
		.int({ error: 'Điểm phải là số nguyên' })
		.min(1, { error: 'Điểm tối đa phải lớn hơn 0' })
		.max(100_000, { error: 'Điểm quá lớn' });

const percentThreshold = () =>
	z.number().min(0, { error: 'Ngưỡng phần trăm phải từ 0 đến 100' }).max(100, { error: 'Ngưỡng phần trăm phải từ 0 đến 100' });

const CRITERION_CODE = /^[A-Z]+[0-9]+$/;
const INDICATOR_CODE = /^[A-Z]+[0-9]+\.[0-9]+$/;
const SET_CODE = /^[A-Z0-9][A-Z0-9._-]*$/;
const LEVEL_CODE = /^[a-z0-9][a-z0-9_-]*$/;

const provisional = () => z.boolean().default(false).meta({ description: 'true: mức điểm này do nhóm phát triển đặt tạm, chưa có nguồn' });

/** Which base count (số trẻ em dùng chung) the denominator/population of an indicator is. */
const baseCount = () =>
	z.enum(BASE_COUNT_KEYS).nullable().default(null).meta({
		description:
			'Mẫu số (rate) hoặc số trẻ em (incidence) là số trẻ em nào của xã: "under1" (dưới 1 tuổi), "under5" (dưới 5 tuổi), "under16" (dưới 16 tuổi); null (mặc định): không gắn với số trẻ em dùng chung. Dùng để điền sẵn mẫu số và kiểm tra số liệu thống nhất giữa các tiêu chí'
	});

/**
 * Where in the gazetted text an item comes from (issue 14): Điều, khoản, điểm and the page of the
 * official text. Optional: absent when no one has recorded it.
 */
const citationPart = () =>
	z.string().normalize('NFC').trim().min(1, { error: 'Không được để trống' }).max(60, { error: 'Tối đa 60 ký tự' });
export const CitationSchema = z
	.strictObject({
		article: citationPart().optional().meta({ description: 'Điều, ví dụ "Điều 2"' }),
		clause: citationPart().optional().meta({ description: 'Khoản, ví dụ "khoản 2"' }),
		point: citationPart().optional().meta({ description: 'Điểm, ví dụ "điểm a"' }),
		page: z
			.number()
			.int({ error: 'Số trang phải là số nguyên' })
			.min(1, { error: 'Số trang phải lớn hơn 0' })
			.max(10_000, { error: 'Số trang quá lớn' })
			.optional()
			.meta({ description: 'Trang của văn bản gốc' })
	})
	.refine((c) => Object.values(c).some((v) => v !== undefined), { error: 'Trích dẫn cần ít nhất một trong: Điều, khoản, điểm, trang' })
	.meta({ title: 'Trích dẫn văn bản gốc' });
export type Citation = z.output<typeof CitationSchema>;

/** "Điều 2, khoản 2, điểm a, trang 3" */
export function formatCitation(c: Citation | undefined): string {
	if (!c) return '';
	return [c.article, c.clause, c.point, c.page !== undefined ? `trang ${c.page}` : undefined].filter(Boolean).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Indicators (chỉ số)
// ---------------------------------------------------------------------------------------------

const indicatorBase = {
	code: z
		.string()
		.regex(INDICATOR_CODE, { error: 'Mã chỉ số phải có dạng <mã tiêu chí>.<số>, ví dụ TC07.1' })
		.meta({ description: 'Mã chỉ số, ví dụ "TC07.1"' }),
	title: text().meta({ description: 'Tên chỉ số' }),
	measure: text().meta({ description: 'Cách đo (thước đo) của chỉ số' }),
	guidance: text().meta({ description: 'Hướng dẫn: ý nghĩa của tử số/mẫu số, nguồn số liệu' }),
	maxPoints: positivePoints().meta({ description: 'Điểm tối đa của chỉ số' }),
	source: text().meta({ description: 'Nguồn của thang điểm (văn bản, nguồn thứ cấp, hay tạm thời)' }),
	citation: CitationSchema.optional(),
	verified: z.boolean().meta({ description: 'true khi thang điểm đã được đối chiếu với văn bản gốc' })
};

/** "≥ min % → points" (higher is better). */
export const RateBandSchema = z
	.strictObject({
		min: percentThreshold().meta({ description: 'Ngưỡng dưới (%), áp dụng khi giá trị ≥ min' }),
		points: points(),
		provisional: provisional()
	})
	.meta({ title: 'Mức điểm theo tỷ lệ', description: 'Giá trị ≥ min (%) được points điểm' });

/** "≤ max per `per` → points" (lower is better). */
export const IncidenceBandSchema = z
	.strictObject({
		max: z
			.number()
			.min(0, { error: 'Ngưỡng không được âm' })
			.meta({ description: 'Ngưỡng trên (số trường hợp trên `per` trẻ em), áp dụng khi giá trị ≤ max' }),
		points: points(),
		provisional: provisional()
	})
	.meta({ title: 'Mức điểm theo tỷ suất', description: 'Giá trị ≤ max được points điểm' });

export const LevelSchema = z
	.strictObject({
		code: z.string().regex(LEVEL_CODE, { error: 'Mã mức chỉ gồm chữ thường không dấu, số, "_" và "-"' }),
		label: text(),
		points: points(),
		provisional: provisional()
	})
	.meta({ title: 'Mức độ' });

export const CheckIndicatorSchema = z
	.strictObject({ kind: z.literal('check'), ...indicatorBase })
	.meta({ title: 'Chỉ số Có/Không', description: '"Có" được maxPoints điểm, "Không" được 0 điểm' });

export const RateIndicatorSchema = z
	.strictObject({
		kind: z.literal('rate'),
		...indicatorBase,
		numeratorLabel: text().meta({ description: 'Tử số, ví dụ "Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ"' }),
		denominatorLabel: text().meta({ description: 'Mẫu số, ví dụ "Tổng số trẻ em dưới 1 tuổi"' }),
		bands: z.array(RateBandSchema).min(1, { error: 'Cần ít nhất một mức điểm' }),
		zeroDenominator: z.enum(['invalid', 'maxPoints']).default('invalid').meta({
			description:
				'Khi mẫu số bằng 0: "invalid" (mặc định) = số liệu không hợp lệ; "maxPoints" = không có trường hợp nào cần xử lý nên được đủ điểm'
		}),
		baseCount: baseCount()
	})
	.meta({ title: 'Chỉ số tỷ lệ', description: 'Tử số/mẫu số → %, cao hơn là tốt hơn' });

export const IncidenceIndicatorSchema = z
	.strictObject({
		kind: z.literal('incidence'),
		...indicatorBase,
		countLabel: text().meta({ description: 'Số trường hợp, ví dụ "Số trẻ em bị tai nạn, thương tích"' }),
		populationLabel: text().meta({ description: 'Số trẻ em làm mẫu số, ví dụ "Tổng số trẻ em dưới 16 tuổi"' }),
		per: z
			.number()
			.int({ error: 'Phải là số nguyên' })
			.min(1, { error: 'Phải lớn hơn 0' })
			.max(MAX_PER, { error: `Không được lớn hơn ${MAX_PER}` })
			.meta({ description: 'Tỷ suất tính trên bao nhiêu trẻ em, ví dụ 1000' }),
		bands: z.array(IncidenceBandSchema).min(1, { error: 'Cần ít nhất một mức điểm' }),
		zeroIfCountAtLeast: z
			.number()
			.int({ error: 'Phải là số nguyên' })
			.min(1, { error: 'Phải lớn hơn 0' })
			.nullable()
			.default(null)
			.meta({ description: 'Điều kiện 0 điểm thêm: số trường hợp từ mức này trở lên thì 0 điểm (null: không áp dụng)' }),
		baseCount: baseCount()
	})
	.meta({
		title: 'Chỉ số tỷ suất',
		description: 'Số trường hợp trên `per` trẻ em, thấp hơn là tốt hơn; trên mức cuối cùng: 0 điểm'
	});

export const LevelIndicatorSchema = z
	.strictObject({
		kind: z.literal('level'),
		...indicatorBase,
		levels: z.array(LevelSchema).min(2, { error: 'Cần ít nhất hai mức' })
	})
	.meta({ title: 'Chỉ số mức độ', description: 'Chọn một mức, mỗi mức có số điểm riêng' });

export const SurveyIndicatorSchema = z
	.strictObject({
		kind: z.literal('survey'),
		...indicatorBase,
		bands: z.array(RateBandSchema).min(1, { error: 'Cần ít nhất một mức điểm' })
	})
	.meta({ title: 'Chỉ số khảo sát', description: 'Tỷ lệ hài lòng (%) nhập trực tiếp, cao hơn là tốt hơn' });

export const ManualIndicatorSchema = z
	.strictObject({ kind: z.literal('manual'), ...indicatorBase })
	.meta({ title: 'Chỉ số chấm điểm trực tiếp', description: 'Điểm trong [0, maxPoints], bắt buộc giải trình' });

export const IndicatorSchema = z.discriminatedUnion('kind', [
	CheckIndicatorSchema,
	RateIndicatorSchema,
	IncidenceIndicatorSchema,
	LevelIndicatorSchema,
	SurveyIndicatorSchema,
	ManualIndicatorSchema
]);

// ---------------------------------------------------------------------------------------------
// Criteria (tiêu chí), pass rule, set
// ---------------------------------------------------------------------------------------------

/**
 * When a criterion counts as met (đạt):
 * - `positive`: its points are > 0;
 * - `minPoints`: its points are ≥ `points`.
 */
export const MetRuleSchema = z
	.discriminatedUnion('kind', [
		z.strictObject({ kind: z.literal('positive') }).meta({ description: 'Đạt khi điểm của tiêu chí > 0' }),
		z
			.strictObject({
				kind: z.literal('minPoints'),
				points: positivePoints().meta({ description: 'Số điểm tối thiểu' })
			})
			.meta({ description: 'Đạt khi điểm của tiêu chí ≥ points' })
	])
	.meta({ title: 'Điều kiện đạt tiêu chí' });

export const CriterionSchema = z
	.strictObject({
		code: z
			.string()
			.regex(CRITERION_CODE, { error: 'Mã tiêu chí phải có dạng chữ in hoa và số, ví dụ TC01' })
			.meta({ description: 'Mã tiêu chí, ví dụ "TC01"' }),
		title: text().meta({ description: 'Tên tiêu chí' }),
		maxPoints: positivePoints().meta({ description: 'Điểm tối đa = tổng điểm tối đa các chỉ số' }),
		guidance: text().meta({ description: 'Hướng dẫn chung cho tiêu chí' }),
		metRule: MetRuleSchema,
		source: text().meta({ description: 'Nguồn của điểm tối đa và điều kiện đạt' }),
		citation: CitationSchema.optional(),
		verified: z.boolean().meta({ description: 'true khi đã đối chiếu với văn bản gốc' }),
		indicators: z.array(IndicatorSchema).min(1, { error: 'Tiêu chí cần ít nhất một chỉ số' })
	})
	.meta({ title: 'Tiêu chí' });

const threshold = () => z.number().int({ error: 'Ngưỡng điểm phải là số nguyên' }).min(0, { error: 'Ngưỡng điểm không được âm' });

export const PassRuleSchema = z
	.strictObject({
		thresholds: z
			.strictObject({
				urban_ward: threshold(),
				disadvantaged: threshold(),
				standard: threshold()
			} satisfies Record<CommuneCategory, unknown>)
			.meta({ description: 'Ngưỡng tổng điểm theo loại xã' }),
		requireAllCriteriaMet: z.boolean().meta({ description: 'Phải đạt tất cả các tiêu chí' }),
		forbidZeroCriterion: z.boolean().meta({ description: 'Không tiêu chí nào được 0 điểm' })
	})
	.meta({ title: 'Điều kiện công nhận' });

export const ConfirmationSchema = z
	.strictObject({
		by: text().meta({ description: 'Người xác nhận' }),
		at: z.iso
			.datetime({ offset: true, error: 'Phải là thời điểm ISO 8601, ví dụ 2025-01-31T08:00:00Z' })
			.meta({ description: 'Thời điểm xác nhận (ISO 8601)' })
	})
	.meta({ title: 'Xác nhận của quản trị viên' });

const CriteriaSetShape = z
	.strictObject({
		$schema: z.string().optional().meta({ description: 'Đường dẫn tới JSON Schema (tùy chọn, bỏ qua khi nhập)' }),
		code: z
			.string()
			.regex(SET_CODE, { error: 'Mã bộ tiêu chí chỉ gồm chữ in hoa không dấu, số, ".", "_" và "-", ví dụ QD06-2019' })
			.meta({ description: 'Mã bộ tiêu chí, ví dụ "QD06-2019"' }),
		name: text().meta({ description: 'Tên bộ tiêu chí' }),
		legalReference: text().meta({ description: 'Căn cứ pháp lý' }),
		version: z
			.number()
			.int({ error: 'Phiên bản phải là số nguyên dương' })
			.min(1, { error: 'Phiên bản phải là số nguyên dương' })
			.meta({ description: 'Phiên bản (số nguyên dương)' }),
		status: z.enum(CRITERIA_SET_STATUSES).meta({ description: 'draft | active | retired' }),
		confirmation: ConfirmationSchema.nullable()
			.default(null)
			.meta({ description: 'Xác nhận bộ tiêu chí (trong CSDL được lưu riêng); tùy chọn trong tệp' }),
		passRule: PassRuleSchema,
		criteria: z.array(CriterionSchema).min(1, { error: 'Cần ít nhất một tiêu chí' })
	})
	.meta({
		title: 'Bộ tiêu chí xã, phường, thị trấn phù hợp với trẻ em',
		description: 'Định dạng trao đổi bộ tiêu chí; sinh tự động từ schema zod (src/lib/domain/criteria/schema.ts)'
	});

export const CriteriaSetSchema = CriteriaSetShape.superRefine((set, ctx) => {
	let issues: SetIssue[];
	try {
		issues = checkCriteriaSet(set);
	} catch {
		// Only reachable when the shape already failed with non-aborting issues: those are reported.
		return;
	}
	for (const issue of issues) {
		ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
	}
});

export type CriteriaSet = z.output<typeof CriteriaSetShape>;
/** What a file may contain: defaulted fields (`provisional`, `zeroDenominator`, …) may be left out. */
export type CriteriaSetInput = z.input<typeof CriteriaSetShape>;
export type Criterion = z.output<typeof CriterionSchema>;
export type Indicator = z.output<typeof IndicatorSchema>;
export type CheckIndicator = z.output<typeof CheckIndicatorSchema>;
export type RateIndicator = z.output<typeof RateIndicatorSchema>;
export type IncidenceIndicator = z.output<typeof IncidenceIndicatorSchema>;
export type LevelIndicator = z.output<typeof LevelIndicatorSchema>;
export type SurveyIndicator = z.output<typeof SurveyIndicatorSchema>;
export type ManualIndicator = z.output<typeof ManualIndicatorSchema>;
export type RateBand = z.output<typeof RateBandSchema>;
export type IncidenceBand = z.output<typeof IncidenceBandSchema>;
export type Level = z.output<typeof LevelSchema>;
export type MetRule = z.output<typeof MetRuleSchema>;
export type PassRule = z.output<typeof PassRuleSchema>;
export type Confirmation = z.output<typeof ConfirmationSchema>;

// ---------------------------------------------------------------------------------------------
// Semantic checks (beyond shape)
// ---------------------------------------------------------------------------------------------

export type PathSegment = string | number;
export interface SetIssue {
	path: PathSegment[];
	message: string;
}

/** Whether x has at most 2 decimals (the engine compares thresholds as integer hundredths). */
export function hasAtMostTwoDecimals(x: number): boolean {
	const scaled = x * 100;
	return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/** Total of the criteria maxima. */
export function totalMaxPoints(set: Pick<CriteriaSet, 'criteria'>): number {
	let total = 0;
	for (const c of set.criteria) total += c.maxPoints;
	return total;
}

/**
 * Checks a shape-valid set for consistency. Returns every problem found, each at the exact field.
 * Used by the schema's superRefine, so `CriteriaSetSchema.parse` enforces it too.
 */
export function checkCriteriaSet(set: CriteriaSet): SetIssue[] {
	const issues: SetIssue[] = [];
	const add = (path: PathSegment[], message: string) => issues.push({ path, message });
	const criterionCodes = new Map<string, number>();
	const indicatorCodes = new Map<string, string>();

	set.criteria.forEach((criterion, i) => {
		const cp: PathSegment[] = ['criteria', i];
		const seen = criterionCodes.get(criterion.code);
		if (seen !== undefined) {
			add([...cp, 'code'], `Mã tiêu chí ${criterion.code} bị trùng (đã dùng ở criteria[${seen}])`);
		} else {
			criterionCodes.set(criterion.code, i);
		}

		if (criterion.metRule.kind === 'minPoints' && criterion.metRule.points > criterion.maxPoints) {
			add(
				[...cp, 'metRule', 'points'],
				`Số điểm tối thiểu để đạt tiêu chí (${criterion.metRule.points}) vượt điểm tối đa của tiêu chí (${criterion.maxPoints})`
			);
		}

		let sum = 0;
		criterion.indicators.forEach((indicator, j) => {
			const ip: PathSegment[] = [...cp, 'indicators', j];
			sum += indicator.maxPoints;
			const where = `criteria[${i}].indicators[${j}]`;
			const prior = indicatorCodes.get(indicator.code);
			if (prior !== undefined) {
				add([...ip, 'code'], `Mã chỉ số ${indicator.code} bị trùng (đã dùng ở ${prior})`);
			} else {
				indicatorCodes.set(indicator.code, where);
			}
			if (!indicator.code.startsWith(criterion.code + '.')) {
				add([...ip, 'code'], `Mã chỉ số phải bắt đầu bằng mã tiêu chí chứa nó: "${criterion.code}."`);
			}
			checkIndicatorScale(indicator, ip, add);
		});

		if (sum !== criterion.maxPoints) {
			add([...cp, 'maxPoints'], `Tổng điểm tối đa của các chỉ số (${sum}) khác điểm tối đa của tiêu chí (${criterion.maxPoints})`);
		}
	});

	const total = totalMaxPoints(set);
	for (const category of COMMUNE_CATEGORIES) {
		const t = set.passRule.thresholds[category];
		if (t > total) {
			add(
				['passRule', 'thresholds', category],
				`Ngưỡng ${formatNumberVi(t)} điểm vượt tổng điểm tối đa của bộ tiêu chí (${formatNumberVi(total)})`
			);
		}
	}
	return issues;
}

function checkIndicatorScale(indicator: Indicator, ip: PathSegment[], add: (path: PathSegment[], message: string) => void): void {
	const max = indicator.maxPoints;
	const tooMany = (p: number) => `Điểm của mức (${p}) vượt điểm tối đa của chỉ số (${max})`;
	switch (indicator.kind) {
		case 'rate':
		case 'survey': {
			const bands = indicator.bands;
			bands.forEach((band, k) => {
				const bp = [...ip, 'bands', k];
				if (band.points > max) add([...bp, 'points'], tooMany(band.points));
				if (!hasAtMostTwoDecimals(band.min)) add([...bp, 'min'], 'Ngưỡng chỉ được có tối đa 2 chữ số thập phân');
				if (k > 0) {
					const prev = bands[k - 1];
					if (band.min <= prev.min) {
						add(
							[...bp, 'min'],
							`Các mức phải xếp theo ngưỡng tăng dần: ${formatNumberVi(band.min)}% phải lớn hơn ${formatNumberVi(prev.min)}% của bands[${k - 1}]`
						);
					}
					if (band.points <= prev.points) {
						add(
							[...bp, 'points'],
							`Mức có ngưỡng cao hơn phải được nhiều điểm hơn: ${band.points} phải lớn hơn ${prev.points} của bands[${k - 1}]`
						);
					}
				}
			});
			const last = bands[bands.length - 1];
			if (last.points < max) {
				add(
					[...ip, 'bands', bands.length - 1, 'points'],
					`Mức cao nhất phải được đúng điểm tối đa của chỉ số (${max}), hiện là ${last.points}`
				);
			}
			return;
		}
		case 'incidence': {
			const bands = indicator.bands;
			bands.forEach((band, k) => {
				const bp = [...ip, 'bands', k];
				if (band.points > max) add([...bp, 'points'], tooMany(band.points));
				if (!hasAtMostTwoDecimals(band.max)) add([...bp, 'max'], 'Ngưỡng chỉ được có tối đa 2 chữ số thập phân');
				if (band.max > indicator.per) {
					add(
						[...bp, 'max'],
						`Ngưỡng (${formatNumberVi(band.max)}) vượt quá ${formatNumberVi(indicator.per)}: tỷ suất trên ${formatNumberVi(indicator.per)} trẻ em không thể lớn hơn`
					);
				}
				if (k > 0) {
					const prev = bands[k - 1];
					if (band.max <= prev.max) {
						add(
							[...bp, 'max'],
							`Các mức phải xếp theo ngưỡng tăng dần: ${formatNumberVi(band.max)} phải lớn hơn ${formatNumberVi(prev.max)} của bands[${k - 1}]`
						);
					}
					if (band.points >= prev.points) {
						add([...bp, 'points'], `Tỷ suất cao hơn phải được ít điểm hơn: ${band.points} phải nhỏ hơn ${prev.points} của bands[${k - 1}]`);
					}
				}
			});
			if (bands[0].points < max) {
				add(
					[...ip, 'bands', 0, 'points'],
					`Mức tốt nhất (ngưỡng thấp nhất) phải được đúng điểm tối đa của chỉ số (${max}), hiện là ${bands[0].points}`
				);
			}
			return;
		}
		case 'level': {
			const codes = new Map<string, number>();
			let best = 0;
			indicator.levels.forEach((level, k) => {
				const lp = [...ip, 'levels', k];
				const seen = codes.get(level.code);
				if (seen !== undefined) add([...lp, 'code'], `Mã mức "${level.code}" bị trùng (đã dùng ở levels[${seen}])`);
				else codes.set(level.code, k);
				if (level.points > max) add([...lp, 'points'], tooMany(level.points));
				best = Math.max(best, level.points);
			});
			if (best < max) {
				add([...ip, 'levels'], `Phải có một mức được đúng điểm tối đa của chỉ số (${max}); mức cao nhất hiện là ${best}`);
			}
			return;
		}
		case 'check':
		case 'manual':
			return;
	}
}

// ---------------------------------------------------------------------------------------------
// Vietnamese error messages and error locations
// ---------------------------------------------------------------------------------------------

const TYPE_NAMES_VI: Record<string, string> = {
	number: 'số',
	int: 'số nguyên',
	string: 'chuỗi ký tự',
	boolean: 'giá trị đúng/sai (true/false)',
	object: 'đối tượng',
	array: 'danh sách',
	null: 'null',
	undefined: 'không có giá trị'
};

function describeReceived(input: unknown): string {
	if (input === null) return 'null';
	if (Array.isArray(input)) return 'danh sách';
	switch (typeof input) {
		case 'string':
			return `chuỗi ký tự "${input.length > 40 ? input.slice(0, 40) + '…' : input}"`;
		case 'number':
			return Number.isFinite(input) ? `số ${String(input).replace('.', ',')}` : String(input);
		case 'boolean':
			return `giá trị ${String(input)}`;
		case 'object':
			return 'đối tượng';
		default:
			return typeof input;
	}
}

interface MinimalIssue {
	code?: string;
	input?: unknown;
	expected?: string;
	origin?: string;
	minimum?: number | bigint;
	maximum?: number | bigint;
	inclusive?: boolean;
	format?: string;
	values?: unknown[];
	keys?: string[];
	note?: string;
	options?: unknown[];
	divisor?: number | bigint;
}

/** zod 4 per-parse error map producing Vietnamese messages. */
export function viErrorMap(issue: unknown): string | undefined {
	const iss = issue as MinimalIssue;
	switch (iss.code) {
		case 'invalid_type': {
			if (iss.input === undefined) return 'Thiếu trường bắt buộc';
			const expected = TYPE_NAMES_VI[iss.expected ?? ''] ?? iss.expected;
			return `Phải là ${expected}, không phải ${describeReceived(iss.input)}`;
		}
		case 'too_small': {
			const min = Number(iss.minimum);
			if (iss.origin === 'string') return min <= 1 ? 'Không được để trống' : `Phải có ít nhất ${min} ký tự`;
			if (iss.origin === 'array') return `Phải có ít nhất ${min} phần tử`;
			return iss.inclusive === false ? `Phải lớn hơn ${formatNumberVi(min)}` : `Không được nhỏ hơn ${formatNumberVi(min)}`;
		}
		case 'too_big': {
			const max = Number(iss.maximum);
			if (iss.origin === 'string') return `Không được dài quá ${max} ký tự`;
			if (iss.origin === 'array') return `Không được có quá ${max} phần tử`;
			return iss.inclusive === false ? `Phải nhỏ hơn ${formatNumberVi(max)}` : `Không được lớn hơn ${formatNumberVi(max)}`;
		}
		case 'invalid_format':
			return 'Sai định dạng';
		case 'invalid_value':
			return `Giá trị không hợp lệ; chọn một trong: ${(iss.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
		case 'unrecognized_keys':
			return `Trường không được phép: ${(iss.keys ?? []).join(', ')}`;
		case 'invalid_union':
			if (iss.note === 'No matching discriminator') {
				return `Loại không hợp lệ; chọn một trong: ${(iss.options ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
			}
			return 'Giá trị không khớp với dạng nào được phép';
		case 'not_multiple_of':
			return `Phải là bội số của ${String(iss.divisor)}`;
		case 'invalid_key':
			return 'Khóa không hợp lệ';
		case 'invalid_element':
			return 'Phần tử không hợp lệ';
		default:
			return undefined;
	}
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Machine path: ["criteria", 6, "indicators", 0, "bands", 1, "points"] → "criteria[6].indicators[0].bands[1].points". */
export function formatPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const seg of path) {
		if (typeof seg === 'number') out += `[${seg}]`;
		else if (typeof seg === 'string' && IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
		else out += `[${JSON.stringify(String(seg))}]`;
	}
	return out;
}

function codeAt(container: unknown, key: string, index: number): string | null {
	if (container === null || typeof container !== 'object') return null;
	const list = (container as Record<string, unknown>)[key];
	if (!Array.isArray(list)) return null;
	const item: unknown = list[index];
	if (item === null || typeof item !== 'object') return null;
	const code = (item as Record<string, unknown>).code;
	return typeof code === 'string' && code.trim() !== '' ? code.trim() : null;
}

/**
 * Human location of a path inside a (possibly invalid) criteria set, naming criteria and indicators
 * by their code: ["criteria", 6, "indicators", 0, "bands", 1, "points"] → "TC07 › TC07.1 › bands[1].points".
 */
export function describeSetPath(path: readonly PropertyKey[], input: unknown): string {
	const parts: string[] = [];
	let rest = path.slice();
	if (rest[0] === 'criteria' && typeof rest[1] === 'number') {
		const i = rest[1];
		parts.push(codeAt(input, 'criteria', i) ?? `criteria[${i}]`);
		const criterion =
			input !== null && typeof input === 'object' ? ((input as Record<string, unknown>).criteria as unknown[] | undefined)?.[i] : undefined;
		rest = rest.slice(2);
		if (rest[0] === 'indicators' && typeof rest[1] === 'number') {
			const j = rest[1];
			parts.push(codeAt(criterion, 'indicators', j) ?? `indicators[${j}]`);
			rest = rest.slice(2);
		}
	}
	if (rest.length > 0) parts.push(formatPath(rest));
	if (parts.length === 0) return '(toàn bộ tệp)';
	return parts.join(LOCATION_SEPARATOR);
}

export interface ValidationError {
	/** Machine path, e.g. "criteria[6].indicators[0].bands[1].points" ("" = the whole input). */
	path: string;
	/** Human location, e.g. "TC07 › TC07.1 › bands[1].points". */
	location: string;
	/** Vietnamese message. */
	message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

interface RawIssue {
	path: PropertyKey[];
	message: string;
	code?: string;
	keys?: string[];
}

/** Turns zod issues into ValidationErrors; unrecognized keys are reported one per key, at the key. */
export function toValidationErrors(issues: readonly RawIssue[], describe: (path: readonly PropertyKey[]) => string): ValidationError[] {
	const out: ValidationError[] = [];
	for (const issue of issues) {
		if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
			for (const key of issue.keys) {
				const path = [...issue.path, key];
				out.push({ path: formatPath(path), location: describe(path), message: 'Trường không được phép (không có trong định dạng)' });
			}
			continue;
		}
		out.push({ path: formatPath(issue.path), location: describe(issue.path), message: issue.message });
	}
	return out;
}

/**
 * Validates any input (e.g. parsed JSON) as a criteria set: shape first, then consistency.
 * Every error names the exact item and field and carries a Vietnamese message.
 */
export function validateCriteriaSet(input: unknown): ValidationResult<CriteriaSet> {
	const result = CriteriaSetSchema.safeParse(input, { error: viErrorMap });
	if (result.success) {
		// `$schema` is an editor hint of the file, not part of the set.
		const { $schema: _hint, ...value } = result.data;
		return { ok: true, value };
	}
	return {
		ok: false,
		errors: toValidationErrors(result.error.issues as RawIssue[], (path) => describeSetPath(path, input))
	};
}

/** Like validateCriteriaSet but throws an Error listing every problem (for scripts and tests). */
export function parseCriteriaSet(input: unknown): CriteriaSet {
	const result = validateCriteriaSet(input);
	if (result.ok) return result.value;
	throw new Error('Bộ tiêu chí không hợp lệ:\n' + result.errors.map((e) => `- ${e.location}: ${e.message}`).join('\n'));
}

/** The JSON Schema (draft 2020-12) of the interchange format, generated from the zod schema. */
export function criteriaSetJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(CriteriaSetSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
