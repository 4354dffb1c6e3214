/**
 * Impact of a draft criteria set before it is activated: the stored answers of a round's
 * assessments scored twice, under the set each assessment was scored against ("before") and under
 * the draft ("after"), with the same reading of stored answers as the dossier read model
 * (`readStoredAnswers`: one definition of answered, unanswered and invalid). Indicators the draft
 * no longer has are gone (their answers are ignored); indicators new in the draft are unanswered.
 * Scores are self-assessed (computed from the commune's answers; the reviewing level's points are
 * not carried over, since they belong to indicators of the old set). Pure: nothing is written.
 */
import type { CriteriaSet } from './schema.ts';
import type { CommuneCategory } from '../units.ts';
import { readStoredAnswers } from '../scoring/answers.ts';
import { score, type ScoreResult, type Verdict } from '../scoring/score.ts';

/** One assessment as the preview needs it. */
export type ImpactSubject = {
	assessmentId: number;
	communeCode: string;
	communeName: string;
	category: CommuneCategory;
	/** The set the assessment was scored against (its version). */
	set: CriteriaSet;
	/** The answers as stored, by indicator code (cleared ones null). */
	stored: Readonly<Record<string, unknown>>;
};

export type ImpactRow = {
	assessmentId: number;
	communeCode: string;
	communeName: string;
	category: CommuneCategory;
	/** `code@version` of the set the assessment was scored against. */
	fromSet: string;
	before: { total: number; verdict: Verdict; threshold: number };
	after: { total: number; verdict: Verdict; threshold: number };
	/** after.total − before.total */
	difference: number;
	verdictChanged: boolean;
};

export type CriterionImpact = {
	code: string;
	title: string;
	/** Present in the draft (false: the draft removed it, every commune loses its points). */
	inDraft: boolean;
	/** Sum over the round's assessments of (points under the draft − points before). */
	sum: number;
	/** `sum` divided by the number of assessments (0 when there are none). */
	average: number;
	/** Assessments whose points for this criterion change. */
	affected: number;
};

export type ImpactReport = {
	assessments: number;
	/** Every assessment, in the order given. */
	rows: ImpactRow[];
	/** The rows whose verdict changes. */
	changed: ImpactRow[];
	/** Assessments whose total changes. */
	totalsChanged: number;
	/** Criteria of the draft in its order, then those only the earlier sets have. */
	criteria: CriterionImpact[];
	passBefore: number;
	passAfter: number;
};

const criterionPoints = (r: ScoreResult): Map<string, number> => new Map(r.criteria.map((c) => [c.code, c.points]));

/** Scores every subject under its own set and under `draft` and compares. */
export function compareUnderDraft(draft: CriteriaSet, subjects: readonly ImpactSubject[]): ImpactReport {
	const rows: ImpactRow[] = [];
	const sums = new Map<string, { title: string; inDraft: boolean; sum: number; affected: number }>();
	for (const c of draft.criteria) sums.set(c.code, { title: c.title, inDraft: true, sum: 0, affected: 0 });
	let passBefore = 0;
	let passAfter = 0;
	let totalsChanged = 0;
	for (const s of subjects) {
		const before = score(s.set, s.category, readStoredAnswers(s.set, s.stored));
		const after = score(draft, s.category, readStoredAnswers(draft, s.stored));
		const b = criterionPoints(before);
		const a = criterionPoints(after);
		for (const c of s.set.criteria) if (!sums.has(c.code)) sums.set(c.code, { title: c.title, inDraft: false, sum: 0, affected: 0 });
		for (const [code, entry] of sums) {
			const d = (a.get(code) ?? 0) - (b.get(code) ?? 0);
			entry.sum += d;
			if (d !== 0) entry.affected++;
		}
		if (before.verdict === 'pass') passBefore++;
		if (after.verdict === 'pass') passAfter++;
		if (after.total !== before.total) totalsChanged++;
		rows.push({
			assessmentId: s.assessmentId,
			communeCode: s.communeCode,
			communeName: s.communeName,
			category: s.category,
			fromSet: `${s.set.code}@${s.set.version}`,
			before: { total: before.total, verdict: before.verdict, threshold: before.threshold },
			after: { total: after.total, verdict: after.verdict, threshold: after.threshold },
			difference: after.total - before.total,
			verdictChanged: after.verdict !== before.verdict
		});
	}
	const n = subjects.length;
	return {
		assessments: n,
		rows,
		changed: rows.filter((r) => r.verdictChanged),
		totalsChanged,
		criteria: [...sums].map(([code, e]) => ({
			code,
			title: e.title,
			inDraft: e.inDraft,
			sum: e.sum,
			average: n === 0 ? 0 : Math.round((e.sum / n) * 100) / 100,
			affected: e.affected
		})),
		passBefore,
		passAfter
	};
}

/** The per-commune rows as a table with Vietnamese headers (for the CSV download). */
export const IMPACT_CSV_HEADER = [
	'Mã xã',
	'Tên xã',
	'Bộ tiêu chí đã chấm',
	'Tổng điểm trước',
	'Kết quả trước',
	'Tổng điểm theo dự thảo',
	'Kết quả theo dự thảo',
	'Chênh lệch',
	'Kết quả thay đổi'
];

export function impactCsvRows(rows: readonly ImpactRow[], verdictLabel: (v: Verdict) => string): (string | number)[][] {
	return rows.map((r) => [
		r.communeCode,
		r.communeName,
		r.fromSet,
		r.before.total,
		verdictLabel(r.before.verdict),
		r.after.total,
		verdictLabel(r.after.verdict),
		r.difference,
		r.verdictChanged ? 'Có' : 'Không'
	]);
}
