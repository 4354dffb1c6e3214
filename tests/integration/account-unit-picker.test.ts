/**
 * The account forms' unit picker on a real database: provinces of the era, communes of one
 * province found by a search without diacritics or by code, and the server's check of the choice
 * (a commune outside the chosen province is refused at the field, nothing written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { listProvinces, searchUnits } from '#lib/server/units/picker.ts';
import { createAccount, resolveUnitChoice } from '#lib/server/accounts/index.ts';
import { pickerSearch } from '#lib/server/accounts/picker.ts';
import { AppError } from '#lib/server/errors.ts';
import { fold } from '#lib/domain/text.ts';

let t: TestDb;
const SYSTEM = { id: null, email: 'test' };
const PASSWORD = 'mat-khau-dung-1';

beforeAll(async () => {
	t = await freshDb();
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['46', '48']);
});
afterAll(async () => t?.drop());

const refusal = async (p: Promise<unknown>): Promise<AppError> => {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('not refused');
};

describe('unit picker', () => {
	it('lists the provinces of the era in Vietnamese alphabetical order', async () => {
		expect((await listProvinces(t.db, 'post2025')).map((p) => p.name)).toEqual(['Thành phố Đà Nẵng', 'Thành phố Huế']);
		expect(await listProvinces(t.db, 'pre2025')).toEqual([]);
	});

	it('finds communes of one province by a name typed without diacritics, or by code, with the number of matches', async () => {
		const r = await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: 'phu vang', limit: 50 });
		expect(r).toEqual({ items: [{ code: '19942', name: 'Xã Phú Vang', kind: 'Xã' }], total: 1, limit: 50 });
		const phu = await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: 'PHÚ', limit: 3 });
		expect(phu.items).toHaveLength(3);
		expect(phu.total).toBeGreaterThan(3);
		// a word of the proper name starts with "phu": not every "Phường"
		expect(phu.items.every((u) => / phu/.test(fold(u.name).replace(/^phuong /, ' ')))).toBe(true);
		const wards = await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: 'phuong', limit: 50 });
		expect(wards.total).toBeGreaterThan(10);
		expect(wards.items.every((u) => u.kind === 'Phường')).toBe(true);
		const xaPhu = await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: 'xa phu', limit: 50 });
		expect(xaPhu.items.map((u) => u.name)).toEqual(['Xã Phú Hồ', 'Xã Phú Lộc', 'Xã Phú Vang', 'Xã Phú Vinh']);
		const byCode = await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: '19753', limit: 50 });
		expect(byCode.items.map((u) => u.name)).toEqual(['Phường Phú Xuân']);
		// "hoa" is only in Đà Nẵng's list, never another province's
		expect((await searchUnits(t.db, 'post2025', { province: '46', level: 'commune', q: 'hoa vang', limit: 50 })).total).toBe(0);
		expect((await searchUnits(t.db, 'post2025', { province: '48', level: 'commune', q: 'hoa vang', limit: 50 })).items[0].name).toBe(
			'Xã Hòa Vang'
		);
		expect(await searchUnits(t.db, 'post2025', { province: '99', level: 'commune', q: '', limit: 50 })).toEqual({
			items: [],
			total: 0,
			limit: 50
		});
		const all = await searchUnits(t.db, 'post2025', { province: '48', level: 'commune', q: '', limit: 50 });
		expect(all.items).toHaveLength(50);
		expect(all.total).toBe(94);
	});

	it('searches for the form only for roles bound to a commune, keeping the chosen unit', async () => {
		const s = await pickerSearch(t.db, t.config, { role: 'commune_officer', provinceCode: '46', unitCode: '19753', unitQuery: 'phu vang' });
		expect(s?.items.map((u) => u.code)).toEqual(['19942']);
		expect(s?.selected?.name).toBe('Phường Phú Xuân');
		expect(await pickerSearch(t.db, t.config, { role: 'province_officer', provinceCode: '46', unitCode: '', unitQuery: '' })).toBeNull();
		expect(await pickerSearch(t.db, t.config, { role: 'commune_officer', provinceCode: 'x', unitCode: '', unitQuery: '' })).toBeNull();
	});

	it('resolves a choice: the province alone for a province role, the commune within it for a commune role, nothing for an administrator', async () => {
		const unit = (code: string) =>
			t.db.selectFrom('admin_unit').select('id').where('era', '=', 'post2025').where('code', '=', code).executeTakeFirstOrThrow();
		expect(await resolveUnitChoice(t.db, t.config, 'province_officer', { provinceCode: '48', unitCode: '19753' })).toBe(
			(await unit('48')).id
		);
		expect(await resolveUnitChoice(t.db, t.config, 'commune_officer', { provinceCode: '46', unitCode: '19942' })).toBe(
			(await unit('19942')).id
		);
		expect(await resolveUnitChoice(t.db, t.config, 'admin', { provinceCode: '46', unitCode: '19942' })).toBeNull();
		const noProvince = await refusal(resolveUnitChoice(t.db, t.config, 'approver', { provinceCode: null, unitCode: null }));
		expect(noProvince.fieldErrors).toEqual({ provinceCode: 'Hãy chọn tỉnh, thành phố.' });
		const noCommune = await refusal(resolveUnitChoice(t.db, t.config, 'commune_chair', { provinceCode: '46', unitCode: null }));
		expect(noCommune.fieldErrors.unitCode).toBe('Hãy chọn xã, phường trong Thành phố Huế.');
	});

	it('refuses a commune outside the chosen province at the field, writing nothing; a right choice is created and audited', async () => {
		const before = await t.db
			.selectFrom('audit_log')
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.executeTakeFirstOrThrow();
		const e = await refusal(
			createAccount(
				t.db,
				t.config,
				{
					email: 'ngoai@xa.vn',
					fullName: 'Ngoài tỉnh',
					role: 'commune_officer',
					provinceCode: '48',
					unitCode: '19942',
					password: PASSWORD
				},
				SYSTEM
			)
		);
		expect(e.kind).toBe('invalid');
		expect(e.fieldErrors.unitCode).toBe(
			'Xã Phú Vang (mã 19942) không thuộc Thành phố Đà Nẵng. Hãy chọn xã, phường trong tỉnh, thành phố đã chọn.'
		);
		expect(await t.db.selectFrom('account').select('id').where('email', '=', 'ngoai@xa.vn').executeTakeFirst()).toBeUndefined();
		const after = await t.db
			.selectFrom('audit_log')
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.executeTakeFirstOrThrow();
		expect(after.n).toBe(before.n);

		const row = await createAccount(
			t.db,
			t.config,
			{ email: 'dung@xa.vn', fullName: 'Đúng tỉnh', role: 'commune_officer', provinceCode: '46', unitCode: '19942', password: PASSWORD },
			SYSTEM
		);
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'unit_id'])
			.where('object_type', '=', 'account')
			.where('object_id', '=', String(row.id))
			.execute();
		expect(audit).toEqual([{ action: 'account.create', unit_id: row.unit_id }]);
	});
});

describe('unit picker where districts review (units of before 07/2025)', () => {
	let d: TestDb;
	beforeAll(async () => {
		d = await freshDb({ REVIEW_LEVEL: 'district' });
		await importUnits(d.db, readUnitFile(BUNDLED_UNIT_FILES.pre2025), ['46']);
	});
	afterAll(async () => d?.drop());

	it('a reviewer chooses the province, then a district found without diacritics', async () => {
		expect((await listProvinces(d.db, 'pre2025')).map((p) => p.code)).toEqual(['46']);
		const r = await searchUnits(d.db, 'pre2025', { province: '46', level: 'district', q: 'thuan hoa', limit: 50 });
		expect(r.items).toEqual([{ code: '474', name: 'Quận Thuận Hóa', kind: 'Quận' }]);
		const s = await pickerSearch(d.db, d.config, { role: 'reviewer', provinceCode: '46', unitCode: '', unitQuery: 'thuan' });
		expect(s?.items.map((u) => u.code)).toContain('474');
		const district = await d.db
			.selectFrom('admin_unit')
			.select('id')
			.where('era', '=', 'pre2025')
			.where('code', '=', '474')
			.executeTakeFirstOrThrow();
		expect(await resolveUnitChoice(d.db, d.config, 'reviewer', { provinceCode: '46', unitCode: '474' })).toBe(district.id);
		const e = await refusal(resolveUnitChoice(d.db, d.config, 'approver', { provinceCode: '46', unitCode: '19777' }));
		expect(e.fieldErrors.unitCode).toBe('Không tìm thấy quận, huyện có mã 19777.');
	});
});
