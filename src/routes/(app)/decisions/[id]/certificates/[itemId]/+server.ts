import { Readable } from 'node:stream';
import { page } from '#lib/edge/index.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { openCertificateForPrint, previewCertificate } from '#lib/server/certificates/index.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

const NOT_HERE = 'Không tìm thấy xã này trong quyết định.';

// One commune's certificate: `?preview=1` lays out a watermarked preview (nothing recorded);
// otherwise the issued PDF, whose first print needs nothing and every reprint a `reason`; with
// `bw=1`, the same issued certificate laid out again in black and white (a print copy, counted
// and recorded as a print like the original).
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'certificate.print');
		const decision = await loadDecision(db(), a, parseId(event.params.id, NOT_HERE));
		const itemId = parseId(event.params.itemId, NOT_HERE);
		const item = decision?.items.find((i) => i.id === itemId);
		if (!decision || !item) throw notFound(NOT_HERE);
		if (event.url.searchParams.get('preview') === '1') {
			// the QR's address is PUBLIC_URL's, never the request's (Host header); without it a marked placeholder
			const doc = await previewCertificate(db(), appConfig(), a, decision.id, item.id, { store: fileStore() });
			if (!doc) throw notFound('Quyết định không công nhận: không có giấy chứng nhận.');
			if (event.url.searchParams.get('bw') === '1') doc.colour = false;
			return documentResponse(await renderInPool(doc), `giay-chung-nhan-xem-truoc-${item.communeCode}.pdf`, { inline: true });
		}
		const bw = event.url.searchParams.get('bw') === '1';
		const c = await openCertificateForPrint(
			db(),
			fileStore(),
			a,
			decision.id,
			item.id,
			event.url.searchParams.get('reason'),
			bw ? { kind: 'black_and_white', cfg: appConfig(), render: renderInPool } : { kind: 'original' }
		);
		return documentResponse(Readable.toWeb(c.stream) as ReadableStream<Uint8Array>, c.fileName, { size: c.size });
	});
