import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery } from '#lib/server/dashboard/index.ts';
import { exportArea, scoreMatrix } from '#lib/server/exports/score-matrix.ts';
import { xlsxResponse } from '#lib/server/exports/xlsx.ts';
import type { RequestHandler } from './$types';

// The score matrix of a round (?round=) for the actor's area, or for administrators the chosen
// province (?province=) or the whole nation; streamed .xlsx.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		const q = parseDashboardQuery(event.url.searchParams);
		const area = await exportArea(db(), a, q.provinceId);
		const m = await scoreMatrix(db(), area, q.roundId);
		return xlsxResponse(m.filename, m.write);
	});
