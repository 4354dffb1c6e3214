import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { passwordSchema, setPassword } from '#lib/server/accounts/index.ts';
import { verifyPassword } from '#lib/server/auth/password.ts';
import { SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	authorize(event, 'account.changePassword');
	return {};
};

const form = z
	.object({
		current: z.string().min(1, 'Vui lòng nhập mật khẩu hiện tại.').max(200),
		next: passwordSchema,
		confirm: z.string()
	})
	.refine((v) => v.next === v.confirm, { message: 'Hai lần nhập mật khẩu mới không khớp.', path: ['confirm'] });

export const actions: Actions = {
	default: async (event) => {
		const account = authorize(event, 'account.changePassword');
		const data = await event.request.formData().catch(() => null);
		const str = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string) : '');
		const parsed = form.safeParse({ current: str('current'), next: str('next'), confirm: str('confirm') });
		if (!parsed.success) return fail(400, { message: parsed.error.issues[0].message });
		const row = await db().selectFrom('account').select('password_hash').where('id', '=', account.id).executeTakeFirstOrThrow();
		if (!(await verifyPassword(row.password_hash, parsed.data.current))) return fail(400, { message: 'Mật khẩu hiện tại không đúng.' });
		// Ends every session of this account, this one included: sign in again with the new password.
		await setPassword(db(), account.id, parsed.data.next, { id: account.id, label: account.email }, 'account.password_change');
		event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event.url));
		redirect(303, '/login?changed=1');
	}
};
