/**
 * Everything the review page shows for one assessment: each criterion and indicator with the
 * commune's answer and points, the reviewer's points, status and reasons, the evidence backing
 * it, the comment thread and whether it changed since the previous submission; the totals and
 * verdicts (self and reviewed, by the scoring engine); the correction request, the changes and
 * the appraisal.
 */
import type { DB } from '../db/index.ts';
import type { AssessmentInfo } from '../assessments/index.ts';
import { dossierStatus } from '../assessments/workflow.ts';
import { listEvidence, VIEWABLE_TYPES } from '../evidence/index.ts';
import { answerSource, answerSummary } from '../../domain/review.ts';
import { VERDICT_LABELS } from '../../domain/scoring/index.ts';
import { latestCorrectionRequest, loadAppraisal, loadComments, loadReviewItems, reviewedScore } from './index.ts';
import { changesSincePreviousSubmission } from './submissions.ts';

export async function reviewWorkspace(db: DB, a: AssessmentInfo) {
	const status = await dossierStatus(db, a);
	const [items, evidence, comments, request, changes, appraisal] = await Promise.all([
		loadReviewItems(db, a.id),
		listEvidence(db, a.id, status.set),
		loadComments(db, a.id),
		latestCorrectionRequest(db, a.id),
		changesSincePreviousSubmission(db, a.id),
		loadAppraisal(db, a.id)
	]);
	const reviewed = reviewedScore(status, a.category, items.values());
	const changed = new Set(changes?.diff.indicators ?? []);
	const docs = (code: string) =>
		evidence
			.filter((e) => e.indicatorCodes.includes(code))
			.map((e) => ({
				id: e.id,
				code: e.code,
				name: e.originalName,
				mime: e.mime,
				size: e.size,
				viewable: VIEWABLE_TYPES.has(e.mime),
				summary: e.summary
			}));
	const criteria = status.set.criteria.map((c) => {
		const self = status.result.criteria.find((r) => r.code === c.code)!;
		const rev = reviewed.criteria.find((r) => r.code === c.code)!;
		return {
			code: c.code,
			title: c.title,
			maxPoints: c.maxPoints,
			selfPoints: self.points,
			reviewedPoints: rev.points,
			indicators: c.indicators.map((i) => {
				const s = self.indicators.find((r) => r.code === i.code)!;
				const item = items.get(i.code) ?? null;
				return {
					code: i.code,
					title: i.title,
					measure: i.measure,
					maxPoints: i.maxPoints,
					verified: i.verified,
					answer: answerSummary(i, s.answer, s.valueDisplay),
					source: answerSource(s.answer),
					selfPoints: s.points,
					reviewedPoints: rev.indicators.find((r) => r.code === i.code)!.points,
					item: item && {
						points: item.points,
						reason: item.reason,
						status: item.status,
						request: item.request,
						revision: item.revision,
						updatedBy: item.updatedBy
					},
					evidence: docs(i.code),
					comments: comments.filter((m) => m.indicatorCode === i.code),
					changed: changed.has(i.code)
				};
			})
		};
	});
	const label = (v: string) => VERDICT_LABELS[v as keyof typeof VERDICT_LABELS] ?? v;
	return {
		criteria,
		totals: {
			threshold: status.result.threshold,
			maxTotal: status.result.maxTotal,
			self: status.result.total,
			selfVerdict: label(status.result.verdict),
			reviewed: reviewed.total,
			reviewedVerdict: label(reviewed.verdict),
			reviewedPass: reviewed.verdict === 'pass',
			reasons: reviewed.reasons,
			unverified: reviewed.unverified
		},
		documents: evidence
			.filter((e) => e.kind !== 'evidence')
			.map((e) => ({ id: e.id, kind: e.kind, name: e.originalName, mime: e.mime, viewable: VIEWABLE_TYPES.has(e.mime) })),
		flagged: [...items.values()].filter((i) => i.status === 'needs_supplement').map((i) => i.indicatorCode),
		pending:
			[...items.values()].filter((i) => i.status === 'pending').length +
			criteria.reduce((n, c) => n + c.indicators.filter((i) => !i.item).length, 0),
		request,
		changes,
		appraisal
	};
}
