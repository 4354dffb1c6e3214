import { page } from '#lib/edge/index.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { loadDossier } from '#lib/server/dossier/index.ts';
import { appraisalData } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The appraisal report (báo cáo thẩm định); a preview until the appraisal is recorded.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'review.read', event.params.id);
		const pdf = await renderInPool(await appraisalData(db(), appConfig(), await loadDossier(db(), assessment)));
		await recordAudit(db(), onAssessment(a, assessment, 'document.appraisal', { bytes: pdf.length }));
		return documentResponse(pdf, `bao-cao-tham-dinh-${assessment.commune.code}.pdf`, {
			inline: event.url.searchParams.get('view') === '1'
		});
	});
