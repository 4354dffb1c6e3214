import { redirect } from '@sveltejs/kit';
import { readForm, refusal } from '#lib/edge/index.ts';
import type { Actions } from './$types';

// Public route (PUBLIC_ROUTES): a form to type the code printed on a survey slip by hand.
export const actions: Actions = {
	default: async (event) => {
		let data: FormData | null;
		try {
			data = await readForm(event.request);
		} catch (e) {
			return refusal(e, {}); // too large (413), a NUL character (400)
		}
		const code = String(data?.get('code') ?? '')
			.trim()
			.toUpperCase()
			.replace(/[\s-]+/g, '')
			.slice(0, 100);
		redirect(303, `/khao-sat/${encodeURIComponent(code || '-')}`);
	}
};
