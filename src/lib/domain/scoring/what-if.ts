/**
 * What-if: re-score with some answers changed and report both results and the difference.
 * Pure and deterministic.
 */
import type { CommuneCategory } from '../units.ts';
import type { CriteriaSet } from '../criteria/schema.ts';
import type { Answer, AnswersInput, RejectedAnswer } from './answers.ts';
import { score } from './score.ts';
import type { IndicatorStatus, ScoreResult, Verdict } from './score.ts';

/** Changed answers by indicator code; `null` removes an answer (back to "not answered"). */
export type AnswerChanges = Readonly<Record<string, Answer | null>>;

export interface PointsDelta {
	code: string;
	before: number | null;
	after: number | null;
	/** after − before, with null counted as 0. */
	delta: number;
}

export interface IndicatorDelta extends PointsDelta {
	statusBefore: IndicatorStatus;
	statusAfter: IndicatorStatus;
}

export interface WhatIfResult {
	before: ScoreResult;
	after: ScoreResult;
	delta: {
		total: number;
		verdictBefore: Verdict;
		verdictAfter: Verdict;
		verdictChanged: boolean;
		/** Criteria whose points, met or zero changed. */
		criteria: PointsDelta[];
		/** Indicators whose points or status changed. */
		indicators: IndicatorDelta[];
	};
}

/** Applies changes to answers (returns a new object; `null` deletes). */
export function applyAnswerChanges(answers: AnswersInput, changes: AnswerChanges): Record<string, Answer | RejectedAnswer> {
	const out: Record<string, Answer | RejectedAnswer> = {};
	for (const [code, a] of Object.entries(answers)) if (a !== null && a !== undefined) out[code] = a;
	for (const [code, a] of Object.entries(changes)) {
		if (a === null) delete out[code];
		else out[code] = a;
	}
	return out;
}

export function whatIf(set: CriteriaSet, category: CommuneCategory, answers: AnswersInput, changes: AnswerChanges): WhatIfResult {
	const before = score(set, category, answers);
	const after = score(set, category, applyAnswerChanges(answers, changes));
	const criteria: PointsDelta[] = [];
	const indicators: IndicatorDelta[] = [];
	before.criteria.forEach((cb, ci) => {
		const ca = after.criteria[ci];
		if (cb.points !== ca.points || cb.met !== ca.met || cb.zero !== ca.zero) {
			criteria.push({ code: cb.code, before: cb.points, after: ca.points, delta: ca.points - cb.points });
		}
		cb.indicators.forEach((ib, ii) => {
			const ia = ca.indicators[ii];
			if (ib.points !== ia.points || ib.status !== ia.status) {
				indicators.push({
					code: ib.code,
					before: ib.points,
					after: ia.points,
					delta: (ia.points ?? 0) - (ib.points ?? 0),
					statusBefore: ib.status,
					statusAfter: ia.status
				});
			}
		});
	});
	return {
		before,
		after,
		delta: {
			total: after.total - before.total,
			verdictBefore: before.verdict,
			verdictAfter: after.verdict,
			verdictChanged: before.verdict !== after.verdict,
			criteria,
			indicators
		}
	};
}
