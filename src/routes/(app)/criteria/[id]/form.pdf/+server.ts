import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorize, authorizeAssessment, parseId } from '#lib/server/auth/guard.ts';
import { findCriteriaSet } from '#lib/server/criteria/index.ts';
import { collectionFormData, collectionFormDossier } from '#lib/server/documents/collection-form.ts';
import { committeeIssuer, today } from '#lib/server/documents/data.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { by, onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

// The blank collection form (phiếu thu thập số liệu) of a criteria set, for anyone who may read
// the criteria; with ?assessment=<id>, the form of that dossier (its commune's committee in the
// header), for those who may read the dossier, and only for the set it is scored against.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.read');
		// the id, or CODE@version (how a dossier names its set)
		const ref = event.params.id.includes('@') ? event.params.id : parseId(event.params.id, NOT_FOUND);
		const found = await findCriteriaSet(db(), ref);
		if (!found) throw notFound(NOT_FOUND);
		const inline = event.url.searchParams.get('view') === '1';
		const fileBase = `phieu-thu-thap-so-lieu-${found.row.code}-${found.row.version}`;
		const rawAssessment = event.url.searchParams.get('assessment');
		if (rawAssessment === null) {
			const pdf = await renderInPool(collectionFormData(found.set, { date: today() }));
			await recordAudit(db(), {
				...by(a),
				action: 'document.collection_form',
				objectType: 'criteria_set',
				objectId: found.row.id,
				details: { bytes: pdf.length }
			});
			return documentResponse(pdf, `${fileBase}.pdf`, { inline });
		}
		const { actor: reader, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', rawAssessment);
		if (assessment.criteriaSet.id !== found.row.id) throw notFound(NOT_FOUND);
		const unit = await collectionFormDossier(db(), assessment);
		const pdf = await renderInPool(
			collectionFormData(found.set, {
				date: today(),
				dossier: { issuer: committeeIssuer(unit.commune, unit.province), ...unit }
			})
		);
		await recordAudit(db(), onAssessment(reader, assessment, 'document.collection_form', { bytes: pdf.length, criteriaSet: found.row.id }));
		return documentResponse(pdf, `${fileBase}-${assessment.commune.code}.pdf`, { inline });
	});
