/** HTTP responses for generated documents: PDF or ZIP, never cached, shown or downloaded. */
import { attachmentDisposition } from '../evidence/names.ts';

export function documentResponse(
	body: Buffer | ReadableStream<Uint8Array>,
	fileName: string,
	opts: { mime?: string; inline?: boolean; size?: number } = {}
): Response {
	const disposition = attachmentDisposition(fileName);
	return new Response(body as BodyInit, {
		headers: {
			'Content-Type': opts.mime ?? 'application/pdf',
			...(Buffer.isBuffer(body) ? { 'Content-Length': String(body.length) } : opts.size ? { 'Content-Length': String(opts.size) } : {}),
			'Content-Disposition': opts.inline ? disposition.replace(/^attachment/, 'inline') : disposition,
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff',
			// shown inside this site's pages when inline; never framed when downloaded
			'Content-Security-Policy': `default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors ${opts.inline ? "'self'" : "'none'"}`
		}
	});
}
