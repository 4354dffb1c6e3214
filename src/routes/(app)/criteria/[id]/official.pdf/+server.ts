import { Readable } from 'node:stream';
import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { openOfficialText } from '#lib/server/criteria/official-text.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import type { RequestHandler } from './$types';

/** The official text attached to a criteria set version (a download: uploaded content is never shown inline). */
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.read');
		const d = await openOfficialText(db(), fileStore(), a, parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.'));
		return new Response(Readable.toWeb(d.stream) as ReadableStream<Uint8Array>, {
			headers: {
				'Content-Type': 'application/pdf',
				'Content-Length': String(d.size),
				'Content-Disposition': `attachment; filename="${d.fileName}"`,
				'Cache-Control': 'private, no-store',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	});
