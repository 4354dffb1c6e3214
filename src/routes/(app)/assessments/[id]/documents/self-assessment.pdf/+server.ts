import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { loadDossier } from '#lib/server/dossier/index.ts';
import { selfAssessmentData } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The commune's self-assessment report (báo cáo tự đánh giá) as it stands; a preview while the
// dossier can still change.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const pdf = await renderInPool(await selfAssessmentData(db(), await loadDossier(db(), assessment)));
		await recordAudit(db(), onAssessment(a, assessment, 'document.self_assessment', { bytes: pdf.length }));
		return documentResponse(pdf, `bao-cao-tu-danh-gia-${assessment.commune.code}.pdf`, {
			inline: event.url.searchParams.get('view') === '1'
		});
	});
