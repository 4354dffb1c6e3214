import { json } from '@sveltejs/kit';
import { endpoint } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { parseInput } from '#lib/server/errors.ts';
import { searchUnits, unitSearchSchema } from '#lib/server/units/picker.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { RequestHandler } from './$types';

// The account forms' unit picker, as the administrator types: the communes (or districts) of one
// province matching a search without diacritics, at most `limit` of them, and how many match.
export const GET: RequestHandler = (event) =>
	endpoint(event, async (actor) => {
		authorize(actor, 'account.manage');
		const p = event.url.searchParams;
		const search = parseInput(unitSearchSchema, {
			province: p.get('province') ?? '',
			level: p.get('level') ?? undefined,
			q: p.get('q') ?? undefined,
			limit: p.get('limit') ?? undefined
		});
		const result = await searchUnits(db(), eraForReviewLevel(appConfig().reviewLevel), search);
		return json({ ok: true, ...result }, { headers: { 'Cache-Control': 'no-store' } });
	});
