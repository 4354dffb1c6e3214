/**
 * Honesty about provisional scales (shared/domain/qd06.md §5): every criterion and indicator
 * records whether it was checked against the gazetted text (`verified`). The UI shows
 * UNVERIFIED_NOTICE wherever scores from such items are displayed, and no recognition decision
 * may be issued under a set with unverified items until an administrator has confirmed the set.
 */
import type { Confirmation, CriteriaSet } from './schema.ts';

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
