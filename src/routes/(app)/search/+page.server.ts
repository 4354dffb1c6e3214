import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { search, searchQuerySchema } from '#lib/server/search/index.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { PageServerLoad } from './$types';

// Every signed-in account may search; each kind of result is limited by the module to what the
// account's role and area may read. A search is a read: not recorded, its text not logged.
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'home.view');
		const parsed = searchQuerySchema.safeParse({ q: event.url.searchParams.get('q') ?? undefined });
		if (!parsed.success) {
			return { q: (event.url.searchParams.get('q') ?? '').slice(0, 100), error: parsed.error.issues[0].message, results: null };
		}
		const q = parsed.data.q;
		if (!q) return { q, error: null, results: null };
		return { q, error: null, results: await search(db(), a, q, eraForReviewLevel(appConfig().reviewLevel)) };
	});
