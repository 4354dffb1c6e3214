import { action, page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { activateSurveyTemplate, activeSurveyTemplates, findSurveyTemplate } from '#lib/server/surveys/templates.ts';
import { SEX_OPTIONS, SURVEY_GROUP_LABELS } from '#lib/domain/surveys/templates.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy bảng hỏi.';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'survey.template.manage');
		const found = await findSurveyTemplate(db(), a, parseId(event.params.id, NOT_FOUND));
		const current = (await activeSurveyTemplates(db()))[found.row.group];
		return {
			row: found.row,
			template: found.template,
			groupLabel: SURVEY_GROUP_LABELS[found.row.group],
			sexOptions: SEX_OPTIONS.map((s) => s.label),
			current:
				current && current.code + '@' + current.version !== `${found.row.code}@${found.row.version}`
					? `${current.code}@${current.version}`
					: null
		};
	});

export const actions: Actions = {
	activate: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'survey.template.manage');
			const found = await findSurveyTemplate(db(), a, parseId(event.params.id, NOT_FOUND));
			const r = await activateSurveyTemplate(db(), found.row.id, a);
			const retired = r.retired.map((x) => `${x.code}@${x.version}`).join(', ');
			return {
				done: `Đã áp dụng ${found.row.code}@${found.row.version}.${retired ? ` Phiên bản ${retired} chuyển sang ngừng áp dụng.` : ''}`
			};
		})
};
