import { describe, expect, it } from 'vitest';
import { QD06_2019 } from '#lib/domain/criteria/qd06-2019.ts';
import type { Indicator } from '#lib/domain/criteria/schema.ts';
import { parseAnswers } from '#lib/domain/scoring/answers.ts';
import { score } from '#lib/domain/scoring/score.ts';
import {
	answersOf,
	criterionStatus,
	describeAnswer,
	fieldsFromAnswer,
	parseCount,
	parsePercent,
	readFields,
	sameAnswer
} from './EntryAnswer.ts';

const ind = (code: string): Indicator => QD06_2019.criteria.flatMap((c) => c.indicators).find((i) => i.code === code)!;

describe('typed figures', () => {
	it('counts accept Vietnamese thousands separators and refuse the rest in Vietnamese', () => {
		expect(parseCount('1250')).toBe(1250);
		expect(parseCount(' 1.250 ')).toBe(1250);
		expect(parseCount('1 250 000')).toBe(1_250_000);
		expect(parseCount('0')).toBe(0);
		expect(parseCount('-3')).toBe('Không được âm');
		expect(parseCount('2,5')).toBe('Phải là số nguyên');
		expect(parseCount('12.5')).toBe('Phải là số nguyên');
		expect(parseCount('ba')).toBe('Chỉ nhập chữ số, ví dụ 1.250');
		expect(parseCount('1.25.000')).toBe('Chỉ nhập chữ số, ví dụ 1.250');
		expect(parseCount('10000001')).toBe('Không được lớn hơn 10.000.000');
	});

	it('percentages accept a decimal comma, at most 2 decimals, 0–100', () => {
		expect(parsePercent('82,5')).toBe(82.5);
		expect(parsePercent('82.25')).toBe(82.25);
		expect(parsePercent('100')).toBe(100);
		expect(parsePercent('82,555')).toBe('Chỉ được có tối đa 2 chữ số thập phân');
		expect(parsePercent('101')).toBe('Tỷ lệ phải từ 0 đến 100');
		expect(parsePercent('-1')).toBe('Tỷ lệ phải từ 0 đến 100');
		expect(parsePercent('tám mươi')).toBe('Nhập một số từ 0 đến 100, ví dụ 82,5');
	});
});

describe('readFields', () => {
	it('a complete rate becomes an answer the domain accepts, with source and period', () => {
		const r = readFields(ind('TC07.1'), { numerator: '96', denominator: '1.000', source: ' Trạm y tế xã ', period: '2025' });
		expect(r).toEqual({ state: 'ok', answer: { numerator: 96, denominator: 1000, source: 'Trạm y tế xã', period: '2025' } });
		expect(parseAnswers(QD06_2019, { 'TC07.1': r.state === 'ok' ? r.answer : null }).ok).toBe(true);
	});

	it('empty clears; half typed is incomplete; wrong text is invalid, field by field', () => {
		expect(readFields(ind('TC07.1'), { numerator: '', denominator: ' ', source: '', period: '' })).toEqual({ state: 'empty' });
		expect(readFields(ind('TC07.1'), { numerator: '96', denominator: '', source: '', period: '' })).toEqual({
			state: 'incomplete',
			missing: ['mẫu số'],
			message: 'Chưa lưu: cần nhập mẫu số'
		});
		expect(readFields(ind('TC07.1'), { numerator: '', denominator: '', source: 'Trạm y tế xã', period: '' })).toMatchObject({
			state: 'incomplete',
			missing: ['tử số', 'mẫu số']
		});
		expect(readFields(ind('TC03.1'), { count: '-1', population: 'abc', source: '', period: '' })).toEqual({
			state: 'invalid',
			errors: { count: 'Không được âm', population: 'Chỉ nhập chữ số, ví dụ 1.250' },
			message: 'Không được âm; Chỉ nhập chữ số, ví dụ 1.250'
		});
	});

	it('every kind of the default set round-trips through the form', () => {
		const samples: Record<string, unknown> = {
			'TC01.1': { value: false },
			'TC07.1': { numerator: 98, denominator: 100, period: 'Năm 2025' },
			'TC03.1': { count: 2, population: 2400, source: 'Công an xã' },
			'TC12.1': { level: 'shared' },
			'TC13.1': { percent: 82.5 }
		};
		for (const [code, answer] of Object.entries(samples)) {
			const r = readFields(ind(code), fieldsFromAnswer(ind(code), answer as never));
			expect(r, code).toEqual({ state: 'ok', answer });
		}
	});

	it('manual points need an integer within the maximum and a justification', () => {
		const manual = {
			kind: 'manual',
			code: 'X01.1',
			title: 'x',
			measure: 'x',
			guidance: 'x',
			maxPoints: 20,
			source: 'x',
			verified: true
		} as Indicator;
		expect(readFields(manual, { points: '25', justification: 'Lý do', source: '', period: '' })).toMatchObject({
			state: 'invalid',
			errors: { points: 'Điểm phải là số nguyên từ 0 đến 20' }
		});
		expect(readFields(manual, { points: '15', justification: '', source: '', period: '' })).toMatchObject({
			state: 'incomplete',
			missing: ['giải trình']
		});
		expect(readFields(manual, { points: '15', justification: ' Có biên bản ', source: '', period: '' })).toEqual({
			state: 'ok',
			answer: { points: 15, justification: 'Có biên bản' }
		});
	});
});

describe('display', () => {
	it('describes answers for the side-by-side conflict view', () => {
		expect(describeAnswer(ind('TC07.1'), { numerator: 1250, denominator: 1300, source: 'Trạm y tế xã', period: '2025' })).toBe(
			'1.250 / 1.300 (nguồn: Trạm y tế xã; kỳ: 2025)'
		);
		expect(describeAnswer(ind('TC01.1'), { value: true })).toBe('Có');
		expect(describeAnswer(ind('TC03.1'), { count: 0, population: 2400 })).toBe('0 trường hợp / 2.400 trẻ em');
		expect(describeAnswer(ind('TC12.1'), { level: 'dedicated' })).toBe('Có điểm vui chơi dành riêng cho trẻ em, bảo đảm an toàn');
		expect(describeAnswer(ind('TC13.1'), { percent: 82.5 })).toBe('82,5%');
		expect(describeAnswer(ind('TC07.1'), null)).toBe('(để trống)');
	});

	it('compares answers regardless of key order', () => {
		expect(sameAnswer({ numerator: 1, denominator: 2 }, { denominator: 2, numerator: 1 })).toBe(true);
		expect(sameAnswer({ numerator: 1, denominator: 2 }, { numerator: 1, denominator: 3 })).toBe(false);
		expect(sameAnswer(null, undefined)).toBe(true);
	});

	it('criterion status for the overview', () => {
		const answers = answersOf({
			'TC04.1': { value: { count: 0, population: 2400 } },
			'TC07.1': { value: { numerator: 99, denominator: 100 } },
			'TC09.1': { value: { numerator: 120, denominator: 100 } },
			'TC02.1': { value: null }
		});
		expect(Object.keys(answers).sort()).toEqual(['TC04.1', 'TC07.1', 'TC09.1']);
		const result = score(QD06_2019, 'standard', answers);
		const status = (code: string) => criterionStatus(result.criteria.find((c) => c.code === code)!);
		expect(status('TC02')).toEqual({ text: 'Chưa nhập', tone: '' });
		expect(status('TC04')).toEqual({ text: 'Đang nhập (1/2 chỉ số)', tone: '' });
		expect(status('TC07')).toEqual({ text: 'Đã nhập đủ — đạt', tone: 'ok' });
		expect(status('TC09')).toEqual({ text: 'Có số liệu không hợp lệ', tone: 'bad' });
	});
});
