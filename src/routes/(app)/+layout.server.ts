import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { unreadCount } from '#lib/server/notifications/index.ts';
import { ROLE_LABELS } from '#lib/domain/access.ts';
import type { LayoutServerLoad } from './$types';

// The layout only supplies the navigation; each page's own load authorizes again.
export const load: LayoutServerLoad = async (event) => {
	const account = authorize(event, 'home.view');
	return {
		account: {
			fullName: account.fullName,
			email: account.email,
			role: account.role,
			roleLabel: ROLE_LABELS[account.role],
			unitName: account.unit?.name ?? null
		},
		reviewLevel: appConfig().reviewLevel,
		unread: await unreadCount(db(), account.id)
	};
};
