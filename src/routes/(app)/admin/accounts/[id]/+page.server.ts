import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { getAccount, resolveUnitChoice, setActive, setPassword, setRole, unitChoiceSchema } from '#lib/server/accounts/index.ts';
import { pickerData, pickerSearch, pickerValues } from '#lib/server/accounts/picker.ts';
import { objectHistory } from '#lib/server/audit/list.ts';
import { invalid, parseInput } from '#lib/server/errors.ts';
import { ROLES, type Role } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const accountOf = (raw: string) => getAccount(db(), parseId(raw, 'Không tìm thấy tài khoản.'));

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'account.manage');
		const account = await accountOf(event.params.id);
		return {
			account,
			history: await objectHistory(db(), 'account', account.id),
			picker: await pickerData(db(), appConfig()),
			// the current unit's place, for the picker to start from
			current: {
				provinceCode: (account.unit_level === 'province' ? account.unit_code : account.province_code) ?? '',
				unitCode: account.unit_level === 'province' ? '' : (account.unit_code ?? ''),
				unit:
					account.unit_code && account.unit_level !== 'province'
						? { code: account.unit_code, name: account.unit_name ?? '', kind: account.unit_kind ?? '' }
						: null
			}
		};
	});

export const actions: Actions = {
	role: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'account.manage');
			const target = await accountOf(event.params.id);
			const data = await readForm(event.request);
			const values = { role: String(data?.get('role') ?? ''), ...pickerValues(data) };
			const role = values.role as Role;
			if (!ROLES.includes(role)) throw invalid('Vai trò không hợp lệ.');
			if (target.id === a.id && role !== 'admin') throw invalid('Không thể tự bỏ quyền quản trị của chính mình.');
			let unitId: number | null;
			try {
				unitId = await resolveUnitChoice(db(), appConfig(), role, parseInput(unitChoiceSchema, values));
			} catch (e) {
				return refusal(e, { values, unitSearch: await pickerSearch(db(), appConfig(), values) });
			}
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
	/** Without JavaScript: the unit picker's "Tìm" button lists the units matching the search, keeping the form's values. */
	findUnits: (event) =>
		action(event, async (actor) => {
			authorize(actor, 'account.manage');
			await accountOf(event.params.id);
			const data = await readForm(event.request);
			const values = { role: String(data?.get('role') ?? ''), ...pickerValues(data) };
			return { values, unitSearch: await pickerSearch(db(), appConfig(), values) };
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
