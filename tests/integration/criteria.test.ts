import type { Actor } from '#lib/domain/access.ts';
import { AppError } from '#lib/server/errors.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import {
	activateCriteriaSet,
	activeCriteriaSet,
	confirmCriteriaSet,
	findCriteriaSet,
	importCriteriaSet,
	listCriteriaSets,
	previewImport
} from '#lib/server/criteria/index.ts';
import { QD06_2019, type CriteriaSet } from '#lib/domain/criteria/index.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';

let t: TestDb;
let ADMIN: Actor;
const clone = (): CriteriaSet => JSON.parse(JSON.stringify(QD06_2019));

/** Version 2: TC07's top band moved from 98% to 97% (points unchanged). */
function version2(): CriteriaSet {
	const s = clone();
	s.version = 2;
	const tc07 = s.criteria.find((c) => c.code === 'TC07')!;
	const ind = tc07.indicators[0];
	if (ind.kind !== 'rate') throw new Error('TC07.1 should be a rate');
	ind.bands[ind.bands.length - 1].min = 97;
	return s;
}

beforeAll(async () => {
	t = await freshDb();
	const a = await createAccount(
		t.db,
		t.config,
		{ email: 'admin@test.vn', fullName: 'Quản trị', role: 'admin', password: 'mat-khau-quan-tri' },
		{ id: null, email: 'test' }
	);
	ADMIN = (await loadActor(t.db, a.id))!;
}, 120_000);
afterAll(async () => t?.drop());

describe(`criteria sets on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('ships the default QĐ 06 set, active, 1,000 points, unconfirmed with its unverified items counted', async () => {
		const sets = await listCriteriaSets(t.db);
		expect(sets).toHaveLength(1);
		expect(sets[0]).toMatchObject({ code: 'QD06-2019', version: 1, status: 'active', totalPoints: 1000, confirmedAt: null });
		expect(sets[0].unverifiedItems).toBeGreaterThan(0);
		const found = await findCriteriaSet(t.db, 'QD06-2019@1');
		expect(found?.set.criteria.map((c) => c.code)).toEqual([
			'TC01',
			'TC02',
			'TC03',
			'TC04',
			'TC05',
			'TC06',
			'TC07',
			'TC08',
			'TC09',
			'TC10',
			'TC11',
			'TC12',
			'TC13'
		]);
	});

	it('previews a new version with the change in points, then imports it as a draft', async () => {
		const p = await previewImport(t.db, version2());
		if (!p.ok) throw new Error('preview failed');
		expect(p.outcome).toBe('create');
		expect(p.against).toMatchObject({ code: 'QD06-2019', version: 1 });
		expect(p.diff?.indicators.changed.map((c) => c.code)).toEqual(['TC07.1']);
		const r = await importCriteriaSet(t.db, { ...version2(), status: 'active' }, ADMIN);
		expect(r.ok).toBe(true);
		const v2 = await findCriteriaSet(t.db, 'QD06-2019@2');
		expect(v2?.row.status).toBe('draft'); // a file's status is not trusted
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['action', 'actor_id'])
			.where('object_type', '=', 'criteria_set')
			.where('object_id', '=', String(v2!.row.id))
			.execute();
		expect(audit).toEqual([{ action: 'criteria.import', actor_id: ADMIN.id }]);
	});

	it('lets a draft be replaced, but never an active version', async () => {
		const changed = version2();
		changed.name = 'Bộ tiêu chí (dự thảo sửa đổi)';
		const r = await importCriteriaSet(t.db, changed, ADMIN);
		expect(r.ok && r.outcome).toBe('replace-draft');
		expect((await findCriteriaSet(t.db, 'QD06-2019@2'))?.row.name).toBe('Bộ tiêu chí (dự thảo sửa đổi)');

		const edited = clone();
		edited.criteria[0].title = 'Tên khác';
		const refused = await importCriteriaSet(t.db, edited, ADMIN);
		expect(refused.ok).toBe(false);
		if (!refused.ok) expect(refused.errors[0].message).toMatch(/đã được áp dụng nên không sửa được; hãy đặt "version": 3/);
		expect((await findCriteriaSet(t.db, 'QD06-2019@1'))?.set.criteria[0].title).toBe('Nguồn lực thực hiện quyền trẻ em');

		const same = await importCriteriaSet(t.db, clone(), ADMIN);
		expect(same.ok && same.outcome).toBe('unchanged');
	});

	it('rejects an invalid file naming each item and field, writing nothing', async () => {
		const bad = clone() as unknown as { version: number; criteria: { maxPoints: unknown; indicators: { maxPoints: unknown }[] }[] };
		bad.version = 9;
		bad.criteria[6].indicators[0].maxPoints = 'năm mươi';
		bad.criteria[2].maxPoints = -5;
		const before = (await listCriteriaSets(t.db)).length;
		const r = await importCriteriaSet(t.db, bad, ADMIN);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const paths = r.errors.map((e) => e.path);
		expect(paths).toContain('criteria[6].indicators[0].maxPoints');
		expect(paths).toContain('criteria[2].maxPoints');
		expect(r.errors.find((e) => e.path === 'criteria[6].indicators[0].maxPoints')?.location).toMatch(/^TC07 › TC07\.1/);
		expect((await listCriteriaSets(t.db)).length).toBe(before);
	});

	it('activates a version, retiring the previous one; a retired version cannot come back', async () => {
		const v2 = (await findCriteriaSet(t.db, 'QD06-2019@2'))!;
		await activateCriteriaSet(t.db, v2.row.id, ADMIN);
		expect((await activeCriteriaSet(t.db, 'QD06-2019'))?.row.version).toBe(2);
		const v1 = (await findCriteriaSet(t.db, 'QD06-2019@1'))!;
		expect(v1.row.status).toBe('retired');
		await expect(activateCriteriaSet(t.db, v1.row.id, ADMIN)).rejects.toThrow(AppError);
	});

	it('records who confirmed a set against the gazetted text, once', async () => {
		const v2 = (await findCriteriaSet(t.db, 'QD06-2019@2'))!;
		await confirmCriteriaSet(t.db, v2.row.id, ADMIN, 'Bản gốc đăng Công báo');
		const after = (await findCriteriaSet(t.db, v2.row.id))!;
		expect(after.row.confirmedBy).toBe('Quản trị');
		expect(after.set.confirmation?.by).toBe('Quản trị');
		await expect(confirmCriteriaSet(t.db, v2.row.id, ADMIN, 'lần hai')).rejects.toThrow(/đã được xác nhận/);
		const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'criteria.confirm').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0].details).toMatchObject({ code: 'QD06-2019', version: 2, note: 'Bản gốc đăng Công báo' });
	});
});

describe('criteria and score commands', () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-criteria-'));
	const env = { ...process.env, DATA_DIR: path.join(tmp, 'data'), DATABASE_URL: '' } as Record<string, string>;
	const cli = (...args: string[]) => {
		const r = spawnSync(process.execPath, ['src/cli/main.ts', ...args], {
			env,
			encoding: 'utf8',
			cwd: path.resolve(import.meta.dirname, '../..')
		});
		return { code: r.status, out: r.stdout, err: r.stderr };
	};
	afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('exports, validates and re-imports a set; an invalid file lists its errors and exits non-zero', () => {
		const file = path.join(tmp, 'qd06.json');
		const exp = cli('criteria', 'export', 'QD06-2019@1', file);
		expect(exp.code, exp.err).toBe(0);
		const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
		expect(exported.criteria).toHaveLength(13);
		expect(cli('criteria', 'validate', file).code).toBe(0);
		exported.version = 2;
		exported.criteria[12].indicators[0].maxPoints = 1;
		const bad = path.join(tmp, 'bad.json');
		fs.writeFileSync(bad, JSON.stringify(exported));
		const v = cli('criteria', 'validate', bad);
		expect(v.code).toBe(2);
		expect(v.err).toContain('TC13');
		const imp = cli('criteria', 'import', bad);
		expect(imp.code).toBe(2);
		expect(imp.err).toContain('không có gì được ghi');
		const notJson = path.join(tmp, 'x.json');
		fs.writeFileSync(notJson, '{ not json');
		expect(cli('criteria', 'validate', notJson).err).toContain('không phải JSON hợp lệ');
	});

	it('scores an answers file against a stored set and against a file', () => {
		const answers = path.join(tmp, 'answers.json');
		fs.writeFileSync(answers, JSON.stringify({ 'TC07.1': { numerator: 98, denominator: 100, source: 'Trạm y tế', period: '2025' } }));
		for (const ref of ['QD06-2019@1', path.join(tmp, 'qd06.json')]) {
			const r = cli('score', '--criteria', ref, '--category', 'standard', answers);
			expect(r.code, r.err).toBe(0);
			const out = JSON.parse(r.out);
			const tc07 = out.result.criteria.find((c: { code: string }) => c.code === 'TC07');
			expect(tc07.points).toBe(50);
			expect(out.result.verdict).toBe('incomplete');
			expect(out.result.threshold).toBe(850);
		}
		fs.writeFileSync(answers, JSON.stringify({ 'TC07.1': { numerator: 'chín mươi', denominator: 100 }, TC99: { value: true } }));
		const bad = cli('score', '--criteria', 'QD06-2019@1', '--category', 'standard', answers);
		expect(bad.code).toBe(2);
		expect(bad.err).toContain('TC99');
		expect(bad.err).toContain('TC07.1 › numerator');
		expect(cli('score', '--criteria', 'QD06-2019@1', '--category', 'vip', answers).code).toBe(2);
	});
});
