import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { unreadCount } from '#lib/server/notifications/index.ts';
import { ROLE_LABELS } from '#lib/domain/access.ts';
import type { LayoutServerLoad } from './$types';

// The layout only supplies the navigation; each page's own load authorizes again.
export const load: LayoutServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'home.view');
		return {
			account: { fullName: a.name, email: a.email, role: a.role, roleLabel: ROLE_LABELS[a.role], unitName: a.unit?.name ?? null },
			reviewLevel: appConfig().reviewLevel,
			// read with the session, unless an action of this request may have changed it
			unread: event.request.method === 'GET' ? event.locals.unread : await unreadCount(db(), a.id)
		};
	});
