import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { criteriaImpact } from '#lib/server/criteria/impact.ts';
import type { PageServerLoad } from './$types';

/** `?round=<id>`; absent or empty: the latest round. */
const roundOf = (url: URL): number | undefined => {
	const raw = url.searchParams.get('round');
	return raw ? parseId(raw, 'Không tìm thấy đợt đánh giá.') : undefined;
};

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'criteria.manage');
		const id = parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.');
		return criteriaImpact(db(), id, roundOf(event.url));
	});
