import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { paperFormData } from '#lib/server/surveys/print.ts';
import { notFound } from '#lib/server/errors.ts';
import { surveyCampaign } from '#lib/server/surveys/index.ts';
import type { RequestHandler } from './$types';

// The paper questionnaire of the campaign (the same questions as on the phone), to print and
// fill by hand; the officer types the answers in on the survey page. Whoever reads the dossier.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const survey = await surveyCampaign(db(), a, assessment);
		if (!survey) throw notFound('Chưa mở đợt khảo sát cho hồ sơ này.');
		const pdf = await renderInPool(paperFormData(survey));
		return documentResponse(pdf, 'phieu-khao-sat-giay.pdf', { inline: true });
	});
