import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { listCommunesInScope } from '#lib/server/units/read.ts';
import { listNotifications } from '#lib/server/notifications/index.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import { homeTasks } from '#lib/domain/home.ts';
import { loadHomeFacts } from '#lib/server/home/index.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'home.view');
		const era = eraForReviewLevel(appConfig().reviewLevel);
		const [communes, all, facts] = await Promise.all([
			listCommunesInScope(db(), a, 'unit.read', era, { limit: 5 }),
			listNotifications(db(), a.id, { limit: 20 }),
			loadHomeFacts(db(), a)
		]);
		const notifications = all.filter((n) => !n.read).slice(0, 5);
		return { role: a.role, unitName: a.unit?.name ?? null, communes, notifications, tasks: homeTasks(facts) };
	});
