import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/assessments/index.ts';
import { loadEntryView } from '#lib/server/answers/index.ts';
import type { PageServerLoad } from './$types';

// Data entry, overview: the base counts and the 13 criteria with their points and status.
export const load: PageServerLoad = async (event) => {
	const ctx = await authorizeAssessment(event, db(), 'assessment.read', event.params.id);
	return loadEntryView(db(), ctx);
};
