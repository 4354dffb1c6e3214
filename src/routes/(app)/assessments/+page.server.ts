import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listAssessments } from '#lib/server/assessments/index.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'assessment.read');
	return { assessments: await listAssessments(db(), actorOf(account)) };
};
