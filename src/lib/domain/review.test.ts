import { describe, expect, it } from 'vitest';
import { answerSummary, reviewedPoints } from './dossier.ts';
import {
	appraisalProblems,
	approverConflicts,
	communeMayChange,
	DecisionInputSchema,
	diffSubmissions,
	ReviewItemInputSchema,
	reviewItemProblems,
	type SubmissionSnapshot
} from './review.ts';
import { score } from './scoring/score.ts';
import { QD06_2019 } from './criteria/qd06-2019.ts';
import { fullMarksQd06 } from '../../../tests/helpers/scoring-fixtures.ts';

const snap = (over: Partial<SubmissionSnapshot> = {}): SubmissionSnapshot => ({ answers: {}, baseCounts: {}, evidence: [], ...over });
const doc = (id: number, indicators: string[]) => ({
	id,
	code: `TC01-0${id}`,
	name: `f${id}.pdf`,
	sha256: 'a'.repeat(64),
	kind: 'evidence',
	indicators
});

describe('what the commune may change', () => {
	const flagged = new Set(['TC01.1', 'TC02.1']);
	it('anything in a draft, only flagged indicators when returned, nothing otherwise', () => {
		expect(communeMayChange('draft', new Set(), ['TC05.1'])).toBe(true);
		expect(communeMayChange('returned', flagged, ['TC01.1'])).toBe(true);
		expect(communeMayChange('returned', flagged, ['TC01.1', 'TC05.1'])).toBe(false);
		expect(communeMayChange('returned', flagged, [])).toBe(true); // a dossier document
		for (const s of ['submitted', 'under_review', 'resubmitted', 'appraised', 'recognised'] as const)
			expect(communeMayChange(s, flagged, ['TC01.1'])).toBe(false);
	});
});

describe('one indicator review', () => {
	const ind = { code: 'TC01.1', maxPoints: 20 };
	it('needs a reason when the points differ, a request when a supplement is needed, points within the maximum', () => {
		expect(reviewItemProblems({ points: null, reason: '', status: 'accepted', request: '' }, ind, 20)).toEqual({});
		expect(reviewItemProblems({ points: 20, reason: '', status: 'accepted', request: '' }, ind, 20)).toEqual({});
		expect(Object.keys(reviewItemProblems({ points: 15, reason: '', status: 'accepted', request: '' }, ind, 20))).toEqual(['reason']);
		expect(Object.keys(reviewItemProblems({ points: 21, reason: 'x', status: 'accepted', request: '' }, ind, 20))).toEqual(['points']);
		expect(Object.keys(reviewItemProblems({ points: null, reason: '', status: 'needs_supplement', request: '' }, ind, 20))).toEqual([
			'request'
		]);
	});
	it('parses the form: empty points = same as the commune, text trimmed and NFC', () => {
		const r = ReviewItemInputSchema.parse({
			indicator: 'TC01.1',
			points: ' ',
			reason: ' Thie\u0302\u0301u ',
			status: 'accepted',
			request: '',
			revision: '2'
		});
		expect(r).toMatchObject({ points: null, reason: 'Thiếu', revision: 2 });
		expect(
			ReviewItemInputSchema.safeParse({ indicator: 'TC01.1', points: '-3', reason: '', status: 'accepted', request: '', revision: '0' })
				.success
		).toBe(false);
		expect(
			ReviewItemInputSchema.safeParse({ indicator: "TC01.1'--", points: '', reason: '', status: 'accepted', request: '', revision: '0' })
				.success
		).toBe(false);
	});
});

describe('reviewed scoring (R10)', () => {
	it('replaces the computed points of an indicator and recomputes the verdict', () => {
		const answers = fullMarksQd06();
		const self = score(QD06_2019, 'standard', answers);
		const code = QD06_2019.criteria[0].indicators[0].code;
		const max = QD06_2019.criteria[0].indicators[0].maxPoints;
		const reviewed = score(QD06_2019, 'standard', answers, reviewedPoints([{ indicatorCode: code, points: max - 3 }]));
		expect(reviewed.total).toBe(self.total - 3);
		expect(reviewed.criteria[0].indicators[0]).toMatchObject({ points: max - 3, reviewed: { computedPoints: max } });
		// the reviewer's 0 on a whole criterion fails the "no criterion at 0" rule
		const zero = Object.fromEntries(QD06_2019.criteria[1].indicators.map((i) => [i.code, 0]));
		const failed = score(QD06_2019, 'standard', answers, zero);
		expect(failed.verdict).toBe('fail');
		expect(failed.reasons).toContain(`${QD06_2019.criteria[1].code} đạt 0 điểm`);
		// points above the maximum are clamped
		expect(score(QD06_2019, 'standard', answers, { [code]: max + 50 }).total).toBe(self.total);
	});
	it('scores an unanswered indicator the reviewer scored', () => {
		const answers = fullMarksQd06();
		const code = QD06_2019.criteria[0].indicators[0].code;
		delete answers[code];
		const r = score(QD06_2019, 'standard', answers, { [code]: 1 });
		expect(r.unanswered).toEqual([]);
		expect(r.criteria[0].indicators[0]).toMatchObject({ status: 'answered', points: 1, reviewed: { computedPoints: null } });
	});
});

describe('the difference between two submissions', () => {
	it('lists changed answers (key order ignored), base counts, added and removed files, and the indicators touched', () => {
		const before = snap({
			answers: { 'TC01.1': { value: true, source: 'A' }, 'TC02.1': { numerator: 1, denominator: 2 } },
			baseCounts: { under16: 100 },
			evidence: [doc(1, ['TC03.1']), doc(2, ['TC04.1'])]
		});
		const after = snap({
			answers: { 'TC01.1': { source: 'A', value: true }, 'TC02.1': { numerator: 2, denominator: 2 }, 'TC05.1': { value: false } },
			baseCounts: { under16: 100 },
			evidence: [doc(2, ['TC04.1']), doc(3, ['TC06.1'])]
		});
		const d = diffSubmissions(before, after);
		expect(d.answers.map((x) => x.indicatorCode)).toEqual(['TC02.1', 'TC05.1']);
		expect(d.baseCounts).toEqual([]);
		expect(d.evidenceAdded.map((e) => e.id)).toEqual([3]);
		expect(d.evidenceRemoved.map((e) => e.id)).toEqual([1]);
		expect(d.indicators).toEqual(['TC02.1', 'TC03.1', 'TC05.1', 'TC06.1']);
		expect(diffSubmissions(after, after)).toMatchObject({ answers: [], evidenceAdded: [], evidenceRemoved: [], indicators: [] });
		expect(diffSubmissions(snap({ baseCounts: { under1: 5 } }), snap({ baseCounts: { under1: 6 } })).baseCounts).toEqual([
			{ key: 'under1', before: 5, after: 6 }
		]);
	});
});

describe('appraisal and decision rules', () => {
	it('refuses to conclude while items need a supplement, and to recommend recognising a failing result', () => {
		expect(
			appraisalProblems({ recommendation: 'recognise' }, { verdict: 'pass' }, [{ indicatorCode: 'TC01.1', status: 'accepted' }])
		).toEqual([]);
		expect(
			appraisalProblems({ recommendation: 'not_recognise' }, { verdict: 'pass' }, [
				{ indicatorCode: 'TC01.1', status: 'needs_supplement' }
			])[0]
		).toMatch(/TC01.1/);
		expect(appraisalProblems({ recommendation: 'recognise' }, { verdict: 'fail' }, [])).toHaveLength(1);
		expect(appraisalProblems({ recommendation: 'not_recognise' }, { verdict: 'fail' }, [])).toEqual([]);
	});
	it('finds the assessments an approver reviewed', () => {
		expect(
			approverConflicts(
				7,
				new Map([
					[1, new Set([3])],
					[2, new Set([7, 3])]
				])
			)
		).toEqual([2]);
	});
	const input = {
		outcome: 'recognise',
		number: '15/QĐ-UBND',
		issuedOn: '2026-11-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		assessments: [{ id: '3', version: '4' }]
	};
	it('validates a decision: number form, real dates, a validity period for a recognition', () => {
		expect(DecisionInputSchema.parse(input)).toMatchObject({ number: '15/QĐ-UBND', assessments: [{ id: 3, version: 4 }] });
		// a decomposed Đ (as some keyboards type it) is normalised
		expect(DecisionInputSchema.parse({ ...input, number: '15/QĐ-UBND'.normalize('NFD') }).number).toBe('15/QĐ-UBND');
		expect(DecisionInputSchema.safeParse({ ...input, number: 'QĐ 15' }).success).toBe(false);
		expect(DecisionInputSchema.safeParse({ ...input, issuedOn: '2026-02-30' }).success).toBe(false);
		expect(DecisionInputSchema.safeParse({ ...input, validUntil: '2026-11-01' }).success).toBe(false);
		expect(DecisionInputSchema.safeParse({ ...input, validFrom: '' }).success).toBe(false);
		expect(DecisionInputSchema.safeParse({ ...input, outcome: 'not_recognise', validFrom: '', validUntil: '' }).success).toBe(true);
		expect(DecisionInputSchema.safeParse({ ...input, assessments: [] }).success).toBe(false);
	});
	it('describes answers for the reviewer', () => {
		const rate = QD06_2019.criteria.flatMap((c) => c.indicators).find((i) => i.kind === 'rate')!;
		expect(answerSummary(rate, { numerator: 198, denominator: 200 }, '99%')).toBe('198/200 (99%)');
		expect(answerSummary(rate, null, null)).toBe('Chưa nhập');
	});
});
