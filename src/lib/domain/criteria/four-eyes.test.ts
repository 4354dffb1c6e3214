import { describe, expect, it } from 'vitest';
import { QD06_2019, validateCriteriaSet, type CriteriaSet } from './index.ts';
import { changedItems, listUnverifiedItems, markVerified, withFourEyes } from './verification.ts';

const parsed = (input: unknown): CriteriaSet => {
	const v = validateCriteriaSet(input);
	if (!v.ok) throw new Error(JSON.stringify(v.errors));
	return v.value;
};
const clone = (s: CriteriaSet): CriteriaSet => JSON.parse(JSON.stringify(s));

describe('four eyes on verification claims', () => {
	it('a new set: every claim waits and is stored unverified', () => {
		const set = clone(parsed(QD06_2019));
		set.criteria[0].verified = true;
		set.criteria[0].indicators[1].verified = true;
		const r = withFourEyes(set, null);
		expect(r.awaiting).toEqual(['TC01', 'TC01.2']);
		expect(listUnverifiedItems(r.stored)).toEqual(listUnverifiedItems(parsed(QD06_2019)));
	});

	it('an item already verified in the base with the same content keeps its mark; a changed one waits', () => {
		const base = markVerified(parsed(QD06_2019), new Set(['TC07', 'TC07.1', 'TC01.1']));
		const next = clone(base);
		next.version = 2;
		// TC07.1 changes a band; TC01.1 only gains a citation (content changed too)
		const tc071 = next.criteria[6].indicators[0];
		if (tc071.kind !== 'rate') throw new Error('TC07.1 is a rate');
		tc071.bands[tc071.bands.length - 1].min = 97;
		next.criteria[0].indicators[0].citation = { article: 'Điều 2' };
		const r = withFourEyes(next, base);
		expect(r.awaiting).toEqual(['TC01.1', 'TC07.1']);
		const verified = (s: CriteriaSet) =>
			s.criteria
				.flatMap((c) => [c, ...c.indicators])
				.filter((i) => i.verified)
				.map((i) => i.code);
		expect(verified(r.stored)).toEqual(['TC07']);
		expect(changedItems(base, next)).toEqual(['TC01.1', 'TC07.1']);
	});

	it('marks confirmed items verified and nothing else', () => {
		const set = parsed(QD06_2019);
		const before = listUnverifiedItems(set);
		const after = listUnverifiedItems(markVerified(set, new Set(['TC02', 'TC02.1'])));
		expect(before.filter((c) => !after.includes(c))).toEqual(['TC02', 'TC02.1']);
	});
});
