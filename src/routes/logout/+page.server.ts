import { redirect } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { invalidateSession, SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import type { Actions, PageServerLoad } from './$types';

// Public route (PUBLIC_ROUTES): signing out acts only on the caller's own session, if any.

export const load: PageServerLoad = async () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { locals, cookies, url } = event;
		if (locals.sessionId && locals.actor) {
			await invalidateSession(db(), locals.sessionId);
			await recordAudit(db(), {
				...by(locals.actor),
				action: 'auth.logout',
				objectType: 'session',
				objectId: locals.sessionId,
				ip: event.getClientAddress()
			});
		}
		cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
		redirect(303, '/login');
	}
};
