import { z } from 'zod';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { allowedOn, authorizeAssessment, authorizeDossier } from '#lib/server/auth/guard.ts';
import { placeOf } from '#lib/server/dossier/index.ts';
import { today, transition } from '#lib/server/assessments/workflow.ts';
import { latestCorrectionRequest } from '#lib/server/reviews/index.ts';
import { decisionOfAssessment } from '#lib/server/decisions/index.ts';
import { certificateOfAssessment } from '#lib/server/certificates/index.ts';
import { invalid } from '#lib/server/errors.ts';
import { can } from '#lib/domain/access.ts';
import { canSubmitOn, DOSSIER_DOCUMENTS, isCommuneEditable } from '#lib/domain/workflow.ts';
import { UNVERIFIED_NOTICE } from '#lib/domain/criteria/verification.ts';
import type { Blocker } from '#lib/domain/dossier.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment, dossier } = await authorizeDossier(db(), actor, 'assessment.read', event.params.id);
		const [request, decision] =
			assessment.state === 'draft'
				? [null, undefined]
				: await Promise.all([latestCorrectionRequest(db(), assessment.id), decisionOfAssessment(db(), assessment.id)]);
		const certificate = decision?.outcome === 'recognise' ? await certificateOfAssessment(db(), assessment.id) : undefined;
		const r = dossier.self;
		const count = (kind: string) => dossier.evidence.filter((e) => e.kind === kind).length;
		return {
			assessment,
			score: {
				total: r.total,
				maxTotal: r.maxTotal,
				threshold: r.threshold,
				verdict: r.verdict,
				reasons: r.reasons,
				unverified: r.unverified,
				criteria: r.criteria.map((c) => ({ code: c.code, title: c.title, points: c.points, maxPoints: c.maxPoints, complete: c.complete }))
			},
			blockers: dossier.blockers,
			documents: DOSSIER_DOCUMENTS.map((d) => ({ ...d, count: count(d.kind) })),
			evidenceCount: count('evidence'),
			// province and ministry officers read the dossier but not its files (evidence.read)
			canOpenEvidence: allowedOn(a, 'evidence.read', placeOf(assessment)),
			editable: isCommuneEditable(assessment.state) && allowedOn(a, 'assessment.edit', placeOf(assessment)),
			canSubmit: can(a.role, 'assessment.submit') && (assessment.state === 'draft' || assessment.state === 'returned'),
			withinDeadline: canSubmitOn(
				today(),
				{ opens_on: assessment.round.opensOn, closes_on: assessment.round.closesOn },
				assessment.reopenedUntil
			),
			unverifiedNotice: UNVERIFIED_NOTICE,
			request: assessment.state === 'returned' ? request : null,
			decision: decision ?? null,
			// the commune's results: its decision, its certificate and the certificate's public check
			certificate: certificate ? { serial: certificate.serial, code: certificate.code, revoked: certificate.revocation_id !== null } : null,
			canOpenReview: can(a.role, 'review.read')
		};
	});

export const actions: Actions = {
	submit: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.submit', event.params.id);
			const data = await readForm(event.request);
			const version = z.coerce.number().int().min(0).safeParse(data?.get('version'));
			if (!version.success) throw invalid('Thiếu phiên bản hồ sơ; hãy tải lại trang.');
			try {
				await transition(db(), a, assessment.id, assessment.state === 'returned' ? 'resubmit' : 'submit', version.data);
			} catch (e) {
				// a refused submission lists what blocks it (details.blockers)
				return refusal(e, {} as { blockers?: Blocker[] });
			}
			return { done: 'Đã gửi hồ sơ lên cấp thẩm định. Hồ sơ đã được khóa.' };
		})
};
