import { page } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { posterData } from '#lib/server/surveys/print.ts';
import { notFound } from '#lib/server/errors.ts';
import { surveyCampaign } from '#lib/server/surveys/index.ts';
import type { RequestHandler } from './$types';

// The poster of the survey's open link (A4, its QR code large), for the commune to put up.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
		const survey = await surveyCampaign(db(), a, assessment);
		if (!survey?.openToken) throw notFound('Đợt khảo sát không dùng đường dẫn mở: không có áp phích.');
		const pdf = await renderInPool(posterData(appConfig().publicUrl ?? event.url.origin, survey, survey.openToken));
		return documentResponse(pdf, 'ap-phich-khao-sat.pdf', { inline: true });
	});
