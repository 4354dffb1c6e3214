import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listCriteriaSets } from '#lib/server/criteria/index.ts';
import { can } from '#lib/domain/access.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'criteria.read');
	const sets = await listCriteriaSets(db());
	return { sets, canManage: can(account.role, 'criteria.manage') };
};
