/**
 * JSON endpoint for data entry: saves one indicator's answer `{ indicator, answer, expectedRevision }`
 * or the base counts `{ baseCounts, expectedRevision }` (PUT; POST accepted as well).
 * 200 saved · 400 invalid (Vietnamese reasons) · 403 cross-site · 409 revision conflict (both
 * values returned) or assessment not editable · 415 not JSON. See src/lib/server/answers.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { isSameOrigin, saveFromRequest, type EditContext } from '#lib/server/answers/index.ts';
import type { RequestHandler } from './$types';

const crossSite = () => json({ ok: false, message: 'Yêu cầu từ trang web khác bị từ chối.' }, { status: 403 });

async function save(event: RequestEvent, ctx: EditContext): Promise<Response> {
	const r = await saveFromRequest(db(), ctx, event.request);
	return json(r.body, { status: r.status, headers: { 'Cache-Control': 'no-store' } });
}

export const PUT: RequestHandler = async (event) => {
	if (!isSameOrigin(event.request, event.url)) return crossSite();
	const ctx = await authorizeAssessment(event, db(), 'assessment.edit', event.params.id);
	return save(event, ctx);
};

export const POST: RequestHandler = async (event) => {
	if (!isSameOrigin(event.request, event.url)) return crossSite();
	const ctx = await authorizeAssessment(event, db(), 'assessment.edit', event.params.id);
	return save(event, ctx);
};
