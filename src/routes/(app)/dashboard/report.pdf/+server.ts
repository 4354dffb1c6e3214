import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery } from '#lib/server/dashboard/index.ts';
import { summaryReportData, summaryReportFileName } from '#lib/server/documents/summary-report.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The summary report of a round (?round=&province=) as PDF: the dashboard's area and figures.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		const data = await summaryReportData(db(), a, parseDashboardQuery(event.url.searchParams));
		const pdf = await renderInPool(data);
		await recordAudit(db(), {
			...by(a),
			action: 'document.summary_report',
			objectType: 'round',
			objectId: data.round.id,
			unitId: data.areaId,
			details: { round: data.round.name, area: data.area, format: 'pdf', communes: data.communes.length, bytes: pdf.length }
		});
		return documentResponse(pdf, summaryReportFileName(data, 'pdf'), { inline: event.url.searchParams.get('view') === '1' });
	});
