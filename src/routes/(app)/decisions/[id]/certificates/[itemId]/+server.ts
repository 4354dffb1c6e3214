import { error } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { db, appConfig } from '#lib/server/app.ts';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { openCertificateForPrint, previewCertificate } from '#lib/server/certificates/index.ts';
import { WorkflowError } from '#lib/server/assessments/workflow.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import type { RequestHandler } from './$types';

const id = z.coerce.number().int().positive().max(2_147_483_647);

// One commune's certificate: `?preview=1` lays out a watermarked preview (nothing recorded);
// otherwise the issued PDF, whose first print needs nothing and every reprint a `reason`.
export const GET: RequestHandler = async (event) => {
	const account = authorize(event, 'certificate.print');
	const decisionId = id.safeParse(event.params.id);
	const itemId = id.safeParse(event.params.itemId);
	const decision = decisionId.success ? await loadDecision(db(), actorOf(account), decisionId.data) : undefined;
	const item = decision?.items.find((i) => itemId.success && i.id === itemId.data);
	if (!decision || !item) error(404, 'Không tìm thấy xã này trong quyết định.');
	if (event.url.searchParams.get('preview') === '1') {
		const doc = await previewCertificate(db(), decision.id, item.id, appConfig().publicUrl ?? event.url.origin);
		if (!doc) error(404, 'Quyết định không công nhận: không có giấy chứng nhận.');
		if (event.url.searchParams.get('bw') === '1') doc.colour = false;
		return documentResponse(await renderInPool(doc), `giay-chung-nhan-xem-truoc-${item.communeCode}.pdf`, { inline: true });
	}
	try {
		const c = await openCertificateForPrint(
			db(),
			fileStore(),
			{ id: account.id, label: account.email },
			decision.id,
			item.id,
			event.url.searchParams.get('reason')
		);
		return documentResponse(Readable.toWeb(c.stream) as ReadableStream<Uint8Array>, c.fileName, { size: c.size });
	} catch (e) {
		if (e instanceof WorkflowError) error(e.status, e.message);
		throw e;
	}
};
