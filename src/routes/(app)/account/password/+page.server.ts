import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { changeOwnPassword, passwordSchema } from '#lib/server/accounts/index.ts';
import { SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { parseInput } from '#lib/server/errors.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'account.changePassword');
		return {};
	});

const form = z
	.object({
		current: z.string().min(1, 'Vui lòng nhập mật khẩu hiện tại.').max(200),
		next: passwordSchema,
		confirm: z.string()
	})
	.refine((v) => v.next === v.confirm, { message: 'Hai lần nhập mật khẩu mới không khớp.', path: ['confirm'] });

export const actions: Actions = {
	default: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.changePassword');
			const data = await readForm(event.request);
			const str = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string) : '');
			const v = parseInput(form, { current: str('current'), next: str('next'), confirm: str('confirm') });
			// Ends every session of this account, this one included: sign in again with the new password.
			await changeOwnPassword(db(), appConfig(), a, v.current, v.next);
			event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event.url));
			redirect(303, '/login?changed=1');
		})
};
