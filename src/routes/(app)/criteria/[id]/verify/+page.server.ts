import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { confirmItems, findCriteriaSet, itemChecks } from '#lib/server/criteria/index.ts';
import { invalid, notFound, parseInput } from '#lib/server/errors.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

async function setOf(raw: string) {
	const found = await findCriteriaSet(db(), parseId(raw, NOT_FOUND));
	if (!found) throw notFound(NOT_FOUND);
	return found;
}

/** Four eyes (issue 14): each item with its citation, who claimed it checked, who confirmed it. */
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.confirm');
		const found = await setOf(event.params.id);
		const checks = await itemChecks(db(), found.row.id);
		return {
			row: found.row,
			set: found.set,
			checks: checks.items,
			editedBy: checks.editedBy?.name ?? null,
			isLastEditor: checks.editedBy?.id === a.id
		};
	});

const codes = z.array(z.string().regex(/^[A-Z]+[0-9]+(\.[0-9]+)?$/, 'Mã mục không hợp lệ.')).max(500);

export const actions: Actions = {
	confirm: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.confirm');
			const found = await setOf(event.params.id);
			const data = await readForm(event.request);
			if (data?.get('attest') !== 'yes') throw invalid('Cần đánh dấu xác nhận đã đối chiếu từng mục với văn bản gốc.');
			const all = data.get('scope') === 'all';
			const chosen = all ? 'all' : parseInput(codes, data.getAll('item'));
			const done = await confirmItems(db(), found.row.id, chosen, a);
			return { done: `Đã xác nhận ${done.length} mục đối chiếu với văn bản gốc.` };
		})
};
