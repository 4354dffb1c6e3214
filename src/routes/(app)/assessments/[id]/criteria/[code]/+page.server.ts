import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { allowedOn, authorizeAssessment, authorizeDossier } from '#lib/server/auth/guard.ts';
import { placeOf } from '#lib/server/dossier/index.ts';
import { entryView } from '#lib/server/answers/index.ts';
import { addComment, DISCUSSION_STATES, loadComments } from '#lib/server/reviews/index.ts';
import { notFound } from '#lib/server/errors.ts';
import { REVIEW_ITEM_STATUS_LABELS } from '#lib/domain/review.ts';
import type { Actions, PageServerLoad } from './$types';

// Data entry for one criterion, in the decision's order (prev/next), with what the reviewing
// level said about each indicator (status, request, reviewed points) and the comment thread.
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment, dossier } = await authorizeDossier(db(), actor, 'assessment.read', event.params.id);
		const code = event.params.code.toUpperCase();
		const view = entryView(dossier, a);
		const criteria = view.set.criteria;
		const i = criteria.findIndex((c) => c.code === code);
		if (i < 0) throw notFound('Không tìm thấy tiêu chí này trong bộ tiêu chí của hồ sơ.');
		const link = (k: number) => (k >= 0 && k < criteria.length ? { code: criteria[k].code, title: criteria[k].title } : null);
		const comments = assessment.state === 'draft' ? [] : await loadComments(db(), assessment.id);
		const review = Object.fromEntries(
			criteria[i].indicators.map((ind) => {
				const item = dossier.reviewItems.get(ind.code);
				return [
					ind.code,
					{
						status: item ? REVIEW_ITEM_STATUS_LABELS[item.status] : null,
						flagged: item?.status === 'needs_supplement',
						request: item?.request ?? null,
						points: item?.points ?? null,
						reason: item?.reason ?? null,
						comments: comments.filter((m) => m.indicatorCode === ind.code)
					}
				];
			})
		);
		// the page scores the whole dossier live from `answers`, and edits only this criterion's
		// indicators: their revisions and savers are all it needs of `stored`, and it derives the
		// blockers itself (a lighter page on a slow link)
		// the set travels by reference (see $lib/criteria-set-ref.ts)
		const { blockers: _blockers, stored, set: _set, ...rest } = view;
		return {
			...rest,
			stored: Object.fromEntries(criteria[i].indicators.flatMap((ind) => (stored[ind.code] ? [[ind.code, stored[ind.code]]] : []))),
			code: criteria[i].code,
			prev: link(i - 1),
			next: link(i + 1),
			review,
			canComment: DISCUSSION_STATES.includes(assessment.state) && allowedOn(a, 'review.comment', placeOf(assessment))
		};
	});

export const actions: Actions = {
	comment: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.comment', event.params.id);
			const data = await readForm(event.request);
			const indicator = String(data?.get('indicator') ?? '');
			try {
				await addComment(db(), a, assessment, { indicator, body: String(data?.get('body') ?? '') });
			} catch (e) {
				return refusal(e, { indicator }); // the message shows beside the indicator's thread
			}
			return { done: 'Đã gửi trao đổi.', indicator };
		})
};
