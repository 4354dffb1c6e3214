/**
 * Honesty about provisional scales (shared/domain/qd06.md §5): every criterion and indicator
 * records whether it was checked against the gazetted text (`verified`). The UI shows
 * UNVERIFIED_NOTICE wherever scores from such items are displayed, and no recognition decision
 * may be issued under a set with unverified items until an administrator has confirmed the set.
 */
import type { Confirmation, CriteriaSet, Criterion, Indicator } from './schema.ts';
import { canonicalJson } from '../canonical-json.ts';

/** UI warning shown next to any score computed with an unverified scale. */
export const UNVERIFIED_NOTICE = 'Thang điểm chưa được đối chiếu với văn bản gốc';

type SetLike = Pick<CriteriaSet, 'criteria'>;

/** Codes of the criteria and indicators not yet checked against the gazetted text, in set order. */
export function listUnverifiedItems(set: SetLike): string[] {
	const codes: string[] = [];
	for (const criterion of set.criteria) {
		if (!criterion.verified) codes.push(criterion.code);
		for (const indicator of criterion.indicators) {
			if (!indicator.verified) codes.push(indicator.code);
		}
	}
	return codes;
}

/** Whether any criterion or indicator of the set is unverified. */
export function hasUnverifiedItems(set: SetLike): boolean {
	for (const criterion of set.criteria) {
		if (!criterion.verified) return true;
		for (const indicator of criterion.indicators) {
			if (!indicator.verified) return true;
		}
	}
	return false;
}

/**
 * Whether recognition decisions (and certificates) may be issued under this set: either every
 * item is verified, or an administrator has confirmed the set (who and when are recorded).
 * `confirmation` is the one stored with the set (in the database it lives beside the set).
 */
export function canIssueDecisions(set: SetLike, confirmation: Confirmation | null | undefined): boolean {
	return !hasUnverifiedItems(set) || (confirmation !== null && confirmation !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Four eyes (issue 14)
// ---------------------------------------------------------------------------------------------

/** An item's content, without its own `verified` flag (and, for a criterion, without its indicators). */
function itemContent(item: Criterion | Indicator): string {
	const { verified: _verified, ...rest } = item as Criterion & Indicator;
	if ('indicators' in rest) delete (rest as Partial<Criterion>).indicators;
	return canonicalJson(rest);
}

/** Every item of a set by code: criteria and indicators. */
function itemsByCode(set: SetLike): Map<string, Criterion | Indicator> {
	const m = new Map<string, Criterion | Indicator>();
	for (const c of set.criteria) {
		m.set(c.code, c);
		for (const i of c.indicators) m.set(i.code, i);
	}
	return m;
}

/**
 * What an administrator's file or draft may say about verification. An item said to be checked
 * against the gazetted text (`verified: true`) stays verified only when the version it is
 * compared with already had it verified with the same content; every other such claim waits for
 * a second administrator's confirmation (`awaiting`), and the set is stored with those items
 * unverified (`stored`). The deployment's own files (shipped sets, the command line) are not
 * passed through here.
 */
export function withFourEyes(input: CriteriaSet, base: SetLike | null): { stored: CriteriaSet; awaiting: string[] } {
	const before = base ? itemsByCode(base) : new Map<string, Criterion | Indicator>();
	const awaiting: string[] = [];
	const keep = (item: Criterion | Indicator): boolean => {
		if (!item.verified) return false;
		const prior = before.get(item.code);
		if (prior?.verified && itemContent(prior) === itemContent(item)) return true;
		awaiting.push(item.code);
		return false;
	};
	const stored: CriteriaSet = {
		...input,
		criteria: input.criteria.map((c) => ({
			...c,
			verified: keep(c),
			indicators: c.indicators.map((i) => ({ ...i, verified: keep(i) }))
		}))
	};
	return { stored, awaiting };
}

/** The set with the given items marked verified (a second administrator confirmed them). */
export function markVerified(set: CriteriaSet, codes: ReadonlySet<string>): CriteriaSet {
	return {
		...set,
		criteria: set.criteria.map((c) => ({
			...c,
			verified: c.verified || codes.has(c.code),
			indicators: c.indicators.map((i) => ({ ...i, verified: i.verified || codes.has(i.code) }))
		}))
	};
}

/** The codes of the items whose content differs between two versions (or exist only in `after`). */
export function changedItems(before: SetLike, after: SetLike): string[] {
	const prior = itemsByCode(before);
	const out: string[] = [];
	for (const [code, item] of itemsByCode(after)) {
		const p = prior.get(code);
		if (!p || itemContent(p) !== itemContent(item)) out.push(code);
	}
	return out;
}
