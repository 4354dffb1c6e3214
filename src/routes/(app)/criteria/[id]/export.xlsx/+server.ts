import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { exportCriteriaSet, findCriteriaSet } from '#lib/server/criteria/index.ts';
import { criteriaWorkbook } from '#lib/server/criteria/xlsx.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

/** The set as a workbook officials can fill and import back (issue 14). */
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'criteria.manage');
		const found = await findCriteriaSet(db(), parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.'));
		if (!found) throw notFound('Không tìm thấy bộ tiêu chí.');
		const body = await criteriaWorkbook(exportCriteriaSet(found));
		await recordAudit(db(), {
			...by(a),
			action: 'criteria.export',
			objectType: 'criteria_set',
			objectId: found.row.id,
			details: { format: 'xlsx' }
		});
		return new Response(new Uint8Array(body), {
			headers: {
				'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				'Content-Disposition': `attachment; filename="${found.row.code}@${found.row.version}.xlsx"`,
				'Cache-Control': 'no-store',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	});
