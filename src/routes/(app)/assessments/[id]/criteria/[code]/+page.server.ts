import { error, fail } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { assessmentCriteriaSet, authorizeAssessment } from '#lib/server/assessments/index.ts';
import { loadEntryView } from '#lib/server/answers/index.ts';
import { actorOf } from '#lib/server/auth/guard.ts';
import { addComment, DISCUSSION_STATES, loadComments, loadReviewItems } from '#lib/server/reviews/index.ts';
import { canOnUnit } from '#lib/domain/access.ts';
import { REVIEW_ITEM_STATUS_LABELS } from '#lib/domain/review.ts';
import type { Actions, PageServerLoad } from './$types';

// Data entry for one criterion, in the decision's order (prev/next), with what the reviewing
// level said about each indicator (status, request, reviewed points) and the comment thread.
export const load: PageServerLoad = async (event) => {
	const ctx = await authorizeAssessment(event, db(), 'assessment.read', event.params.id);
	const code = event.params.code.toUpperCase();
	const view = await loadEntryView(db(), ctx, code);
	const criteria = view.set.criteria;
	const i = criteria.findIndex((c) => c.code === code);
	if (i < 0) error(404, 'Không tìm thấy tiêu chí này trong bộ tiêu chí của hồ sơ.');
	const link = (k: number) => (k >= 0 && k < criteria.length ? { code: criteria[k].code, title: criteria[k].title } : null);
	const codes = new Set(criteria[i].indicators.map((x) => x.code));
	const a = ctx.assessment;
	const [items, comments] =
		a.state === 'draft' ? [new Map(), []] : await Promise.all([loadReviewItems(db(), a.id), loadComments(db(), a.id)]);
	const review = Object.fromEntries(
		[...codes].map((c) => {
			const item = items.get(c);
			return [
				c,
				{
					status: item ? REVIEW_ITEM_STATUS_LABELS[item.status as keyof typeof REVIEW_ITEM_STATUS_LABELS] : null,
					flagged: item?.status === 'needs_supplement',
					request: item?.request ?? null,
					points: item?.points ?? null,
					reason: item?.reason ?? null,
					comments: comments.filter((m) => m.indicatorCode === c)
				}
			];
		})
	);
	const place = { id: a.commune.id, districtId: a.commune.districtId, provinceId: a.commune.provinceId };
	return {
		...view,
		code: criteria[i].code,
		prev: link(i - 1),
		next: link(i + 1),
		review,
		canComment: DISCUSSION_STATES.includes(a.state) && canOnUnit(actorOf(ctx.account), 'review.comment', place)
	};
};

export const actions: Actions = {
	comment: async (event) => {
		const { account, assessment } = await authorizeAssessment(event, db(), 'review.comment', event.params.id);
		const data = await event.request.formData().catch(() => null);
		const indicator = String(data?.get('indicator') ?? '');
		const set = await assessmentCriteriaSet(db(), assessment);
		const r = await addComment(db(), { ...actorOf(account), label: account.email }, assessment, set, {
			indicator,
			body: String(data?.get('body') ?? '')
		});
		if (!r.ok) return fail(r.status, { message: r.message, indicator });
		return { done: 'Đã gửi trao đổi.', indicator };
	}
};
