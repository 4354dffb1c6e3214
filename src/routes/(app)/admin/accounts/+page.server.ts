import { z } from 'zod';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { createAccount, listAccounts } from '#lib/server/accounts/index.ts';
import { invalid } from '#lib/server/errors.ts';
import { ROLES, type Role } from '#lib/domain/access.ts';
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
		return { accounts: await listAccounts(db(), q), q, reviewLevel: appConfig().reviewLevel };
	});

export const actions: Actions = {
	create: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const data = await readForm(event.request);
			const get = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string).trim() : '');
			const values = { email: get('email'), fullName: get('fullName'), role: get('role'), unitCode: get('unitCode') };
			try {
				if (!ROLES.includes(values.role as Role)) throw invalid('Hãy chọn vai trò.', { role: 'Hãy chọn vai trò.' });
				if (values.fullName.length < 2) throw invalid('Hãy nhập họ tên.', { fullName: 'Hãy nhập họ tên.' });
				await createAccount(
					db(),
					appConfig(),
					{ ...values, role: values.role as Role, unitCode: values.unitCode || null, password: get('password') },
					a
				);
			} catch (e) {
				return refusal(e, { values }); // the form keeps what was typed
			}
			return { done: `Đã tạo tài khoản ${values.email.toLowerCase()}.` };
		})
};
