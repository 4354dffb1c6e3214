import { Readable } from 'node:stream';
import { page } from '#lib/edge/index.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { loadDossier } from '#lib/server/dossier/index.ts';
import { dossierZip } from '#lib/server/documents/dossier.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The whole dossier as one ZIP: generated documents and every evidence file, by evidence code.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.read', event.params.id);
		const zip = await dossierZip(db(), appConfig(), fileStore(), await loadDossier(db(), assessment), renderInPool);
		await recordAudit(db(), onAssessment(a, assessment, 'document.dossier', { files: zip.files }));
		return documentResponse(Readable.toWeb(zip.stream) as ReadableStream<Uint8Array>, zip.fileName, { mime: 'application/zip' });
	});
