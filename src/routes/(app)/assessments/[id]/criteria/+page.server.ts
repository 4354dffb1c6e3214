import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { loadDossier } from '#lib/server/dossier/index.ts';
import { entryView } from '#lib/server/answers/index.ts';
import type { PageServerLoad } from './$types';

// Data entry, overview: the base counts and the 13 criteria with their points and status.
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		// the set travels by reference (see $lib/criteria-set-ref.ts)
		const { set: _set, ...view } = entryView(await loadDossier(db(), assessment), a);
		return view;
	});
