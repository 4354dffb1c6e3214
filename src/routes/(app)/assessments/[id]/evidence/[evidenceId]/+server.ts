/**
 * GET: download one document of the assessment, as an attachment (or, with ?view=1, a PDF or
 * image shown inline for the review page), streamed from the store.
 * Accounts allowed `evidence.read` on the commune only; 404 otherwise (also for a document of
 * another assessment or a removed one). Every download is recorded in the audit trail.
 */
import { error } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { attachmentDisposition, EvidenceError, openEvidenceDownload, VIEWABLE_TYPES } from '#lib/server/evidence/index.ts';
import type { RequestHandler } from './$types';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

export const GET: RequestHandler = async (event) => {
	const { account, assessment } = await authorizeAssessment(event, db(), 'evidence.read', event.params.id);
	const evidenceId = idParam.safeParse(event.params.evidenceId);
	if (!evidenceId.success) error(404, 'Không tìm thấy tài liệu.');
	let ip: string | null = null;
	try {
		ip = event.getClientAddress();
	} catch {
		/* no address (behind a proxy without the header) */
	}
	try {
		const d = await openEvidenceDownload(db(), fileStore(), {
			assessmentId: assessment.id,
			evidenceId: evidenceId.data,
			actor: { id: account.id, label: account.email },
			ip
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
	} catch (e) {
		if (e instanceof EvidenceError) error(e.status, e.message);
		throw e;
	}
};
