import { describe, expect, it } from 'vitest';
import {
	CHILDREN_TEMPLATE,
	PROVISIONAL_SURVEY_SOURCE,
	RESIDENTS_TEMPLATE,
	SHIPPED_TEMPLATES,
	YOUNG_CHILDREN_TEMPLATE,
	parseSurveyTemplate,
	validateResponse
} from './templates.ts';
import { groupResult, isSatisfied, percentOf, surveyResults, type ResponseRecord } from './results.ts';
import { cochranN0, suggestedSample, suggestedSamples } from './sample.ts';
import { answerKey, computeFlags, flagFor, FLAG_RULES, type FlagInput } from './flags.ts';

const all = (codes: string[], v: number) => Object.fromEntries(codes.map((c) => [c, v]));
const C = CHILDREN_TEMPLATE.questions.map((q) => q.code);
const Y = YOUNG_CHILDREN_TEMPLATE.questions.map((q) => q.code);
const D = RESIDENTS_TEMPLATE.questions.map((q) => q.code);

let nextId = 1;
function resp(p: Partial<ResponseRecord> & Pick<ResponseRecord, 'group' | 'answers'>): ResponseRecord {
	return { id: nextId++, channel: 'slip', ageGroup: null, sex: null, submittedAt: new Date(0), flag: null, accepted: false, ...p };
}

describe('templates', () => {
	it('ships three valid provisional questionnaires, one per group, marked like the provisional bands', () => {
		expect(SHIPPED_TEMPLATES.map((t) => t.group).sort()).toEqual(['children', 'children_young', 'residents']);
		for (const t of SHIPPED_TEMPLATES) {
			const r = parseSurveyTemplate(t);
			expect(r.ok, JSON.stringify(r)).toBe(true);
			expect(t.provisional).toBe(true);
			expect(t.source).toBe(PROVISIONAL_SURVEY_SOURCE);
			expect(t.source).toContain('chưa phải bảng hỏi chính thức');
		}
		expect(CHILDREN_TEMPLATE.questions).toHaveLength(6);
		expect(YOUNG_CHILDREN_TEMPLATE.questions.length).toBeGreaterThanOrEqual(3);
		expect(YOUNG_CHILDREN_TEMPLATE.questions.every((q) => q.scale.length === 3)).toBe(true);
		expect(RESIDENTS_TEMPLATE.questions).toHaveLength(6);
	});

	it('refuses a provisional template without the provisional source, and duplicate question codes', () => {
		const bad = parseSurveyTemplate({ ...CHILDREN_TEMPLATE, source: 'Bảng hỏi chính thức' });
		expect(bad.ok).toBe(false);
		const dup = parseSurveyTemplate({ ...CHILDREN_TEMPLATE, questions: [CHILDREN_TEMPLATE.questions[0], CHILDREN_TEMPLATE.questions[0]] });
		expect(dup.ok).toBe(false);
		if (!dup.ok) expect(dup.errors.join(' ')).toContain('trùng');
	});

	it('validates a response: every question, values of the scale, known profile choices; a message per bad field', () => {
		expect(validateResponse(CHILDREN_TEMPLATE, { answers: all(C, 4), ageGroup: '10-12', sex: 'undisclosed' }).ok).toBe(true);
		const r = validateResponse(CHILDREN_TEMPLATE, { answers: { ...all(C, 4), C2: 9, C6: undefined, X: 1 }, ageGroup: '99', sex: 'x' });
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.fieldErrors['answers.C2']).toMatch(/không hợp lệ/);
			expect(r.fieldErrors['answers.C6']).toMatch(/chưa chọn/);
			expect(r.fieldErrors['answers.X']).toBeDefined();
			expect(r.fieldErrors.ageGroup).toBe('Nhóm tuổi không hợp lệ.');
			expect(r.fieldErrors.sex).toBe('Giới tính không hợp lệ.');
		}
		// the faces: 1..3 only
		expect(validateResponse(YOUNG_CHILDREN_TEMPLATE, { answers: all(Y, 4) }).ok).toBe(false);
		expect(validateResponse(YOUNG_CHILDREN_TEMPLATE, { answers: all(Y, 3) }).ok).toBe(true);
	});
});

describe('the satisfied rule and aggregation', () => {
	it('a respondent is satisfied when the mean of their answers reaches the template threshold', () => {
		expect(isSatisfied(CHILDREN_TEMPLATE, all(C, 4))).toBe(true);
		// mean 23/6 = 3.83 < 4
		expect(isSatisfied(CHILDREN_TEMPLATE, { ...all(C, 4), C1: 3 })).toBe(false);
		// mean 24/6 = 4
		expect(isSatisfied(CHILDREN_TEMPLATE, { ...all(C, 4), C1: 3, C2: 5 })).toBe(true);
		// faces: mean 2.5 reaches, 2.25 does not
		expect(isSatisfied(YOUNG_CHILDREN_TEMPLATE, { N1: 3, N2: 3, N3: 2, N4: 2 })).toBe(true);
		expect(isSatisfied(YOUNG_CHILDREN_TEMPLATE, { N1: 3, N2: 2, N3: 2, N4: 2 })).toBe(false);
	});

	it('percent with 2 decimals on the base of valid responses', () => {
		expect(percentOf(2, 3)).toBe(66.67);
		expect(percentOf(1, 8)).toBe(12.5);
		expect(percentOf(0, 0)).toBeNull();
	});

	it('counts per question and value, per age group and sex; flagged answers left out unless accepted', () => {
		const rows = [
			resp({ group: 'children', answers: all(C, 5), ageGroup: '10-12', sex: 'female' }),
			resp({ group: 'children', answers: all(C, 4), ageGroup: '13-15', sex: 'male' }),
			resp({ group: 'children', answers: all(C, 2), ageGroup: '13-15' }),
			resp({ group: 'children', answers: all(C, 5), channel: 'open', flag: 'duplicate' }),
			resp({ group: 'children', answers: all(C, 1), channel: 'open', flag: 'burst', accepted: true }),
			resp({ group: 'residents', answers: all(D, 5) })
		];
		const g = groupResult(CHILDREN_TEMPLATE, rows);
		expect(g.base).toBe(4);
		expect(g.satisfied).toBe(2);
		expect(g.percent).toBe(50);
		expect(g.excluded).toBe(1);
		expect(g.byChannel).toEqual({ slip: 3, open: 1, paper: 0 });
		const c1 = g.questions.find((q) => q.code === 'C1')!;
		expect(Object.fromEntries(c1.counts.map((c) => [c.value, c.count]))).toEqual({ 1: 1, 2: 1, 3: 0, 4: 1, 5: 1 });
		expect(c1.satisfiedPercent).toBe(50);
		expect(g.byAgeGroup.find((a) => a.code === '13-15')).toMatchObject({ base: 2, satisfied: 1, percent: 50 });
		expect(g.byAgeGroup.find((a) => a.label === 'Không trả lời')).toMatchObject({ base: 1 });
		expect(g.bySex.find((s) => s.code === 'female')).toMatchObject({ base: 1, satisfied: 1, percent: 100 });
	});

	it('TC13.1 takes both children groups together, TC13.2 the residents; the sample against the target', () => {
		const rows = [
			resp({ group: 'children', answers: all(C, 5) }),
			resp({ group: 'children', answers: all(C, 1) }),
			resp({ group: 'children_young', answers: all(Y, 3) }),
			resp({ group: 'residents', answers: all(D, 4) }),
			resp({ group: 'residents', answers: all(D, 3) }),
			resp({ group: 'residents', answers: all(D, 3) })
		];
		const r = surveyResults({ children: CHILDREN_TEMPLATE, children_young: YOUNG_CHILDREN_TEMPLATE, residents: RESIDENTS_TEMPLATE }, rows, {
			children: 4,
			residents: 3
		});
		expect(r.tc13['TC13.1']).toMatchObject({ base: 3, satisfied: 2, percent: 66.67 });
		expect(r.tc13['TC13.1'].sample).toEqual({ target: 4, collected: 3, percentOfTarget: 75, reached: false });
		expect(r.tc13['TC13.2']).toMatchObject({ base: 3, satisfied: 1, percent: 33.33 });
		expect(r.tc13['TC13.2'].sample.reached).toBe(true);
	});
});

describe('sample size suggestion', () => {
	it("Cochran's n0 for 95% and ±10% is 96.04; finite-population correction; at least 30, at most the population", () => {
		expect(cochranN0()).toBeCloseTo(96.04, 2);
		expect(suggestedSample(null)).toBe(97);
		expect(suggestedSample(1000)).toBe(88); // 96.04 / (1 + 95.04/1000) = 87.7
		expect(suggestedSample(200)).toBe(66); // 96.04 / 1.4752 = 65.1, rounded up
		expect(suggestedSample(100)).toBe(50); // 49.2 rounded up
		expect(suggestedSample(40)).toBe(30);
		expect(suggestedSample(12)).toBe(12);
		expect(suggestedSamples({ under16: 1000 })).toEqual({ children: 88, residents: 100 });
	});
});

describe('duplicate and burst flags', () => {
	const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 8, 0, s));
	const base = (s: number, p: Partial<FlagInput> = {}): FlagInput => ({
		group: 'residents',
		channel: 'open',
		answers: all(D, 4),
		ageGroup: null,
		sex: null,
		submittedAt: at(s),
		...p
	});

	it('an identical answer set through the same channel within the window is a duplicate; not on slips or paper, not after the window', () => {
		expect(flagFor(base(30), [base(0)])).toBe('duplicate');
		expect(flagFor(base(FLAG_RULES.duplicateWindowSeconds + 1), [base(0)])).toBeNull();
		expect(flagFor(base(30, { answers: { ...all(D, 4), D1: 5 } }), [base(0)])).toBeNull();
		expect(flagFor(base(30, { channel: 'slip' }), [base(0, { channel: 'slip' })])).toBeNull();
		expect(flagFor(base(30, { channel: 'paper' }), [base(0, { channel: 'paper' })])).toBeNull();
		expect(flagFor(base(30, { sex: 'male' }), [base(0)])).toBeNull();
		expect(answerKey({ group: 'residents', answers: { b: 1, a: 2 }, ageGroup: null, sex: null })).toBe(
			answerKey({ group: 'residents', answers: { a: 2, b: 1 }, ageGroup: null, sex: null })
		);
	});

	it('more than the burst maximum within the window on the open link: the extra answers are flagged, in order', () => {
		const n = FLAG_RULES.burst.max + 3;
		const rows = Array.from({ length: n }, (_, i) =>
			base(i, { answers: { ...all(D, 3), D1: (i % 5) + 1, D2: (Math.floor(i / 5) % 5) + 1 } })
		);
		const flags = computeFlags(rows);
		expect(flags.slice(0, FLAG_RULES.burst.max).every((f) => f === null)).toBe(true);
		expect(flags.slice(FLAG_RULES.burst.max)).toEqual(['burst', 'burst', 'burst']);
		// the same number spread over time is no burst
		const spread = rows.map((r, i) => ({ ...r, submittedAt: at(i * 10) }));
		expect(computeFlags(spread).every((f) => f === null)).toBe(true);
	});
});
