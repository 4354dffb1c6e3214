import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeDossier } from '#lib/server/auth/guard.ts';
import { entryView } from '#lib/server/answers/index.ts';
import type { PageServerLoad } from './$types';

// Data entry, overview: the base counts and the 13 criteria with their points and status.
export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, dossier } = await authorizeDossier(db(), actor, 'assessment.read', event.params.id);
		// the set travels by reference (see $lib/criteria-set-ref.ts)
		const { set: _set, ...view } = entryView(dossier, a);
		return view;
	});
