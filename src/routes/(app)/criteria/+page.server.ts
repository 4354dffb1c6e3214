import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listCriteriaSets } from '#lib/server/criteria/index.ts';
import { can } from '#lib/domain/access.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.read');
		return { sets: await listCriteriaSets(db()), canManage: can(a.role, 'criteria.manage') };
	});
