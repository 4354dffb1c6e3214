import { page } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { slipsData } from '#lib/server/surveys/print.ts';
import { notFound } from '#lib/server/errors.ts';
import { slipBatchCodes, surveyCampaign } from '#lib/server/surveys/index.ts';
import type { RequestHandler } from './$types';

// One batch of single-use survey slips (?batch=<its first slip's id>) as a printable A4 PDF:
// 8 slips a page, each with the commune, the link, the code and its QR code. The commune's
// officer and chair only (`survey.manage`): the codes are theirs to hand out.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
		const survey = await surveyCampaign(db(), a, assessment);
		if (!survey) throw notFound('Chưa mở đợt khảo sát cho hồ sơ này.');
		const batch = await slipBatchCodes(db(), a, survey.id, Number(event.url.searchParams.get('batch') ?? NaN));
		const pdf = await renderInPool(slipsData(appConfig().publicUrl ?? event.url.origin, survey, batch));
		return documentResponse(pdf, `phieu-khao-sat-${batch.group}-${event.url.searchParams.get('batch')}.pdf`, { inline: true });
	});
