import { Readable } from 'node:stream';
import { db, appConfig } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { dossierZip } from '#lib/server/documents/dossier.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The whole dossier as one ZIP: generated documents and every evidence file, by evidence code.
export const GET: RequestHandler = async (event) => {
	const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.read', event.params.id);
	const zip = await dossierZip(db(), appConfig(), fileStore(), assessment, renderInPool);
	await recordAudit(db(), {
		actorId: account.id,
		actorLabel: account.email,
		action: 'document.dossier',
		objectType: 'assessment',
		objectId: assessment.id,
		unitId: assessment.commune.id,
		details: { files: zip.files }
	});
	return documentResponse(Readable.toWeb(zip.stream) as ReadableStream<Uint8Array>, zip.fileName, { mime: 'application/zip' });
};
