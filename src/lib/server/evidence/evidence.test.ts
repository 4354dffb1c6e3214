import { describe, expect, it } from 'vitest';
import { asciiFileName, attachmentDisposition, cleanFileName, downloadName, rfc5987 } from './names.ts';
import { assertStorageKey, storageKeyFor } from '../storage/index.ts';
import { loadStorageSettings } from '../config.ts';

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
