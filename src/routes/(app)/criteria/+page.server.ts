import { redirect } from '@sveltejs/kit';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listCriteriaSets } from '#lib/server/criteria/index.ts';
import { startBlankDraft } from '#lib/server/criteria/draft.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.read');
		return { sets: await listCriteriaSets(db()), canManage: can(a.role, 'criteria.manage') };
	});

const text = (data: FormData | null, key: string) => {
	const v = data?.get(key);
	return typeof v === 'string' ? v : '';
};

export const actions: Actions = {
	/** "Tạo bộ tiêu chí mới": version 1 of a new code, a draft with one placeholder criterion, opened in the editor. */
	createBlank: async (event) => {
		const r = await action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const data = await readForm(event.request);
			const values = { code: text(data, 'code'), name: text(data, 'name'), legalReference: text(data, 'legalReference') };
			try {
				return await startBlankDraft(db(), values, a);
			} catch (e) {
				return refusal(e, { values });
			}
		});
		if (r && 'id' in r) redirect(303, `/criteria/${r.id}/edit`);
		return r;
	}
};
