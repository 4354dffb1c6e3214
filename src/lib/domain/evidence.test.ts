import { describe, expect, it } from 'vitest';
import { QD06_2019, validateCriteriaSet } from './criteria/index.ts';
import type { CriteriaSet } from './criteria/index.ts';
import { criteriaIndex } from './criteria/criteria-index.ts';
import { evidenceCodes, parseEvidenceFields } from './evidence.ts';

const set = QD06_2019 as unknown as CriteriaSet;

describe('evidence codes', () => {
	const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
	it('numbers per criterion of the first indicator in the set order, in upload order', () => {
		const codes = evidenceCodes(
			[
				{ id: 10, kind: 'evidence', uploadedAt: at(1), indicatorCodes: ['TC07.1'] },
				{ id: 11, kind: 'evidence', uploadedAt: at(2), indicatorCodes: ['TC08.1', 'TC01.2'] }, // first indicator: TC01.2
				{ id: 12, kind: 'evidence', uploadedAt: at(3), indicatorCodes: ['TC07.1', 'TC08.2'] },
				{ id: 9, kind: 'evidence', uploadedAt: at(3), indicatorCodes: ['TC07.1'] }, // same time: lower id first
				{ id: 13, kind: 'request_letter', uploadedAt: at(4), indicatorCodes: [] },
				{ id: 14, kind: 'evidence', uploadedAt: at(5), indicatorCodes: ['XX99.1'] }
			],
			set
		);
		expect(Object.fromEntries(codes)).toEqual({ 10: 'TC07-01', 11: 'TC01-01', 9: 'TC07-02', 12: 'TC07-03' });
	});
	it('finds the primary indicator', () => {
		const index = criteriaIndex(set);
		expect(index.first(['TC10.2', 'TC02.1', 'TC10.1'])).toBe('TC02.1');
		expect(index.first(['nope'])).toBeNull();
	});
});

describe('metadata fields', () => {
	const base = { kind: ['evidence'], indicator: ['TC07.1'] };
	it('accepts and normalises a complete form', () => {
		const r = parseEvidenceFields(
			{
				...base,
				indicator: ['tc07.1', 'TC07.1', 'TC01.1'],
				doc_number: [' 12/BC-UBND '],
				issued_on: ['2025-03-04'],
				issuer: ['UBND  phu\u031Bo\u031B\u0300ng'],
				summary: ['Dòng 1\r\nDòng 2']
			},
			set
		);
		expect(r).toEqual({
			ok: true,
			value: {
				kind: 'evidence',
				indicatorCodes: ['TC07.1', 'TC01.1'],
				docNumber: '12/BC-UBND',
				issuedOn: '2025-03-04',
				issuer: 'UBND phường',
				summary: 'Dòng 1\nDòng 2'
			}
		});
	});
	it('refuses with Vietnamese messages', () => {
		const msg = (fields: Record<string, string[]>) => {
			const r = parseEvidenceFields(fields, set);
			return r.ok ? null : r.message;
		};
		expect(msg({ kind: ['evidence'] })).toBe('Hãy chọn ít nhất một chỉ số mà tài liệu này minh chứng.');
		expect(msg({ ...base, indicator: ['TC99.1'] })).toBe('Chỉ số không có trong bộ tiêu chí của hồ sơ: TC99.1.');
		expect(msg({ ...base, indicator: ['<script>'] })).toBe('Mã chỉ số không hợp lệ (ví dụ TC07.1).');
		expect(msg({ ...base, kind: ['virus'] })).toBe('Loại tài liệu không hợp lệ.');
		expect(msg({ ...base, issued_on: ['2025-02-30'] })).toBe('Ngày ban hành không tồn tại.');
		expect(msg({ ...base, issued_on: ['04/03/2025'] })).toBe('Ngày ban hành phải có dạng năm-tháng-ngày (YYYY-MM-DD).');
		expect(msg({ ...base, issued_on: ['2999-01-01'] })).toBe('Ngày ban hành không được sau ngày hôm nay.');
		expect(msg({ ...base, doc_number: ['x'.repeat(101)] })).toBe('Số hiệu văn bản dài tối đa 100 ký tự.');
		expect(msg({ ...base, issuer: ['a', 'b'] })).toBe('Trường “cơ quan ban hành” chỉ được gửi một lần.');
		expect(msg({ kind: ['request_letter'], indicator: ['TC07.1'] })).toBe(
			'Văn bản hồ sơ (công văn, biên bản, thuyết minh) không gắn với chỉ số.'
		);
		expect(msg({ ...base, extra: ['1'] })).toBe('Trường không hợp lệ: extra.');
		expect(parseEvidenceFields({ kind: ['council_minutes'] }, set).ok).toBe(true);
	});
	it('the default set is valid (the fixtures above rely on its codes)', () => {
		expect(validateCriteriaSet(QD06_2019).ok).toBe(true);
	});
});
