import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { getAccount, setActive, setPassword, setRole, unitForRole } from '#lib/server/accounts/index.ts';
import { objectHistory } from '#lib/server/audit/list.ts';
import { invalid } from '#lib/server/errors.ts';
import { ROLES, type Role } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const accountOf = (raw: string) => getAccount(db(), parseId(raw, 'Không tìm thấy tài khoản.'));

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'account.manage');
		const account = await accountOf(event.params.id);
		return { account, history: await objectHistory(db(), 'account', account.id) };
	});

export const actions: Actions = {
	role: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const target = await accountOf(event.params.id);
			const data = await readForm(event.request);
			const role = String(data?.get('role') ?? '') as Role;
			if (!ROLES.includes(role)) throw invalid('Vai trò không hợp lệ.');
			const unitId = await unitForRole(db(), appConfig(), role, String(data?.get('unitCode') ?? '').trim());
			if (target.id === a.id && role !== 'admin') throw invalid('Không thể tự bỏ quyền quản trị của chính mình.');
			await setRole(db(), target.id, role, unitId, a);
			return { done: 'Đã cập nhật vai trò; mọi phiên đăng nhập của tài khoản đã kết thúc.' };
		}),
	active: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const target = await accountOf(event.params.id);
			if (target.id === a.id) throw invalid('Không thể tự khóa tài khoản của chính mình.');
			await setActive(db(), target.id, !target.active, a);
			return { done: target.active ? 'Đã khóa tài khoản.' : 'Đã mở khóa tài khoản.' };
		}),
	password: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const target = await accountOf(event.params.id);
			const data = await readForm(event.request);
			await setPassword(db(), target.id, String(data?.get('password') ?? ''), a);
			return { done: 'Đã đặt lại mật khẩu; mọi phiên đăng nhập của tài khoản đã kết thúc.' };
		})
};
