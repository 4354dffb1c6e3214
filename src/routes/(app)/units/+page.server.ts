import { z } from 'zod';
import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { listCommunesInScope } from '#lib/server/units/read.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(100).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});
const PAGE = 50;

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'unit.read');
		const { q, page: n } = query.parse({ q: event.url.searchParams.get('q') ?? undefined, page: event.url.searchParams.get('page') ?? 1 });
		const era = eraForReviewLevel(appConfig().reviewLevel);
		const communes = await listCommunesInScope(db(), a, 'unit.read', era, { q, limit: PAGE + 1, offset: (n - 1) * PAGE });
		return { communes: communes.slice(0, PAGE), hasMore: communes.length > PAGE, page: n, q: q ?? '' };
	});
