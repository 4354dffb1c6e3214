import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { loadDossier } from '#lib/server/dossier/index.ts';
import { entryView } from '#lib/server/answers/index.ts';
import { pack } from '#lib/packed.ts';
import type { PageServerLoad } from './$types';

// Data entry, overview: the base counts and the 13 criteria with their points and status.
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const view = entryView(await loadDossier(db(), assessment), a);
		return { ...view, set: pack(view.set) }; // serialized once per set version (see $lib/packed.ts)
	});
