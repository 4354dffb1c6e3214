/**
 * Everything the review page shows for one assessment, from its dossier: each criterion and
 * indicator with the commune's answer and points, the reviewer's points, status and reasons, the
 * evidence backing it, the comment thread and whether it changed since the previous submission;
 * the totals and verdicts (self and reviewed); the correction request, the changes and the
 * appraisal.
 */
import type { DB } from '../db/index.ts';
import type { Dossier } from '../dossier/index.ts';
import { VIEWABLE_TYPES } from '../../domain/evidence.ts';
import { VERDICT_LABELS } from '../../domain/scoring/index.ts';
import { changesSincePreviousSubmission } from '../assessments/submissions.ts';
import { latestCorrectionRequest, loadAppraisal, loadComments } from './index.ts';

export async function reviewWorkspace(db: DB, dossier: Dossier) {
	const a = dossier.assessment;
	const [comments, request, changes, appraisal] = await Promise.all([
		loadComments(db, a.id),
		latestCorrectionRequest(db, a.id),
		changesSincePreviousSubmission(db, a.id),
		loadAppraisal(db, a.id)
	]);
	const changed = new Set(changes?.diff.indicators ?? []);
	const byId = new Map(dossier.evidence.map((e) => [e.id, e]));
	const criteria = dossier.criteria.map((c) => ({
		code: c.code,
		title: c.title,
		maxPoints: c.maxPoints,
		selfPoints: c.selfPoints,
		reviewedPoints: c.reviewedPoints,
		indicators: c.indicators.map((i) => {
			const item = dossier.reviewItems.get(i.code) ?? null;
			return {
				code: i.code,
				title: i.title,
				measure: i.measure,
				maxPoints: i.maxPoints,
				verified: i.verified,
				answer: i.summary,
				source: i.source,
				selfPoints: i.selfPoints,
				reviewedPoints: i.reviewedPoints,
				item: item && {
					points: item.points,
					reason: item.reason,
					status: item.status,
					request: item.request,
					revision: item.revision,
					updatedBy: item.updatedBy
				},
				evidence: i.evidenceIds.map((id) => {
					const e = byId.get(id)!;
					return {
						id: e.id,
						code: e.code,
						name: e.originalName,
						mime: e.mime,
						size: e.size,
						viewable: VIEWABLE_TYPES.has(e.mime),
						summary: e.summary
					};
				}),
				comments: comments.filter((m) => m.indicatorCode === i.code),
				changed: changed.has(i.code)
			};
		})
	}));
	const { self, reviewed } = dossier;
	return {
		criteria,
		totals: {
			threshold: self.threshold,
			maxTotal: self.maxTotal,
			self: self.total,
			selfVerdict: VERDICT_LABELS[self.verdict],
			reviewed: reviewed.total,
			reviewedVerdict: VERDICT_LABELS[reviewed.verdict],
			reviewedPass: reviewed.verdict === 'pass',
			reasons: reviewed.reasons,
			unverified: reviewed.unverified
		},
		blockers: dossier.blockers,
		documents: dossier.evidence
			.filter((e) => e.kind !== 'evidence')
			.map((e) => ({ id: e.id, kind: e.kind, name: e.originalName, mime: e.mime, viewable: VIEWABLE_TYPES.has(e.mime) })),
		flagged: dossier.flagged,
		pending: criteria.reduce((n, c) => n + c.indicators.filter((i) => !i.item || i.item.status === 'pending').length, 0),
		request,
		changes,
		appraisal
	};
}
