import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { confirmItems, criteriaSetPage, itemChecks } from '#lib/server/criteria/index.ts';
import { invalid, parseInput } from '#lib/server/errors.ts';
import { appConfig } from '#lib/server/app.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import {
	attachOfficialText,
	officialTextOf,
	OFFICIAL_TEXT_EMPTY_MESSAGE,
	OFFICIAL_TEXT_MAX_BYTES
} from '#lib/server/criteria/official-text.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

const setOf = (raw: string) => criteriaSetPage(db(), parseId(raw, NOT_FOUND));

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
			isLastEditor: checks.editedBy?.id === a.id,
			officialText: await officialTextOf(db(), found.row.id),
			canAttach: can(a.role, 'criteria.manage'),
			maxMb: OFFICIAL_TEXT_MAX_BYTES / 1024 / 1024
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
		}),
	attach: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const found = await setOf(event.params.id);
			const data = await readForm(event.request, OFFICIAL_TEXT_MAX_BYTES + 100_000);
			const file = data?.get('official');
			if (!(file instanceof File) || file.size === 0) throw invalid(OFFICIAL_TEXT_EMPTY_MESSAGE, { official: OFFICIAL_TEXT_EMPTY_MESSAGE });
			await attachOfficialText(db(), fileStore(), a, found.row.id, new Uint8Array(await file.arrayBuffer()), {
				tmpDir: appConfig().storage.tmpDir
			});
			return { done: 'Đã đính kèm văn bản gốc.' };
		})
};
