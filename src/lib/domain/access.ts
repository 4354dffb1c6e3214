/**
 * Authorization as data: one matrix of role × action → scope. Every `load`, form action and
 * endpoint asks `can()` (through the server guard) before touching an object; the scope then
 * limits which units' data it may see. Pure: no I/O.
 */
import type { UnitLevel } from './units.ts';

export const ROLES = ['commune_officer', 'commune_chair', 'reviewer', 'approver', 'province_officer', 'ministry_officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	commune_officer: 'Cán bộ xã (lập hồ sơ tự đánh giá)',
	commune_chair: 'Chủ tịch UBND xã (ký, gửi hồ sơ)',
	reviewer: 'Cán bộ thẩm định',
	approver: 'Lãnh đạo ra quyết định công nhận',
	province_officer: 'Cán bộ cấp tỉnh (theo dõi, tổng hợp)',
	ministry_officer: 'Cán bộ Bộ (theo dõi toàn quốc, chỉ xem)',
	admin: 'Quản trị hệ thống'
};

/**
 * Scopes, from narrow to wide:
 * - `self`: only the signed-in account itself;
 * - `unit`: the account's own commune;
 * - `area`: the communes under the account's unit (its district or its province);
 * - `all`: every unit.
 */
export const SCOPES = ['self', 'unit', 'area', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export const MATRIX = {
	'home.view': {
		commune_officer: 'self',
		commune_chair: 'self',
		reviewer: 'self',
		approver: 'self',
		province_officer: 'self',
		ministry_officer: 'self',
		admin: 'self'
	},
	'account.changePassword': {
		commune_officer: 'self',
		commune_chair: 'self',
		reviewer: 'self',
		approver: 'self',
		province_officer: 'self',
		ministry_officer: 'self',
		admin: 'self'
	},
	'account.manage': { admin: 'all' },
	'unit.read': {
		commune_officer: 'unit',
		commune_chair: 'unit',
		reviewer: 'area',
		approver: 'area',
		province_officer: 'area',
		ministry_officer: 'all',
		admin: 'all'
	},
	'unit.setCategory': { admin: 'all' },
	'audit.read': { admin: 'all' },
	/** What the reminders' scheduler sent to whom (issue 13). */
	'reminder.read': { admin: 'all' },
	/** The documents' settings: legal bases, the reviewing office, the national emblem. */
	'settings.manage': { admin: 'all' },
	'criteria.read': {
		commune_officer: 'all',
		commune_chair: 'all',
		reviewer: 'all',
		approver: 'all',
		province_officer: 'all',
		ministry_officer: 'all',
		admin: 'all'
	},
	'criteria.manage': { admin: 'all' },
	'criteria.confirm': { admin: 'all' },
	'assessment.read': {
		commune_officer: 'unit',
		commune_chair: 'unit',
		reviewer: 'area',
		approver: 'area',
		province_officer: 'area',
		ministry_officer: 'all',
		admin: 'all'
	},
	'assessment.edit': { commune_officer: 'unit', commune_chair: 'unit' },
	'evidence.upload': { commune_officer: 'unit', commune_chair: 'unit' },
	/** Running the commune's satisfaction survey for criterion 13 (issue 15); reading it is `assessment.read`. */
	'survey.manage': { commune_officer: 'unit', commune_chair: 'unit' },
	/** Replacing the survey questionnaires (import, preview, activate a new version; issue 15). */
	'survey.template.manage': { admin: 'all' },
	'evidence.read': { commune_officer: 'unit', commune_chair: 'unit', reviewer: 'area', approver: 'area', admin: 'all' },
	'round.manage': { province_officer: 'area', admin: 'all' },
	'round.read': {
		commune_officer: 'all',
		commune_chair: 'all',
		reviewer: 'all',
		approver: 'all',
		province_officer: 'all',
		ministry_officer: 'all',
		admin: 'all'
	},
	'assessment.submit': { commune_chair: 'unit' },
	'review.read': { reviewer: 'area', approver: 'area', province_officer: 'area', ministry_officer: 'all', admin: 'all' },
	/**
	 * The dashboard (issue 13): the figures of the communes in the area; with scope `all` (the
	 * ministry, administrators) the nation, or a chosen province.
	 */
	'dashboard.read': { reviewer: 'area', approver: 'area', province_officer: 'area', ministry_officer: 'all', admin: 'all' },
	'review.perform': { reviewer: 'area' },
	'review.comment': { commune_officer: 'unit', commune_chair: 'unit', reviewer: 'area' },
	'decision.read': { reviewer: 'area', approver: 'area', province_officer: 'area', ministry_officer: 'all', admin: 'all' },
	'decision.issue': { approver: 'area' },
	'decision.revoke': { approver: 'area' },
	'certificate.issue': { approver: 'area' },
	'certificate.print': { approver: 'area', province_officer: 'area' },
	'notification.read': {
		commune_officer: 'self',
		commune_chair: 'self',
		reviewer: 'self',
		approver: 'self',
		province_officer: 'self',
		ministry_officer: 'self',
		admin: 'self'
	}
} as const satisfies Record<string, Partial<Record<Role, Scope>>>;

export type Action = keyof typeof MATRIX;
export const ACTIONS = Object.keys(MATRIX) as Action[];

/** Routes reachable without signing in. Every other server route must call the guard. */
export const PUBLIC_ROUTES = [
	'/login',
	'/logout',
	'/healthz',
	'/verify',
	'/verify/[code]',
	'/verify/public-key.pem',
	'/khao-sat',
	'/khao-sat/[token]'
] as const;

export function scopeOf(role: Role, action: Action): Scope | undefined {
	return (MATRIX[action] as Partial<Record<Role, Scope>>)[role];
}

export function can(role: Role, action: Action): boolean {
	return scopeOf(role, action) !== undefined;
}

/**
 * Roles bound to no unit: administrators, and the ministry's officers (issue 13), who read
 * everything and change nothing. Evidence files are not theirs to read: they hold children's
 * data, and the figures, reviews and decisions are enough to follow the programme.
 */
export const UNITLESS_ROLES = ['ministry_officer', 'admin'] as const satisfies readonly Role[];
export const isUnitless = (role: Role): boolean => (UNITLESS_ROLES as readonly Role[]).includes(role);

/** The unit an account is bound to (none for administrators and the ministry's officers). */
export type ActorUnit = { id: number; code: string; name: string; level: UnitLevel; provinceId: number | null; districtId: number | null };

/**
 * The signed-in account acting: built once per request (the hooks, `locals.actor`) or by the
 * command line, and passed to every module. `email` labels its records in the audit trail.
 */
export type Actor = { id: number; email: string; name: string; role: Role; unit: ActorUnit | null };

/** The deployment itself acting (the command line, seeds, start-up): no account, a label only. */
export type SystemActor = { id: null; email: string };

/** What the rules need of an actor: its role and the unit it is bound to. */
export type RuleActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level'> | null };

/** A commune-level object's place in the unit tree. */
export type UnitPlace = { id: number; districtId: number | null; provinceId: number | null };

/** Whether `actor` may perform `action` on data of the unit at `place`. */
export function canOnUnit(actor: RuleActor, action: Action, place: UnitPlace): boolean {
	const scope = scopeOf(actor.role, action);
	if (!scope) return false;
	switch (scope) {
		case 'all':
			return true;
		case 'self':
			return false;
		case 'unit':
			return actor.unit !== null && actor.unit.id === place.id;
		case 'area':
			if (!actor.unit) return false;
			if (actor.unit.level === 'province') return place.provinceId === actor.unit.id;
			if (actor.unit.level === 'district') return place.districtId === actor.unit.id;
			return place.id === actor.unit.id;
	}
}
