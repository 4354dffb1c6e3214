import { error } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { loadEntryView } from '#lib/server/answers/index.ts';
import type { PageServerLoad } from './$types';

// Data entry for one criterion, in the decision's order (prev/next).
export const load: PageServerLoad = async (event) => {
	const ctx = await authorizeAssessment(event, db(), 'assessment.read', event.params.id);
	const code = event.params.code.toUpperCase();
	const view = await loadEntryView(db(), ctx, code);
	const criteria = view.set.criteria;
	const i = criteria.findIndex((c) => c.code === code);
	if (i < 0) error(404, 'Không tìm thấy tiêu chí này trong bộ tiêu chí của hồ sơ.');
	const link = (k: number) => (k >= 0 && k < criteria.length ? { code: criteria[k].code, title: criteria[k].title } : null);
	return { ...view, code: criteria[i].code, prev: link(i - 1), next: link(i + 1) };
};
