import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { assessmentCriteriaSet, authorizeAssessment } from '#lib/server/assessments/index.ts';
import { actorOf } from '#lib/server/auth/guard.ts';
import { storageSettings } from '#lib/server/storage/index.ts';
import {
	ACCEPT_EXTENSIONS,
	EVIDENCE_KIND_LABELS,
	EvidenceError,
	linkIndicator,
	listEvidence,
	removeEvidence,
	unlinkIndicator
} from '#lib/server/evidence/index.ts';
import { canOnUnit } from '#lib/domain/access.ts';
import { DOSSIER_DOCUMENTS, isCommuneEditable, STATE_LABELS } from '#lib/domain/workflow.ts';
import type { AssessmentInfo } from '#lib/server/assessments/index.ts';
import type { Actions, PageServerLoad } from './$types';

const placeOf = (a: AssessmentInfo) => ({ id: a.commune.id, districtId: a.commune.districtId, provinceId: a.commune.provinceId });

export const load: PageServerLoad = async (event) => {
	const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.read', event.params.id);
	const set = await assessmentCriteriaSet(db(), assessment);
	const items = await listEvidence(db(), assessment.id, set);
	const mayUpload = canOnUnit(actorOf(account), 'evidence.upload', placeOf(assessment));
	const editable = isCommuneEditable(assessment.state);
	const known = new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.code)));
	const wanted = (event.url.searchParams.get('indicator') ?? '').trim().toUpperCase();
	return {
		assessment: {
			id: assessment.id,
			state: assessment.state,
			stateLabel: STATE_LABELS[assessment.state],
			commune: assessment.commune.name,
			round: assessment.round.name
		},
		items,
		kindLabels: EVIDENCE_KIND_LABELS,
		dossierDocuments: DOSSIER_DOCUMENTS.map((d) => ({ ...d, present: items.some((i) => i.kind === d.kind) })),
		criteria: set.criteria.map((c) => ({
			code: c.code,
			title: c.title,
			indicators: c.indicators.map((i) => ({ code: i.code, title: i.title }))
		})),
		indicator: known.has(wanted) ? wanted : null,
		mayUpload,
		canChange: mayUpload && editable,
		editable,
		maxBytes: storageSettings().uploadMaxBytes,
		acceptExtensions: ACCEPT_EXTENSIONS
	};
};

const form = z.object({
	evidence: z.coerce.number().int().positive().max(2_147_483_647),
	indicator: z.string().trim().max(20).optional()
});

async function readForm(request: Request) {
	const data = await request.formData().catch(() => null);
	return form.safeParse({ evidence: data?.get('evidence') ?? undefined, indicator: data?.get('indicator') ?? undefined });
}

const failWith = (e: unknown) => {
	if (e instanceof EvidenceError) return fail(e.status, { message: e.message });
	throw e;
};

export const actions: Actions = {
	remove: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.upload', event.params.id);
		const f = await readForm(event.request);
		if (!f.success) return fail(400, { message: 'Yêu cầu không hợp lệ; hãy tải lại trang.' });
		try {
			await removeEvidence(db(), {
				assessmentId: assessment.id,
				evidenceId: f.data.evidence,
				actor: { id: account.id, label: account.email }
			});
		} catch (e) {
			return failWith(e);
		}
		return { done: 'Đã gỡ tài liệu khỏi hồ sơ.' };
	},
	link: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.upload', event.params.id);
		const f = await readForm(event.request);
		if (!f.success || !f.data.indicator) return fail(400, { message: 'Hãy chọn chỉ số cần gắn.' });
		try {
			const set = await assessmentCriteriaSet(db(), assessment);
			await linkIndicator(db(), set, {
				assessmentId: assessment.id,
				evidenceId: f.data.evidence,
				indicatorCode: f.data.indicator,
				actor: { id: account.id, label: account.email }
			});
		} catch (e) {
			return failWith(e);
		}
		return { done: `Đã gắn tài liệu với chỉ số ${f.data.indicator.toUpperCase()}.` };
	},
	unlink: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.upload', event.params.id);
		const f = await readForm(event.request);
		if (!f.success || !f.data.indicator) return fail(400, { message: 'Yêu cầu không hợp lệ; hãy tải lại trang.' });
		try {
			await unlinkIndicator(db(), {
				assessmentId: assessment.id,
				evidenceId: f.data.evidence,
				indicatorCode: f.data.indicator,
				actor: { id: account.id, label: account.email }
			});
		} catch (e) {
			return failWith(e);
		}
		return { done: `Đã bỏ gắn chỉ số ${f.data.indicator.toUpperCase()}.` };
	}
};
