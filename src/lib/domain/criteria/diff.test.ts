import { describe, expect, it } from 'vitest';
import { diffCriteriaSets } from './diff.ts';
import { QD06_2019 } from './qd06-2019.ts';
import type { CriteriaSet } from './schema.ts';
import { clone } from '../../../../tests/helpers/scoring-fixtures.ts';

describe('diffCriteriaSets', () => {
	it('identical sets', () => {
		const d = diffCriteriaSets(QD06_2019, clone(QD06_2019));
		expect(d.identical).toBe(true);
		expect(d.messages).toEqual([]);
	});

	it('reports changed, added and removed criteria and indicators with points before/after', () => {
		const b: CriteriaSet = clone(QD06_2019);
		b.version = 2;
		b.passRule.thresholds.standard = 870;
		// TC07.1: official table loaded, 40 points, verified
		const tc07 = b.criteria[6];
		tc07.maxPoints = 40;
		tc07.indicators[0].maxPoints = 40;
		tc07.indicators[0].verified = true;
		// TC13.2 removed, TC13.1 takes its points
		const tc13 = b.criteria[12];
		tc13.indicators = [tc13.indicators[0]];
		tc13.indicators[0].maxPoints = 75;
		// a new criterion
		b.criteria.push({
			code: 'TC14',
			title: 'Tiêu chí mới',
			maxPoints: 10,
			guidance: 'Hướng dẫn',
			metRule: { kind: 'positive' },
			source: 'Thử',
			verified: false,
			indicators: [
				{
					kind: 'check',
					code: 'TC14.1',
					title: 'Mục mới',
					measure: 'Có/Không',
					guidance: 'Hướng dẫn',
					maxPoints: 10,
					source: 'Thử',
					verified: false
				}
			]
		});
		const d = diffCriteriaSets(QD06_2019, b);
		expect(d.identical).toBe(false);
		expect(d.set).toContainEqual({ field: 'version', before: 1, after: 2 });
		expect(d.set).toContainEqual({ field: 'passRule.thresholds.standard', before: 850, after: 870 });
		expect(d.criteria.added.map((c) => [c.code, c.maxPointsBefore, c.maxPointsAfter])).toEqual([['TC14', null, 10]]);
		expect(d.criteria.changed.find((c) => c.code === 'TC07')).toMatchObject({ maxPointsBefore: 50, maxPointsAfter: 40 });
		const ind = d.indicators.changed.find((c) => c.code === 'TC07.1');
		expect(ind).toMatchObject({ criterionCode: 'TC07', maxPointsBefore: 50, maxPointsAfter: 40 });
		expect(ind?.changes.map((c) => c.field)).toEqual(['maxPoints', 'verified']);
		expect(d.indicators.removed.map((i) => [i.code, i.maxPointsBefore, i.maxPointsAfter])).toEqual([['TC13.2', 35, null]]);
		expect(d.indicators.added.map((i) => i.code)).toEqual(['TC14.1']);
		expect(d.totalMaxBefore).toBe(1000);
		expect(d.totalMaxAfter).toBe(1000);
		expect(d.messages).toContain('TC07.1: điểm tối đa 50 → 40; đã đối chiếu với văn bản gốc');
		expect(d.messages).toContain('Bỏ chỉ số TC13.2 – Tỷ lệ người dân hài lòng về việc thực hiện quyền trẻ em (tối đa 35 điểm)');
		expect(d.messages).toContain('Ngưỡng điểm (Xã, phường, thị trấn còn lại): 850 → 870');
	});

	it('band changes are reported with the old and new scale', () => {
		const b: CriteriaSet = clone(QD06_2019);
		const rate = b.criteria[6].indicators[0];
		if (rate.kind !== 'rate') throw new Error('rate expected');
		rate.bands[2] = { min: 96, points: 40, provisional: false };
		const d = diffCriteriaSets(QD06_2019, b);
		const change = d.indicators.changed[0].changes[0];
		expect(change.field).toBe('bands');
		expect((change.before as { min: number }[])[2].min).toBe(95);
		expect((change.after as { min: number }[])[2].min).toBe(96);
		expect(d.messages).toEqual(['TC07.1: thay đổi thang điểm']);
	});

	it('key order never counts as a change', () => {
		const reverseKeys = (x: unknown): unknown =>
			Array.isArray(x)
				? x.map(reverseKeys)
				: x && typeof x === 'object'
					? Object.fromEntries(
							Object.entries(x)
								.reverse()
								.map(([k, v]) => [k, reverseKeys(v)])
						)
					: x;
		const reordered = reverseKeys(QD06_2019) as CriteriaSet;
		expect(Object.keys(reordered)[0]).not.toBe(Object.keys(QD06_2019)[0]);
		expect(diffCriteriaSets(QD06_2019, reordered).identical).toBe(true);
	});
});
