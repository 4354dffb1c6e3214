import { json } from '@sveltejs/kit';
import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { latestJob } from '#lib/server/certificates/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

// Progress of the decision's latest certificate job, polled by its page.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'decision.read');
		const decision = await loadDecision(db(), a, parseId(event.params.id, 'Không tìm thấy quyết định.'));
		if (!decision) throw notFound('Không tìm thấy quyết định.');
		return json(await latestJob(db(), decision.id), { headers: { 'Cache-Control': 'no-store' } });
	});
