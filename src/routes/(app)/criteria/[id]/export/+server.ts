import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { exportCriteriaSet, findCriteriaSet } from '#lib/server/criteria/index.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.manage');
		const found = await findCriteriaSet(db(), parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.'));
		if (!found) throw notFound('Không tìm thấy bộ tiêu chí.');
		await recordAudit(db(), { ...by(a), action: 'criteria.export', objectType: 'criteria_set', objectId: found.row.id });
		return new Response(JSON.stringify(exportCriteriaSet(found), null, 2) + '\n', {
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Disposition': `attachment; filename="${found.row.code}@${found.row.version}.json"`,
				'Cache-Control': 'no-store',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	});
