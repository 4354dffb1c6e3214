import { describe, expect, it } from 'vitest';
import { BASE_COUNT_LABELS, baseCountOf, baseCountUsage, checkBaseCounts, parseBaseCounts, prefillFor } from './base-counts.ts';
import { QD06_2019 } from './criteria/qd06-2019.ts';
import { validateCriteriaSet } from './criteria/schema.ts';
import type { Indicator } from './criteria/schema.ts';
import { clone, MINI_SET } from '../../../tests/helpers/scoring-fixtures.ts';

const indicator = (code: string): Indicator => {
	for (const c of QD06_2019.criteria) for (const i of c.indicators) if (i.code === code) return i;
	throw new Error(code);
};

describe('the default set names the base count of its denominators', () => {
	it('TC07.1 → under 1, TC08 → under 5, TC03–TC05 → under 16, the others none', () => {
		expect(baseCountUsage(QD06_2019)).toEqual({
			under1: ['TC07.1'],
			under5: ['TC08.1', 'TC08.2'],
			under16: ['TC03.1', 'TC04.1', 'TC04.2', 'TC05.1', 'TC05.2']
		});
		expect(baseCountOf(indicator('TC02.1'))).toBeNull();
		expect(baseCountOf(indicator('TC01.1'))).toBeNull();
	});

	it('a set stored before the field existed (no baseCount) is read as none', () => {
		const old = clone(QD06_2019) as unknown as { criteria: { indicators: Record<string, unknown>[] }[] };
		for (const c of old.criteria) for (const i of c.indicators) delete i.baseCount;
		expect(baseCountUsage(old as unknown as typeof QD06_2019)).toEqual({ under1: [], under5: [], under16: [] });
	});

	it('the schema accepts the field on rates and incidences only, and only the three keys', () => {
		const bad = clone(MINI_SET) as unknown as { criteria: { indicators: Record<string, unknown>[] }[] };
		bad.criteria[0].indicators[1].baseCount = 'under18';
		bad.criteria[0].indicators[0].baseCount = 'under1'; // a check indicator
		const r = validateCriteriaSet(bad);
		expect(r.ok).toBe(false);
		const paths = r.ok ? [] : r.errors.map((e) => e.path);
		expect(paths).toContain('criteria[0].indicators[1].baseCount');
		expect(paths).toContain('criteria[0].indicators[0].baseCount');
	});
});

describe('parseBaseCounts', () => {
	it('keeps integers, drops empty entries', () => {
		expect(parseBaseCounts({ under1: 100, under5: null, under16: 2400 })).toEqual({ ok: true, value: { under1: 100, under16: 2400 } });
		expect(parseBaseCounts({})).toEqual({ ok: true, value: {} });
	});

	it('rejects unknown keys, text, negatives, fractions and huge numbers with Vietnamese reasons', () => {
		const r = parseBaseCounts({ under1: '100', under5: -1, under16: 2.5, under18: 3 });
		expect(r.ok).toBe(false);
		const errors = r.ok ? [] : r.errors;
		expect(errors).toContainEqual({
			path: 'under1',
			location: BASE_COUNT_LABELS.under1,
			message: 'Phải là số, không phải chuỗi ký tự "100"'
		});
		expect(errors).toContainEqual({ path: 'under5', location: BASE_COUNT_LABELS.under5, message: 'Không được âm' });
		expect(errors).toContainEqual({ path: 'under16', location: BASE_COUNT_LABELS.under16, message: 'Phải là số nguyên' });
		expect(errors.find((e) => e.path === 'under18')?.message).toMatch(/Không có số trẻ em dùng chung «under18»/);
		const big = parseBaseCounts({ under16: 10_000_001 });
		expect(big.ok ? '' : big.errors[0].message).toBe('Không được lớn hơn 10.000.000');
		expect(parseBaseCounts([1, 2]).ok).toBe(false);
		expect(parseBaseCounts(null).ok).toBe(false);
	});
});

describe('prefill', () => {
	it('an indicator naming an entered base count is prefilled with it', () => {
		expect(prefillFor(indicator('TC07.1'), { under1: 120 })).toBe(120);
		expect(prefillFor(indicator('TC03.1'), { under1: 120, under16: 2400 })).toBe(2400);
	});
	it('nothing when the base count is not entered or not named', () => {
		expect(prefillFor(indicator('TC07.1'), { under5: 500 })).toBeNull();
		expect(prefillFor(indicator('TC02.1'), { under1: 120, under5: 500, under16: 2400 })).toBeNull();
		expect(prefillFor(indicator('TC01.1'), { under1: 120 })).toBeNull();
	});
});

describe('checkBaseCounts', () => {
	const base = { under1: 100, under5: 480, under16: 2400 };

	it('no warning when the figures agree', () => {
		const answers = {
			'TC07.1': { numerator: 98, denominator: 100 },
			'TC08.1': { count: 20, population: 480 },
			'TC03.1': { count: 0, population: 2400 },
			'TC02.1': { numerator: 30, denominator: 31 }
		};
		expect(checkBaseCounts(QD06_2019, base, answers)).toEqual([]);
	});

	it('under 1 ≤ under 5 ≤ under 16', () => {
		expect(checkBaseCounts(QD06_2019, { under1: 500, under5: 480, under16: 400 }, {})).toEqual([
			{ indicator: null, field: 'under1', message: 'Số trẻ em dưới 1 tuổi (500) lớn hơn số trẻ em dưới 5 tuổi (480)' },
			{ indicator: null, field: 'under5', message: 'Số trẻ em dưới 5 tuổi (480) lớn hơn số trẻ em dưới 16 tuổi (400)' }
		]);
		// a missing middle count: the two entered ones are compared
		expect(checkBaseCounts(QD06_2019, { under1: 3000, under16: 2400 }, {})).toEqual([
			{ indicator: null, field: 'under1', message: 'Số trẻ em dưới 1 tuổi (3.000) lớn hơn số trẻ em dưới 16 tuổi (2.400)' }
		]);
		expect(checkBaseCounts(QD06_2019, { under1: 100, under5: 100, under16: 100 }, {})).toEqual([]);
	});

	it('a numerator larger than the children who exist, and a denominator that differs from the base count', () => {
		const warnings = checkBaseCounts(QD06_2019, base, {
			'TC07.1': { numerator: 120, denominator: 130 },
			'TC03.1': { count: 2500, population: 2500 }
		});
		expect(warnings).toEqual([
			{ indicator: 'TC03.1', field: 'count', message: 'TC03.1: số trường hợp (2.500) lớn hơn số trẻ em dưới 16 tuổi của xã (2.400)' },
			{ indicator: 'TC03.1', field: 'population', message: 'TC03.1: số trẻ em (2.500) khác số trẻ em dưới 16 tuổi đã nhập (2.400)' },
			{ indicator: 'TC07.1', field: 'numerator', message: 'TC07.1: tử số (120) lớn hơn số trẻ em dưới 1 tuổi của xã (100)' },
			{ indicator: 'TC07.1', field: 'denominator', message: 'TC07.1: mẫu số (130) khác số trẻ em dưới 1 tuổi đã nhập (100)' }
		]);
	});

	it('a smaller denominator is flagged too (to be checked, e.g. only the children weighed)', () => {
		expect(checkBaseCounts(QD06_2019, base, { 'TC08.2': { count: 10, population: 450 } })).toEqual([
			{ indicator: 'TC08.2', field: 'population', message: 'TC08.2: số trẻ em (450) khác số trẻ em dưới 5 tuổi đã nhập (480)' }
		]);
	});

	it('skips indicators without a base count, base counts not entered, drafts with missing or non-numeric fields', () => {
		expect(checkBaseCounts(QD06_2019, { under16: 2400 }, { 'TC07.1': { numerator: 500, denominator: 600 } })).toEqual([]);
		expect(checkBaseCounts(QD06_2019, base, { 'TC02.1': { numerator: 5000, denominator: 5000 } })).toEqual([]);
		expect(checkBaseCounts(QD06_2019, base, { 'TC07.1': { numerator: 'abc' }, 'TC03.1': null })).toEqual([]);
		expect(checkBaseCounts(QD06_2019, {}, { 'TC07.1': { numerator: 500, denominator: 600 } })).toEqual([]);
	});

	it('works on any set (the test set links K02.1 to under 16)', () => {
		expect(checkBaseCounts(MINI_SET, { under16: 800 }, { 'K02.1': { count: 1, population: 900 } })).toEqual([
			{ indicator: 'K02.1', field: 'population', message: 'K02.1: số trẻ em (900) khác số trẻ em dưới 16 tuổi đã nhập (800)' }
		]);
	});
});
