/**
 * Example tests. Expected values for the known official bands (qd06.md §3) and for the rules are
 * stated independently here; provisional bands are checked at every boundary against a tiny
 * reference implementation written in this file, never against engine output.
 */
import { describe, expect, it } from 'vitest';
import { findIndicatorResult, score } from './score.ts';
import type { Answer } from './answers.ts';
import type { CriteriaSet, Indicator } from '../criteria/schema.ts';
import { QD06_2019 } from '../criteria/qd06-2019.ts';
import { MINI_SET, clone, fullMarksMini, fullMarksQd06 } from '../../../../tests/helpers/scoring-fixtures.ts';
import type { CommuneCategory } from '../units.ts';

function pointsFor(code: string, answer: Answer, set: CriteriaSet = QD06_2019): number | null {
	const base = set === QD06_2019 ? fullMarksQd06() : fullMarksMini();
	const r = score(set, 'standard', { ...base, [code]: answer });
	return findIndicatorResult(r, code)?.points ?? null;
}

function indicator(code: string, set: CriteriaSet = QD06_2019): Indicator {
	for (const c of set.criteria) for (const i of c.indicators) if (i.code === code) return i;
	throw new Error(code);
}

describe('known official bands of QĐ 06 (stated from qd06.md, not from the data)', () => {
	it('TC07.1: ≥ 98% → 50 points; anything below 98% → fewer', () => {
		expect(pointsFor('TC07.1', { numerator: 98, denominator: 100 })).toBe(50);
		expect(pointsFor('TC07.1', { numerator: 49, denominator: 50 })).toBe(50);
		expect(pointsFor('TC07.1', { numerator: 98001, denominator: 100000 })).toBe(50);
		expect(pointsFor('TC07.1', { numerator: 100, denominator: 100 })).toBe(50);
		expect(pointsFor('TC07.1', { numerator: 9799, denominator: 10000 })).toBeLessThan(50);
		expect(pointsFor('TC07.1', { numerator: 97999, denominator: 100000 })).toBeLessThan(50);
		expect(pointsFor('TC07.1', { numerator: 9_799_999, denominator: 10_000_000 })).toBeLessThan(50);
	});

	it('TC06.1: ≥ 95% → 50 points; below → fewer', () => {
		expect(pointsFor('TC06.1', { numerator: 95, denominator: 100 })).toBe(50);
		expect(pointsFor('TC06.1', { numerator: 19, denominator: 20 })).toBe(50);
		expect(pointsFor('TC06.1', { numerator: 9501, denominator: 10000 })).toBe(50);
		expect(pointsFor('TC06.1', { numerator: 9499, denominator: 10000 })).toBeLessThan(50);
		expect(pointsFor('TC06.1', { numerator: 18, denominator: 19 })).toBeLessThan(50); // 94.7%
	});

	it('TC06.2: 100% → 75 points; anything below 100% → fewer', () => {
		expect(pointsFor('TC06.2', { numerator: 7, denominator: 7 })).toBe(75);
		expect(pointsFor('TC06.2', { numerator: 9999, denominator: 10000 })).toBeLessThan(75);
		expect(pointsFor('TC06.2', { numerator: 6, denominator: 7 })).toBeLessThan(75);
	});

	it('TC01: four items worth 50, 15, 15 and 20', () => {
		const expected: [string, number][] = [
			['TC01.1', 50],
			['TC01.2', 15],
			['TC01.3', 15],
			['TC01.4', 20]
		];
		for (const [code, points] of expected) {
			expect(pointsFor(code, { value: true })).toBe(points);
			expect(pointsFor(code, { value: false })).toBe(0);
		}
		const r = score(QD06_2019, 'standard', fullMarksQd06());
		expect(r.criteria[0].points).toBe(100);
	});

	it('full marks total 1,000 and pass in every category', () => {
		for (const category of ['urban_ward', 'disadvantaged', 'standard'] as CommuneCategory[]) {
			const r = score(QD06_2019, category, fullMarksQd06());
			expect(r.total).toBe(1000);
			expect(r.verdict).toBe('pass');
			expect(r.unverified).toBe(true);
		}
	});

	it('is no longer provisional once an administrator confirmed the set against the gazetted text', () => {
		const confirmed = { ...QD06_2019, confirmation: { by: 'Quản trị', at: '2026-11-29T00:00:00.000Z' } };
		expect(score(confirmed, 'standard', fullMarksQd06()).unverified).toBe(false);
		expect(score({ ...QD06_2019, confirmation: null }, 'standard', fullMarksQd06()).unverified).toBe(true);
	});

	it('thresholds 900 / 800 / 850 by category', () => {
		// Zero out whole indicators (by rule: a check answered "no", a survey at 0%) so that the
		// total is 1,000 minus their maxima, without any criterion falling to 0.
		const answers = {
			...fullMarksQd06(),
			'TC01.1': { value: false }, // −50
			'TC13.2': { percent: 0 }, // −35
			'TC01.3': { value: false } // −15
		};
		const at900 = score(QD06_2019, 'urban_ward', answers);
		expect(at900.total).toBe(900);
		expect(at900.verdict).toBe('pass');
		const below = { ...answers, 'TC11.3': { value: false } }; // −10 → 890
		expect(score(QD06_2019, 'urban_ward', below).verdict).toBe('fail');
		expect(score(QD06_2019, 'urban_ward', below).reasons).toEqual(['Tổng điểm 890 < 900']);
		expect(score(QD06_2019, 'standard', below).verdict).toBe('pass');
		const at850 = { ...below, 'TC12.1': { level: 'none' } }; // −40 → 850
		expect(score(QD06_2019, 'standard', at850).total).toBe(850);
		expect(score(QD06_2019, 'standard', at850).verdict).toBe('pass');
		const at800 = { ...at850, 'TC10.1': { numerator: 0, denominator: 100 } }; // −50 → 800
		expect(score(QD06_2019, 'standard', at800).reasons).toEqual(['Tổng điểm 800 < 850']);
		expect(score(QD06_2019, 'disadvantaged', at800).verdict).toBe('pass');
		const at790 = { ...at800, 'TC11.2': { value: false }, 'TC11.1': { value: true } }; // −15 → 785
		expect(score(QD06_2019, 'disadvantaged', at790).total).toBe(785);
		expect(score(QD06_2019, 'disadvantaged', at790).verdict).toBe('fail');
	});

	it('a criterion at 0 points blocks recognition: "TC05 đạt 0 điểm"', () => {
		const answers = {
			...fullMarksQd06(),
			'TC05.1': { count: 1500, population: 1500 },
			'TC05.2': { count: 1, population: 1500 }
		};
		const r = score(QD06_2019, 'standard', answers);
		expect(r.total).toBe(925);
		expect(r.verdict).toBe('fail');
		expect(r.reasons).toEqual(['TC05 đạt 0 điểm', 'TC05 chưa đạt', 'Tổng điểm 925 ≥ 850']);
		expect(r.conditions).toEqual({ allCriteriaMet: 'failed', noZeroCriterion: 'failed', thresholdReached: 'met' });
	});
});

// ---------------------------------------------------------------------------------------------
// Every band boundary of the default set (just below, at, just above), against a reference.
// ---------------------------------------------------------------------------------------------

/** Reference: best points among rate/survey bands whose min (in hundredths) ≤ value (hundredths). */
function refAscending(bands: { min: number; points: number }[], valueHundredths: number): number {
	let best = 0;
	for (const b of bands) if (Math.round(b.min * 100) <= valueHundredths) best = Math.max(best, b.points);
	return best;
}
/** Reference: best points among incidence bands whose max (in hundredths) ≥ value (hundredths). */
function refDescending(bands: { max: number; points: number }[], valueHundredths: number): number {
	let best = 0;
	for (const b of bands) if (Math.round(b.max * 100) >= valueHundredths) best = Math.max(best, b.points);
	return best;
}

describe('every band boundary of the default set', () => {
	for (const c of QD06_2019.criteria) {
		for (const ind of c.indicators) {
			if (ind.kind === 'rate') {
				it(`${ind.code}: rate boundaries`, () => {
					// denominator 10,000 → the rate in hundredths of a percent equals the numerator
					for (const b of ind.bands) {
						const h = Math.round(b.min * 100);
						for (const v of [h - 1, h, h + 1]) {
							if (v < 0 || v > 10000) continue;
							expect(pointsFor(ind.code, { numerator: v, denominator: 10000 }), `${ind.code} at ${v / 100}%`).toBe(
								refAscending(ind.bands, v)
							);
						}
					}
				});
			} else if (ind.kind === 'survey') {
				it(`${ind.code}: survey boundaries`, () => {
					for (const b of ind.bands) {
						const h = Math.round(b.min * 100);
						for (const v of [h - 1, h, h + 1]) {
							if (v < 0 || v > 10000) continue;
							expect(pointsFor(ind.code, { percent: v / 100 }), `${ind.code} at ${v / 100}%`).toBe(refAscending(ind.bands, v));
						}
					}
				});
			} else if (ind.kind === 'incidence') {
				it(`${ind.code}: incidence boundaries`, () => {
					// population = per·100 → cases per `per` in hundredths equals the count
					const population = ind.per * 100;
					for (const b of ind.bands) {
						const h = Math.round(b.max * 100);
						for (const v of [h - 1, h, h + 1]) {
							if (v < 0 || v > population) continue;
							expect(pointsFor(ind.code, { count: v, population }), `${ind.code} at ${v / 100}/${ind.per}`).toBe(
								refDescending(ind.bands, v)
							);
						}
					}
				});
			} else if (ind.kind === 'level') {
				it(`${ind.code}: every level`, () => {
					for (const l of ind.levels) expect(pointsFor(ind.code, { level: l.code })).toBe(l.points);
				});
			}
		}
	}
});

// ---------------------------------------------------------------------------------------------
// Rules (R1–R9), on the small test set
// ---------------------------------------------------------------------------------------------

describe('rules', () => {
	it('pass: reasons name the three conditions', () => {
		const r = score(MINI_SET, 'standard', fullMarksMini());
		expect(r.total).toBe(150);
		expect(r.verdict).toBe('pass');
		expect(r.reasons).toEqual(['Đạt đủ 3/3 tiêu chí', 'Không có tiêu chí nào 0 điểm', 'Tổng điểm 150 ≥ 110']);
		expect(r.unverified).toBe(false);
	});

	it('threshold boundary to the point (manual points give 1-point steps)', () => {
		// 150 − 20 (K01.1 no) − 15 (K01.2 at the 80% band: 25 instead of 40) − (20 − m) = 95 + m
		const at = (m: number) =>
			score(MINI_SET, 'standard', {
				...fullMarksMini(),
				'K01.1': { value: false },
				'K01.2': { numerator: 80, denominator: 100 },
				'K03.2': { points: m, justification: 'Hội đồng chấm' }
			});
		expect(at(15).total).toBe(110);
		expect(at(15).verdict).toBe('pass');
		expect(at(14).verdict).toBe('fail');
		expect(at(14).reasons).toEqual(['Tổng điểm 109 < 110']);
		expect(at(16).verdict).toBe('pass');
	});

	it('rate: the band boundary is ≥ and exact, with no floating-point error', () => {
		expect(pointsFor('K01.2', { numerator: 39, denominator: 40 }, MINI_SET)).toBe(40); // 97.5%
		expect(pointsFor('K01.2', { numerator: 389, denominator: 399 }, MINI_SET)).toBe(25); // 97.49%
		expect(pointsFor('K01.2', { numerator: 1, denominator: 2 }, MINI_SET)).toBe(10); // 50%
		expect(pointsFor('K01.2', { numerator: 49, denominator: 99 }, MINI_SET)).toBe(0); // 49.5%
		const set = clone(MINI_SET);
		const rate = set.criteria[0].indicators[1];
		if (rate.kind !== 'rate') throw new Error('rate');
		rate.bands = [
			{ min: 33.33, points: 10, provisional: false },
			{ min: 58, points: 20, provisional: false },
			{ min: 66.67, points: 30, provisional: false },
			{ min: 100, points: 40, provisional: false }
		];
		expect(pointsFor('K01.2', { numerator: 1, denominator: 3 }, set)).toBe(10); // 33.333…% ≥ 33.33
		expect(pointsFor('K01.2', { numerator: 3333, denominator: 10000 }, set)).toBe(10);
		expect(pointsFor('K01.2', { numerator: 3332, denominator: 10000 }, set)).toBe(0);
		expect(pointsFor('K01.2', { numerator: 29, denominator: 50 }, set)).toBe(20); // 29/50·100 = 57.99999999999999 in floating point
		expect(pointsFor('K01.2', { numerator: 2, denominator: 3 }, set)).toBe(20); // 66.666…% < 66.67
	});

	it('incidence: the band boundary is ≤, above the last band → 0, and the zero-count condition', () => {
		expect(pointsFor('K02.1', { count: 0, population: 5000 }, MINI_SET)).toBe(30);
		expect(pointsFor('K02.1', { count: 1, population: 5000 }, MINI_SET)).toBe(20); // 0.2/1000
		expect(pointsFor('K02.1', { count: 3, population: 2000 }, MINI_SET)).toBe(0); // 1.5/1000 but ≥ 3 cases → 0
		expect(pointsFor('K02.1', { count: 2, population: 2000 }, MINI_SET)).toBe(20); // 1.0/1000
		expect(pointsFor('K02.1', { count: 2, population: 1000 }, MINI_SET)).toBe(5); // 2/1000 ≤ 4
		expect(pointsFor('K02.1', { count: 2, population: 500 }, MINI_SET)).toBe(5); // 4/1000 ≤ 4
		expect(pointsFor('K02.1', { count: 2, population: 499 }, MINI_SET)).toBe(0); // 4.008/1000 > 4
		const r = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K02.1': { count: 3, population: 2000 } });
		expect(findIndicatorResult(r, 'K02.1')?.band?.label).toBe('Từ 3 trường hợp trở lên: 0 điểm');
	});

	it('survey: ≥ boundary on the given percentage', () => {
		expect(pointsFor('K03.1', { percent: 79.99 }, MINI_SET)).toBe(15);
		expect(pointsFor('K03.1', { percent: 80 }, MINI_SET)).toBe(30);
		expect(pointsFor('K03.1', { percent: 59.99 }, MINI_SET)).toBe(0);
	});

	it('display values are rounded towards the less favourable side (2 decimals)', () => {
		const r = score(MINI_SET, 'standard', {
			...fullMarksMini(),
			'K01.2': { numerator: 2, denominator: 3 },
			'K02.1': { count: 1, population: 3000 }
		});
		const rate = findIndicatorResult(r, 'K01.2');
		expect(rate?.valueDisplay).toBe('66,66%');
		expect(rate?.value).toBeCloseTo(66.6667, 3);
		expect(rate?.band?.label).toBe('≥ 50%: 10 điểm');
		expect(findIndicatorResult(r, 'K02.1')?.valueDisplay).toBe('0,34/1.000');
		const nearly = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K01.2': { numerator: 97499, denominator: 100000 } });
		expect(findIndicatorResult(nearly, 'K01.2')?.valueDisplay).toBe('97,49%'); // not "97,5%": the band was not reached
	});

	it('zero denominator and numerator > denominator are invalid, not 0 points', () => {
		for (const [answer, reason] of [
			[{ numerator: 0, denominator: 0 }, 'Mẫu số bằng 0: không tính được tỷ lệ'],
			[{ numerator: 41, denominator: 40 }, 'Tử số (41) lớn hơn mẫu số (40)']
		] as const) {
			const r = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K01.2': answer });
			const i = findIndicatorResult(r, 'K01.2');
			expect(i?.status).toBe('invalid');
			expect(i?.reason).toBe(reason);
			expect(i?.points).toBeNull();
			expect(r.criteria[0].complete).toBe(false);
			expect(r.verdict).toBe('incomplete');
			expect(r.reasons).toContain(`K01.2 không hợp lệ: ${reason}`);
		}
	});

	it('a zero denominator can mean "no case to handle" when the indicator says so (TC06.2)', () => {
		const r = score(QD06_2019, 'standard', { ...fullMarksQd06(), 'TC06.2': { numerator: 0, denominator: 0 } });
		const i = findIndicatorResult(r, 'TC06.2');
		expect(i?.status).toBe('answered');
		expect(i?.points).toBe(75);
		expect(pointsFor('TC07.1', { numerator: 0, denominator: 0 })).toBeNull();
	});

	it('incidence: population 0 and count > population are invalid', () => {
		const zero = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K02.1': { count: 0, population: 0 } });
		expect(findIndicatorResult(zero, 'K02.1')?.reason).toBe('Số trẻ em (mẫu số) bằng 0: không tính được tỷ suất');
		const over = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K02.1': { count: 5, population: 4 } });
		expect(findIndicatorResult(over, 'K02.1')?.reason).toBe('Số trường hợp (5) lớn hơn số trẻ em (4)');
	});

	it('malformed answers reaching score are invalid, never thrown', () => {
		const bad: Record<string, unknown> = {
			...fullMarksMini(),
			'K01.1': { numerator: 1, denominator: 2 },
			'K01.2': { numerator: -1, denominator: 2 },
			'K02.2': { level: 'nope' },
			'K03.1': { percent: 50.555 },
			'K03.2': { points: 21, justification: 'x' }
		};
		const r = score(MINI_SET, 'standard', bad as Record<string, Answer>);
		expect(r.invalid).toEqual(['K01.1', 'K01.2', 'K02.2', 'K03.1', 'K03.2']);
		expect(r.verdict).toBe('incomplete');
		const noJustification = score(MINI_SET, 'standard', { ...fullMarksMini(), 'K03.2': { points: 5, justification: ' ' } });
		expect(findIndicatorResult(noJustification, 'K03.2')?.reason).toBe('Thiếu giải trình cho điểm chấm trực tiếp');
	});

	it('not answered is not 0 points: incomplete, never fail for that reason alone', () => {
		const answers: Record<string, Answer> = fullMarksMini();
		delete answers['K03.1'];
		const r = score(MINI_SET, 'urban_ward', answers);
		const i = findIndicatorResult(r, 'K03.1');
		expect(i?.status).toBe('unanswered');
		expect(i?.points).toBeNull();
		expect(r.total).toBe(120);
		expect(r.complete).toBe(false);
		expect(r.verdict).toBe('incomplete');
		expect(r.criteria[2]).toMatchObject({ points: 20, met: null, zero: false, complete: false, pendingMaxPoints: 30 });
		expect(r.reasons).toEqual(['Tổng điểm 120 ≥ 120', 'Chưa nhập: K03.1']);
		// even with nothing answered at all
		const empty = score(MINI_SET, 'standard', {});
		expect(empty.verdict).toBe('incomplete');
		expect(empty.reasons).toEqual([
			'Tổng điểm hiện tại 0, còn tối đa 150 điểm chưa tính (ngưỡng 110)',
			'Chưa nhập: K01.1, K01.2, K02.1, K02.2, K03.1, K03.2'
		]);
	});

	it('an incomplete result fails only on a decided condition', () => {
		const answers: Record<string, Answer> = {
			...fullMarksMini(),
			'K02.1': { count: 50, population: 1000 },
			'K02.2': { level: 'low' }
		};
		delete answers['K03.1'];
		const r = score(MINI_SET, 'standard', answers);
		expect(r.verdict).toBe('fail');
		expect(r.reasons).toEqual([
			'K02 đạt 0 điểm',
			'K02 chưa đạt',
			'Tổng điểm hiện tại 80, còn tối đa 30 điểm chưa tính (ngưỡng 110)',
			'Chưa nhập: K03.1'
		]);
		// threshold out of reach even with full points on what is missing
		const low: Record<string, Answer> = { ...fullMarksMini(), 'K01.2': { numerator: 0, denominator: 10 }, 'K01.1': { value: true } };
		low['K02.1'] = { count: 1, population: 1000 };
		delete low['K03.1'];
		delete low['K03.2'];
		const r2 = score(MINI_SET, 'urban_ward', low);
		// 20 + 0 + 20 + 10 = 50, + 50 pending = 100 < 120
		expect(r2.total).toBe(50);
		expect(r2.verdict).toBe('fail');
		expect(r2.conditions.thresholdReached).toBe('failed');
		expect(r2.reasons[0]).toBe('Tổng điểm 50 < 120, kể cả khi các chỉ số còn thiếu đạt tối đa (100)');
	});

	it('metRule minPoints: a criterion can be above 0 and still not met', () => {
		const r = score(MINI_SET, 'standard', {
			...fullMarksMini(),
			'K03.1': { percent: 10 },
			'K03.2': { points: 20, justification: 'Hội đồng chấm' }
		});
		expect(r.criteria[2]).toMatchObject({ points: 20, met: false, zero: false });
		expect(r.verdict).toBe('fail');
		expect(r.reasons).toEqual(['K03 chưa đạt', 'Tổng điểm 120 ≥ 110']);
	});

	it('conditions that the pass rule does not require are not applied', () => {
		const set = clone(MINI_SET);
		set.passRule.requireAllCriteriaMet = false;
		set.passRule.forbidZeroCriterion = false;
		const r = score(set, 'disadvantaged', {
			...fullMarksMini(),
			'K03.1': { percent: 0 },
			'K03.2': { points: 0, justification: 'Không đạt' }
		});
		expect(r.total).toBe(100);
		expect(r.verdict).toBe('pass');
		expect(r.conditions).toEqual({ allCriteriaMet: 'not_required', noZeroCriterion: 'not_required', thresholdReached: 'met' });
	});

	it('ignores answers for codes outside the set', () => {
		const r = score(MINI_SET, 'standard', { ...fullMarksMini(), 'X01.1': { value: true } });
		expect(r.total).toBe(150);
	});

	it('every reason is NFC', () => {
		const r = score(QD06_2019, 'standard', { 'TC07.1': { numerator: 5, denominator: 4 } });
		for (const reason of r.reasons) expect(reason).toBe(reason.normalize('NFC'));
	});

	it('indicator(): the fixture helper finds indicators', () => {
		expect(indicator('TC07.1').maxPoints).toBe(50);
	});
});
