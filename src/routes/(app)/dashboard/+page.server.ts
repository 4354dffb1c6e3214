import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery, provinceDashboard } from '#lib/server/dashboard/index.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		return { dashboard: await provinceDashboard(db(), a, parseDashboardQuery(event.url.searchParams)) };
	});
