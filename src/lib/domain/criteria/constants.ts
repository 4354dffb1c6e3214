/**
 * Constants of the criteria-set model that the browser needs too (live scoring, data entry).
 * Kept free of zod so that pages importing the scoring engine stay small; `schema.ts`
 * re-exports everything here.
 */

// Limits shared with the scoring engine (they keep every exact comparison within 2^53).

/** Largest count (children, cases, numerator, denominator) accepted anywhere. */
export const MAX_COUNT = 10_000_000;
/** Largest `per` of an incidence indicator (tỷ suất trên … trẻ em). */
export const MAX_PER = 1_000_000;

export const INDICATOR_KINDS = ['check', 'rate', 'incidence', 'level', 'survey', 'manual'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

export const INDICATOR_KIND_LABELS: Record<IndicatorKind, string> = {
	check: 'Có/Không',
	rate: 'Tỷ lệ (%)',
	incidence: 'Tỷ suất (thấp hơn là tốt hơn)',
	level: 'Mức độ',
	survey: 'Khảo sát mức độ hài lòng (%)',
	manual: 'Chấm điểm trực tiếp (có giải trình)'
};

/** Separator of the human-readable location of an error: "TC07 › TC07.1 › bands[1].points". */
export const LOCATION_SEPARATOR = ' › ';

/**
 * The recurring child populations of a commune (qd06.md §6), entered once per assessment and
 * reused: children under 1, under 5 and under 16 living in the commune. A rate or incidence
 * indicator names the one its denominator (population) is, in `baseCount`.
 */
export const BASE_COUNT_KEYS = ['under1', 'under5', 'under16'] as const;
export type BaseCountKey = (typeof BASE_COUNT_KEYS)[number];
