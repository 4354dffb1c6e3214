/**
 * GET: download one document of the assessment, as an attachment (or, with ?view=1, a PDF or
 * image shown inline for the review page), streamed from the store.
 * Accounts allowed `evidence.read` on the commune only; 404 otherwise (also for a document of
 * another assessment or a removed one). Every download is recorded in the audit trail.
 *
 * Inline views run in a CSP sandbox (an opaque origin: nothing in the file acts as the app), and
 * a PDF carrying scripts or other active content is not shown inline at all: a small page says
 * why and links to the download (documents/pdf-safety.ts; README "Evidence viewing").
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { clientAddress, httpStatus, page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment, parseId } from '#lib/server/auth/guard.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { attachmentDisposition, openEvidenceDownload } from '#lib/server/evidence/index.ts';
import { ATTACHMENT_CSP, INLINE_DOCUMENT_CSP, notViewableResponse } from '#lib/server/documents/http.ts';
import { assertViewableInline, INLINE_SCAN_MAX_BYTES, TOO_LARGE_TO_VIEW_MESSAGE } from '#lib/server/documents/pdf-safety.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import { AppError, isAppError } from '#lib/server/errors.ts';
import { VIEWABLE_TYPES } from '#lib/domain/evidence.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'evidence.read', event.params.id);
		const evidenceId = parseId(event.params.evidenceId, 'Không tìm thấy tài liệu.');
		const d = await openEvidenceDownload(db(), fileStore(), {
			assessmentId: assessment.id,
			evidenceId,
			actor: a,
			ip: clientAddress(event)
		});
		// ?view=1 shows a PDF or an image inside the review page (same origin only, sandboxed);
		// anything else, and every other request, is an attachment in a sandbox.
		const inline = event.url.searchParams.get('view') === '1' && VIEWABLE_TYPES.has(d.mime);
		const headers = {
			'Content-Type': d.mime,
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'no-store'
		};
		if (!inline) {
			return new Response(Readable.toWeb(d.stream) as ReadableStream<Uint8Array>, {
				headers: {
					...headers,
					'Content-Length': String(d.size),
					'Content-Disposition': attachmentDisposition(d.fileName),
					'Content-Security-Policy': ATTACHMENT_CSP
				}
			});
		}
		let body: Buffer | ReadableStream<Uint8Array> = Readable.toWeb(d.stream) as ReadableStream<Uint8Array>;
		if (d.mime === 'application/pdf') {
			// checked for scripts before a byte is shown: read whole, when not too large to check
			try {
				if (d.size > INLINE_SCAN_MAX_BYTES) {
					d.stream.destroy();
					throw new AppError('unsupported', TOO_LARGE_TO_VIEW_MESSAGE);
				}
				body = await buffer(d.stream);
				assertViewableInline(body);
			} catch (e) {
				if (!isAppError(e)) throw e;
				await recordAudit(db(), {
					...by(a),
					action: 'evidence.view_refused',
					objectType: 'evidence',
					objectId: evidenceId,
					unitId: assessment.commune.id,
					ip: clientAddress(event),
					details: { assessmentId: assessment.id, reason: e.message, found: e.details.found ?? [] }
				});
				return notViewableResponse(httpStatus(e), e.message, event.url.pathname, d.fileName);
			}
		}
		return new Response(body as BodyInit, {
			headers: {
				...headers,
				'Content-Length': String(d.size),
				'Content-Disposition': attachmentDisposition(d.fileName).replace(/^attachment/, 'inline'),
				'Content-Security-Policy': INLINE_DOCUMENT_CSP,
				'X-Frame-Options': 'SAMEORIGIN'
			}
		});
	});
