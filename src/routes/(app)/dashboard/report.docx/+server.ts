import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseDashboardQuery } from '#lib/server/dashboard/index.ts';
import { summaryReportFile } from '#lib/server/documents/summary-report-file.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import type { RequestHandler } from './$types';

// The summary report of a round (?round=&province=) as .docx, to be edited before signing.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'dashboard.read');
		const f = await summaryReportFile(db(), a, parseDashboardQuery(event.url.searchParams), 'docx');
		return documentResponse(f.bytes, f.fileName, { mime: f.mime });
	});
