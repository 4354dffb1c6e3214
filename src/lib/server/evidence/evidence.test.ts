import { describe, expect, it } from 'vitest';
import { QD06_2019, validateCriteriaSet } from '../../domain/criteria/index.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { asciiFileName, attachmentDisposition, cleanFileName, downloadName, rfc5987 } from './names.ts';
import { evidenceCodes, primaryIndicator, indicatorOrder } from './codes.ts';
import { parseEvidenceFields } from './meta.ts';
import { assertStorageKey, loadStorageSettings, storageKeyFor } from '../storage/index.ts';

const set = QD06_2019 as unknown as CriteriaSet;

describe('file names', () => {
	it('keeps only a clean, NFC display name', () => {
		expect(cleanFileName('C:\\Users\\hoa\\Bie\u0302n ba\u0309n ho\u0323p.pdf', 'pdf')).toBe('Biên bản họp.pdf');
		expect(cleanFileName('../../etc/passwd', 'pdf')).toBe('passwd');
		expect(cleanFileName('hoadon\u202Efdp.exe', 'pdf')).toBe('hoadonfdp.exe');
		expect(cleanFileName('a\u0000b\nc\t.png', 'png')).toBe('abc.png');
		expect(cleanFileName('   ', 'png')).toBe('tai-lieu.png');
		expect(cleanFileName('..', 'png')).toBe('tai-lieu.png');
		expect(cleanFileName(undefined, 'docx')).toBe('tai-lieu.docx');
		const long = cleanFileName(`${'ầ'.repeat(300)}.pdf`, 'pdf');
		expect([...long].length).toBe(200);
		expect(long.endsWith('.pdf')).toBe(true);
	});

	it('offers downloads with the detected extension', () => {
		expect(downloadName('Báo cáo.pdf', 'pdf')).toBe('Báo cáo.pdf');
		expect(downloadName('ảnh.JPEG', 'jpg')).toBe('ảnh.JPEG');
		expect(downloadName('ghi-chu.txt', 'pdf')).toBe('ghi-chu.txt.pdf');
		expect(downloadName('khong-duoi', 'png')).toBe('khong-duoi.png');
	});

	it('encodes Content-Disposition per RFC 5987 with an ASCII fallback', () => {
		expect(asciiFileName('Biên bản họp Đoàn "A".pdf')).toBe('Bien ban hop Doan _A_.pdf');
		expect(rfc5987("Đơn (1)'*.pdf")).toBe('%C4%90%C6%A1n%20%281%29%27%2A.pdf');
		expect(attachmentDisposition('Biên bản.pdf')).toBe(`attachment; filename="Bien ban.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf`);
	});
});

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
		const order = indicatorOrder(set);
		expect(primaryIndicator(['TC10.2', 'TC02.1', 'TC10.1'], order)).toBe('TC02.1');
		expect(primaryIndicator(['nope'], order)).toBeNull();
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

describe('storage keys and settings', () => {
	const sha = 'ab'.repeat(32);
	it('builds content-addressed keys and rejects anything else', () => {
		expect(storageKeyFor(sha, 'pdf')).toBe(`ab/ab/${sha}.pdf`);
		expect(() => storageKeyFor('../x', 'pdf')).toThrow();
		expect(() => storageKeyFor(sha, '../pdf')).toThrow();
		expect(() => assertStorageKey(`ab/ab/${sha}.pdf`)).not.toThrow();
		expect(() => assertStorageKey(`cd/ab/${sha}.pdf`)).toThrow();
		expect(() => assertStorageKey(`ab/ab/../../${sha}.pdf`)).toThrow();
	});
	it('reads STORAGE_DIR and UPLOAD_MAX_MB', () => {
		expect(loadStorageSettings({}, '/srv/data')).toEqual({
			driver: 'local',
			filesDir: '/srv/data/files',
			tmpDir: '/srv/data/tmp',
			uploadMaxBytes: 50 * 1024 * 1024
		});
		expect(loadStorageSettings({ STORAGE_DIR: '/mnt/files', UPLOAD_MAX_MB: '5' }, '/srv/data')).toMatchObject({
			filesDir: '/mnt/files',
			uploadMaxBytes: 5 * 1024 * 1024
		});
		expect(loadStorageSettings({ STORAGE_DIR: '', UPLOAD_MAX_MB: ' ' }, '/d').uploadMaxBytes).toBe(50 * 1024 * 1024);
		expect(() => loadStorageSettings({ UPLOAD_MAX_MB: 'lots' }, '/d')).toThrow(/UPLOAD_MAX_MB/);
	});
});
