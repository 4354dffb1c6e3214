import { z } from 'zod';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { allowedOn, authorizeAssessment, authorizeDossier } from '#lib/server/auth/guard.ts';
import { placeOf } from '#lib/server/dossier/index.ts';
import {
	AcceptUndecidedInputSchema,
	acceptUndecided,
	addComment,
	appraise,
	returnForCorrection,
	saveReviewItem,
	startReview
} from '#lib/server/reviews/index.ts';
import { REVIEW_FACTS, reviewWorkspace } from '#lib/server/reviews/workspace.ts';
import { surveyCampaign } from '#lib/server/surveys/index.ts';
import { invalid, parseInput } from '#lib/server/errors.ts';
import { AppraisalInputSchema, ReviewItemInputSchema, RECOMMENDATION_LABELS, REVIEW_ITEM_STATUS_LABELS } from '#lib/domain/review.ts';
import { STATE_LABELS } from '#lib/domain/workflow.ts';
import { COMMUNE_CATEGORY_LABELS } from '#lib/domain/units.ts';
import type { Actions, PageServerLoad } from './$types';

const versionOf = (data: FormData | null) => {
	const v = z.coerce.number().int().min(0).safeParse(data?.get('version'));
	if (!v.success) throw invalid('Thiếu phiên bản hồ sơ; hãy tải lại trang.');
	return v.data;
};
const fields = (data: FormData | null) =>
	Object.fromEntries([...(data?.entries() ?? [])].filter(([, v]) => typeof v === 'string')) as Record<string, string>;

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		// the dossier and what the reviewing level discussed and decided about it, in one query
		const { actor: a, assessment, dossier, beside } = await authorizeDossier(db(), actor, 'review.read', event.params.id, REVIEW_FACTS);
		const workspace = await reviewWorkspace(db(), dossier, beside);
		const mayPerform = allowedOn(a, 'review.perform', placeOf(assessment));
		return {
			assessment: {
				id: assessment.id,
				state: assessment.state,
				stateLabel: STATE_LABELS[assessment.state],
				version: assessment.stateVersion,
				communeName: assessment.commune.name,
				communeCode: assessment.commune.code,
				category: COMMUNE_CATEGORY_LABELS[assessment.category],
				roundName: assessment.round.name,
				submittedAt: assessment.submittedAt
			},
			...workspace,
			// the TC13 satisfaction survey, when the commune ran one in the product (issue 15)
			survey:
				workspace.surveyCampaignId !== null && allowedOn(a, 'assessment.read', placeOf(assessment))
					? await surveyCampaign(db(), a, assessment)
					: null,
			// province and ministry officers read the review but not the files (evidence.read)
			canOpenEvidence: allowedOn(a, 'evidence.read', placeOf(assessment)),
			canPerform: mayPerform,
			canComment: mayPerform,
			statusLabels: REVIEW_ITEM_STATUS_LABELS,
			recommendationLabels: RECOMMENDATION_LABELS
		};
	});

export const actions: Actions = {
	start: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			await startReview(db(), a, assessment.id, versionOf(await readForm(event.request)));
			return { done: 'Đã bắt đầu thẩm định. Hãy xem xét từng chỉ số.' };
		}),

	item: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			const values = fields(await readForm(event.request));
			try {
				const input = parseInput(ReviewItemInputSchema, values);
				await saveReviewItem(db(), a, assessment, input);
				return { done: `Đã lưu đánh giá chỉ số ${input.indicator}.`, item: input.indicator };
			} catch (e) {
				return refusal(e, { item: values.indicator ?? null, values }); // shown beside the item's form, which keeps what was typed
			}
		}),

	// Accepting every undecided indicator of a criterion (scope TC01…) or of the dossier (scope
	// all) at once; the page names them in a confirmation first and shows the result beside the
	// button pressed (`key`: the criterion, or all-top / all-bottom).
	accept: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			const data = await readForm(event.request);
			const scope = String(data?.get('scope') ?? '');
			const key = /^[A-Z]+[0-9]+$/.test(scope) ? scope : data?.get('at') === 'bottom' ? 'all-bottom' : 'all-top';
			try {
				const input = parseInput(AcceptUndecidedInputSchema, {
					scope,
					items: (data?.getAll('item') ?? []).filter((v) => typeof v === 'string')
				});
				const accepted = await acceptUndecided(db(), a, assessment.id, input);
				return { bulk: { key, accepted, message: `Đã chấp nhận ${accepted.length} chỉ số: ${accepted.join(', ')}.` } };
			} catch (e) {
				return refusal(e, { bulkKey: key });
			}
		}),

	// The reviewing level's side of the thread (the commune writes from its data-entry pages).
	comment: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			const values = fields(await readForm(event.request));
			try {
				await addComment(db(), a, assessment, { indicator: String(values.indicator ?? ''), body: String(values.body ?? '') });
			} catch (e) {
				return refusal(e, { item: values.indicator ?? null, values });
			}
			return { done: 'Đã gửi trao đổi.', item: values.indicator };
		}),

	return: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			const data = await readForm(event.request);
			await returnForCorrection(db(), a, assessment.id, versionOf(data), String(data?.get('message') ?? ''));
			return { done: 'Đã gửi yêu cầu bổ sung cho xã.' };
		}),

	appraise: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.perform', event.params.id);
			const values = fields(await readForm(event.request));
			try {
				const parsed = AppraisalInputSchema.safeParse(values);
				if (!parsed.success) throw invalid(parsed.error.issues[0].message);
				await appraise(db(), a, assessment.id, parsed.data.version, {
					recommendation: parsed.data.recommendation,
					remarks: parsed.data.remarks
				});
			} catch (e) {
				return refusal(e, { values });
			}
			return { done: 'Đã hoàn thành thẩm định. Hồ sơ chuyển đến lãnh đạo để ra quyết định.' };
		})
};
