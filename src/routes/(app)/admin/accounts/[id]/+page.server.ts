import { error, fail } from '@sveltejs/kit';
import { z, ZodError } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { AccountError, findUnitByCode, setActive, setPassword, setRole, unitLevelForRole } from '#lib/server/accounts/index.ts';
import { ROLES, type Role } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

async function accountOf(raw: string) {
	const id = idParam.safeParse(raw);
	const a = id.success
		? await db()
				.selectFrom('account as a')
				.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
				.select(['a.id', 'a.email', 'a.full_name', 'a.role', 'a.active', 'u.code as unit_code', 'u.name as unit_name'])
				.where('a.id', '=', id.data)
				.executeTakeFirst()
		: undefined;
	if (!a) error(404, 'Không tìm thấy tài khoản.');
	return a;
}

export const load: PageServerLoad = async (event) => {
	authorize(event, 'account.manage');
	const account = await accountOf(event.params.id);
	const history = await db()
		.selectFrom('audit_log')
		.select(['at', 'action', 'actor_label', 'ip'])
		.where('object_type', '=', 'account')
		.where('object_id', '=', String(account.id))
		.orderBy('id', 'desc')
		.limit(50)
		.execute();
	return { account, history };
};

const actor = (a: { id: number; email: string }) => ({ id: a.id, label: a.email });

export const actions: Actions = {
	role: async (event) => {
		const admin = authorize(event, 'account.manage');
		const target = await accountOf(event.params.id);
		const data = await event.request.formData().catch(() => null);
		const role = String(data?.get('role') ?? '') as Role;
		const unitCode = String(data?.get('unitCode') ?? '').trim();
		if (!ROLES.includes(role)) return fail(400, { message: 'Vai trò không hợp lệ.' });
		const level = unitLevelForRole(role, appConfig().reviewLevel);
		let unitId: number | null = null;
		if (level) {
			const unit = unitCode ? await findUnitByCode(db(), unitCode, level, appConfig().reviewLevel) : undefined;
			if (!unit) return fail(400, { message: `Không tìm thấy đơn vị cấp ${level} có mã "${unitCode}".` });
			unitId = unit.id;
		}
		if (target.id === admin.id && role !== 'admin') return fail(400, { message: 'Không thể tự bỏ quyền quản trị của chính mình.' });
		await setRole(db(), target.id, role, unitId, actor(admin));
		return { done: 'Đã cập nhật vai trò; mọi phiên đăng nhập của tài khoản đã kết thúc.' };
	},
	active: async (event) => {
		const admin = authorize(event, 'account.manage');
		const target = await accountOf(event.params.id);
		if (target.id === admin.id) return fail(400, { message: 'Không thể tự khóa tài khoản của chính mình.' });
		await setActive(db(), target.id, !target.active, actor(admin));
		return { done: target.active ? 'Đã khóa tài khoản.' : 'Đã mở khóa tài khoản.' };
	},
	password: async (event) => {
		const admin = authorize(event, 'account.manage');
		const target = await accountOf(event.params.id);
		const data = await event.request.formData().catch(() => null);
		try {
			await setPassword(db(), target.id, String(data?.get('password') ?? ''), actor(admin));
		} catch (e) {
			if (e instanceof ZodError) return fail(400, { message: e.issues[0].message });
			if (e instanceof AccountError) return fail(400, { message: e.message });
			throw e;
		}
		return { done: 'Đã đặt lại mật khẩu; mọi phiên đăng nhập của tài khoản đã kết thúc.' };
	}
};
