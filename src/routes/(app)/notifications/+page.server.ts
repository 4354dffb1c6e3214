import { fail } from '@sveltejs/kit';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listNotifications, markRead } from '#lib/server/notifications/index.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'notification.read');
	const notifications = await listNotifications(db(), account.id);
	return { notifications };
};

export const actions: Actions = {
	read: async (event) => {
		const account = authorize(event, 'notification.read');
		const data = await event.request.formData().catch(() => null);
		if (!data) return fail(400, { message: 'Yêu cầu không hợp lệ.' });
		const raw = data.get('id');
		if (raw === null || raw === '') {
			const n = await markRead(db(), account.id, 'all');
			return { done: n > 0 ? `Đã đánh dấu ${n} thông báo là đã đọc.` : 'Không còn thông báo chưa đọc.' };
		}
		const id = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
		if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return fail(400, { message: 'Thông báo không hợp lệ.' });
		await markRead(db(), account.id, [id]);
		return { done: 'Đã đánh dấu thông báo là đã đọc.' };
	}
};
