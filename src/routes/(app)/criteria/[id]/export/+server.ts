import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { exportCriteriaSet, findCriteriaSet } from '#lib/server/criteria/index.ts';
import { recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const account = authorize(event, 'criteria.manage');
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	if (!id.success) error(404, 'Không tìm thấy bộ tiêu chí.');
	const found = await findCriteriaSet(db(), id.data);
	if (!found) error(404, 'Không tìm thấy bộ tiêu chí.');
	await recordAudit(db(), {
		actorId: account.id,
		actorLabel: account.email,
		action: 'criteria.export',
		objectType: 'criteria_set',
		objectId: found.row.id
	});
	return new Response(JSON.stringify(exportCriteriaSet(found), null, 2) + '\n', {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Disposition': `attachment; filename="${found.row.code}@${found.row.version}.json"`,
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff'
		}
	});
};
