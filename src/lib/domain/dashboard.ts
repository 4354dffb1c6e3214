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
/** One commune's result on one criterion, as the scoring engine gives it. */
export type CriterionPoints = { code: string; points: number; maxPoints: number; complete: boolean };

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

/**
 * For each criterion of `defs` (in their order): how many communes are at 0 points, below the
 * maximum and at the maximum, among those with a score on it; and how many have none yet.
 */
export function criteriaBreakdown(defs: readonly CriterionDef[], communes: readonly (readonly CriterionPoints[])[]): CriterionRow[] {
	return defs.map((d) => {
		const n = { zero: 0, below: 0, max: 0, pending: 0 };
		for (const results of communes) {
			const c = results.find((r) => r.code === d.code);
			n[c ? criterionLevel(c) : 'pending']++;
		}
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
}

/** The criteria that hold the most communes back: most at 0 points, then most below the maximum. */
export function mostHeldBack(rows: readonly CriterionRow[], limit = 3): CriterionRow[] {
	return [...rows]
		.filter((r) => r.zero + r.below > 0)
		.sort((a, b) => b.zero - a.zero || b.below - a.below || (a.code < b.code ? -1 : 1))
		.slice(0, limit);
}

// built once: `toLocaleString` with options builds a formatter on every call (see dates.ts)
const VI_NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** Vietnamese number formatting for the dashboard and its charts (one decimal at most). */
export function viNumber(n: number): string {
	return VI_NUMBER.format(n);
}

/** "12,5%" or "—" when there is no share. */
export function viPercent(n: number | null): string {
	return n === null ? '—' : `${viNumber(n)}%`;
}
