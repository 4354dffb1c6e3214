/** Fixtures of the impact-before-activation tests (integration and browser). */
import { clone, fullMarksQd06 } from './scoring-fixtures.ts';
import { QD06_2019, type CriteriaSet } from '#lib/domain/criteria/index.ts';
import { score, type Answer } from '#lib/domain/scoring/index.ts';
import type { CommuneCategory } from '#lib/domain/units.ts';

/** Version 2: TC07.1's top band (50 points) needs 99% instead of 98%; 98.5% now gets 40. */
export function stricterDraft(): CriteriaSet {
	const s = clone(QD06_2019);
	s.version = 2;
	const ind = s.criteria.find((c) => c.code === 'TC07')!.indicators[0];
	if (ind.kind !== 'rate') throw new Error('TC07.1 should be a rate');
	ind.bands[ind.bands.length - 1].min = 99;
	return s;
}

/**
 * Answers of the default set scoring between the category's threshold and 9 points above it,
 * with TC07.1 at 98.5% (so the stricter draft takes 10 points and the commune fails).
 */
export function nearThreshold(category: CommuneCategory): Record<string, Answer> {
	const answers: Record<string, Answer> = { ...fullMarksQd06(), 'TC07.1': { numerator: 197, denominator: 200 } };
	const cuts: [string, Answer][] = [
		['TC01.4', { value: false }],
		['TC12.2', { value: false }],
		['TC01.2', { value: false }],
		['TC11.2', { value: false }],
		['TC10.2', { numerator: 192, denominator: 200 }],
		['TC01.3', { value: false }],
		['TC12.3', { value: false }],
		['TC10.1', { numerator: 185, denominator: 200 }],
		['TC13.1', { percent: 75 }],
		['TC13.2', { percent: 75 }],
		['TC11.3', { value: false }],
		['TC02.1', { numerator: 196, denominator: 200 }],
		['TC09.1', { numerator: 180, denominator: 200 }]
	];
	const total = (a: Record<string, Answer>) => score(QD06_2019, category, a).total;
	const threshold = score(QD06_2019, category, answers).threshold;
	for (const [code, cut] of cuts) {
		const next = { ...answers, [code]: cut };
		if (total(next) >= threshold) Object.assign(answers, { [code]: cut });
	}
	return answers;
}
