/**
 * The province dashboard's figures (issue 13), from what the server read: the assessments of one
 * round in an area with the figures stored on each row (state, category, reviewed total and
 * verdict) and, for the criteria, each commune's per-criterion points as the scoring engine gave
 * them. Pure: no I/O; the server module (server/dashboard) does the reading.
 */
import { COMMUNE_CATEGORIES, COMMUNE_CATEGORY_LABELS, type CommuneCategory } from './units.ts';
import { ASSESSMENT_STATES, STATE_LABELS, type AssessmentState } from './workflow.ts';

/**
 * National targets for the share of communes meeting the standard, from QĐ 23/QĐ-TTg (2021)
 * (shared/domain/qd06.md §1, [confirmed]): 65% by 2025, 75% by 2030.
 */
export const DASHBOARD_TARGETS = [
	{ year: 2025, percent: 65 },
	{ year: 2030, percent: 75 }
] as const;

/** A share in percent with one decimal; null when there is nothing to share. */
export function percentOf(part: number, whole: number): number | null {
	return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** One assessment of the round as stored (the figures on its row). */
export type DashboardAssessment = {
	state: AssessmentState;
	category: CommuneCategory;
	/** The reviewed total (equal to the self-assessed total while the reviewing level changed no points). */
	total: number;
	verdict: 'pass' | 'fail' | 'incomplete';
	/** The pass threshold of the commune's category under the assessment's criteria set. */
	threshold: number;
};

export type StateCount = { state: AssessmentState; label: string; count: number };

export function countByState(rows: readonly Pick<DashboardAssessment, 'state'>[]): StateCount[] {
	const n = new Map<AssessmentState, number>();
	for (const r of rows) n.set(r.state, (n.get(r.state) ?? 0) + 1);
	return ASSESSMENT_STATES.map((state) => ({ state, label: STATE_LABELS[state], count: n.get(state) ?? 0 }));
}

export type RecognisedShare = {
	key: CommuneCategory | 'all';
	label: string;
	communes: number;
	recognised: number;
	/** recognised / communes in percent (one decimal), null without communes. */
	percent: number | null;
	/** For each national target: whether the share reaches it (null without communes). */
	targets: { year: number; percent: number; reached: boolean | null }[];
};

const share = (key: RecognisedShare['key'], label: string, rows: readonly Pick<DashboardAssessment, 'state'>[]): RecognisedShare => {
	const recognised = rows.filter((r) => r.state === 'recognised').length;
	const percent = percentOf(recognised, rows.length);
	return {
		key,
		label,
		communes: rows.length,
		recognised,
		percent,
		targets: DASHBOARD_TARGETS.map((t) => ({ ...t, reached: percent === null ? null : percent >= t.percent }))
	};
};

/** The recognised share overall (first) and for each commune category. */
export function recognisedShares(rows: readonly Pick<DashboardAssessment, 'state' | 'category'>[]): RecognisedShare[] {
	return [
		share('all', 'Tất cả', rows),
		...COMMUNE_CATEGORIES.map((c) =>
			share(
				c,
				COMMUNE_CATEGORY_LABELS[c],
				rows.filter((r) => r.category === c)
			)
		)
	];
}

/** Where a total lies against its category's threshold. */
export const TOTAL_BUCKETS = ['far', 'near200', 'near100', 'reached'] as const;
export type TotalBucket = (typeof TOTAL_BUCKETS)[number];
export const TOTAL_BUCKET_LABELS: Record<TotalBucket, string> = {
	far: 'Thấp hơn ngưỡng trên 200 điểm',
	near200: 'Thấp hơn ngưỡng 101–200 điểm',
	near100: 'Thấp hơn ngưỡng 1–100 điểm',
	reached: 'Đạt ngưỡng trở lên'
};

export function bucketOf(total: number, threshold: number): TotalBucket {
	const gap = threshold - total;
	if (gap <= 0) return 'reached';
	if (gap <= 100) return 'near100';
	if (gap <= 200) return 'near200';
	return 'far';
}

export type TotalsRow = {
	category: CommuneCategory;
	label: string;
	/** The thresholds met in the round's assessments of this category (one, unless criteria sets differ). */
	thresholds: number[];
	/** Complete dossiers (verdict not 'incomplete') by bucket. */
	buckets: { bucket: TotalBucket; label: string; count: number }[];
	/** Dossiers still incomplete: their total is partial and is not placed in a bucket. */
	incomplete: number;
	communes: number;
};

/** The distribution of totals against each category's threshold (complete dossiers only). */
export function totalsAgainstThreshold(rows: readonly DashboardAssessment[]): TotalsRow[] {
	return COMMUNE_CATEGORIES.map((category) => {
		const mine = rows.filter((r) => r.category === category);
		const counts = new Map<TotalBucket, number>();
		let incomplete = 0;
		for (const r of mine) {
			if (r.verdict === 'incomplete') incomplete++;
			else counts.set(bucketOf(r.total, r.threshold), (counts.get(bucketOf(r.total, r.threshold)) ?? 0) + 1);
		}
		return {
			category,
			label: COMMUNE_CATEGORY_LABELS[category],
			thresholds: [...new Set(mine.map((r) => r.threshold))].sort((a, b) => a - b),
			buckets: TOTAL_BUCKETS.map((bucket) => ({ bucket, label: TOTAL_BUCKET_LABELS[bucket], count: counts.get(bucket) ?? 0 })),
			incomplete,
			communes: mine.length
		};
	});
}

/** A criterion of the set (its code, title and maximum). */
export type CriterionDef = { code: string; title: string; maxPoints: number };
/** An indicator of the set (its code, its criterion, title and maximum). */
export type IndicatorDef = { code: string; criterionCode: string; title: string; maxPoints: number };
/** One commune's points on one indicator: null while it has no (valid) answer. */
export type IndicatorPoints = { code: string; points: number | null; maxPoints: number };
/** One commune's result on one criterion, as the scoring engine gives it (with its indicators when they are counted). */
export type CriterionPoints = {
	code: string;
	points: number;
	maxPoints: number;
	complete: boolean;
	indicators?: readonly IndicatorPoints[];
};

export const CRITERION_LEVELS = ['zero', 'below', 'max', 'pending'] as const;
export type CriterionLevel = (typeof CRITERION_LEVELS)[number];
export const CRITERION_LEVEL_LABELS: Record<CriterionLevel, string> = {
	zero: '0 điểm',
	below: 'Dưới điểm tối đa',
	max: 'Đạt điểm tối đa',
	pending: 'Chưa đủ số liệu'
};

/**
 * A commune's level on a criterion: only a criterion whose indicators are all (validly) answered
 * has a score; otherwise it is 'pending'.
 */
export function criterionLevel(c: Pick<CriterionPoints, 'points' | 'maxPoints' | 'complete'>): CriterionLevel {
	if (!c.complete) return 'pending';
	if (c.points <= 0) return 'zero';
	return c.points >= c.maxPoints ? 'max' : 'below';
}

export type CriterionRow = CriterionDef & {
	/** Communes with a score on this criterion (the base of the shares). */
	scored: number;
	zero: number;
	below: number;
	max: number;
	pending: number;
	/** Shares of `scored`, in percent (one decimal); null when no commune has a score. */
	zeroPercent: number | null;
	belowPercent: number | null;
	maxPercent: number | null;
};

/** An indicator most often unmet: how many communes with points on it are below its maximum, and at 0. */
export type UnmetIndicatorRow = IndicatorDef & {
	/** Communes with points on the indicator (the base of the shares). */
	scored: number;
	/** Below the maximum (those at 0 included). */
	below: number;
	zero: number;
	belowPercent: number | null;
	zeroPercent: number | null;
};

/** How many indicators the dashboard lists as most often unmet. */
export const UNMET_INDICATORS = 10;

/**
 * One pass over the communes' results: for each criterion of `defs` (in their order), how many
 * communes are at 0 points, below the maximum and at the maximum among those with a score on it,
 * and how many have none yet; and, for the indicators of `indicatorDefs`, the `limit` with the
 * most communes below the maximum (then the most at 0, then by code), among those with points.
 */
export function criteriaAndIndicators(
	defs: readonly CriterionDef[],
	indicatorDefs: readonly IndicatorDef[],
	communes: readonly (readonly CriterionPoints[])[],
	limit = UNMET_INDICATORS
): { criteria: CriterionRow[]; unmet: UnmetIndicatorRow[] } {
	const crit = new Map(defs.map((d) => [d.code, { zero: 0, below: 0, max: 0, pending: 0 }]));
	const ind = new Map(indicatorDefs.map((d) => [d.code, { scored: 0, below: 0, zero: 0 }]));
	for (const results of communes) {
		let seen = 0;
		for (const c of results) {
			const n = crit.get(c.code);
			if (n) {
				n[criterionLevel(c)]++;
				seen++;
			}
			for (const i of c.indicators ?? []) {
				const m = ind.get(i.code);
				if (!m || i.points === null) continue;
				m.scored++;
				if (i.points < i.maxPoints) m.below++;
				if (i.points <= 0) m.zero++;
			}
		}
		// a criterion missing from a commune's results has no score there
		if (seen < crit.size) {
			const mine = new Set(results.map((c) => c.code));
			for (const [code, n] of crit) if (!mine.has(code)) n.pending++;
		}
	}
	const criteria = defs.map((d) => {
		const n = crit.get(d.code)!;
		const scored = n.zero + n.below + n.max;
		return {
			...d,
			scored,
			...n,
			zeroPercent: percentOf(n.zero, scored),
			belowPercent: percentOf(n.below, scored),
			maxPercent: percentOf(n.max, scored)
		};
	});
	const unmet = indicatorDefs
		.map((d) => {
			const m = ind.get(d.code)!;
			return { ...d, ...m, belowPercent: percentOf(m.below, m.scored), zeroPercent: percentOf(m.zero, m.scored) };
		})
		.filter((r) => r.below > 0)
		.sort((a, b) => b.below - a.below || b.zero - a.zero || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
		.slice(0, limit);
	return { criteria, unmet };
}

/**
 * For each criterion of `defs` (in their order): how many communes are at 0 points, below the
 * maximum and at the maximum, among those with a score on it; and how many have none yet.
 */
export function criteriaBreakdown(defs: readonly CriterionDef[], communes: readonly (readonly CriterionPoints[])[]): CriterionRow[] {
	return criteriaAndIndicators(defs, [], communes).criteria;
}

/** The criteria that hold the most communes back: most at 0 points, then most below the maximum. */
export function mostHeldBack(rows: readonly CriterionRow[], limit = 3): CriterionRow[] {
	return [...rows]
		.filter((r) => r.zero + r.below > 0)
		.sort((a, b) => b.zero - a.zero || b.below - a.below || (a.code < b.code ? -1 : 1))
		.slice(0, limit);
}

/** One assessment of the round for the national table: its province, state and category. */
export type ProvinceAssessment = Pick<DashboardAssessment, 'state' | 'category'> & { provinceId: number | null };

/** One row of the national table: a province's communes in the round. */
export type ProvinceRow = {
	id: number;
	code: string;
	name: string;
	communes: number;
	/** Dossiers sent at least once (every state but 'draft'). */
	submitted: number;
	recognised: number;
	percent: number | null;
	/** The recognised share within each category (null without communes of it). */
	categories: Record<CommuneCategory, { communes: number; recognised: number; percent: number | null }>;
};

export const PROVINCE_SORTS = ['code', 'name', 'communes', 'submitted', 'recognised', 'percent', ...COMMUNE_CATEGORIES] as const;
export type ProvinceSortKey = (typeof PROVINCE_SORTS)[number];
export type ProvinceSort = { key: ProvinceSortKey; desc: boolean };
export const DEFAULT_PROVINCE_SORT: ProvinceSort = { key: 'code', desc: false };

/** Reads `?sort=` ("percent", "-percent" for descending); anything else gives the default (by code). */
export function parseProvinceSort(raw: string | null): ProvinceSort {
	const desc = raw?.startsWith('-') ?? false;
	const key = desc ? raw!.slice(1) : raw;
	return (PROVINCE_SORTS as readonly string[]).includes(key ?? '') ? { key: key as ProvinceSortKey, desc } : DEFAULT_PROVINCE_SORT;
}

/** The `?sort=` value of a sort. */
export const provinceSortParam = (s: ProvinceSort): string => `${s.desc ? '-' : ''}${s.key}`;

/** One row per province met in `rows` (those with communes in the round). */
export function provinceRows(
	rows: readonly ProvinceAssessment[],
	provinces: readonly { id: number; code: string; name: string }[]
): ProvinceRow[] {
	const by = new Map<number, ProvinceRow>();
	const known = new Map(provinces.map((p) => [p.id, p]));
	for (const r of rows) {
		// a commune not placed in a province (never expected) is still counted, in a row of its own
		const id = r.provinceId ?? 0;
		let row = by.get(id);
		if (!row) {
			const p = known.get(id) ?? { id, code: '', name: 'Chưa xác định tỉnh, thành phố' };
			row = {
				id: p.id,
				code: p.code,
				name: p.name,
				communes: 0,
				submitted: 0,
				recognised: 0,
				percent: null,
				categories: Object.fromEntries(
					COMMUNE_CATEGORIES.map((c) => [c, { communes: 0, recognised: 0, percent: null }])
				) as ProvinceRow['categories']
			};
			by.set(id, row);
		}
		const recognised = r.state === 'recognised' ? 1 : 0;
		row.communes++;
		if (r.state !== 'draft') row.submitted++;
		row.recognised += recognised;
		row.categories[r.category].communes++;
		row.categories[r.category].recognised += recognised;
	}
	for (const row of by.values()) {
		row.percent = percentOf(row.recognised, row.communes);
		for (const c of COMMUNE_CATEGORIES) row.categories[c].percent = percentOf(row.categories[c].recognised, row.categories[c].communes);
	}
	return sortProvinces([...by.values()], DEFAULT_PROVINCE_SORT);
}

const VI_COLLATOR = new Intl.Collator('vi');

/** The rows sorted by `sort` (shares missing last either way; ties by code). */
export function sortProvinces(rows: readonly ProvinceRow[], sort: ProvinceSort): ProvinceRow[] {
	const value = (r: ProvinceRow): number | string | null => {
		switch (sort.key) {
			case 'code':
				return r.code;
			case 'name':
				return r.name;
			case 'communes':
			case 'submitted':
			case 'recognised':
			case 'percent':
				return r[sort.key];
			default:
				return r.categories[sort.key].percent;
		}
	};
	const byCode = (a: ProvinceRow, b: ProvinceRow) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
	return [...rows].sort((a, b) => {
		const x = value(a);
		const y = value(b);
		if (x === null || y === null) return x === y ? byCode(a, b) : x === null ? 1 : -1;
		const c = typeof x === 'string' ? VI_COLLATOR.compare(x, y as string) : x - (y as number);
		return (sort.desc ? -c : c) || byCode(a, b);
	});
}

// built once: `toLocaleString` with options builds a formatter on every call (see dates.ts)
const VI_NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** Vietnamese number formatting for the dashboard and its charts (one decimal at most). */
export function viNumber(n: number): string {
	// whole numbers under 1,000 read the same in every locale: skip Intl (a dashboard formats hundreds)
	return Number.isInteger(n) && n > -1000 && n < 1000 ? String(n) : VI_NUMBER.format(n);
}

/** "12,5%" or "—" when there is no share. */
export function viPercent(n: number | null): string {
	return n === null ? '—' : `${viNumber(n)}%`;
}
