import { describe, expect, it } from 'vitest';
import {
	bucketOf,
	countByState,
	criteriaAndIndicators,
	criteriaBreakdown,
	parseProvinceSort,
	provinceRows,
	provinceSortParam,
	sortProvinces,
	criterionLevel,
	mostHeldBack,
	percentOf,
	recognisedShares,
	totalsAgainstThreshold,
	type DashboardAssessment,
	viNumber,
	viPercent
} from './dashboard.ts';

const row = (over: Partial<DashboardAssessment>): DashboardAssessment => ({
	state: 'draft',
	category: 'standard',
	total: 0,
	verdict: 'incomplete',
	threshold: 850,
	...over
});

describe('dashboard aggregation', () => {
	it('counts every state, in the workflow order, with its label', () => {
		const s = countByState([row({ state: 'recognised' }), row({ state: 'recognised' }), row({ state: 'submitted' })]);
		expect(s).toHaveLength(8);
		expect(s[0]).toEqual({ state: 'draft', label: 'Đang lập', count: 0 });
		expect(s.find((x) => x.state === 'recognised')).toEqual({ state: 'recognised', label: 'Được công nhận', count: 2 });
		expect(s.find((x) => x.state === 'submitted')?.count).toBe(1);
	});

	it('gives the recognised share overall and by category, against 65% (2025) and 75% (2030)', () => {
		const rows = [
			row({ state: 'recognised', category: 'urban_ward' }),
			row({ state: 'recognised', category: 'urban_ward' }),
			row({ state: 'draft', category: 'urban_ward' }),
			row({ state: 'recognised', category: 'disadvantaged' }),
			row({ state: 'not_recognised', category: 'standard' })
		];
		const [all, urban, disadvantaged, standard] = recognisedShares(rows);
		expect(all).toMatchObject({ key: 'all', communes: 5, recognised: 3, percent: 60 });
		expect(all.targets).toEqual([
			{ year: 2025, percent: 65, reached: false },
			{ year: 2030, percent: 75, reached: false }
		]);
		expect(urban).toMatchObject({ key: 'urban_ward', communes: 3, recognised: 2, percent: 66.7 });
		expect(urban.targets.map((t) => t.reached)).toEqual([true, false]);
		expect(disadvantaged).toMatchObject({ communes: 1, recognised: 1, percent: 100 });
		expect(standard).toMatchObject({ communes: 1, recognised: 0, percent: 0 });
		expect(recognisedShares([])[0]).toMatchObject({ communes: 0, percent: null });
		expect(recognisedShares([])[0].targets[0].reached).toBeNull();
	});

	it('puts totals in buckets against the threshold, leaving incomplete dossiers aside', () => {
		expect(bucketOf(850, 850)).toBe('reached');
		expect(bucketOf(900, 850)).toBe('reached');
		expect(bucketOf(849, 850)).toBe('near100');
		expect(bucketOf(750, 850)).toBe('near100');
		expect(bucketOf(749, 850)).toBe('near200');
		expect(bucketOf(650, 850)).toBe('near200');
		expect(bucketOf(649, 850)).toBe('far');
		const t = totalsAgainstThreshold([
			row({ category: 'urban_ward', threshold: 900, total: 880, verdict: 'fail' }),
			row({ category: 'urban_ward', threshold: 900, total: 950, verdict: 'pass' }),
			row({ category: 'urban_ward', threshold: 900, total: 100, verdict: 'incomplete' }),
			row({ category: 'disadvantaged', threshold: 800, total: 500, verdict: 'fail' })
		]);
		expect(t.map((x) => x.category)).toEqual(['urban_ward', 'disadvantaged', 'standard']);
		const counts = (i: number) => Object.fromEntries(t[i].buckets.map((b) => [b.bucket, b.count]));
		expect(counts(0)).toEqual({ far: 0, near200: 0, near100: 1, reached: 1 });
		expect(t[0]).toMatchObject({ incomplete: 1, communes: 3, thresholds: [900] });
		expect(counts(1)).toEqual({ far: 1, near200: 0, near100: 0, reached: 0 });
		expect(t[2]).toMatchObject({ communes: 0, incomplete: 0, thresholds: [] });
	});

	it('places each commune at 0, below or at the maximum of each criterion, or pending without a score', () => {
		expect(criterionLevel({ points: 0, maxPoints: 50, complete: true })).toBe('zero');
		expect(criterionLevel({ points: 20, maxPoints: 50, complete: true })).toBe('below');
		expect(criterionLevel({ points: 50, maxPoints: 50, complete: true })).toBe('max');
		expect(criterionLevel({ points: 50, maxPoints: 100, complete: false })).toBe('pending');
		const defs = [
			{ code: 'TC01', title: 'Nguồn lực', maxPoints: 100 },
			{ code: 'TC02', title: 'Khai sinh', maxPoints: 50 }
		];
		const rows = criteriaBreakdown(defs, [
			[
				{ code: 'TC01', points: 100, maxPoints: 100, complete: true },
				{ code: 'TC02', points: 0, maxPoints: 50, complete: true }
			],
			[
				{ code: 'TC01', points: 65, maxPoints: 100, complete: true },
				{ code: 'TC02', points: 10, maxPoints: 50, complete: false }
			],
			[{ code: 'TC01', points: 0, maxPoints: 100, complete: true }]
		]);
		expect(rows[0]).toMatchObject({ code: 'TC01', scored: 3, zero: 1, below: 1, max: 1, pending: 0, zeroPercent: 33.3, maxPercent: 33.3 });
		expect(rows[1]).toMatchObject({ code: 'TC02', scored: 1, zero: 1, below: 0, max: 0, pending: 2, zeroPercent: 100, belowPercent: 0 });
		expect(mostHeldBack(rows).map((r) => r.code)).toEqual(['TC01', 'TC02']);
		expect(criteriaBreakdown(defs, [])[0]).toMatchObject({ scored: 0, pending: 0, zeroPercent: null });
	});

	it('rounds shares to one decimal', () => {
		expect(percentOf(1, 3)).toBe(33.3);
		expect(percentOf(2, 3)).toBe(66.7);
		expect(percentOf(0, 0)).toBeNull();
	});

	it('finds the indicators most often below their maximum in the same pass as the criteria', () => {
		const defs = [
			{ code: 'TC01', title: 'Nguồn lực', maxPoints: 100 },
			{ code: 'TC02', title: 'Khai sinh', maxPoints: 50 }
		];
		const indicatorDefs = [
			{ code: 'TC01.1', criterionCode: 'TC01', title: 'Ngân sách', maxPoints: 60 },
			{ code: 'TC01.2', criterionCode: 'TC01', title: 'Cán bộ', maxPoints: 40 },
			{ code: 'TC02.1', criterionCode: 'TC02', title: 'Đăng ký khai sinh', maxPoints: 50 }
		];
		const commune = (a: number | null, b: number | null, c: number | null) => [
			{
				code: 'TC01',
				points: (a ?? 0) + (b ?? 0),
				maxPoints: 100,
				complete: a !== null && b !== null,
				indicators: [
					{ code: 'TC01.1', points: a, maxPoints: 60 },
					{ code: 'TC01.2', points: b, maxPoints: 40 }
				]
			},
			{ code: 'TC02', points: c ?? 0, maxPoints: 50, complete: c !== null, indicators: [{ code: 'TC02.1', points: c, maxPoints: 50 }] }
		];
		const { criteria, unmet } = criteriaAndIndicators(defs, indicatorDefs, [
			commune(60, 0, 50),
			commune(30, 0, 50),
			commune(null, 40, 0),
			commune(60, 40, null)
		]);
		// TC01.2: 4 with points, 2 below (both at 0); TC01.1: 3 with points, 1 below (none at 0); TC02.1: 3, 1 below at 0
		expect(unmet.map((u) => [u.code, u.scored, u.below, u.zero, u.belowPercent, u.zeroPercent])).toEqual([
			['TC01.2', 4, 2, 2, 50, 50],
			['TC02.1', 3, 1, 1, 33.3, 33.3],
			['TC01.1', 3, 1, 0, 33.3, 0]
		]);
		expect(unmet[0]).toMatchObject({ criterionCode: 'TC01', title: 'Cán bộ', maxPoints: 40 });
		// the criteria agree with criteriaBreakdown on the same results
		expect(criteria).toEqual(
			criteriaBreakdown(defs, [commune(60, 0, 50), commune(30, 0, 50), commune(null, 40, 0), commune(60, 40, null)])
		);
		expect(criteria[0]).toMatchObject({ scored: 3, below: 2, max: 1, pending: 1 });
		// at most `limit`, none at its maximum everywhere
		expect(criteriaAndIndicators(defs, indicatorDefs, [commune(60, 0, 50)], 1).unmet.map((u) => u.code)).toEqual(['TC01.2']);
		expect(criteriaAndIndicators(defs, indicatorDefs, [commune(60, 40, 50)]).unmet).toEqual([]);
		// ten at most by default
		const many = Array.from({ length: 12 }, (_, i) => ({
			code: `X${String(i).padStart(2, '0')}`,
			criterionCode: 'TC01',
			title: 'x',
			maxPoints: 10
		}));
		const res = criteriaAndIndicators(defs, many, [
			[
				{
					code: 'TC01',
					points: 0,
					maxPoints: 100,
					complete: true,
					indicators: many.map((m) => ({ code: m.code, points: 0, maxPoints: 10 }))
				}
			]
		]);
		expect(res.unmet).toHaveLength(10);
	});

	it('gives one row per province, sortable by any column', () => {
		const provinces = [
			{ id: 1, code: '01', name: 'Thành phố Hà Nội' },
			{ id: 46, code: '46', name: 'Thành phố Huế' },
			{ id: 48, code: '48', name: 'Thành phố Đà Nẵng' }
		];
		const rows = provinceRows(
			[
				{ provinceId: 46, state: 'recognised', category: 'standard' },
				{ provinceId: 46, state: 'draft', category: 'disadvantaged' },
				{ provinceId: 1, state: 'submitted', category: 'urban_ward' },
				{ provinceId: 1, state: 'recognised', category: 'urban_ward' },
				{ provinceId: 1, state: 'recognised', category: 'urban_ward' },
				{ provinceId: 48, state: 'draft', category: 'standard' }
			],
			provinces
		);
		expect(rows.map((r) => r.code)).toEqual(['01', '46', '48']);
		expect(rows[0]).toMatchObject({ communes: 3, submitted: 3, recognised: 2, percent: 66.7 });
		expect(rows[0].categories.urban_ward).toEqual({ communes: 3, recognised: 2, percent: 66.7 });
		expect(rows[0].categories.standard.percent).toBeNull();
		expect(rows[1]).toMatchObject({ communes: 2, submitted: 1, recognised: 1, percent: 50 });
		expect(rows[2]).toMatchObject({ communes: 1, submitted: 0, recognised: 0, percent: 0 });
		const order = (sort: string) => sortProvinces(rows, parseProvinceSort(sort)).map((r) => r.code);
		expect(order('-percent')).toEqual(['01', '46', '48']);
		expect(order('percent')).toEqual(['48', '46', '01']);
		expect(order('-communes')).toEqual(['01', '46', '48']);
		expect(order('submitted')).toEqual(['48', '46', '01']);
		// Vietnamese order of names: Đ right after D, before H (not after Z as by code points)
		expect(order('name')).toEqual(['48', '01', '46']);
		expect(order('-name')).toEqual(['46', '01', '48']);
		// a missing share goes last either way
		expect(order('standard')).toEqual(['48', '46', '01']);
		expect(order('-standard')).toEqual(['46', '48', '01']);
		expect(parseProvinceSort('bogus')).toEqual({ key: 'code', desc: false });
		expect(parseProvinceSort(null)).toEqual({ key: 'code', desc: false });
		expect(provinceSortParam(parseProvinceSort('-urban_ward'))).toBe('-urban_ward');
	});
});

describe('viNumber', () => {
	it('writes numbers the Vietnamese way: dot for thousands, comma for the one decimal kept', () => {
		expect([0, 7, -5, 999, -999].map(viNumber)).toEqual(['0', '7', '-5', '999', '-999']);
		expect(viNumber(1000)).toBe('1.000');
		expect(viNumber(3321)).toBe('3.321');
		expect(viNumber(-1234567)).toBe('-1.234.567');
		expect(viNumber(12.5)).toBe('12,5');
		expect(viNumber(12.46)).toBe('12,5');
		expect(viPercent(87.5)).toBe('87,5%');
		expect(viPercent(null)).toBe('—');
	});
});
