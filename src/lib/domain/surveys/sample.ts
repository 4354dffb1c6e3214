/**
 * A suggested minimum sample for a commune's satisfaction survey (issue 15).
 *
 * THIS IS A PRODUCT SUGGESTION, NOT A REGULATION: QĐ 06/QĐ-TTg and its guidance, as far as we
 * know them, fix no sample size. The suggestion follows Cochran's formula for a proportion at 95%
 * confidence (z = 1.96), the most cautious proportion p = 0.5 and a ±10 percentage point margin:
 *   n0 = z² · p(1 − p) / e² = 96.04,
 * with the finite-population correction n = n0 / (1 + (n0 − 1) / N) for a population of N,
 * rounded up, at least 30 (never more than the population itself).
 *
 * Children: N = the commune's children under 16 (the assessment's base counts, `under16`).
 * Residents: the commune's adult population is not among the base counts, so a fixed default.
 *
 * Pure: no I/O.
 */

export const SAMPLE_RULE = {
	z: 1.96,
	p: 0.5,
	margin: 0.1,
	minimum: 30,
	/** Suggested for residents (no population figure to correct with): n0 rounded up, plus a margin for spoiled forms. */
	residentsDefault: 100
} as const;

/** The rule in words, for the pages and the report. */
export const SAMPLE_RULE_TEXT =
	'Gợi ý của phần mềm (không phải quy định): công thức Cochran, độ tin cậy 95%, sai số ±10%, có hiệu chỉnh theo quy mô dân số; tối thiểu 30 phiếu.';

/** Cochran's n0 for the rule (96.04 with the defaults). */
export function cochranN0(rule: { z: number; p: number; margin: number } = SAMPLE_RULE): number {
	return (rule.z * rule.z * rule.p * (1 - rule.p)) / (rule.margin * rule.margin);
}

/**
 * The suggested minimum number of valid responses from a population of `population` (null or 0:
 * unknown, the uncorrected n0 rounded up).
 */
export function suggestedSample(population: number | null | undefined): number {
	const n0 = cochranN0();
	if (!population || population <= 0) return Math.max(SAMPLE_RULE.minimum, Math.ceil(n0 - 1e-9));
	const n = Math.ceil(n0 / (1 + (n0 - 1) / population) - 1e-9);
	return Math.min(population, Math.max(SAMPLE_RULE.minimum, n));
}

/** The suggestion for a campaign: children from the base counts' `under16`, residents the fixed default. */
export function suggestedSamples(baseCounts: { under16?: number | null } | null | undefined): { children: number; residents: number } {
	return { children: suggestedSample(baseCounts?.under16 ?? null), residents: SAMPLE_RULE.residentsDefault };
}
