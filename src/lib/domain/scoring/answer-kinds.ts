/**
 * Which kind of answer an object is, by its identifying fields. Zod-free so that the scoring
 * engine can run in the browser without the validation code; `answers.ts` re-exports it.
 */
import type { IndicatorKind } from '../criteria/constants.ts';

/** The fields that identify each kind of answer. */
export const ANSWER_FIELDS: Record<IndicatorKind, readonly string[]> = {
	check: ['value'],
	rate: ['numerator', 'denominator'],
	incidence: ['count', 'population'],
	level: ['level'],
	survey: ['percent'],
	manual: ['points', 'justification']
};

/** Which kind an answer object looks like (by its identifying fields), or null. */
export function answerKindOf(answer: unknown): IndicatorKind | null {
	if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return null;
	const a = answer as Record<string, unknown>;
	if ('value' in a) return 'check';
	if ('numerator' in a || 'denominator' in a) return 'rate';
	if ('count' in a || 'population' in a) return 'incidence';
	if ('level' in a) return 'level';
	if ('percent' in a) return 'survey';
	if ('points' in a || 'justification' in a) return 'manual';
	return null;
}

/**
 * A stored answer that no longer passes `parseAnswers` (see `readStoredAnswers`): kept with the
 * reason, so that the scoring engine reports the indicator as invalid rather than unanswered.
 */
export type RejectedAnswer = { readonly rejected: string };

export function isRejected(a: unknown): a is RejectedAnswer {
	return a !== null && typeof a === 'object' && typeof (a as { rejected?: unknown }).rejected === 'string' && Object.keys(a).length === 1;
}
