import { endpoint } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { entryCriteriaSetFile } from '#lib/server/answers/index.ts';
import type { RequestHandler } from './$types';

// The data-entry pages' criteria set, by version (see $lib/criteria-set-ref.ts): regulation data,
// the same for every commune, so the browser keeps the version it asked for (`?v=`, a hash of the
// content) for good; any other `v` gets the set as it is now, not kept. Gzipped once per version
// (27 KB → about 5 KB) for the browsers that take it, as all do.
export const GET: RequestHandler = (event) =>
	endpoint(event, async (actor) => {
		authorize(actor, 'criteria.read');
		const file = await entryCriteriaSetFile(db(), parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.'));
		const current = event.url.searchParams.get('v') === file.ref.v;
		const gzip = /\bgzip\b/.test(event.request.headers.get('accept-encoding') ?? '');
		const headers: Record<string, string> = {
			'Content-Type': 'application/json; charset=utf-8',
			'Cache-Control': current ? 'private, max-age=31536000, immutable' : 'no-store',
			Vary: 'Accept-Encoding'
		};
		if (gzip) headers['Content-Encoding'] = 'gzip';
		return new Response(gzip ? new Uint8Array(file.gzip) : file.json, { headers });
	});
