import { describe, expect, it } from 'vitest';
import { compareUnderDraft, impactCsvRows, IMPACT_CSV_HEADER, type ImpactSubject } from './impact.ts';
import { readStoredAnswers } from '../scoring/answers.ts';
import { score } from '../scoring/score.ts';
import type { CriteriaSet } from './schema.ts';
import { MINI_SET, clone, fullMarksMini } from '../../../../tests/helpers/scoring-fixtures.ts';
import { VERDICT_LABELS } from '../terms.ts';

/** Version 2 of the small set: K01.2's top band (40 points) now needs 99% instead of 97.5%. */
function stricter(): CriteriaSet {
	const s = clone(MINI_SET);
	s.version = 2;
	const k012 = s.criteria[0].indicators[1];
	if (k012.kind !== 'rate') throw new Error('K01.2 should be a rate');
	k012.bands[k012.bands.length - 1].min = 99;
	return s;
}

/** 110 points under version 1 (the standard threshold): K01.1 no, K01.2 39/40 (97.5%), K02.2 mid, K03.1 60%. */
const nearThreshold = () => ({
	...fullMarksMini(),
	'K01.1': { value: false },
	'K01.2': { numerator: 39, denominator: 40 },
	'K02.2': { level: 'mid' },
	'K03.1': { percent: 60 }
});

const subject = (id: number, stored: Record<string, unknown>, set: CriteriaSet = MINI_SET): ImpactSubject => ({
	assessmentId: id,
	communeCode: `C${id}`,
	communeName: `Xã ${id}`,
	category: 'standard',
	set,
	stored
});

describe('the impact of a draft set on a round', () => {
	it('changes nothing when the draft scores like the set used', () => {
		const draft = clone(MINI_SET);
		draft.version = 2;
		const r = compareUnderDraft(draft, [subject(1, fullMarksMini()), subject(2, nearThreshold())]);
		expect(r.changed).toEqual([]);
		expect(r.totalsChanged).toBe(0);
		expect(r.criteria.every((c) => c.sum === 0 && c.affected === 0 && c.inDraft)).toBe(true);
		expect([r.passBefore, r.passAfter]).toEqual([2, 2]);
	});

	it('finds the commune whose verdict flips, with its totals, and sums the change per criterion', () => {
		const r = compareUnderDraft(stricter(), [subject(1, fullMarksMini()), subject(2, nearThreshold()), subject(3, {})]);
		expect(r.assessments).toBe(3);
		expect(r.changed).toHaveLength(1);
		expect(r.changed[0]).toMatchObject({
			assessmentId: 2,
			fromSet: 'TEST-MINI@1',
			before: { total: 110, verdict: 'pass', threshold: 110 },
			after: { total: 95, verdict: 'fail', threshold: 110 },
			difference: -15,
			verdictChanged: true
		});
		expect(r.totalsChanged).toBe(1);
		expect(r.criteria.map((c) => [c.code, c.sum, c.average, c.affected])).toEqual([
			['K01', -15, -5, 1],
			['K02', 0, 0, 0],
			['K03', 0, 0, 0]
		]);
		expect([r.passBefore, r.passAfter]).toEqual([2, 1]);
		// the unanswered commune stays incomplete
		expect(r.rows[2].before.verdict).toBe('incomplete');
		expect(r.rows[2].verdictChanged).toBe(false);
	});

	it('agrees with scoring each commune on its own under both sets', () => {
		const draft = stricter();
		const answers = [fullMarksMini(), nearThreshold(), {}, { ...nearThreshold(), 'K01.2': { numerator: 50, denominator: 40 } }];
		const r = compareUnderDraft(
			draft,
			answers.map((a, i) => subject(i, a))
		);
		answers.forEach((a, i) => {
			expect(r.rows[i].before.total).toBe(score(MINI_SET, 'standard', readStoredAnswers(MINI_SET, a)).total);
			expect(r.rows[i].after.verdict).toBe(score(draft, 'standard', readStoredAnswers(draft, a)).verdict);
		});
	});

	it('ignores the answers of indicators the draft removed and leaves new indicators unanswered', () => {
		const draft = clone(MINI_SET);
		draft.version = 2;
		const k02 = draft.criteria[1];
		const removed = k02.indicators.pop()!; // K02.2 (level, 10 points) is gone
		expect(removed.code).toBe('K02.2');
		const withNew = clone(draft);
		withNew.criteria[1].indicators.push({
			kind: 'check',
			code: 'K02.9',
			title: 'Chỉ số mới',
			measure: 'Có/Không',
			guidance: 'Hướng dẫn',
			maxPoints: 10,
			source: 'Thử nghiệm',
			verified: true
		});
		const gone = compareUnderDraft(draft, [subject(1, fullMarksMini())]);
		expect(gone.rows[0].difference).toBe(-10);
		expect(gone.criteria.find((c) => c.code === 'K02')).toMatchObject({ sum: -10, affected: 1 });
		const added = compareUnderDraft(withNew, [subject(1, fullMarksMini())]);
		expect(added.rows[0].after.verdict).toBe('incomplete');
		expect(added.changed).toHaveLength(1);
	});

	it('reports a criterion only the earlier set has, as removed, and reads invalid answers the same way under both', () => {
		const draft = clone(MINI_SET);
		draft.version = 2;
		draft.criteria.pop(); // K03 removed
		const stored = { ...fullMarksMini(), 'K01.1': { value: 'có' } }; // no longer a valid answer
		const r = compareUnderDraft(draft, [subject(1, stored)]);
		expect(r.rows[0].before.verdict).toBe('incomplete');
		// without K03 the draft's 100 points cannot reach 110: a failure, whatever K01.1 becomes
		expect(r.rows[0].after.verdict).toBe('fail');
		expect(r.rows[0].after.total).toBe(80);
		expect(r.criteria.map((c) => [c.code, c.inDraft, c.sum])).toEqual([
			['K01', true, 0],
			['K02', true, 0],
			['K03', false, -50]
		]);
	});

	it('writes the per-commune rows with Vietnamese headers', () => {
		const r = compareUnderDraft(stricter(), [subject(2, nearThreshold())]);
		expect(IMPACT_CSV_HEADER[0]).toBe('Mã xã');
		expect(impactCsvRows(r.rows, (v) => VERDICT_LABELS[v])).toEqual([
			['C2', 'Xã 2', 'TEST-MINI@1', 110, 'Đạt chuẩn', 95, 'Chưa đạt chuẩn', -15, 'Có']
		]);
	});
});
