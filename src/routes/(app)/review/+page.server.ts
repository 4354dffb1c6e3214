import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseQueueQuery, reviewQueue } from '#lib/server/reviews/queue.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'assessment.read');
	return { queue: await reviewQueue(db(), actorOf(account), parseQueueQuery(event.url.searchParams)) };
};
