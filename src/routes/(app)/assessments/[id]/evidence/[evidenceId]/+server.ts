/**
 * GET: download one document of the assessment, as an attachment (or, with ?view=1, a PDF or
 * image shown inline for the review page), streamed from the store.
 * Accounts allowed `evidence.read` on the commune only; 404 otherwise (also for a document of
 * another assessment or a removed one). Every download is recorded in the audit trail.
 */
import { Readable } from 'node:stream';
import { clientAddress, page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment, parseId } from '#lib/server/auth/guard.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { attachmentDisposition, openEvidenceDownload } from '#lib/server/evidence/index.ts';
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
		// ?view=1 shows a PDF or an image inside the review page (same origin only); anything else,
		// and every other request, is an attachment in a sandbox.
		const inline = event.url.searchParams.get('view') === '1' && VIEWABLE_TYPES.has(d.mime);
		return new Response(Readable.toWeb(d.stream) as ReadableStream<Uint8Array>, {
			headers: {
				'Content-Type': d.mime,
				'Content-Length': String(d.size),
				'Content-Disposition': inline
					? attachmentDisposition(d.fileName).replace(/^attachment/, 'inline')
					: attachmentDisposition(d.fileName),
				'X-Content-Type-Options': 'nosniff',
				'Cache-Control': 'no-store',
				...(inline
					? {
							'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
							'X-Frame-Options': 'SAMEORIGIN'
						}
					: { 'Content-Security-Policy': "default-src 'none'; sandbox; frame-ancestors 'none'" })
			}
		});
	});
