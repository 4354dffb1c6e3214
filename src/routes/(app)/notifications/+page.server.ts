import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listNotifications, markRead } from '#lib/server/notifications/index.ts';
import { invalid } from '#lib/server/errors.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'notification.read');
		return { notifications: await listNotifications(db(), a.id) };
	});

export const actions: Actions = {
	read: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'notification.read');
			const data = await readForm(event.request);
			if (!data) throw invalid('Yêu cầu không hợp lệ.');
			const raw = data.get('id');
			if (raw === null || raw === '') {
				const n = await markRead(db(), a.id, 'all');
				return { done: n > 0 ? `Đã đánh dấu ${n} thông báo là đã đọc.` : 'Không còn thông báo chưa đọc.' };
			}
			const id = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) throw invalid('Thông báo không hợp lệ.');
			await markRead(db(), a.id, [id]);
			return { done: 'Đã đánh dấu thông báo là đã đọc.' };
		})
};
