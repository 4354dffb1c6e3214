import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { activateCriteriaSet, confirmCriteriaSet, criteriaSetPage } from '#lib/server/criteria/index.ts';
import { startDraft } from '#lib/server/criteria/draft.ts';
import { redirect } from '@sveltejs/kit';
import { invalid, parseInput } from '#lib/server/errors.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

const setOf = (raw: string) => criteriaSetPage(db(), parseId(raw, NOT_FOUND));

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.read');
		const found = await setOf(event.params.id);
		return { row: found.row, set: found.set, canManage: can(a.role, 'criteria.manage'), canConfirm: can(a.role, 'criteria.confirm') };
	});

const note = z.string().trim().min(5, 'Vui lòng ghi rõ văn bản đã dùng để đối chiếu (ít nhất 5 ký tự).').max(1000, 'Ghi chú quá dài.');

export const actions: Actions = {
	activate: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const found = await setOf(event.params.id);
			await activateCriteriaSet(db(), found.row.id, a);
			return { done: `Đã áp dụng ${found.row.code}@${found.row.version}.` };
		}),
	confirm: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.confirm');
			const found = await setOf(event.params.id);
			const data = await readForm(event.request);
			const text = parseInput(note, data?.get('note') ?? '');
			if (data?.get('attest') !== 'yes') throw invalid('Cần đánh dấu xác nhận đã đối chiếu với văn bản gốc.');
			await confirmCriteriaSet(db(), found.row.id, a, text);
			return { done: 'Đã ghi nhận xác nhận bộ tiêu chí.' };
		}),
	startDraft: async (event) => {
		const r = await action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const found = await setOf(event.params.id);
			return startDraft(db(), found.row.id, a);
		});
		if (r && 'id' in r) redirect(303, `/criteria/${r.id}/edit`);
		return r;
	}
};
