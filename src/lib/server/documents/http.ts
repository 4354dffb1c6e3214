/** HTTP responses for generated documents: PDF or ZIP, never cached, shown or downloaded. */
import { attachmentDisposition } from '../evidence/names.ts';

/**
 * The Content-Security-Policy of a document shown inline (`?view=1`): framed only by this site's
 * pages, and in a sandbox (no `allow-scripts`, no `allow-same-origin`), so that the document runs
 * in an opaque origin of its own: whatever a PDF carries, nothing in it acts as the app (its
 * cookies, its pages, its requests). Chromium's viewer still shows the PDF (checked in
 * tests/browser/security-documents.test.ts).
 */
export const INLINE_DOCUMENT_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";
/** Downloads: sandboxed too, and never framed. */
export const ATTACHMENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

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
			// shown inside this site's pages (in a sandbox) when inline; never framed when downloaded
			'Content-Security-Policy': opts.inline ? INLINE_DOCUMENT_CSP : ATTACHMENT_CSP,
			...(opts.inline ? { 'X-Frame-Options': 'SAMEORIGIN' } : {})
		}
	});
}

const escapeHtml = (s: string) =>
	s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * In place of a document that is not shown inline (a PDF with scripts): a small page, framed by
 * this site's pages only, without any script, that says why and links to the download.
 */
export function notViewableResponse(status: number, message: string, downloadHref: string, fileName: string): Response {
	const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không xem trực tiếp: ${escapeHtml(fileName)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#1d2430}p{max-width:40rem}.msg{background:#fff4e0;color:#6b4100;border:1px solid #f0d39b;border-radius:6px;padding:.6rem .8rem}a{color:#0b5d3b;font-weight:600}</style>
</head><body>
<p class="msg" role="alert">${escapeHtml(message)}</p>
<p><a href="${escapeHtml(downloadHref)}" download>Tải về ${escapeHtml(fileName)}</a></p>
</body></html>`;
	return new Response(html, {
		status,
		headers: {
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff',
			// no script at all; framed by this site's pages only
			'Content-Security-Policy':
				"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
			'X-Frame-Options': 'SAMEORIGIN'
		}
	});
}
