import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listSurveyTemplates } from '#lib/server/surveys/templates.ts';
import { SURVEY_GROUPS, SURVEY_GROUP_LABELS } from '#lib/domain/surveys/templates.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'survey.template.manage');
		const rows = await listSurveyTemplates(db(), a);
		return {
			groups: SURVEY_GROUPS.map((g) => ({ group: g, label: SURVEY_GROUP_LABELS[g], rows: rows.filter((r) => r.group === g) }))
		};
	});
