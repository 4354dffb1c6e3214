import { z } from 'zod';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { listCommunesInScope } from '#lib/server/units/read.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(100).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});
const PAGE = 50;

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'unit.read');
	const { q, page } = query.parse({ q: event.url.searchParams.get('q') ?? undefined, page: event.url.searchParams.get('page') ?? 1 });
	const era = eraForReviewLevel(appConfig().reviewLevel);
	const communes = await listCommunesInScope(db(), actorOf(account), 'unit.read', era, { q, limit: PAGE + 1, offset: (page - 1) * PAGE });
	return { communes: communes.slice(0, PAGE), hasMore: communes.length > PAGE, page, q: q ?? '' };
};
