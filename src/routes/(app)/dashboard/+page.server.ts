import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery, provinceDashboard } from '#lib/server/dashboard/index.ts';
import { recognisedTrend } from '#lib/server/dashboard/trend.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		const dashboard = await provinceDashboard(db(), a, parseDashboardQuery(event.url.searchParams));
		// the trend of the same area: the chosen province, or the nation
		return { dashboard, trend: await recognisedTrend(db(), a, { provinceId: dashboard.area?.id, provinces: dashboard.provinces }) };
	});
