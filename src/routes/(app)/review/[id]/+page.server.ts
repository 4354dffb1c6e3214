import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { assessmentCriteriaSet, authorizeAssessment } from '#lib/server/assessments/index.ts';
import { WorkflowError } from '#lib/server/assessments/workflow.ts';
import { actorOf } from '#lib/server/auth/guard.ts';
import { addComment, appraise, returnForCorrection, saveReviewItem, startReview } from '#lib/server/reviews/index.ts';
import { reviewWorkspace } from '#lib/server/reviews/workspace.ts';
import { decisionOfAssessment } from '#lib/server/decisions/index.ts';
import { canOnUnit } from '#lib/domain/access.ts';
import { AppraisalInputSchema, ReviewItemInputSchema, RECOMMENDATION_LABELS, REVIEW_ITEM_STATUS_LABELS } from '#lib/domain/review.ts';
import { STATE_LABELS } from '#lib/domain/workflow.ts';
import { COMMUNE_CATEGORY_LABELS } from '#lib/domain/units.ts';
import type { SessionAccount } from '#lib/server/accounts/index.ts';
import type { Actions, PageServerLoad } from './$types';

const actor = (account: SessionAccount) => ({ ...actorOf(account), label: account.email });
const versionOf = (data: FormData | null) => z.coerce.number().int().min(0).safeParse(data?.get('version'));
const fields = (data: FormData | null) =>
	Object.fromEntries([...(data?.entries() ?? [])].filter(([, v]) => typeof v === 'string')) as Record<string, string>;

async function step<T>(run: () => Promise<T>, done: string) {
	try {
		await run();
	} catch (e) {
		if (e instanceof WorkflowError) return fail(e.status, { message: e.message });
		throw e;
	}
	return { done };
}

export const load: PageServerLoad = async (event) => {
	const { account, assessment: a } = await authorizeAssessment(event, db(), 'review.read', event.params.id);
	const place = { id: a.commune.id, districtId: a.commune.districtId, provinceId: a.commune.provinceId };
	const workspace = await reviewWorkspace(db(), a);
	const decision = await decisionOfAssessment(db(), a.id);
	return {
		assessment: {
			id: a.id,
			state: a.state,
			stateLabel: STATE_LABELS[a.state],
			version: a.stateVersion,
			communeName: a.commune.name,
			communeCode: a.commune.code,
			category: COMMUNE_CATEGORY_LABELS[a.category],
			roundName: a.round.name,
			submittedAt: a.submittedAt
		},
		...workspace,
		decision: decision ?? null,
		canPerform: canOnUnit(actorOf(account), 'review.perform', place),
		canComment: canOnUnit(actorOf(account), 'review.perform', place),
		statusLabels: REVIEW_ITEM_STATUS_LABELS,
		recommendationLabels: RECOMMENDATION_LABELS
	};
};

export const actions: Actions = {
	start: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.perform', event.params.id);
		const version = versionOf(await event.request.formData().catch(() => null));
		if (!version.success) return fail(400, { message: 'Thiếu phiên bản hồ sơ; hãy tải lại trang.' });
		return step(() => startReview(db(), actor(account), assessment.id, version.data), 'Đã bắt đầu thẩm định. Hãy xem xét từng chỉ số.');
	},

	item: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.perform', event.params.id);
		const values = fields(await event.request.formData().catch(() => null));
		const parsed = ReviewItemInputSchema.safeParse(values);
		if (!parsed.success) {
			const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
			return fail(400, { message: 'Thông tin đánh giá chưa hợp lệ.', item: values.indicator ?? null, fieldErrors, values });
		}
		const r = await saveReviewItem(db(), actor(account), assessment, parsed.data);
		if (!r.ok)
			return fail(r.status, {
				message: r.message,
				item: parsed.data.indicator,
				fieldErrors: r.status === 400 ? r.fieldErrors : {},
				values
			});
		return { done: `Đã lưu đánh giá chỉ số ${parsed.data.indicator}.`, item: parsed.data.indicator };
	},

	// The reviewing level's side of the thread (the commune writes from its data-entry pages).
	comment: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.perform', event.params.id);
		const values = fields(await event.request.formData().catch(() => null));
		const set = await assessmentCriteriaSet(db(), assessment);
		const r = await addComment(db(), actor(account), assessment, set, {
			indicator: String(values.indicator ?? ''),
			body: String(values.body ?? '')
		});
		if (!r.ok) return fail(r.status, { message: r.message, item: values.indicator ?? null, values });
		return { done: 'Đã gửi trao đổi.', item: values.indicator };
	},

	return: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.perform', event.params.id);
		const data = await event.request.formData().catch(() => null);
		const version = versionOf(data);
		if (!version.success) return fail(400, { message: 'Thiếu phiên bản hồ sơ; hãy tải lại trang.' });
		const message = String(data?.get('message') ?? '');
		return step(() => returnForCorrection(db(), actor(account), assessment.id, version.data, message), 'Đã gửi yêu cầu bổ sung cho xã.');
	},

	appraise: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.perform', event.params.id);
		const values = fields(await event.request.formData().catch(() => null));
		const parsed = AppraisalInputSchema.safeParse(values);
		if (!parsed.success) return fail(400, { message: parsed.error.issues[0].message, values });
		return step(
			() =>
				appraise(db(), actor(account), assessment.id, parsed.data.version, {
					recommendation: parsed.data.recommendation,
					remarks: parsed.data.remarks
				}),
			'Đã hoàn thành thẩm định. Hồ sơ chuyển đến lãnh đạo để ra quyết định.'
		);
	}
};
