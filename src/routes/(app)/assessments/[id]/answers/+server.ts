/**
 * JSON endpoint for data entry: saves one indicator's answer `{ indicator, answer, expectedRevision }`
 * or the base counts `{ baseCounts, expectedRevision }` (PUT; POST accepted as well).
 * 200 saved · 400 invalid (Vietnamese reasons) · 403 cross-site · 409 revision conflict (both
 * values returned) or assessment not editable · 413 too large · 415 not JSON. See src/lib/server/answers.
 */
import { json } from '@sveltejs/kit';
import { endpoint, isSameOrigin, readJson } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeChange } from '#lib/server/auth/guard.ts';
import { MAX_SAVE_BYTES, parseSaveRequest, save } from '#lib/server/answers/index.ts';
import type { RequestHandler } from './$types';

const crossSite = () => json({ ok: false, message: 'Yêu cầu từ trang web khác bị từ chối.' }, { status: 403 });

const handler: RequestHandler = (event) =>
	endpoint(event, async (actor) => {
		if (!isSameOrigin(event.request, event.url)) return crossSite();
		// the assessment with what the save reads first (one query for both)
		const { actor: a, assessment, read } = await authorizeChange(db(), actor, 'assessment.edit', event.params.id);
		const request = parseSaveRequest(await readJson(event.request, MAX_SAVE_BYTES));
		return json(await save(db(), a, assessment, request, read), { headers: { 'Cache-Control': 'no-store' } });
	});

export const PUT: RequestHandler = handler;
export const POST: RequestHandler = handler;
