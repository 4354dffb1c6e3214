/** The examples in FORMAT.md are real: they validate, and the error shown is the one produced. */
import { describe, expect, it } from 'vitest';
import formatMd from './FORMAT.md?raw';
import { validateCriteriaSet } from './schema.ts';
import { QD06_2019 } from './qd06-2019.ts';
import { parseAnswers } from '../scoring/answers.ts';
import { clone } from '../../../../tests/helpers/scoring-fixtures.ts';

const blocks = [...formatMd.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);

describe('FORMAT.md examples', () => {
	it('has the three JSON examples', () => {
		expect(blocks).toHaveLength(3);
	});

	it('the criteria-set example is valid', () => {
		const r = validateCriteriaSet(blocks[0]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
	});

	it('the error example is what validation reports', () => {
		const input = clone(QD06_2019) as { criteria: { indicators: { bands: { points: number }[] }[] }[] };
		input.criteria[6].indicators[0].bands[1].points = 60;
		const r = validateCriteriaSet(input);
		expect(r.ok ? [] : r.errors).toContainEqual(blocks[1]);
	});

	it('the answers example is valid for the default set', () => {
		const r = parseAnswers(QD06_2019, blocks[2]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
	});
});
