import { db, appConfig } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { appraisalData } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The appraisal report (báo cáo thẩm định); a preview until the appraisal is recorded.
export const GET: RequestHandler = async (event) => {
	const { account, assessment } = await authorizeAssessment(event, db(), 'review.read', event.params.id);
	const pdf = await renderInPool(await appraisalData(db(), appConfig(), assessment));
	await recordAudit(db(), {
		actorId: account.id,
		actorLabel: account.email,
		action: 'document.appraisal',
		objectType: 'assessment',
		objectId: assessment.id,
		unitId: assessment.commune.id,
		details: { bytes: pdf.length }
	});
	return documentResponse(pdf, `bao-cao-tham-dinh-${assessment.commune.code}.pdf`, { inline: event.url.searchParams.get('view') === '1' });
};
