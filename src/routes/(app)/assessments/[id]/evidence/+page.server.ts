import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { allowedOn, authorizeAssessment, authorizeDossier } from '#lib/server/auth/guard.ts';
import { assessmentCriteriaSet, placeOf } from '#lib/server/dossier/index.ts';
import { ACCEPT_EXTENSIONS, linkIndicator, removeEvidence, unlinkIndicator } from '#lib/server/evidence/index.ts';
import { invalid } from '#lib/server/errors.ts';
import { EVIDENCE_KIND_LABELS } from '#lib/domain/evidence.ts';
import { DOSSIER_DOCUMENTS, isCommuneEditable, STATE_LABELS } from '#lib/domain/workflow.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment, dossier } = await authorizeDossier(db(), actor, 'evidence.read', event.params.id);
		const items = dossier.evidence;
		const mayUpload = allowedOn(a, 'evidence.upload', placeOf(assessment));
		const editable = isCommuneEditable(assessment.state);
		const wanted = (event.url.searchParams.get('indicator') ?? '').trim().toUpperCase();
		const kind = event.url.searchParams.get('kind');
		// a returned dossier may change only the indicators the reviewer flagged: offered up front
		const flagged = assessment.state === 'returned' ? new Set(dossier.flagged) : null;
		const offered = (code: string) => flagged === null || flagged.has(code);
		return {
			assessment: {
				id: assessment.id,
				state: assessment.state,
				stateLabel: STATE_LABELS[assessment.state],
				commune: assessment.commune.name,
				round: assessment.round.name
			},
			items,
			blockers: dossier.blockers.filter((b) => b.target.page === 'evidence'),
			kindLabels: EVIDENCE_KIND_LABELS,
			dossierDocuments: DOSSIER_DOCUMENTS.map((d) => ({ ...d, present: items.some((i) => i.kind === d.kind) })),
			criteria: dossier.set.criteria
				.map((c) => ({
					code: c.code,
					title: c.title,
					indicators: c.indicators.filter((i) => offered(i.code)).map((i) => ({ code: i.code, title: i.title }))
				}))
				.filter((c) => c.indicators.length > 0),
			allCriteria: dossier.set.criteria.map((c) => ({
				code: c.code,
				title: c.title,
				indicators: c.indicators.map((i) => ({ code: i.code, title: i.title }))
			})),
			flagged: flagged ? dossier.flagged : null,
			indicator: dossier.criteria.some((c) => c.indicators.some((i) => i.code === wanted)) && offered(wanted) ? wanted : null,
			kind: DOSSIER_DOCUMENTS.some((d) => d.kind === kind) ? kind : null,
			mayUpload,
			canChange: mayUpload && editable,
			editable,
			maxBytes: appConfig().storage.uploadMaxBytes,
			acceptExtensions: ACCEPT_EXTENSIONS
		};
	});

const form = z.object({
	evidence: z.coerce.number().int().positive().max(2_147_483_647),
	indicator: z.string().trim().max(20).optional()
});

async function readEvidenceForm(request: Request, needIndicator: boolean, message: string) {
	const data = await readForm(request);
	const f = form.safeParse({ evidence: data?.get('evidence') ?? undefined, indicator: data?.get('indicator') ?? undefined });
	if (!f.success || (needIndicator && !f.data.indicator)) throw invalid(message);
	return { evidence: f.data.evidence, indicator: f.data.indicator ?? '' };
}

export const actions: Actions = {
	remove: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.upload', event.params.id);
			const f = await readEvidenceForm(event.request, false, 'Yêu cầu không hợp lệ; hãy tải lại trang.');
			await removeEvidence(db(), { assessmentId: assessment.id, evidenceId: f.evidence, actor: a });
			return { done: 'Đã gỡ tài liệu khỏi hồ sơ.' };
		}),
	link: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.upload', event.params.id);
			const f = await readEvidenceForm(event.request, true, 'Hãy chọn chỉ số cần gắn.');
			await linkIndicator(db(), await assessmentCriteriaSet(db(), assessment), {
				assessmentId: assessment.id,
				evidenceId: f.evidence,
				indicatorCode: f.indicator,
				actor: a
			});
			return { done: `Đã gắn tài liệu với chỉ số ${f.indicator.toUpperCase()}.` };
		}),
	unlink: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.upload', event.params.id);
			const f = await readEvidenceForm(event.request, true, 'Yêu cầu không hợp lệ; hãy tải lại trang.');
			await unlinkIndicator(db(), { assessmentId: assessment.id, evidenceId: f.evidence, indicatorCode: f.indicator, actor: a });
			return { done: `Đã bỏ gắn chỉ số ${f.indicator.toUpperCase()}.` };
		})
};
