import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { dossierStatus, transition, WorkflowError, today } from '#lib/server/assessments/workflow.ts';
import { can } from '#lib/domain/access.ts';
import { canSubmitOn, DOSSIER_DOCUMENTS, isCommuneEditable } from '#lib/domain/workflow.ts';
import { UNVERIFIED_NOTICE } from '#lib/domain/criteria/verification.ts';
import { latestCorrectionRequest } from '#lib/server/reviews/index.ts';
import { decisionOfAssessment } from '#lib/server/decisions/index.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { account, assessment } = await authorizeAssessment(event, db(), 'assessment.read', event.params.id);
	const status = await dossierStatus(db(), assessment);
	const documents = await db()
		.selectFrom('evidence')
		.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
		.where('assessment_id', '=', assessment.id)
		.where('removed_at', 'is', null)
		.groupBy('kind')
		.execute();
	const counts = Object.fromEntries(documents.map((d) => [d.kind, Number(d.n)]));
	const [request, decision] =
		assessment.state === 'draft'
			? [null, undefined]
			: await Promise.all([latestCorrectionRequest(db(), assessment.id), decisionOfAssessment(db(), assessment.id)]);
	const r = status.result;
	return {
		assessment,
		score: {
			total: r.total,
			maxTotal: r.maxTotal,
			threshold: r.threshold,
			verdict: r.verdict,
			reasons: r.reasons,
			unverified: r.unverified,
			criteria: r.criteria.map((c) => ({ code: c.code, points: c.points, maxPoints: c.maxPoints, complete: c.complete }))
		},
		criteriaTitles: Object.fromEntries(status.set.criteria.map((c) => [c.code, c.title])),
		missing: status.missing,
		documents: DOSSIER_DOCUMENTS.map((d) => ({ ...d, count: counts[d.kind] ?? 0 })),
		evidenceCount: counts.evidence ?? 0,
		editable: isCommuneEditable(assessment.state) && can(account.role, 'assessment.edit'),
		canSubmit: can(account.role, 'assessment.submit') && (assessment.state === 'draft' || assessment.state === 'returned'),
		withinDeadline: canSubmitOn(
			today(),
			{ opens_on: assessment.round.opensOn, closes_on: assessment.round.closesOn },
			assessment.reopenedUntil
		),
		unverifiedNotice: UNVERIFIED_NOTICE,
		request: assessment.state === 'returned' ? request : null,
		decision: decision ?? null,
		canOpenReview: can(account.role, 'review.read')
	};
};

export const actions: Actions = {
	submit: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'assessment.submit', event.params.id);
		const data = await event.request.formData().catch(() => null);
		const version = z.coerce.number().int().min(0).safeParse(data?.get('version'));
		if (!version.success) return fail(400, { message: 'Thiếu phiên bản hồ sơ; hãy tải lại trang.', missing: [] });
		try {
			await transition(
				db(),
				{ id: account.id, role: account.role, label: account.email },
				assessment.id,
				assessment.state === 'returned' ? 'resubmit' : 'submit',
				version.data
			);
		} catch (e) {
			if (e instanceof WorkflowError) return fail(e.status, { message: e.message, missing: e.missing });
			throw e;
		}
		return { done: 'Đã gửi hồ sơ lên cấp thẩm định. Hồ sơ đã được khóa.' };
	}
};
