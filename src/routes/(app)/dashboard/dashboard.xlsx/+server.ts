import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery } from '#lib/server/dashboard/index.ts';
import { dashboardWorkbook } from '#lib/server/exports/dashboard.ts';
import { xlsxResponse } from '#lib/server/exports/xlsx.ts';
import type { RequestHandler } from './$types';

// The dashboard's tables (?round=&province=, as the page) as .xlsx, one sheet per table.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		const book = await dashboardWorkbook(db(), a, parseDashboardQuery(event.url.searchParams));
		return xlsxResponse(book.filename, book.write);
	});
