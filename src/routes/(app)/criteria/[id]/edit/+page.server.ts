import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { findCriteriaSet } from '#lib/server/criteria/index.ts';
import { draftBase, draftUpdatedAt, saveDraft } from '#lib/server/criteria/draft.ts';
import { officialTextOf } from '#lib/server/criteria/official-text.ts';
import { invalid, notFound, parseInput } from '#lib/server/errors.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'criteria.manage');
		const found = await findCriteriaSet(db(), parseId(event.params.id, NOT_FOUND));
		if (!found) throw notFound(NOT_FOUND);
		if (found.row.status !== 'draft') return { draft: false as const, row: found.row };
		const base = await draftBase(db(), found.row.id);
		return {
			draft: true as const,
			row: found.row,
			set: found.set,
			updatedAt: await draftUpdatedAt(db(), found.row.id),
			base,
			officialText: (await officialTextOf(db(), found.row.id)) !== null
		};
	});

/** The editor posts the whole set as JSON text, with the `updated_at` it was edited on. */
const SaveForm = z.object({
	set: z.string({ error: 'Thiếu nội dung bộ tiêu chí.' }).min(2, { error: 'Thiếu nội dung bộ tiêu chí.' }),
	expectedUpdatedAt: z.iso.datetime({ offset: true, error: 'Thiếu thời điểm lưu của bản nháp; hãy tải lại trang.' })
});

export const actions: Actions = {
	save: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const id = parseId(event.params.id, NOT_FOUND);
			const data = await readForm(event.request);
			const form = parseInput(SaveForm, {
				set: data?.get('set') ?? undefined,
				expectedUpdatedAt: data?.get('expectedUpdatedAt') ?? undefined
			});
			let input: unknown;
			try {
				input = JSON.parse(form.set);
			} catch {
				throw invalid('Nội dung bộ tiêu chí không phải JSON hợp lệ.');
			}
			const saved = await saveDraft(db(), id, input, form.expectedUpdatedAt, a);
			return { saved: saved.updatedAt };
		})
};
