import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseQueueQuery } from '#lib/server/reviews/queue.ts';
import { boardWorkbook } from '#lib/server/exports/board.ts';
import { xlsxResponse } from '#lib/server/exports/xlsx.ts';
import type { RequestHandler } from './$types';

// The progress board as .xlsx (same rows, filters and order as the page and its CSV), streamed.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'assessment.read');
		const book = await boardWorkbook(db(), a, parseQueueQuery(event.url.searchParams));
		return xlsxResponse(book.filename, book.write);
	});
