import { describe, expect, it } from 'vitest';
import { ACTIONS, can, canOnUnit, isUnitless, MATRIX, ROLE_LABELS, ROLES, SCOPES, scopeOf, type RuleActor } from './access.ts';

const huế = { provinceId: 1, districtId: 10 };
const communeA = { id: 100, ...huế };
const communeB = { id: 101, ...huế }; // same district and province as A
const communeC = { id: 200, provinceId: 2, districtId: 20 }; // another province

const actor = (role: RuleActor['role'], unit: RuleActor['unit']): RuleActor => ({ role, unit });

describe('authorization matrix', () => {
	it('names only known roles and scopes', () => {
		for (const action of ACTIONS) {
			for (const [role, scope] of Object.entries(MATRIX[action])) {
				expect(ROLES).toContain(role);
				expect(SCOPES).toContain(scope);
			}
		}
	});

	it('keeps preparing, submitting, reviewing and deciding with different roles', () => {
		expect(ROLES.filter((r) => can(r, 'assessment.submit'))).toEqual(['commune_chair']);
		expect(ROLES.filter((r) => can(r, 'review.perform'))).toEqual(['reviewer']);
		expect(ROLES.filter((r) => can(r, 'decision.issue'))).toEqual(['approver']);
		expect(can('commune_officer', 'assessment.submit')).toBe(false);
		expect(can('reviewer', 'decision.issue')).toBe(false);
		expect(ROLES.filter((r) => can(r, 'account.manage'))).toEqual(['admin']);
	});

	it('lets every role reach its home page and change its own password', () => {
		for (const r of ROLES) {
			expect(scopeOf(r, 'home.view')).toBe('self');
			expect(scopeOf(r, 'account.changePassword')).toBe('self');
		}
	});
});

describe('scope of a commune-level object', () => {
	it('confines a commune account to its own commune', () => {
		const officer = actor('commune_officer', { id: 100, level: 'commune' });
		expect(canOnUnit(officer, 'unit.read', communeA)).toBe(true);
		expect(canOnUnit(officer, 'unit.read', communeB)).toBe(false);
		expect(canOnUnit(officer, 'assessment.edit', communeA)).toBe(true);
		expect(canOnUnit(officer, 'review.perform', communeA)).toBe(false);
	});

	it('gives a district reviewer the communes of that district only', () => {
		const reviewer = actor('reviewer', { id: 10, level: 'district' });
		expect(canOnUnit(reviewer, 'review.perform', communeA)).toBe(true);
		expect(canOnUnit(reviewer, 'review.perform', communeB)).toBe(true);
		expect(canOnUnit(reviewer, 'review.perform', communeC)).toBe(false);
	});

	it('gives a province reviewer the communes of that province only', () => {
		const reviewer = actor('reviewer', { id: 2, level: 'province' });
		expect(canOnUnit(reviewer, 'assessment.read', communeC)).toBe(true);
		expect(canOnUnit(reviewer, 'assessment.read', communeA)).toBe(false);
	});

	it('refuses an account without a unit anything but an `all` scope', () => {
		expect(canOnUnit(actor('reviewer', null), 'review.perform', communeA)).toBe(false);
		expect(canOnUnit(actor('admin', null), 'unit.read', communeC)).toBe(true);
	});
});

describe('the ministry officer (issue 13)', () => {
	const READS = [
		'home.view',
		'account.changePassword',
		'criteria.read',
		'round.read',
		'dashboard.read',
		'review.read',
		'assessment.read',
		'decision.read',
		'notification.read',
		'unit.read'
	] as const;

	it('reads the whole country and nothing else: no edit, submit, review, decision, print, management or evidence', () => {
		const granted = ACTIONS.filter((a) => can('ministry_officer', a)).sort();
		expect(granted).toEqual([...READS].sort());
		for (const a of READS) {
			const expected = a === 'home.view' || a === 'account.changePassword' || a === 'notification.read' ? 'self' : 'all';
			expect(scopeOf('ministry_officer', a), a).toBe(expected);
		}
		// every action it is granted is a reading one
		expect(granted.every((a) => /\.(read|view|changePassword)$/.test(a))).toBe(true);
		expect(can('ministry_officer', 'evidence.read')).toBe(false);
	});

	it('is bound to no unit, like an administrator, and sees any commune with its read scope only', () => {
		expect(isUnitless('ministry_officer')).toBe(true);
		expect(isUnitless('admin')).toBe(true);
		expect(ROLES.filter(isUnitless)).toEqual(['ministry_officer', 'admin']);
		const bo = actor('ministry_officer', null);
		expect(canOnUnit(bo, 'assessment.read', communeA)).toBe(true);
		expect(canOnUnit(bo, 'dashboard.read', communeC)).toBe(true);
		for (const a of [
			'assessment.edit',
			'evidence.upload',
			'evidence.read',
			'review.perform',
			'decision.issue',
			'certificate.print'
		] as const)
			expect(canOnUnit(bo, a, communeA), a).toBe(false);
	});

	it('has a Vietnamese label', () => {
		expect(ROLE_LABELS.ministry_officer).toBe('Cán bộ Bộ (theo dõi toàn quốc, chỉ xem)');
	});
});
