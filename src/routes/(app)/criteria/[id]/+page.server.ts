import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { activateCriteriaSet, confirmCriteriaSet, CriteriaSetError, findCriteriaSet } from '#lib/server/criteria/index.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

async function load_set(raw: string) {
	const id = idParam.safeParse(raw);
	if (!id.success) error(404, 'Không tìm thấy bộ tiêu chí.');
	const found = await findCriteriaSet(db(), id.data);
	if (!found) error(404, 'Không tìm thấy bộ tiêu chí.');
	return found;
}

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'criteria.read');
	const found = await load_set(event.params.id);
	return {
		row: found.row,
		set: found.set,
		canManage: can(account.role, 'criteria.manage'),
		canConfirm: can(account.role, 'criteria.confirm')
	};
};

export const actions: Actions = {
	activate: async (event) => {
		const account = authorize(event, 'criteria.manage');
		const found = await load_set(event.params.id);
		try {
			await activateCriteriaSet(db(), found.row.id, { id: account.id, label: account.email });
		} catch (e) {
			if (e instanceof CriteriaSetError) return fail(409, { message: e.message });
			throw e;
		}
		return { done: `Đã áp dụng ${found.row.code}@${found.row.version}.` };
	},
	confirm: async (event) => {
		const account = authorize(event, 'criteria.confirm');
		const found = await load_set(event.params.id);
		const data = await event.request.formData().catch(() => null);
		const note = z
			.string()
			.trim()
			.min(5, 'Vui lòng ghi rõ văn bản đã dùng để đối chiếu (ít nhất 5 ký tự).')
			.max(1000, 'Ghi chú quá dài.')
			.safeParse(data?.get('note') ?? '');
		const attest = data?.get('attest') === 'yes';
		if (!note.success) return fail(400, { message: note.error.issues[0].message });
		if (!attest) return fail(400, { message: 'Cần đánh dấu xác nhận đã đối chiếu với văn bản gốc.' });
		try {
			await confirmCriteriaSet(db(), found.row.id, { id: account.id, label: account.email }, note.data);
		} catch (e) {
			if (e instanceof CriteriaSetError) return fail(409, { message: e.message });
			throw e;
		}
		return { done: 'Đã ghi nhận xác nhận bộ tiêu chí.' };
	}
};
