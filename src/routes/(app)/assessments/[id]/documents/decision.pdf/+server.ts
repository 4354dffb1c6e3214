import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { decisionOfAssessment } from '#lib/server/decisions/index.ts';
import { decisionData, storedDecisionSource } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

// The decision on the commune's dossier, as issued, for the commune itself: its annex lists this
// commune only (the others of the same decision are not its to see).
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const decided = await decisionOfAssessment(db(), assessment.id);
		const source = decided ? await storedDecisionSource(db(), decided.decision_id) : undefined;
		if (!decided || !source) throw notFound('Chưa có quyết định cho hồ sơ này.');
		const own = { ...source, items: source.items.filter((i) => i.communeId === assessment.commune.id) };
		const pdf = await renderInPool(await decisionData(db(), own));
		await recordAudit(db(), onAssessment(a, assessment, 'document.decision', { number: decided.number, bytes: pdf.length }));
		return documentResponse(pdf, `quyet-dinh-${decided.number.replace(/[^0-9A-Za-z]+/g, '-')}.pdf`, {
			inline: event.url.searchParams.get('view') === '1'
		});
	});
