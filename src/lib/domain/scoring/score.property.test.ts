/**
 * Property tests (fast-check): bounds, totals, verdict consistency, monotonicity, key-order
 * invariance, and exactness of gap suggestions, on the default set, the test set and on
 * randomly generated valid sets.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findIndicatorResult, isMet, score } from './score.ts';
import type { ScoreResult } from './score.ts';
import type { Answer } from './answers.ts';
import { gapAnalysis } from './gap.ts';
import { whatIf } from './what-if.ts';
import { COMMUNE_CATEGORIES } from '../units.ts';
import type { CommuneCategory } from '../units.ts';
import type { CriteriaSet, Indicator } from '../criteria/schema.ts';
import { validateCriteriaSet } from '../criteria/schema.ts';
import { QD06_2019 } from '../criteria/qd06-2019.ts';
import { MINI_SET } from '../../../../tests/helpers/scoring-fixtures.ts';

const category = fc.constantFrom<CommuneCategory>(...COMMUNE_CATEGORIES);

/** Valid answers, biased towards band boundaries (small counts, round denominators). */
function validAnswer(ind: Indicator): fc.Arbitrary<Answer> {
	switch (ind.kind) {
		case 'check':
			return fc.boolean().map((value) => ({ value }));
		case 'rate':
			return fc
				.oneof(fc.constantFrom(100, 1000, 10000), fc.integer({ min: 1, max: 5000 }), fc.constant(0))
				.chain((d) =>
					fc
						.oneof(fc.integer({ min: 0, max: d }), fc.integer({ min: Math.max(0, d - 20), max: d }))
						.map((n) => ({ numerator: n, denominator: d }))
				);
		case 'incidence':
			return fc
				.oneof(fc.constantFrom(100, 1000, 100000), fc.integer({ min: 1, max: 20000 }))
				.chain((pop) =>
					fc
						.oneof(fc.integer({ min: 0, max: Math.min(pop, 50) }), fc.integer({ min: 0, max: pop }))
						.map((count) => ({ count, population: pop }))
				);
		case 'level':
			return fc.constantFrom(...ind.levels.map((l) => l.code)).map((level) => ({ level }));
		case 'survey':
			return fc.integer({ min: 0, max: 10000 }).map((h) => ({ percent: h / 100 }));
		case 'manual':
			return fc.integer({ min: 0, max: ind.maxPoints }).map((points) => ({ points, justification: 'Hội đồng chấm' }));
	}
}

/** Answers, some indicators unanswered and (optionally) some invalid. */
function answersFor(set: CriteriaSet, opts: { missing?: boolean; invalid?: boolean } = {}): fc.Arbitrary<Record<string, Answer>> {
	const entries: Record<string, fc.Arbitrary<Answer | null>> = {};
	for (const c of set.criteria) {
		for (const i of c.indicators) {
			const options: fc.Arbitrary<Answer | null>[] = [validAnswer(i)];
			if (opts.missing) options.push(fc.constant(null));
			if (opts.invalid && i.kind === 'rate') options.push(fc.constant({ numerator: 5, denominator: 4 }));
			if (opts.invalid && i.kind === 'incidence') options.push(fc.constant({ count: 1, population: 0 }));
			entries[i.code] = options.length === 1 ? options[0] : fc.oneof({ arbitrary: options[0], weight: 6 }, ...options.slice(1));
		}
	}
	return fc.record(entries).map((rec) => {
		const out: Record<string, Answer> = {};
		for (const [k, v] of Object.entries(rec)) if (v !== null) out[k] = v;
		return out;
	});
}

function checkInvariants(set: CriteriaSet, cat: CommuneCategory, r: ScoreResult): void {
	let sum = 0;
	let pending = 0;
	r.criteria.forEach((c, ci) => {
		const criterion = set.criteria[ci];
		expect(Number.isInteger(c.points)).toBe(true);
		expect(c.points).toBeGreaterThanOrEqual(0);
		expect(c.points).toBeLessThanOrEqual(c.maxPoints);
		let s = 0;
		let p = 0;
		c.indicators.forEach((i) => {
			if (i.points === null) {
				expect(i.status).not.toBe('answered');
				p += i.maxPoints;
			} else {
				expect(i.status).toBe('answered');
				expect(Number.isInteger(i.points)).toBe(true);
				expect(i.points).toBeGreaterThanOrEqual(0);
				expect(i.points).toBeLessThanOrEqual(i.maxPoints);
				s += i.points;
			}
		});
		expect(c.points).toBe(Math.min(s, c.maxPoints));
		expect(c.complete).toBe(p === 0);
		expect(c.pendingMaxPoints).toBe(p);
		if (c.complete) {
			expect(c.met).toBe(isMet(criterion.metRule, c.points));
			expect(c.zero).toBe(c.points === 0);
		}
		sum += c.points;
		pending += p;
	});
	expect(r.total).toBe(sum);
	expect(r.total).toBeLessThanOrEqual(r.maxTotal);
	const threshold = set.passRule.thresholds[cat];
	expect(r.threshold).toBe(threshold);
	const rule = set.passRule;
	const complete = pending === 0;
	expect(r.complete).toBe(complete);
	const unmet = r.criteria.some((c, ci) => c.complete && !isMet(set.criteria[ci].metRule, c.points));
	const zero = r.criteria.some((c) => c.complete && c.points === 0);
	if (complete) {
		const pass = (!rule.requireAllCriteriaMet || !unmet) && (!rule.forbidZeroCriterion || !zero) && r.total >= threshold;
		expect(r.verdict).toBe(pass ? 'pass' : 'fail');
	} else {
		expect(r.verdict).not.toBe('pass');
		const decidedFail = (rule.requireAllCriteriaMet && unmet) || (rule.forbidZeroCriterion && zero) || r.total + pending < threshold;
		expect(r.verdict).toBe(decidedFail ? 'fail' : 'incomplete');
	}
	expect(r.reasons.length).toBeGreaterThan(0);
}

describe('score: properties', () => {
	for (const [name, set] of [
		['QĐ 06/2019', QD06_2019],
		['test set', MINI_SET]
	] as const) {
		it(`${name}: points within [0, max], total = sum of criteria, verdict agrees with the three conditions`, () => {
			fc.assert(
				fc.property(answersFor(set, { missing: true, invalid: true }), category, (answers, cat) => {
					checkInvariants(set, cat, score(set, cat, answers));
				}),
				{ numRuns: 300 }
			);
		});

		it(`${name}: complete valid answers always give pass or fail`, () => {
			fc.assert(
				fc.property(answersFor(set), category, (answers, cat) => {
					const r = score(set, cat, answers);
					// a 0/0 rate is invalid unless the indicator grants full points
					if (r.invalid.length === 0) expect(['pass', 'fail']).toContain(r.verdict);
				})
			);
		});

		it(`${name}: invariant to the order of answer keys`, () => {
			fc.assert(
				fc.property(
					answersFor(set, { missing: true, invalid: true }).chain((answers) => {
						const entries = Object.entries(answers);
						return fc
							.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })
							.map((shuffled) => [answers, Object.fromEntries(shuffled)] as const);
					}),
					category,
					([answers, shuffled], cat) => {
						expect(score(set, cat, shuffled)).toEqual(score(set, cat, answers));
					}
				)
			);
		});
	}

	it('a better rate never loses points (any denominators)', () => {
		const rates = QD06_2019.criteria.flatMap((c) => c.indicators).filter((i) => i.kind === 'rate');
		const pair = fc
			.integer({ min: 1, max: 5000 })
			.chain((d) => fc.integer({ min: 0, max: d }).map((n) => ({ numerator: n, denominator: d })));
		fc.assert(
			fc.property(fc.constantFrom(...rates), pair, pair, (ind, a, b) => {
				const [lo, hi] = a.numerator * b.denominator <= b.numerator * a.denominator ? [a, b] : [b, a];
				const pLo = findIndicatorResult(score(QD06_2019, 'standard', { [ind.code]: lo }), ind.code)?.points ?? -1;
				const pHi = findIndicatorResult(score(QD06_2019, 'standard', { [ind.code]: hi }), ind.code)?.points ?? -1;
				expect(pLo).toBeLessThanOrEqual(pHi);
			})
		);
	});

	it('a numerator above its denominator is invalid whatever the denominator; only 0/0 is "no case to handle"', () => {
		const rates = QD06_2019.criteria.flatMap((c) => c.indicators).filter((i) => i.kind === 'rate');
		// the default set has indicators of both rules (TC06.1 and TC06.2 give full points to 0/0)
		expect(rates.some((i) => i.zeroDenominator === 'maxPoints')).toBe(true);
		const above = fc
			.integer({ min: 0, max: 5000 })
			.chain((d) => fc.integer({ min: d + 1, max: d + 5000 }).map((n) => ({ numerator: n, denominator: d })));
		fc.assert(
			fc.property(fc.constantFrom(...rates), above, category, (ind, answer, cat) => {
				const r = findIndicatorResult(score(QD06_2019, cat, { [ind.code]: answer }), ind.code)!;
				expect(r.status).toBe('invalid');
				expect(r.points).toBeNull();
			})
		);
		for (const ind of rates.filter((i) => i.zeroDenominator === 'maxPoints')) {
			const r = findIndicatorResult(score(QD06_2019, 'standard', { [ind.code]: { numerator: 0, denominator: 0 } }), ind.code)!;
			expect(r.status).toBe('answered');
			expect(r.points).toBe(ind.maxPoints);
		}
	});

	it('a lower incidence never loses points (any populations in the default set; same population with a count condition)', () => {
		const incidences = QD06_2019.criteria.flatMap((c) => c.indicators).filter((i) => i.kind === 'incidence');
		const pair = fc
			.integer({ min: 1, max: 20000 })
			.chain((pop) => fc.integer({ min: 0, max: Math.min(pop, 400) }).map((count) => ({ count, population: pop })));
		fc.assert(
			fc.property(fc.constantFrom(...incidences), pair, pair, (ind, a, b) => {
				const [lo, hi] = a.count * b.population <= b.count * a.population ? [a, b] : [b, a];
				const pLo = findIndicatorResult(score(QD06_2019, 'standard', { [ind.code]: lo }), ind.code)?.points ?? -1;
				const pHi = findIndicatorResult(score(QD06_2019, 'standard', { [ind.code]: hi }), ind.code)?.points ?? -1;
				expect(pLo).toBeGreaterThanOrEqual(pHi);
			})
		);
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.nat(), (pop, x, y) => {
				const c1 = x % (pop + 1);
				const c2 = y % (pop + 1);
				const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
				const p = (count: number) =>
					findIndicatorResult(score(MINI_SET, 'standard', { 'K02.1': { count, population: pop } }), 'K02.1')?.points ?? -1;
				expect(p(lo)).toBeGreaterThanOrEqual(p(hi));
			})
		);
	});

	it('a higher survey percentage never loses points', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 10000 }), (x, y) => {
				const [lo, hi] = x <= y ? [x, y] : [y, x];
				const p = (h: number) =>
					findIndicatorResult(score(QD06_2019, 'standard', { 'TC13.1': { percent: h / 100 } }), 'TC13.1')?.points ?? -1;
				expect(p(lo)).toBeLessThanOrEqual(p(hi));
			})
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Random valid criteria sets
// ---------------------------------------------------------------------------------------------

const randomIndicator = (code: string): fc.Arbitrary<Indicator> =>
	fc.oneof(
		// rate / survey: ascending thresholds, ascending points, the last = max
		fc
			.tuple(
				fc.uniqueArray(fc.integer({ min: 0, max: 10000 }), { minLength: 1, maxLength: 5 }),
				fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 5, maxLength: 5 }),
				fc.boolean()
			)
			.map(([mins, pts, survey]) => {
				const sortedMins = [...mins].sort((a, b) => a - b);
				const sortedPts = [...pts].sort((a, b) => a - b).slice(5 - sortedMins.length);
				const bands = sortedMins.map((m, k) => ({ min: m / 100, points: sortedPts[k], provisional: false }));
				const maxPoints = Math.max(1, sortedPts[sortedPts.length - 1]);
				bands[bands.length - 1].points = maxPoints;
				const base = { code, title: 'Chỉ số', measure: 'Đo', guidance: 'Hướng dẫn', maxPoints, source: 'Sinh ngẫu nhiên', verified: true };
				return survey
					? ({ kind: 'survey', ...base, bands } as Indicator)
					: ({ kind: 'rate', ...base, numeratorLabel: 'Tử', denominatorLabel: 'Mẫu', bands, zeroDenominator: 'invalid' } as Indicator);
			}),
		// incidence: ascending thresholds, descending points, the first = max
		fc
			.tuple(
				fc.constantFrom(100, 1000, 100000),
				fc.uniqueArray(fc.integer({ min: 0, max: 10000 }), { minLength: 1, maxLength: 4 }),
				fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 4, maxLength: 4 })
			)
			.map(([per, maxes, pts]) => {
				const sortedMax = [...maxes].sort((a, b) => a - b).map((m) => Math.min(m / 100, per));
				const uniq = [...new Set(sortedMax)];
				const sortedPts = [...pts].sort((a, b) => b - a).slice(0, uniq.length);
				const bands = uniq.map((m, k) => ({ max: m, points: sortedPts[k], provisional: false }));
				return {
					kind: 'incidence',
					code,
					title: 'Chỉ số',
					measure: 'Đo',
					guidance: 'Hướng dẫn',
					maxPoints: sortedPts[0],
					source: 'Sinh ngẫu nhiên',
					verified: true,
					countLabel: 'Số ca',
					populationLabel: 'Số trẻ',
					per,
					bands,
					zeroIfCountAtLeast: null
				} as Indicator;
			})
	);

const randomSet: fc.Arbitrary<CriteriaSet> = fc
	.array(fc.array(fc.constant(null), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 })
	.chain((shape) =>
		fc.tuple(
			...shape.map((inds, ci) =>
				fc.tuple(...inds.map((_x, ii) => randomIndicator(`R${ci + 1}.${ii + 1}`))).map((indicators) => ({
					code: `R${ci + 1}`,
					title: 'Tiêu chí',
					maxPoints: indicators.reduce((s, i) => s + i.maxPoints, 0),
					guidance: 'Hướng dẫn',
					metRule: { kind: 'positive' as const },
					source: 'Sinh ngẫu nhiên',
					verified: true,
					indicators
				}))
			)
		)
	)
	.chain((criteria) => {
		const total = criteria.reduce((s, c) => s + c.maxPoints, 0);
		return fc
			.tuple(
				fc.integer({ min: 0, max: total }),
				fc.integer({ min: 0, max: total }),
				fc.integer({ min: 0, max: total }),
				fc.boolean(),
				fc.boolean()
			)
			.map(([a, b, c, all, zero]) => ({
				code: 'RANDOM',
				name: 'Bộ ngẫu nhiên',
				legalReference: 'Kiểm thử',
				version: 1,
				status: 'draft' as const,
				confirmation: null,
				passRule: { thresholds: { urban_ward: a, disadvantaged: b, standard: c }, requireAllCriteriaMet: all, forbidZeroCriterion: zero },
				criteria
			}));
	});

describe('random valid sets', () => {
	it('generated sets are valid', () => {
		fc.assert(
			fc.property(randomSet, (set) => {
				const r = validateCriteriaSet(set);
				if (!r.ok) throw new Error(JSON.stringify(r.errors));
			})
		);
	});

	it('bounds, totals and verdict hold', () => {
		fc.assert(
			fc.property(
				randomSet.chain((set) => fc.tuple(fc.constant(set), answersFor(set, { missing: true, invalid: true }), category)),
				([set, answers, cat]) => checkInvariants(set, cat, score(set, cat, answers))
			),
			{ numRuns: 200 }
		);
	});

	it('raising one rate numerator or lowering one incidence count never lowers the total', () => {
		fc.assert(
			fc.property(
				randomSet.chain((set) => fc.tuple(fc.constant(set), answersFor(set), category, fc.nat())),
				([set, answers, cat, pick]) => {
					const codes = Object.keys(answers);
					const code = codes[pick % codes.length];
					const a = answers[code];
					let better: Answer | null = null;
					if ('numerator' in a && a.numerator < a.denominator) better = { ...a, numerator: a.numerator + 1 };
					if ('count' in a && a.count > 0) better = { ...a, count: a.count - 1 };
					if ('percent' in a && a.percent < 100) better = { ...a, percent: Math.round(a.percent * 100 + 1) / 100 };
					if (!better) return;
					const w = whatIf(set, cat, answers, { [code]: better });
					expect(w.delta.total).toBeGreaterThanOrEqual(0);
				}
			)
		);
	});
});

describe('gap analysis: properties', () => {
	it('every suggestion gains exactly the points it announces', () => {
		fc.assert(
			fc.property(answersFor(QD06_2019, { missing: true }), category, (answers, cat) => {
				const g = gapAnalysis(QD06_2019, cat, answers);
				for (const s of g.suggestions) {
					const w = whatIf(QD06_2019, cat, answers, { [s.indicatorCode]: s.answer });
					expect(w.delta.total).toBe(s.pointsGained);
					expect(s.pointsGained).toBeGreaterThan(0);
				}
				for (let k = 1; k < g.suggestions.length; k++) {
					expect(g.suggestions[k - 1].pointsGained).toBeGreaterThanOrEqual(g.suggestions[k].pointsGained);
				}
			}),
			{ numRuns: 150 }
		);
	});

	it('the plan, applied, gives the announced total; when it closes the gap the commune passes', () => {
		fc.assert(
			fc.property(answersFor(QD06_2019), category, (answers, cat) => {
				const r = score(QD06_2019, cat, answers);
				if (!r.complete) return;
				const g = gapAnalysis(QD06_2019, cat, answers, r);
				const changes = Object.fromEntries(g.plan.changes.map((c) => [c.indicatorCode, c.answer]));
				const w = whatIf(QD06_2019, cat, answers, changes);
				expect(w.after.total).toBe(g.plan.totalAfter);
				if (g.plan.closesGap) expect(w.after.verdict).toBe('pass');
				if (r.verdict === 'pass') expect(g.plan.changes).toEqual([]);
			}),
			{ numRuns: 150 }
		);
	});
});
