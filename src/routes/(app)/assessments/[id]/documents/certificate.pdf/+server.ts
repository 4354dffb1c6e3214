import { Readable } from 'node:stream';
import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { certificateOfAssessment } from '#lib/server/certificates/index.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { onAssessment, recordAudit } from '#lib/server/audit/index.ts';
import { conflict, notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

// The commune's own certificate, as issued (the file the official prints); a copy for the
// commune's records, recorded in the audit trail. Not once the recognition was revoked.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const c = await certificateOfAssessment(db(), assessment.id);
		if (!c) throw notFound('Chưa có giấy chứng nhận cho hồ sơ này.');
		if (c.revocation_id !== null) throw conflict('Công nhận đã bị thu hồi: giấy chứng nhận không còn hiệu lực.');
		const stream = await fileStore().open(c.storage_key);
		await recordAudit(db(), onAssessment(a, assessment, 'document.certificate_copy', { serial: c.serial }));
		return documentResponse(
			Readable.toWeb(stream) as ReadableStream<Uint8Array>,
			`giay-chung-nhan-${c.serial.replace(/[^0-9A-Za-z]+/g, '-')}.pdf`,
			{
				size: Number(c.size),
				inline: event.url.searchParams.get('view') === '1'
			}
		);
	});
