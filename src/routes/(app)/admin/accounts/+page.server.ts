import { z } from 'zod';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { accountFormSchema, createAccount, listAccounts } from '#lib/server/accounts/index.ts';
import { parseInput } from '#lib/server/errors.ts';
import { pickerData, pickerSearch, pickerValues } from '#lib/server/accounts/picker.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'account.manage');
		const q = z
			.string()
			.trim()
			.max(100)
			.catch('')
			.parse(event.url.searchParams.get('q') ?? '');
		return { accounts: await listAccounts(db(), q), q, picker: await pickerData(db(), appConfig()) };
	});

/** The fields the form sends back to refill itself (never the password). */
function formValues(data: FormData | null) {
	const get = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string).trim() : '');
	return { email: get('email'), fullName: get('fullName'), role: get('role'), ...pickerValues(data), password: get('password') };
}

export const actions: Actions = {
	create: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const { password, ...values } = formValues(await readForm(event.request));
			try {
				const input = parseInput(accountFormSchema, values);
				await createAccount(db(), appConfig(), { ...input, password }, a);
			} catch (e) {
				// the form keeps what was typed, and the list of units it was choosing from
				return refusal(e, { values, unitSearch: await pickerSearch(db(), appConfig(), values) });
			}
			return { done: `Đã tạo tài khoản ${values.email.toLowerCase()}.` };
		}),
	/** Without JavaScript: the unit picker's "Tìm" button lists the units matching the search, keeping the form's values. */
	findUnits: (event) =>
		action(event, async (actor) => {
			authorize(actor, 'account.manage');
			const { password: _password, ...values } = formValues(await readForm(event.request));
			return { values, unitSearch: await pickerSearch(db(), appConfig(), values) };
		})
};
