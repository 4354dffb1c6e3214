import { describe, expect, it } from 'vitest';
import { gapAnalysis } from './gap.ts';
import { whatIf, applyAnswerChanges } from './what-if.ts';
import { score } from './score.ts';
import type { Answer } from './answers.ts';
import { QD06_2019 } from '../criteria/qd06-2019.ts';
import { MINI_SET, fullMarksMini, fullMarksQd06 } from '../../../../tests/helpers/scoring-fixtures.ts';

describe('gapAnalysis', () => {
	it('rate: the smallest numerator increase that reaches the next band, same denominator', () => {
		const answers = { ...fullMarksQd06(), 'TC07.1': { numerator: 96, denominator: 100 } };
		const g = gapAnalysis(QD06_2019, 'standard', answers);
		const s = g.suggestions.find((x) => x.indicatorCode === 'TC07.1');
		expect(s?.message).toBe('Nâng TC07.1 từ 96% lên 98%: +10 điểm (tử số 96 → 98 trên 100)');
		expect(s?.answer).toEqual({ numerator: 98, denominator: 100 });
		expect(s?.effort).toBe(2);
		// 97.5% of 399 = 389.025 → 390 children needed
		const g2 = gapAnalysis(MINI_SET, 'standard', { ...fullMarksMini(), 'K01.2': { numerator: 389, denominator: 399 } });
		expect(g2.suggestions.map((x) => x.message)).toEqual(['Nâng K01.2 từ 97,49% lên 97,5%: +15 điểm (tử số 389 → 390 trên 399)']);
	});

	it('incidence: the smallest decrease in cases that reaches a better band', () => {
		const answers = { ...fullMarksQd06(), 'TC05.1': { count: 25, population: 2000 } }; // 12.5/1000
		const g = gapAnalysis(QD06_2019, 'standard', answers);
		const msgs = g.suggestions.filter((x) => x.indicatorCode === 'TC05.1').map((x) => x.message);
		expect(msgs).toContain('Giảm tỷ suất TC05.1 từ 12,5 xuống 10 trên 1.000 trẻ em: +10 điểm (số trường hợp 25 → 20)');
		expect(msgs).toContain('Giảm tỷ suất TC05.1 từ 12,5 xuống 2 trên 1.000 trẻ em: +40 điểm (số trường hợp 25 → 4)');
	});

	it('the zero-count condition bounds the target count', () => {
		// K02.1: ≥ 3 cases → 0, whatever the rate
		const g = gapAnalysis(MINI_SET, 'standard', { ...fullMarksMini(), 'K02.1': { count: 3, population: 10000 } });
		const s = g.suggestions.filter((x) => x.indicatorCode === 'K02.1');
		expect(s.map((x) => [x.answer, x.pointsGained])).toEqual([
			[{ count: 0, population: 10000 }, 30],
			[{ count: 2, population: 10000 }, 20]
		]);
	});

	it('checks, levels, surveys and manual points', () => {
		const answers: Record<string, Answer> = {
			...fullMarksMini(),
			'K01.1': { value: false },
			'K02.2': { level: 'low' },
			'K03.1': { percent: 70 },
			'K03.2': { points: 12, justification: 'Hội đồng chấm' }
		};
		const g = gapAnalysis(MINI_SET, 'urban_ward', answers);
		expect(g.suggestions.map((s) => s.message)).toEqual([
			'Đáp ứng K01.1 (Có hay không): +20 điểm',
			'Nâng tỷ lệ hài lòng K03.1 từ 70% lên 80%: +15 điểm',
			'Nâng K02.2 từ mức «Thấp» lên mức «Cao»: +10 điểm',
			'Xem xét lại điểm chấm K03.2 (hiện 12/20): tối đa +8 điểm',
			'Nâng K02.2 từ mức «Thấp» lên mức «Trung bình»: +5 điểm'
		]);
		// 150 − 20 − 10 − 15 − 8 = 97; urban threshold 120
		expect(g.total).toBe(97);
		expect(g.pointsMissing).toBe(23);
		expect(g.messages[0]).toBe('Còn thiếu 23 điểm để đạt ngưỡng 120 (hiện có 97)');
	});

	it('blockers first: a criterion at 0 points and an unmet criterion', () => {
		const answers: Record<string, Answer> = {
			...fullMarksMini(),
			'K02.1': { count: 10, population: 1000 },
			'K02.2': { level: 'low' },
			'K03.1': { percent: 0 },
			'K03.2': { points: 20, justification: 'Hội đồng chấm' }
		};
		const r = score(MINI_SET, 'disadvantaged', answers);
		expect(r.reasons).toEqual(['K02 đạt 0 điểm', 'K02 chưa đạt', 'K03 chưa đạt', 'Tổng điểm 80 < 100']);
		const g = gapAnalysis(MINI_SET, 'disadvantaged', answers, r);
		expect(g.blockers.map((b) => b.message)).toEqual([
			'K02 đạt 0 điểm: cần cải thiện ít nhất một chỉ số của tiêu chí này',
			'K02 chưa đạt: cần thêm ít nhất 1 điểm ở tiêu chí này',
			'K03 chưa đạt: cần thêm ít nhất 5 điểm ở tiêu chí này'
		]);
		expect(g.suggestions.filter((s) => s.indicatorCode === 'K03.1').map((s) => [s.pointsGained, s.fixesUnmet])).toEqual([
			[30, true],
			[15, true]
		]);
		expect(g.suggestions.find((s) => s.indicatorCode === 'K02.2')).toMatchObject({ fixesZero: true, fixesUnmet: true });
		expect(g.plan.closesGap).toBe(true);
		const after = whatIf(MINI_SET, 'disadvantaged', answers, Object.fromEntries(g.plan.changes.map((c) => [c.indicatorCode, c.answer])));
		expect(after.after.verdict).toBe('pass');
		expect(after.after.total).toBe(g.plan.totalAfter);
	});

	it('unanswered and invalid answers are listed, not counted as 0', () => {
		const answers: Record<string, Answer> = { ...fullMarksMini(), 'K01.2': { numerator: 0, denominator: 0 } };
		delete answers['K03.1'];
		const g = gapAnalysis(MINI_SET, 'standard', answers);
		expect(g.pending).toEqual([
			{ indicatorCode: 'K01.2', maxPoints: 40, status: 'invalid', message: 'Sửa số liệu K01.2: Mẫu số bằng 0: không tính được tỷ lệ' },
			{ indicatorCode: 'K03.1', maxPoints: 30, status: 'unanswered', message: 'Nhập số liệu K03.1 (tối đa 30 điểm)' }
		]);
		expect(g.messages).toContain('Còn 2 chỉ số chưa nhập hoặc không hợp lệ (tối đa 70 điểm chưa được tính)');
	});

	it('nothing to suggest at full marks', () => {
		const g = gapAnalysis(QD06_2019, 'urban_ward', fullMarksQd06());
		expect(g.pointsMissing).toBe(0);
		expect(g.suggestions).toEqual([]);
		expect(g.plan.changes).toEqual([]);
		expect(g.messages).toEqual(['Tổng điểm 1.000 đã đạt ngưỡng 900']);
	});

	it('keeps source and period of the changed answer', () => {
		const answers = { ...fullMarksQd06(), 'TC07.1': { numerator: 90, denominator: 100, source: 'Sổ tiêm chủng', period: '2024' } };
		const s = gapAnalysis(QD06_2019, 'standard', answers).suggestions.filter((x) => x.indicatorCode === 'TC07.1');
		expect(s.map((x) => x.answer)).toEqual([
			{ numerator: 98, denominator: 100, source: 'Sổ tiêm chủng', period: '2024' },
			{ numerator: 95, denominator: 100, source: 'Sổ tiêm chủng', period: '2024' }
		]);
	});
});

describe('whatIf', () => {
	it('returns both results and the delta', () => {
		const answers = { ...fullMarksQd06(), 'TC07.1': { numerator: 96, denominator: 100 } };
		const w = whatIf(QD06_2019, 'standard', answers, { 'TC07.1': { numerator: 98, denominator: 100 } });
		expect(w.before.total).toBe(990);
		expect(w.after.total).toBe(1000);
		expect(w.delta).toEqual({
			total: 10,
			verdictBefore: 'pass',
			verdictAfter: 'pass',
			verdictChanged: false,
			criteria: [{ code: 'TC07', before: 40, after: 50, delta: 10 }],
			indicators: [{ code: 'TC07.1', before: 40, after: 50, delta: 10, statusBefore: 'answered', statusAfter: 'answered' }]
		});
	});

	it('null removes an answer; the input answers are not modified', () => {
		const answers = fullMarksMini();
		const copy = structuredClone(answers);
		const w = whatIf(MINI_SET, 'standard', answers, { 'K03.2': null });
		expect(answers).toEqual(copy);
		expect(w.after.verdict).toBe('incomplete');
		expect(w.delta.verdictChanged).toBe(true);
		expect(w.delta.indicators).toEqual([
			{ code: 'K03.2', before: 20, after: null, delta: -20, statusBefore: 'answered', statusAfter: 'unanswered' }
		]);
		expect(applyAnswerChanges(answers, { 'K03.2': null })['K03.2']).toBeUndefined();
	});
});
