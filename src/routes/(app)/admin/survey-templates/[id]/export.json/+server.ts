import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { findSurveyTemplate } from '#lib/server/surveys/templates.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

/** The template as stored, in the interchange form the import page reads back (no status: a file's status is not trusted). */
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'survey.template.manage');
		const found = await findSurveyTemplate(db(), a, parseId(event.params.id, 'Không tìm thấy bảng hỏi.'));
		await recordAudit(db(), { ...by(a), action: 'survey_template.export', objectType: 'survey_template', objectId: found.row.id });
		return new Response(JSON.stringify(found.template, null, 2) + '\n', {
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Disposition': `attachment; filename="${found.row.code}@${found.row.version}.json"`,
				'Cache-Control': 'no-store',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	});
