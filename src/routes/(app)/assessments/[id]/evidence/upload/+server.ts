/**
 * POST multipart/form-data: one document for the assessment's dossier, streamed to disk.
 *
 * Form: the text fields first (`kind`, `indicator` — repeated —, `doc_number`, `issued_on`,
 * `issuer`, `summary`; see #lib/domain/evidence.ts), then the file part `file` (one).
 * Answers 201 `{ id, code?, name, size, sha256 }`, or `{ message, fieldErrors? }` with 400
 * (invalid form), 403 (cross-site), 404 (no such assessment in the account's scope), 409 (the
 * dossier is locked), 413 (file over UPLOAD_MAX_MB) or 415 (type not accepted, by content).
 *
 * The body passes through adapter-node's BODY_SIZE_LIMIT (default 512K) before it reaches
 * this handler: the server must run with BODY_SIZE_LIMIT above UPLOAD_MAX_MB (plus 1 MB).
 */
import { json } from '@sveltejs/kit';
import { endpoint } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { assessmentCriteriaSet } from '#lib/server/dossier/index.ts';
import { AppError, conflict } from '#lib/server/errors.ts';
import { fileStore, discardTemp } from '#lib/server/storage/index.ts';
import {
	addEvidence,
	cleanFileName,
	detectAcceptedType,
	NOT_EDITABLE_MESSAGE,
	receiveUpload,
	type ReceivedFile
} from '#lib/server/evidence/index.ts';
import { parseEvidenceFields } from '#lib/domain/evidence.ts';
import { isCommuneEditable } from '#lib/domain/workflow.ts';
import type { RequestEvent, RequestHandler } from './$types';

/** Same-origin only (SvelteKit also refuses cross-site form posts; this does not rely on it). */
function sameOrigin(event: RequestEvent): boolean {
	const origin = event.request.headers.get('origin');
	if (origin !== null) return origin === event.url.origin;
	return event.request.headers.get('sec-fetch-site') === 'same-origin';
}

export const POST: RequestHandler = (event) =>
	endpoint(event, async (actor) => {
		if (!sameOrigin(event))
			return json({ message: 'Yêu cầu tải lên từ trang web khác bị từ chối.' }, { status: 403, headers: { 'Cache-Control': 'no-store' } });
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.upload', event.params.id);
		if (!isCommuneEditable(assessment.state)) throw conflict(NOT_EDITABLE_MESSAGE);
		const set = await assessmentCriteriaSet(db(), assessment);
		const settings = appConfig().storage;
		let file: ReceivedFile | undefined;
		try {
			const received = await receiveUpload(event.request, {
				maxBytes: settings.uploadMaxBytes,
				tmpDir: settings.tmpDir,
				parseFields: (fields) => {
					const r = parseEvidenceFields(fields, set);
					if (!r.ok) throw new AppError('invalid', r.message, { fieldErrors: r.fieldErrors });
					return r.value;
				}
			});
			file = received.file;
			const type = await detectAcceptedType(file.content ?? file.tempPath);
			const added = await addEvidence(db(), fileStore(), set, {
				assessment,
				actor: a,
				meta: received.fields,
				file: {
					tempPath: file.tempPath,
					sha256: file.sha256,
					size: file.size,
					mime: type.mime,
					ext: type.ext,
					originalName: cleanFileName(file.declaredName, type.ext)
				}
			});
			const { deduplicated: _, code, ...rest } = added;
			return json({ ...rest, ...(code ? { code } : {}) }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
		} finally {
			if (file) await discardTemp(file.tempPath);
		}
	});
