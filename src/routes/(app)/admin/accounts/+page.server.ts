import { fail } from '@sveltejs/kit';
import { z, ZodError } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { AccountError, createAccount } from '#lib/server/accounts/index.ts';
import { ROLES, type Role } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	authorize(event, 'account.manage');
	const q = z
		.string()
		.trim()
		.max(100)
		.catch('')
		.parse(event.url.searchParams.get('q') ?? '');
	let query = db()
		.selectFrom('account as a')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.select(['a.id', 'a.email', 'a.full_name', 'a.role', 'a.active', 'u.name as unit_name', 'u.code as unit_code'])
		.orderBy('a.email')
		.limit(200);
	if (q) query = query.where((eb) => eb.or([eb('a.email', 'ilike', `%${q}%`), eb('a.full_name', 'ilike', `%${q}%`)]));
	return { accounts: await query.execute(), q, reviewLevel: appConfig().reviewLevel };
};

export const actions: Actions = {
	create: async (event) => {
		const admin = authorize(event, 'account.manage');
		const data = await event.request.formData().catch(() => null);
		const get = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string).trim() : '');
		const values = { email: get('email'), fullName: get('fullName'), role: get('role'), unitCode: get('unitCode') };
		if (!ROLES.includes(values.role as Role)) return fail(400, { message: 'Hãy chọn vai trò.', values });
		if (values.fullName.length < 2) return fail(400, { message: 'Hãy nhập họ tên.', values });
		const password = get('password');
		try {
			await createAccount(
				db(),
				appConfig(),
				{ ...values, role: values.role as Role, unitCode: values.unitCode || null, password },
				{ id: admin.id, label: admin.email }
			);
		} catch (e) {
			if (e instanceof ZodError) return fail(400, { message: e.issues[0].message, values });
			if (e instanceof AccountError) return fail(400, { message: e.message, values });
			throw e;
		}
		return { done: `Đã tạo tài khoản ${values.email.toLowerCase()}.` };
	}
};
