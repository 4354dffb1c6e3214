import { authorize } from '#lib/server/auth/guard.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { listCommunesInScope } from '#lib/server/units/read.ts';
import { actorOf } from '#lib/server/auth/guard.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import { listNotifications } from '#lib/server/notifications/index.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'home.view');
	const era = eraForReviewLevel(appConfig().reviewLevel);
	const communes = await listCommunesInScope(db(), actorOf(account), 'unit.read', era, { limit: 5 });
	const notifications = (await listNotifications(db(), account.id, { limit: 20 })).filter((n) => !n.read).slice(0, 5);
	return { role: account.role, unitName: account.unit?.name ?? null, communes, notifications };
};
