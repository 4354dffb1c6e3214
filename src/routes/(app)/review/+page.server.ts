import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseQueueQuery, reviewQueue } from '#lib/server/reviews/queue.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'assessment.read');
		return { queue: await reviewQueue(db(), a, parseQueueQuery(event.url.searchParams)) };
	});
