import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';

// Public route (PUBLIC_ROUTES): a form to type the verification code printed on a certificate.
export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData().catch(() => null);
		const code = String(data?.get('code') ?? '')
			.trim()
			.toUpperCase()
			.replace(/\s+/g, '');
		redirect(303, `/verify/${encodeURIComponent(code || '-')}`);
	}
};
