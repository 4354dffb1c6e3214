/**
 * A dossier as the application understands it: from the answers (as read by
 * `readStoredAnswers`, or as typed in the browser), the evidence and the review items, the
 * self-assessed score, the reviewed score (the reviewer's points in place of the computed ones,
 * R10), what blocks submission and which indicators are flagged; and the per-criterion view that
 * the data-entry pages, the review page and the documents show. Every reader of a dossier gets
 * its facts from `assessDossier`, so they agree by construction. Pure and zod-free (it also runs
 * in the browser for the live score).
 */
import type { Indicator } from './criteria/schema.ts';
import type { CriteriaSet } from './criteria/schema.ts';
import { criteriaIndex } from './criteria/criteria-index.ts';
import type { CommuneCategory } from './units.ts';
import type { Answer, AnswersInput } from './scoring/answers.ts';
import { isRejected } from './scoring/answer-kinds.ts';
import { score, type IndicatorStatus, type ScoreResult, type Verdict } from './scoring/score.ts';
import { dossierBlockers, type Blocker, type BlockerKind, type EvidenceSummary } from './completeness.ts';

export type { Blocker, BlockerKind, BlockerTarget, EvidenceSummary } from './completeness.ts';

/** Who saved a value (null: unknown, e.g. never saved). */
export type Saver = { id: number | null; name: string } | null;

/** A stored value with its revision (0 = never saved) and who saved it when (ISO 8601). */
export type Stored<T> = { value: T | null; revision: number; updatedAt: string | null; updatedBy: Saver };

/** What the scoring of a dossier needs of one review item (see review.ts for the whole item). */
export type ReviewMark = { indicatorCode: string; points: number | null; status: 'pending' | 'accepted' | 'needs_supplement' };

export type DossierInput = {
	set: CriteriaSet;
	category: CommuneCategory;
	/** Answers as read (see `readStoredAnswers`): parsed, rejected ones marked, unanswered left out. */
	answers: AnswersInput;
	/** The documents of the dossier that are not removed. */
	evidence: readonly EvidenceSummary[];
	/** The reviewing level's items (none before the review). */
	reviewItems?: readonly ReviewMark[];
};

/** What is stored on the assessment's row (kept in every save's transaction) for boards and reports. */
export type DossierFigures = {
	selfTotal: number;
	selfVerdict: Verdict;
	reviewedTotal: number;
	reviewedVerdict: Verdict;
	/** How many blockers stand between the dossier and its submission. */
	blockers: number;
};

export type DossierFacts = {
	self: ScoreResult;
	/** Equal to `self` while the reviewing level has changed no points. */
	reviewed: ScoreResult;
	blockers: Blocker[];
	/** Indicators the reviewing level flagged "needs supplement", in the set's order. */
	flagged: string[];
	figures: DossierFigures;
};

/** The reviewer's points where set, for the scoring engine (R10). */
export function reviewedPoints(items: Iterable<Pick<ReviewMark, 'indicatorCode' | 'points'>>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of items) if (i.points !== null) out[i.indicatorCode] = i.points;
	return out;
}

/** Indicators flagged for a supplement. */
export function flaggedCodes(items: Iterable<Pick<ReviewMark, 'indicatorCode' | 'status'>>): Set<string> {
	const out = new Set<string>();
	for (const i of items) if (i.status === 'needs_supplement') out.add(i.indicatorCode);
	return out;
}

export function assessDossier(input: DossierInput): DossierFacts {
	const items = input.reviewItems ?? [];
	const self = score(input.set, input.category, input.answers);
	const overrides = reviewedPoints(items);
	const reviewed = Object.keys(overrides).length ? score(input.set, input.category, input.answers, overrides) : self;
	const blockers = dossierBlockers(input.set, input.answers, self, input.evidence);
	const flagged = criteriaIndex(input.set).sortCodes(flaggedCodes(items));
	return {
		self,
		reviewed,
		blockers,
		flagged,
		figures: {
			selfTotal: self.total,
			selfVerdict: self.verdict,
			reviewedTotal: reviewed.total,
			reviewedVerdict: reviewed.verdict,
			blockers: blockers.length
		}
	};
}

// ---------------------------------------------------------------------------------------------
// The per-criterion view
// ---------------------------------------------------------------------------------------------

export type IndicatorView = {
	code: string;
	title: string;
	measure: string;
	maxPoints: number;
	verified: boolean;
	status: IndicatorStatus;
	/** Why unanswered or invalid (engine's reason), else null. */
	reason: string | null;
	/** The answer, or null when unanswered or invalid. */
	answer: Answer | null;
	/** One line describing the answer ("198/200 (99%)", "Có"…). */
	summary: string;
	/** Source and period cited ("Trạm y tế · Năm 2026"), or null. */
	source: string | null;
	selfPoints: number | null;
	reviewedPoints: number | null;
	/** The evidence documents linked to the indicator (ids, in upload order). */
	evidenceIds: number[];
	/** Kinds of the dossier's blockers that concern this indicator. */
	blockers: BlockerKind[];
};

export type CriterionView = {
	code: string;
	title: string;
	maxPoints: number;
	verified: boolean;
	selfPoints: number;
	reviewedPoints: number;
	complete: boolean;
	met: boolean | null;
	indicators: IndicatorView[];
};

/** The criteria of a dossier with, for each indicator, the answer, the self and reviewed points, its evidence and its blockers. */
export function dossierCriteria(
	set: CriteriaSet,
	facts: DossierFacts,
	evidence: readonly (EvidenceSummary & { id: number })[]
): CriterionView[] {
	const byIndicator = new Map<string, number[]>();
	for (const e of evidence) {
		if (e.kind !== 'evidence') continue;
		for (const code of e.indicatorCodes) byIndicator.set(code, [...(byIndicator.get(code) ?? []), e.id]);
	}
	const blockersOf = new Map<string, BlockerKind[]>();
	for (const b of facts.blockers) if (b.kind !== 'document') blockersOf.set(b.code, [...(blockersOf.get(b.code) ?? []), b.kind]);
	return set.criteria.map((c, ci) => {
		const self = facts.self.criteria[ci];
		const rev = facts.reviewed.criteria[ci];
		return {
			code: c.code,
			title: c.title,
			maxPoints: c.maxPoints,
			verified: self.verified,
			selfPoints: self.points,
			reviewedPoints: rev.points,
			complete: self.complete,
			met: self.met,
			indicators: c.indicators.map((i, ii) => {
				const s = self.indicators[ii];
				const answer = s.answer;
				return {
					code: i.code,
					title: i.title,
					measure: i.measure,
					maxPoints: i.maxPoints,
					verified: i.verified,
					status: s.status,
					reason: s.status === 'answered' ? null : s.reason,
					answer,
					summary: s.status === 'invalid' && !answer ? 'Số liệu không hợp lệ' : answerSummary(i, answer, s.valueDisplay),
					source: answerSource(answer),
					selfPoints: s.points,
					reviewedPoints: rev.indicators[ii].points,
					evidenceIds: byIndicator.get(i.code) ?? [],
					blockers: blockersOf.get(i.code) ?? []
				};
			})
		};
	});
}

/** One line describing an answer, in Vietnamese, e.g. "198/200 (99%)", "Có", "Mức 2: …". */
export function answerSummary(indicator: Indicator, answer: unknown, valueDisplay: string | null): string {
	if (answer === null || answer === undefined || typeof answer !== 'object') return 'Chưa nhập';
	if (isRejected(answer)) return 'Số liệu không hợp lệ';
	const a = answer as Record<string, unknown>;
	switch (indicator.kind) {
		case 'check':
			return a.value === true ? 'Có' : 'Không';
		case 'rate':
			return `${a.numerator}/${a.denominator}${valueDisplay ? ` (${valueDisplay})` : ''}`;
		case 'incidence':
			return `${a.count} trường hợp / ${a.population} trẻ em${valueDisplay ? ` (${valueDisplay})` : ''}`;
		case 'survey':
			return valueDisplay ?? `${a.percent}%`;
		case 'level': {
			const level = indicator.levels.find((l) => l.code === a.level);
			return level ? level.label : String(a.level);
		}
		case 'manual':
			return `${a.points} điểm: ${a.justification}`;
	}
}

/** The source and period the commune cited for a figure, e.g. "Trạm y tế · Năm 2026". */
export function answerSource(answer: unknown): string | null {
	if (answer === null || typeof answer !== 'object') return null;
	const a = answer as { source?: unknown; period?: unknown };
	const parts = [a.source, a.period].filter((x): x is string => typeof x === 'string' && x !== '');
	return parts.length ? parts.join(' · ') : null;
}
