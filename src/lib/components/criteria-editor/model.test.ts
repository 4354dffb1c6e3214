import { describe, expect, it } from 'vitest';
import { QD06_2019, validateCriteriaSet, type CriteriaSet } from '#lib/domain/criteria/index.ts';
import { anchorFor, errorsByPath, fieldId, move, newCriterion, withKind } from './model.ts';

const clone = (): CriteriaSet => structuredClone(QD06_2019) as CriteriaSet;

describe('criteria editor model', () => {
	it('maps an error path to its input id, falling back to the nearest shown item', () => {
		expect(fieldId('criteria[6].indicators[0].bands[1].points')).toBe('f-criteria-6-indicators-0-bands-1-points');
		expect(fieldId('passRule.thresholds.standard')).toBe('f-passRule-thresholds-standard');
		const shown = new Set(['f-criteria-6-indicators-0']);
		expect(anchorFor('criteria[6].indicators[0].bands[1]', (id) => shown.has(id))).toBe('f-criteria-6-indicators-0');
		expect(anchorFor('criteria[9].title', () => false)).toBeNull();
	});

	it('shows the live validation error of a band worth more than its indicator at that band', () => {
		const s = clone();
		const ind = s.criteria[6].indicators[0];
		if (ind.kind !== 'rate') throw new Error('TC07.1 is a rate');
		ind.bands[1].points = 60;
		const v = validateCriteriaSet(s);
		expect(v.ok).toBe(false);
		const map = errorsByPath(v.ok ? [] : v.errors);
		expect(map.get('criteria[6].indicators[0].bands[1].points')).toMatch(/vượt điểm tối đa/);
	});

	it('changing the kind keeps the common fields and offers empty kind fields', () => {
		const s = clone();
		const check = s.criteria[0].indicators[0];
		const rate = withKind(check, 'rate');
		expect(rate).toMatchObject({ kind: 'rate', code: check.code, title: check.title, maxPoints: check.maxPoints, numeratorLabel: '' });
		const v = validateCriteriaSet({ ...s, criteria: [{ ...s.criteria[0], indicators: [rate, ...s.criteria[0].indicators.slice(1)] }] });
		expect(v.ok).toBe(false);
		expect(v.ok ? [] : v.errors.map((e) => e.path)).toContain('criteria[0].indicators[0].numeratorLabel');
		const back = withKind(rate, 'check');
		expect(back).toEqual({ ...check });
	});

	it('adds a criterion with the next code and moves items within bounds', () => {
		const s = clone();
		expect(newCriterion(s).code).toBe('TC14');
		expect(newCriterion(s).indicators[0].code).toBe('TC14.1');
		const list = ['a', 'b', 'c'];
		expect(move(list, 0, -1)).toBe(false);
		expect(move(list, 0, 1)).toBe(true);
		expect(list).toEqual(['b', 'a', 'c']);
	});
});
