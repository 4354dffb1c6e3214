import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { readForm, refusal } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { login, LOGIN_FAILED_MESSAGE } from '#lib/server/accounts/index.ts';
import { SESSION_COOKIE, cookieExpiry } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import type { Actions, PageServerLoad } from './$types';

// Public route (PUBLIC_ROUTES): signing in needs no account.

const form = z.object({
	email: z.string().trim().min(1, 'Vui lòng nhập email.').max(254, 'Email quá dài.'),
	password: z.string().min(1, 'Vui lòng nhập mật khẩu.').max(200, 'Mật khẩu quá dài.')
});

/** Only same-site paths are accepted as the place to go after signing in. */
function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.actor) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		let data: FormData | null;
		try {
			data = await readForm(event.request);
		} catch (e) {
			return refusal(e, { email: '' }); // too large (413), a NUL character (400)
		}
		const raw = { email: data?.get('email'), password: data?.get('password') };
		const parsed = form.safeParse({
			email: typeof raw.email === 'string' ? raw.email : '',
			password: typeof raw.password === 'string' ? raw.password : ''
		});
		const email = typeof raw.email === 'string' ? raw.email.slice(0, 254) : '';
		if (!parsed.success) return fail(400, { email, message: parsed.error.issues[0]?.message ?? LOGIN_FAILED_MESSAGE });
		const result = await login(db(), appConfig(), parsed.data.email, parsed.data.password, event.getClientAddress());
		if (!result.ok) return fail(result.reason === 'limited' ? 429 : 400, { email, message: result.message });
		const cfg = appConfig();
		event.cookies.set(SESSION_COOKIE, result.token, {
			...sessionCookieOptions(event.url),
			expires: cookieExpiry(result, { idleMs: cfg.sessionIdleMs, maxMs: cfg.sessionMaxMs })
		});
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
};
