import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { latestJob } from '#lib/server/certificates/index.ts';
import type { RequestHandler } from './$types';

// Progress of the decision's latest certificate job, polled by its page.
export const GET: RequestHandler = async (event) => {
	const account = authorize(event, 'decision.read');
	const decisionId = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	const decision = decisionId.success ? await loadDecision(db(), actorOf(account), decisionId.data) : undefined;
	if (!decision) error(404, 'Không tìm thấy quyết định.');
	return json(await latestJob(db(), decision.id), { headers: { 'Cache-Control': 'no-store' } });
};
