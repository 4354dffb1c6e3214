import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { migrateToLatest } from '#lib/server/db/migrate.ts';
import { BUNDLED_UNIT_FILES, importUnits, parseUnitFile, readUnitFile } from '#lib/server/units/import.ts';
import { AppError } from '#lib/server/errors.ts';
import {
	createAccount,
	login,
	loadActor,
	setPassword,
	changeOwnPassword,
	setRole,
	setActive,
	LOGIN_FAILED_MESSAGE,
	LOGIN_LIMITED_MESSAGE
} from '#lib/server/accounts/index.ts';
import { validateSession } from '#lib/server/auth/session.ts';
import { countedOverLimit } from '#lib/server/auth/rate-limit.ts';
import { listCommunesInScope, getCommune } from '#lib/server/units/read.ts';
import { canOnUnit } from '#lib/domain/access.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';

let t: TestDb;
const SYSTEM = { id: null, email: 'test' };
const POLICY = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };
const PASSWORD = 'mat-khau-dung-1';

beforeAll(async () => {
	t = await freshDb();
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.pre2025));
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025));
}, 180_000);
afterAll(async () => t?.drop());

const count = async (era: string, level: string) =>
	Number(
		(
			await t.db
				.selectFrom('admin_unit')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('era', '=', era as 'pre2025')
				.where('level', '=', level as 'commune')
				.executeTakeFirstOrThrow()
		).n
	);

describe(`foundation on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('migrates from empty and a second run applies nothing', async () => {
		const tables = await sql<{
			table_name: string;
		}>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(t.db);
		expect(tables.rows.map((r) => r.table_name)).toEqual(
			expect.arrayContaining(['account', 'admin_unit', 'audit_log', 'login_attempt', 'session', 'unit_lineage'])
		);
		expect(await migrateToLatest(t.db)).toEqual([]);
	});

	it('imports the official lists with the official counts', async () => {
		expect([await count('pre2025', 'province'), await count('pre2025', 'district'), await count('pre2025', 'commune')]).toEqual([
			63, 696, 10_047
		]);
		expect([await count('post2025', 'province'), await count('post2025', 'district'), await count('post2025', 'commune')]).toEqual([
			34, 0, 3_321
		]);
	});

	it('links a merged commune to the units it was formed from', async () => {
		const phuXuan = await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('era', '=', 'post2025')
			.where('code', '=', '19753')
			.where('level', '=', 'commune')
			.executeTakeFirstOrThrow();
		const old = await t.db
			.selectFrom('unit_lineage as l')
			.innerJoin('admin_unit as o', 'o.id', 'l.old_unit_id')
			.select(['o.code', 'o.name', 'l.share'])
			.where('l.unit_id', '=', phuXuan.id)
			.orderBy('o.code')
			.execute();
		expect(old.map((o) => o.code)).toEqual(['19750', '19753', '19756', '19759', '19762', '19768']);
		expect(old.find((o) => o.code === '19750')?.name).toBe('Phường Tây Lộc');
	});

	it('derives the category from the lists: a ward of a centrally-run city is urban', async () => {
		const vyDa = await t.db
			.selectFrom('admin_unit')
			.select(['category', 'category_source'])
			.where('era', '=', 'pre2025')
			.where('code', '=', '19777')
			.executeTakeFirstOrThrow();
		expect(vyDa).toEqual({ category: 'urban_ward', category_source: 'derived' });
		const laiChauXa = await t.db
			.selectFrom('admin_unit')
			.select('category')
			.where('era', '=', 'pre2025')
			.where('level', '=', 'commune')
			.where('name', '=', 'Xã Sùng Phài')
			.executeTakeFirstOrThrow();
		expect(laiChauXa.category).toBe('standard');
	});

	it('re-importing keeps an administrator-set category and changes no counts', async () => {
		await t.db
			.updateTable('admin_unit')
			.set({ category: 'disadvantaged', category_source: 'set' })
			.where('era', '=', 'post2025')
			.where('code', '=', '03388')
			.execute();
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025));
		const u = await t.db
			.selectFrom('admin_unit')
			.select(['category', 'category_source'])
			.where('era', '=', 'post2025')
			.where('code', '=', '03388')
			.executeTakeFirstOrThrow();
		expect(u).toEqual({ category: 'disadvantaged', category_source: 'set' });
		expect(await count('post2025', 'commune')).toBe(3_321);
	});

	it('refuses a file that is not a unit list, and a list with a bad code, writing nothing', async () => {
		expect(() => parseUnitFile({ hello: 'world' })).toThrow(AppError);
		expect(() => parseUnitFile({ hello: 'world' })).toThrow(/không đúng định dạng/);
		const bad = {
			data: [
				{
					level1_id: '99',
					name: 'Tỉnh Thử',
					merges: [],
					level2s: [
						{ level2_id: '99999', name: 'Xã A', merges: [] },
						{ level2_id: 'abc', name: 'Xã B', merges: [] }
					]
				}
			]
		};
		expect(() => parseUnitFile(bad)).toThrow(/level2s\.1\.level2_id/);
		expect(await t.db.selectFrom('admin_unit').select('id').where('code', '=', '99999').executeTakeFirst()).toBeUndefined();
	});

	describe('accounts', () => {
		let communeA: { id: number; district_id: number | null; province_id: number | null };
		let communeB: { id: number; district_id: number | null; province_id: number | null };
		beforeAll(async () => {
			const pick = (code: string) =>
				t.db
					.selectFrom('admin_unit')
					.select(['id', 'district_id', 'province_id'])
					.where('era', '=', 'post2025')
					.where('level', '=', 'commune')
					.where('code', '=', code)
					.executeTakeFirstOrThrow();
			communeA = await pick('19753'); // Phường Phú Xuân, Huế
			communeB = await pick('03388'); // Phường Đoàn Kết, Lai Châu
			await createAccount(
				t.db,
				t.config,
				{ email: 'a@xa.vn', fullName: 'Cán bộ A', role: 'commune_officer', unitCode: '19753', password: PASSWORD },
				SYSTEM
			);
			await createAccount(
				t.db,
				t.config,
				{ email: 'hue@tinh.vn', fullName: 'Thẩm định Huế', role: 'reviewer', unitCode: '46', password: PASSWORD },
				SYSTEM
			);
		});

		it('binds each account to a unit of the right level and refuses an unknown unit code', async () => {
			await expect(
				createAccount(
					t.db,
					t.config,
					{ email: 'x@xa.vn', fullName: 'X', role: 'commune_officer', unitCode: '00000', password: PASSWORD },
					SYSTEM
				)
			).rejects.toThrow(AppError);
			await expect(
				createAccount(t.db, t.config, { email: 'y@xa.vn', fullName: 'Y', role: 'reviewer', unitCode: '19753', password: PASSWORD }, SYSTEM)
			).rejects.toThrow(/Không tìm thấy đơn vị cấp province/);
			const rows = await t.db.selectFrom('account').select('email').where('email', 'in', ['x@xa.vn', 'y@xa.vn']).execute();
			expect(rows).toEqual([]);
		});

		it('scopes reads: an officer of commune A cannot read commune B; a reviewer sees only the province', async () => {
			const a = await t.db.selectFrom('account').select('id').where('email', '=', 'a@xa.vn').executeTakeFirstOrThrow();
			const officer = (await loadActor(t.db, a.id))!;
			expect(canOnUnit(officer, 'unit.read', { id: communeA.id, districtId: communeA.district_id, provinceId: communeA.province_id })).toBe(
				true
			);
			expect(canOnUnit(officer, 'unit.read', { id: communeB.id, districtId: communeB.district_id, provinceId: communeB.province_id })).toBe(
				false
			);
			const visible = await listCommunesInScope(t.db, officer, 'unit.read', 'post2025', { limit: 100 });
			expect(visible.map((c) => c.id)).toEqual([communeA.id]);

			const r = await t.db.selectFrom('account').select('id').where('email', '=', 'hue@tinh.vn').executeTakeFirstOrThrow();
			const reviewer = (await loadActor(t.db, r.id))!;
			const area = await listCommunesInScope(t.db, reviewer, 'unit.read', 'post2025', { limit: 1000 });
			expect(area).toHaveLength(40); // Thành phố Huế has 40 communes since 07/2025
			expect(area.map((c) => c.id)).not.toContain(communeB.id);
			const b = await getCommune(t.db, communeB.id);
			expect(canOnUnit(reviewer, 'unit.read', { id: b!.id, districtId: b!.district_id, provinceId: b!.province_id })).toBe(false);
		});

		it('gives the same answer for an unknown email and a wrong password, then rate-limits the account', async () => {
			const unknown = await login(t.db, t.config, 'nobody@xa.vn', 'whatever-123', '10.0.0.1');
			const wrong = await login(t.db, t.config, 'a@xa.vn', 'wrong-password', '10.0.0.2');
			expect(unknown).toEqual({ ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE });
			expect(wrong).toEqual(unknown);
			for (let i = 0; i < t.config.loginMaxAttempts - 1; i++) await login(t.db, t.config, 'a@xa.vn', 'wrong-password', `10.0.1.${i}`);
			const blocked = await login(t.db, t.config, 'a@xa.vn', PASSWORD, '10.0.2.1');
			expect(blocked).toEqual({ ok: false, reason: 'limited', message: LOGIN_LIMITED_MESSAGE });
			const events = await t.db.selectFrom('audit_log').select('action').where('actor_label', '=', 'a@xa.vn').execute();
			expect(events.filter((e) => e.action === 'auth.login_failed')).toHaveLength(t.config.loginMaxAttempts);
			expect(events.some((e) => e.action === 'auth.login_limited')).toBe(true);
		});

		it('checks no more passwords than the limit allows when attempts arrive in parallel', async () => {
			const max = t.config.loginMaxAttempts;
			for (const email of ['race1@xa.vn', 'race2@xa.vn'])
				await createAccount(
					t.db,
					t.config,
					{ email, fullName: 'Cán bộ', role: 'commune_officer', unitCode: '19753', password: PASSWORD },
					SYSTEM
				);
			// 20 wrong passwords at once: exactly `max` are checked, the others refused unchecked
			const wrong = await Promise.all(
				Array.from({ length: 20 }, (_, i) => login(t.db, t.config, 'race1@xa.vn', `sai-${i}-mat-khau`, `198.18.0.${i}`))
			);
			expect(wrong.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(max);
			expect(wrong.filter((r) => !r.ok && r.reason === 'limited')).toHaveLength(20 - max);
			const failed = await t.db
				.selectFrom('audit_log')
				.select('id')
				.where('actor_label', '=', 'race1@xa.vn')
				.where('action', '=', 'auth.login_failed')
				.execute();
			expect(failed).toHaveLength(max);
			// 19 wrong and the right one at once: still no more than `max` checks in all
			const mixed = await Promise.all([
				...Array.from({ length: 19 }, (_, i) => login(t.db, t.config, 'race2@xa.vn', `sai-${i}-mat-khau`, `198.18.1.${i}`)),
				login(t.db, t.config, 'race2@xa.vn', PASSWORD, '198.18.1.200')
			]);
			const checked = mixed.filter((r) => r.ok || r.reason === 'invalid');
			expect(checked.length).toBeLessThanOrEqual(max);
			expect(mixed.filter((r) => !r.ok && r.reason === 'limited').length).toBeGreaterThanOrEqual(20 - max);
			// and once limited, the right password is refused too
			expect(await login(t.db, t.config, 'race2@xa.vn', PASSWORD, '198.18.1.201')).toMatchObject(
				mixed.at(-1)!.ok ? { ok: true } : { ok: false, reason: 'limited' }
			);
		});

		it('limits guesses of the current password when changing it, also in parallel', async () => {
			const acct = await createAccount(
				t.db,
				t.config,
				{ email: 'doimk@xa.vn', fullName: 'Cán bộ', role: 'commune_officer', unitCode: '19753', password: PASSWORD },
				SYSTEM
			);
			const actor = (await loadActor(t.db, acct.id))!;
			const max = t.config.loginMaxAttempts;
			const results = await Promise.allSettled(
				Array.from({ length: 8 }, (_, i) => changeOwnPassword(t.db, t.config, actor, `sai-${i}-mat-khau`, 'mat-khau-moi-9'))
			);
			const kinds = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).kind : 'ok'));
			expect(kinds.filter((k) => k === 'invalid')).toHaveLength(max);
			expect(kinds.filter((k) => k === 'rate_limited')).toHaveLength(8 - max);
			// the right current password no longer gets through within the window
			await expect(changeOwnPassword(t.db, t.config, actor, PASSWORD, 'mat-khau-moi-9')).rejects.toMatchObject({ kind: 'rate_limited' });
			const row = await t.db.selectFrom('account').select('password_hash').where('id', '=', acct.id).executeTakeFirstOrThrow();
			expect((await login(t.db, t.config, 'doimk@xa.vn', PASSWORD, '198.18.2.1')).ok).toBe(true);
			expect(row.password_hash).toBe(
				(await t.db.selectFrom('account').select('password_hash').where('id', '=', acct.id).executeTakeFirstOrThrow()).password_hash
			);
		});

		it('rate-limits a client address across accounts', async () => {
			const ip = '192.0.2.77';
			const limit = t.config.loginMaxAttempts * 4;
			for (let i = 0; i < limit; i++) await login(t.db, t.config, `u${i}@xa.vn`, 'wrong-password', ip);
			const res = await login(t.db, t.config, 'hue@tinh.vn', PASSWORD, ip);
			expect(res.ok).toBe(false);
			const elsewhere = await login(t.db, t.config, 'hue@tinh.vn', PASSWORD, '192.0.2.78');
			expect(elsewhere.ok).toBe(true);
		});

		it('counts a public page per key in one statement: the request over the limit is refused and not stored, the window slides', async () => {
			const limit = { maxRequests: 3, windowMs: 60_000 };
			const t0 = new Date('2026-11-30T08:00:00Z');
			const at = (s: number) => new Date(t0.getTime() + s * 1000);
			const rows = async () =>
				Number(
					(
						await t.db
							.selectFrom('login_attempt')
							.select(sql<number>`count(*)`.as('n'))
							.where('key', '=', 'test:a')
							.executeTakeFirstOrThrow()
					).n
				);
			expect([
				await countedOverLimit(t.db, 'test:a', limit, at(0)),
				await countedOverLimit(t.db, 'test:a', limit, at(1)),
				await countedOverLimit(t.db, 'test:a', limit, at(2))
			]).toEqual([false, false, false]);
			expect(await countedOverLimit(t.db, 'test:a', limit, at(3))).toBe(true);
			expect(await rows()).toBe(3);
			// another key has its own count
			expect(await countedOverLimit(t.db, 'test:b', limit, at(3))).toBe(false);
			// a minute after the first request, it no longer counts
			expect(await countedOverLimit(t.db, 'test:a', limit, at(60))).toBe(false);
			expect(await countedOverLimit(t.db, 'test:a', limit, at(60))).toBe(true);
			expect(await rows()).toBe(4);
		});

		it('ends every session of an account on password change, role change and deactivation', async () => {
			const acct = await createAccount(
				t.db,
				t.config,
				{ email: 'chair@xa.vn', fullName: 'Chủ tịch', role: 'commune_chair', unitCode: '19753', password: PASSWORD },
				SYSTEM
			);
			const signIn = async () => {
				const r = await login(t.db, t.config, 'chair@xa.vn', PASSWORD, '198.51.100.1');
				if (!r.ok) throw new Error('login failed');
				return r.token;
			};
			const s1 = await signIn();
			const s2 = await signIn();
			expect(await validateSession(t.db, s1, POLICY)).not.toBeNull();
			await setPassword(t.db, acct.id, 'mat-khau-moi-2', SYSTEM, 'account.password_change');
			expect(await validateSession(t.db, s1, POLICY)).toBeNull();
			expect(await validateSession(t.db, s2, POLICY)).toBeNull();
			await setPassword(t.db, acct.id, PASSWORD, SYSTEM);

			const s3 = await signIn();
			await setRole(t.db, acct.id, 'commune_officer', communeA.id, SYSTEM);
			expect(await validateSession(t.db, s3, POLICY)).toBeNull();

			const s4 = await signIn();
			await setActive(t.db, acct.id, false, SYSTEM);
			expect(await validateSession(t.db, s4, POLICY)).toBeNull();
			expect((await login(t.db, t.config, 'chair@xa.vn', PASSWORD, '198.51.100.2')).ok).toBe(false);
		});

		it('expires a session after inactivity and after its absolute lifetime', async () => {
			const r = await login(t.db, t.config, 'hue@tinh.vn', PASSWORD, '203.0.113.9');
			if (!r.ok) throw new Error('login failed');
			const later = (ms: number) => new Date(r.createdAt.getTime() + ms);
			expect(await validateSession(t.db, r.token, POLICY, later(POLICY.idleMs - 1000))).not.toBeNull();
			// used just before the idle limit, so renewed: still valid well past the first idle limit
			expect(await validateSession(t.db, r.token, POLICY, later(POLICY.idleMs + 60_000))).not.toBeNull();
			expect(await validateSession(t.db, r.token, POLICY, later(POLICY.maxMs))).toBeNull();
			// an expired session is deleted
			expect(await t.db.selectFrom('session').select('id').where('id', '=', r.token.split('.')[0]).executeTakeFirst()).toBeUndefined();
		});

		it('rejects a token whose secret does not match', async () => {
			const r = await login(t.db, t.config, 'hue@tinh.vn', PASSWORD, '203.0.113.10');
			if (!r.ok) throw new Error('login failed');
			const [id] = r.token.split('.');
			expect(await validateSession(t.db, `${id}.${'a'.repeat(24)}`, POLICY)).toBeNull();
			expect(await validateSession(t.db, r.token, POLICY)).not.toBeNull();
		});
	});

	describe('audit trail', () => {
		it('is append-only and its hash chain verifies', async () => {
			const report = await verifyAuditChain(t.db);
			expect(report.ok).toBe(true);
			expect(report.records).toBeGreaterThan(10);
			await expect(sql`update audit_log set action = 'x' where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
			await expect(sql`delete from audit_log where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
		});

		it('detects a record edited behind the trigger', async () => {
			await sql`alter table audit_log disable trigger audit_log_no_change`.execute(t.db);
			await sql`update audit_log set actor_label = 'someone-else' where id = 2`.execute(t.db);
			await sql`alter table audit_log enable trigger audit_log_no_change`.execute(t.db);
			const report = await verifyAuditChain(t.db);
			expect(report).toMatchObject({ ok: false, firstBrokenId: 2 });
		});
	});
});
