import type { Role } from '#lib/domain/access.ts';
import { can, type Action } from '#lib/domain/access.ts';

export type NavItem = { href: string; label: string; action: Action };

/** Navigation per role: an item shows only when the matrix grants its action. */
const ITEMS: NavItem[] = [
	{ href: '/', label: 'Trang chủ', action: 'home.view' },
	{ href: '/assessments', label: 'Hồ sơ đánh giá', action: 'assessment.read' },
	{ href: '/review', label: 'Tiến độ thẩm định', action: 'assessment.read' },
	{ href: '/dashboard', label: 'Tổng hợp', action: 'dashboard.read' },
	{ href: '/decisions', label: 'Quyết định', action: 'decision.read' },
	{ href: '/rounds', label: 'Đợt đánh giá', action: 'round.read' },
	{ href: '/units', label: 'Đơn vị', action: 'unit.read' },
	{ href: '/criteria', label: 'Bộ tiêu chí', action: 'criteria.read' },
	{ href: '/admin/survey-templates', label: 'Bảng hỏi', action: 'survey.template.manage' },
	{ href: '/admin/accounts', label: 'Tài khoản', action: 'account.manage' },
	{ href: '/admin/audit', label: 'Nhật ký', action: 'audit.read' },
	{ href: '/admin/settings', label: 'Thiết lập', action: 'settings.manage' },
	{ href: '/admin/reminders', label: 'Nhắc hạn', action: 'reminder.read' },
	{ href: '/notifications', label: 'Thông báo', action: 'notification.read' }
];

/** The account's own page, beside its name in the header (not in the menu, which fits one line at 1366 px). */
export const ACCOUNT_LINK = { href: '/account/password', label: 'Đổi mật khẩu' } as const;

export function navFor(role: Role): NavItem[] {
	return ITEMS.filter((i) => can(role, i.action));
}
