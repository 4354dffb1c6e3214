import { describe, expect, it } from 'vitest';
import { parseAnswers } from './answers.ts';
import type { ValidationError } from '../criteria/schema.ts';
import { QD06_2019 } from '../criteria/qd06-2019.ts';
import { MINI_SET, fullMarksMini, fullMarksQd06 } from '../../../../tests/helpers/scoring-fixtures.ts';

function errorsOf(input: unknown, set = QD06_2019): ValidationError[] {
	const r = parseAnswers(set, input);
	if (r.ok) throw new Error('expected errors');
	return r.errors;
}

describe('parseAnswers', () => {
	it('accepts complete valid answers, with optional source and period', () => {
		const answers = { ...fullMarksQd06(), 'TC07.1': { numerator: 96, denominator: 100, source: 'Sổ tiêm chủng', period: '2024' } };
		const r = parseAnswers(QD06_2019, answers);
		expect(r.ok).toBe(true);
		expect(r.ok && r.value['TC07.1']).toEqual({ numerator: 96, denominator: 100, source: 'Sổ tiêm chủng', period: '2024' });
		expect(parseAnswers(MINI_SET, fullMarksMini()).ok).toBe(true);
	});

	it('null means not answered and is dropped', () => {
		const r = parseAnswers(QD06_2019, { 'TC07.1': null, 'TC01.1': { value: true } });
		expect(r).toEqual({ ok: true, value: { 'TC01.1': { value: true } } });
	});

	it('lists every error with its path and a Vietnamese reason', () => {
		const errors = errorsOf({
			'TC99.1': { value: true },
			'TC07.1': { numerator: '96', denominator: -1 },
			'TC01.1': { numerator: 1, denominator: 2 },
			'TC03.1': { count: 1.5, population: 100 },
			'TC12.1': { level: 'excellent' },
			'TC13.1': { percent: 50.123 },
			'TC13.2': { percent: 101 },
			'TC02.1': { numerator: 1, denominator: 2, comment: 'x' },
			'TC09.1': 'cao'
		});
		expect(errors).toEqual([
			{ path: '["TC99.1"]', location: 'TC99.1', message: 'Mã chỉ số TC99.1 không có trong bộ tiêu chí QD06-2019 (phiên bản 1)' },
			{ path: '["TC07.1"].numerator', location: 'TC07.1 › numerator', message: 'Phải là số, không phải chuỗi ký tự "96"' },
			{ path: '["TC07.1"].denominator', location: 'TC07.1 › denominator', message: 'Không được âm' },
			{
				path: '["TC01.1"]',
				location: 'TC01.1',
				message: 'Câu trả lời dạng «Tỷ lệ (%)» không phù hợp: TC01.1 là chỉ số «Có/Không», cần các trường: value'
			},
			{ path: '["TC03.1"].count', location: 'TC03.1 › count', message: 'Phải là số nguyên' },
			{
				path: '["TC12.1"].level',
				location: 'TC12.1 › level',
				message: 'Mức «excellent» không có; chọn một trong: none, shared, dedicated'
			},
			{ path: '["TC13.1"].percent', location: 'TC13.1 › percent', message: 'Chỉ được có tối đa 2 chữ số thập phân' },
			{ path: '["TC13.2"].percent', location: 'TC13.2 › percent', message: 'Tỷ lệ phải từ 0 đến 100' },
			{ path: '["TC02.1"].comment', location: 'TC02.1 › comment', message: 'Trường không được phép (không có trong định dạng)' },
			{ path: '["TC09.1"]', location: 'TC09.1', message: 'Câu trả lời phải là một đối tượng có các trường: numerator, denominator' }
		]);
	});

	it('missing fields and text for booleans', () => {
		const errors = errorsOf({ 'TC05.1': { count: 3 }, 'TC01.2': { value: 'có' } });
		expect(errors).toContainEqual({ path: '["TC05.1"].population', location: 'TC05.1 › population', message: 'Thiếu trường bắt buộc' });
		expect(errors).toContainEqual({
			path: '["TC01.2"].value',
			location: 'TC01.2 › value',
			message: 'Phải là giá trị đúng/sai (true/false), không phải chuỗi ký tự "có"'
		});
	});

	it('manual answers: points within [0, max] and a justification', () => {
		const errors = errorsOf({ 'K03.2': { points: 21, justification: 'x' }, 'K01.1': { value: true } }, MINI_SET);
		expect(errors).toEqual([
			{ path: '["K03.2"].points', location: 'K03.2 › points', message: 'Điểm chấm (21) vượt điểm tối đa của chỉ số (20)' }
		]);
		expect(errorsOf({ 'K03.2': { points: 5, justification: '  ' } }, MINI_SET)[0].message).toBe(
			'Bắt buộc giải trình khi chấm điểm trực tiếp'
		);
		expect(errorsOf({ 'K03.2': { points: 5 } }, MINI_SET)[0]).toMatchObject({
			path: '["K03.2"].justification',
			message: 'Thiếu trường bắt buộc'
		});
	});

	it('rejects counts above the supported maximum', () => {
		expect(errorsOf({ 'TC07.1': { numerator: 1, denominator: 20_000_000 } })[0].message).toBe('Không được lớn hơn 10.000.000');
	});

	it('rejects a non-object input', () => {
		expect(errorsOf([1, 2])[0].path).toBe('');
		expect(errorsOf(null)[0].message).toContain('mã chỉ số');
	});

	it('does not reject field-consistency problems (score reports them as invalid)', () => {
		expect(parseAnswers(QD06_2019, { 'TC07.1': { numerator: 120, denominator: 100 } }).ok).toBe(true);
		expect(parseAnswers(QD06_2019, { 'TC07.1': { numerator: 0, denominator: 0 } }).ok).toBe(true);
	});
});
