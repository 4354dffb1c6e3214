/**
 * The audit trail's per-commune hash chains (migration 2026-11-29-008-audit-chains): appends go
 * to their commune's (or account's, or an anonymous shard's) chain with two round trips and lock
 * only that chain's head, so two communes never wait for each other (PostgreSQL); concurrent
 * appends to one chain stay contiguous; the bulk appender and the anchors verify; every kind of
 * tampering is detected. The migration rechains a legacy (single global chain) trail after
 * verifying it with the old rule, refuses a broken one, and `toLegacyTrail` converts a database
 * back for later round trips. On the embedded database, or PostgreSQL with TEST_DATABASE_URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import {
	CHAINS_MIGRATION,
	legacyAuditHash,
	migrateToLegacySchema,
	toLegacyTrail,
	verifyLegacyAudit,
	writeLegacyAudit,
	type LegacyEntry
} from '../helpers/legacy-audit.ts';
import type { DB } from '#lib/server/db/index.ts';
import { migrateToLatest } from '#lib/server/db/migrate.ts';
import {
	ANCHOR_CHAIN,
	GENESIS,
	appendAuditRecords,
	by,
	chainOf,
	recordAudit,
	verifyAuditChain,
	writeAnchor,
	type AuditEntry
} from '#lib/server/audit/index.ts';
import * as m008 from '../../migrations/2026-11-29-008-audit-chains.ts';
import { backup, restore } from '#lib/server/ops/backup.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { runAuditCommand } from '../../src/cli/audit.ts';
import { rolledBack, tamper } from '../helpers/audit-tamper.ts';

const on = usingPostgres ? 'PostgreSQL' : 'embedded PGlite';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-audit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Rec = { id: number; chain: string; seq: number; hash: string; prev_hash: string };
const recordsOf = (db: DB, chain: string): Promise<Rec[]> =>
	db.selectFrom('audit_log').select(['id', 'chain', 'seq', 'hash', 'prev_hash']).where('chain', '=', chain).orderBy('seq').execute();

/** Counts the statements a DB handle executes. */
function counting(): KyselyPlugin & { n: number } {
	const p = {
		n: 0,
		transformQuery: (args: { node: never }) => args.node,
		transformResult: async (args: { result: never }) => {
			p.n++;
			return args.result;
		}
	};
	return p as unknown as KyselyPlugin & { n: number };
}

const commune = (unitId: number, actorId: number | null, i: number): AuditEntry => ({
	actorId,
	actorLabel: actorId ? `canbo${actorId}@xa.vn` : 'system',
	action: 'assessment.answer_save',
	objectType: 'assessment',
	objectId: unitId * 1000 + i,
	unitId,
	ip: '10.1.2.3',
	details: { indicator: `TC0${i % 9}.1`, revision: i, note: 'Bản ghi thử – tiếng Việt có dấu' }
});

describe(`the per-commune audit chains on ${on}`, () => {
	let t: TestDb;
	let accounts: number[];
	beforeAll(async () => {
		t = await freshDb();
		accounts = [];
		for (const i of [1, 2, 3]) {
			const a = await t.db
				.insertInto('account')
				.values({ email: `canbo${i}@xa.vn`, full_name: `Cán bộ ${i}`, role: 'admin', password_hash: 'x' })
				.returning('id')
				.executeTakeFirstOrThrow();
			accounts.push(a.id);
		}
	}, 120_000);
	afterAll(async () => t?.drop());

	it('by() gives the actor fields of an account', () => {
		expect(by({ id: 5, email: 'a@b.vn' })).toEqual({ actorId: 5, actorLabel: 'a@b.vn' });
		expect(by({ id: null, email: 'system' })).toEqual({ actorId: null, actorLabel: 'system' });
	});

	it('appends each record to its chain in two statements, and the trail verifies', async () => {
		const [a1, a2] = accounts;
		await recordAudit(t.db, commune(501, a1, 1));
		await recordAudit(t.db, commune(502, a2, 1));
		await recordAudit(t.db, commune(501, a1, 2));
		await recordAudit(t.db, { ...by({ id: a1, email: 'canbo1@xa.vn' }), action: 'auth.login' });
		await recordAudit(t.db, { actorLabel: 'khong-ton-tai@xa.vn', action: 'auth.login_failed', ip: '10.0.0.9' });
		const counter = counting();
		await t.db.transaction().execute(async (trx) => {
			const before = counter.n;
			await recordAudit(trx.withPlugin(counter), commune(501, a1, 3));
			expect(counter.n - before).toBe(2);
		});
		const r501 = await recordsOf(t.db, 'unit:501');
		expect(r501.map((r) => r.seq)).toEqual([1, 2, 3]);
		expect(r501[0].prev_hash).toBe(GENESIS);
		expect(r501[1].prev_hash).toBe(r501[0].hash);
		expect(r501[2].prev_hash).toBe(r501[1].hash);
		expect((await recordsOf(t.db, `account:${a1}`)).map((r) => r.seq)).toEqual([1]);
		expect((await recordsOf(t.db, chainOf({ actorLabel: 'khong-ton-tai@xa.vn' }))).length).toBeGreaterThanOrEqual(1);
		const head = await t.db.selectFrom('audit_chain_head').selectAll().where('chain', '=', 'unit:501').executeTakeFirstOrThrow();
		expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: 3, hash: r501[2].hash });
		const report = await verifyAuditChain(t.db);
		expect(report).toMatchObject({ ok: true, firstBrokenId: null, problem: null, anchors: 1 });
		const chains = [
			'unit:501',
			'unit:502',
			`account:${a1}`,
			chainOf({ actorLabel: 'khong-ton-tai@xa.vn' }),
			chainOf({ actorLabel: 'system' })
		];
		expect(report.chains).toBe(new Set(chains).size); // the bootstrap records are the system's
	});

	it('a record rolled back with its transaction leaves no trace in the chain', async () => {
		await expect(
			t.db.transaction().execute(async (trx) => {
				await recordAudit(trx, commune(501, accounts[0], 99));
				throw new Error('thất bại giả lập');
			})
		).rejects.toThrow('thất bại giả lập');
		await recordAudit(t.db, commune(501, accounts[0], 4));
		expect((await recordsOf(t.db, 'unit:501')).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});

	it('the bulk appender chains many records after the existing heads', async () => {
		const entries = Array.from({ length: 2500 }, (_, i) => ({
			...commune(600 + (i % 7), i % 3 ? accounts[i % 3] : null, i),
			at: new Date(Date.UTC(2026, 10, 1) + i * 1000)
		}));
		entries.push({ ...commune(501, accounts[0], 5), at: new Date() });
		const r = await appendAuditRecords(t.db, entries);
		expect(r).toEqual({ records: 2501, chains: 8 });
		expect((await recordsOf(t.db, 'unit:501')).map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
		const r600 = await recordsOf(t.db, 'unit:600');
		expect(r600.map((x) => x.seq)).toEqual(r600.map((_, i) => i + 1));
		expect(r600.length).toBe(Math.ceil(2500 / 7));
		expect(await appendAuditRecords(t.db, [])).toEqual({ records: 0, chains: 0 });
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
	});

	it('anchors record only what changed, skip when nothing did, and verify', async () => {
		const a = await writeAnchor(t.db);
		expect(a).toMatchObject({ seq: 2 });
		const heads = await t.db.selectFrom('audit_chain_head').selectAll().where('chain', '<>', ANCHOR_CHAIN).execute();
		expect(a!.chains).toBe(heads.length);
		expect(a!.records).toBe(heads.reduce((n, h) => n + Number(h.seq), 0));
		expect(await writeAnchor(t.db)).toBeNull();
		await recordAudit(t.db, commune(502, accounts[1], 2));
		const b = await writeAnchor(t.db, { reason: 'thử' });
		expect(b).toMatchObject({ seq: 3, changed: 1, chains: a!.chains, records: a!.records + 1 });
		const row = await t.db.selectFrom('audit_anchor').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
		expect(row.delta).toEqual([['unit:502', 2, (await recordsOf(t.db, 'unit:502'))[1].hash]]);
		expect(row.details).toEqual({ reason: 'thử' });
		expect(row.prev_hash).toBe((await t.db.selectFrom('audit_anchor').select('hash').where('seq', '=', 2).executeTakeFirstOrThrow()).hash);
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, anchors: 3 });
		// one more record after the last anchor, to tamper with below
		await recordAudit(t.db, commune(503, accounts[2], 1));
		await recordAudit(t.db, commune(503, accounts[2], 2));
	});

	it('anchors are append-only; heads only move forward and are never deleted', async () => {
		await expect(sql`update audit_anchor set records = 1 where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from audit_anchor where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from audit_chain_head where chain = 'unit:501'`.execute(t.db)).rejects.toThrow(/never deleted/);
		await expect(sql`update audit_chain_head set seq = 1 where chain = 'unit:501'`.execute(t.db)).rejects.toThrow(/only move forward/);
		await expect(sql`delete from audit_anchored_head`.execute(t.db)).rejects.toThrow(/never deleted/);
		await expect(sql`update audit_log set action = 'x' where chain = 'unit:501'`.execute(t.db)).rejects.toThrow(/append-only/);
	});

	describe('detects tampering', () => {
		const idOf = async (chain: string, seq: number) =>
			(await t.db.selectFrom('audit_log').select('id').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirstOrThrow()).id;

		it('a record whose content was altered', async () => {
			const id = await idOf('unit:501', 2);
			const r = await tamper(t.db, sql`update audit_log set details = details || '{"revision": 42}' where id = ${id}`);
			expect(r).toMatchObject({ ok: false, firstBrokenId: id });
			expect(r.problem).toMatch(/Bản ghi bị sửa tại chuỗi unit:501, số thứ tự 2/);
			const label = await tamper(t.db, sql`update audit_log set actor_label = 'nguoi-khac' where id = ${id}`);
			expect(label).toMatchObject({ ok: false, firstBrokenId: id });
		});

		it('a record moved to another chain, renumbered or relinked', async () => {
			const id = await idOf('unit:600', 10);
			expect(await tamper(t.db, sql`update audit_log set chain = 'unit:999', seq = 1 where id = ${id}`)).toMatchObject({ ok: false });
			const renumbered = await tamper(t.db, sql`update audit_log set seq = 100000 where id = ${id}`);
			expect(renumbered.ok).toBe(false);
			expect(renumbered.problem).toMatch(/unit:600/);
			const relinked = await tamper(t.db, sql`update audit_log set prev_hash = ${'e'.repeat(64)} where id = ${id}`);
			expect(relinked).toMatchObject({ ok: false, firstBrokenId: id });
			expect(relinked.problem).toMatch(/Nhật ký bị đứt tại chuỗi unit:600, số thứ tự 10/);
		});

		it('a record deleted in the middle of its chain', async () => {
			const id = await idOf('unit:600', 10);
			const next = await idOf('unit:600', 11);
			const r = await tamper(t.db, sql`delete from audit_log where id = ${id}`);
			expect(r).toMatchObject({ ok: false, firstBrokenId: next });
			expect(r.problem).toMatch(/Nhật ký bị đứt tại chuỗi unit:600, số thứ tự 11 .*thiếu bản ghi số 10/);
		});

		it('two records of a chain swapped', async () => {
			const [x, y] = [await idOf('unit:601', 3), await idOf('unit:601', 4)];
			const r = await tamper(
				t.db,
				sql`update audit_log set seq = seq + 1000000 where id in (${x}, ${y})`,
				sql`update audit_log set seq = case when id = ${x} then 4 else 3 end where id in (${x}, ${y})`
			);
			expect(r).toMatchObject({ ok: false, firstBrokenId: y });
		});

		it('the last record of a chain deleted (the head no longer matches)', async () => {
			const last = (await recordsOf(t.db, 'unit:503')).at(-1)!;
			const r = await tamper(t.db, sql`delete from audit_log where id = ${last.id}`);
			expect(r).toMatchObject({ ok: false, firstBrokenId: null });
			expect(r.problem).toMatch(/Chuỗi unit:503: đầu chuỗi ghi số thứ tự 2 nhưng bản ghi cuối là số 1/);
		});

		it('the last record of an anchored chain deleted and its head rewritten (an anchor no longer matches)', async () => {
			const rs = await recordsOf(t.db, 'unit:502');
			const [prev, last] = rs.slice(-2);
			const r = await tamper(
				t.db,
				sql`delete from audit_log where id = ${last.id}`,
				sql`update audit_chain_head set seq = ${prev.seq}, hash = ${prev.hash} where chain = 'unit:502'`
			);
			expect(r.ok).toBe(false);
			expect(r.problems.join('\n')).toMatch(/Mốc neo #3 ghi nhận chuỗi unit:502 đến số thứ tự 2 nhưng bản ghi này không còn/);
		});

		it('a head altered or removed', async () => {
			const altered = await tamper(t.db, sql`update audit_chain_head set hash = ${'a'.repeat(64)} where chain = 'unit:501'`);
			expect(altered.ok).toBe(false);
			expect(altered.problem).toMatch(/Chuỗi unit:501: đầu chuỗi/);
			const removed = await tamper(t.db, sql`delete from audit_chain_head where chain = 'unit:601'`);
			expect(removed.problem).toMatch(/Chuỗi unit:601 có \d+ bản ghi nhưng không có dòng đầu chuỗi/);
		});

		it('an anchor altered or deleted', async () => {
			const altered = await tamper(t.db, sql`update audit_anchor set records = records + 1 where seq = 2`);
			expect(altered.ok).toBe(false);
			expect(altered.problem).toMatch(/Mốc neo #2: nội dung đã bị sửa/);
			const delta = await tamper(t.db, sql`update audit_anchor set delta = '[]'::jsonb where seq = 3`);
			expect(delta.problem).toMatch(/Mốc neo #3/);
			const middle = await tamper(t.db, sql`delete from audit_anchor where seq = 2`);
			expect(middle.problem).toMatch(/Mốc neo #3: số thứ tự không liền sau mốc #1/);
			const last = await tamper(t.db, sql`delete from audit_anchor where seq = 3`);
			expect(last.ok).toBe(false);
			expect(last.problems.join('\n')).toMatch(/mốc neo đã bị xóa/);
			const snapshot = await tamper(t.db, sql`update audit_anchored_head set hash = ${'b'.repeat(64)} where chain = 'unit:501'`);
			expect(snapshot.problem).toMatch(/Bảng đầu chuỗi tại mốc neo cuối/);
		});

		it('and the trail itself is untouched by all this', async () => {
			expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, problem: null });
		});
	});

	it('`audit anchor` and `audit verify` on the command line', async () => {
		if (!usingPostgres) return; // the in-memory database cannot be opened by a second connection
		const log = vi.spyOn(console, 'log').mockImplementation(() => {});
		const err = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			expect(await runAuditCommand('audit anchor', t.config)).toBe(true);
			expect(log.mock.calls.flat().join('\n')).toMatch(/Đã ghi mốc neo #4: \d+ chuỗi, [\d.]+ bản ghi/);
			expect(await runAuditCommand('audit anchor', t.config)).toBe(true);
			expect(log.mock.calls.flat().join('\n')).toMatch(/Không có gì mới/);
			expect(await runAuditCommand('audit verify', t.config)).toBe(true);
			expect(log.mock.calls.flat().join('\n')).toMatch(/Nhật ký toàn vẹn: [\d.]+ bản ghi, \d+ chuỗi, 4 mốc neo/);
			expect(process.exitCode ?? 0).toBe(0);
			expect(await runAuditCommand('db migrate', t.config)).toBe(false);
		} finally {
			log.mockRestore();
			err.mockRestore();
		}
	});

	describe.runIf(usingPostgres)('concurrency (PostgreSQL)', () => {
		it('two communes never wait for each other; the same commune does', async () => {
			let release!: () => void;
			const gate = new Promise<void>((r) => (release = r));
			let appended!: () => void;
			const holding = new Promise<void>((r) => (appended = r));
			// commune A: appended, transaction held open
			const a = t.db.transaction().execute(async (trx) => {
				await recordAudit(trx, commune(701, accounts[0], 1));
				appended();
				await gate;
			});
			await holding;
			// commune B, from another connection, while A's head is locked: completes (no wait)
			const started = performance.now();
			await t.db.transaction().execute(async (trx) => {
				await sql`set local lock_timeout = '3s'`.execute(trx);
				await recordAudit(trx, commune(702, accounts[1], 1));
				await recordAudit(trx, commune(702, accounts[1], 2));
			});
			expect(performance.now() - started).toBeLessThan(2000);
			// a brand-new chain too
			await recordAudit(t.db, commune(703, accounts[2], 1));
			// commune A again: waits for the open transaction
			let done = false;
			const again = recordAudit(t.db, commune(701, accounts[0], 2)).then(() => (done = true));
			await new Promise((r) => setTimeout(r, 300));
			expect(done).toBe(false);
			release();
			await a;
			await again;
			expect((await recordsOf(t.db, 'unit:701')).map((r) => r.seq)).toEqual([1, 2]);
			expect((await recordsOf(t.db, 'unit:702')).map((r) => r.seq)).toEqual([1, 2]);
			expect((await verifyAuditChain(t.db)).ok).toBe(true);
		});

		it('a first append to a new chain waits for a concurrent first append, and continues after it', async () => {
			let release!: () => void;
			const gate = new Promise<void>((r) => (release = r));
			let appended!: () => void;
			const holding = new Promise<void>((r) => (appended = r));
			const first = t.db.transaction().execute(async (trx) => {
				await recordAudit(trx, commune(801, accounts[0], 1));
				appended();
				await gate;
			});
			await holding;
			let done = false;
			const second = recordAudit(t.db, commune(801, accounts[1], 2)).then(() => (done = true));
			await new Promise((r) => setTimeout(r, 300));
			expect(done).toBe(false);
			release();
			await Promise.all([first, second]);
			const rs = await recordsOf(t.db, 'unit:801');
			expect(rs.map((r) => r.seq)).toEqual([1, 2]);
			expect(rs[1].prev_hash).toBe(rs[0].hash);
		});

		it('concurrent appends to one chain stay contiguous', async () => {
			const n = 60;
			await Promise.all(
				Array.from({ length: n }, (_, i) =>
					i % 3 === 0
						? t.db.transaction().execute(async (trx) => {
								await recordAudit(trx, commune(901, accounts[i % 3], i));
								await recordAudit(trx, commune(902, accounts[i % 3], i));
							})
						: recordAudit(t.db, commune(901, accounts[i % 3], i))
				)
			);
			const rs = await recordsOf(t.db, 'unit:901');
			expect(rs.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
			expect(rs.map((r) => r.id)).toEqual([...rs.map((r) => r.id)].sort((x, y) => x - y));
			expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
		});
	});
});

// ---------------------------------------------------------------------------------------------
// The migration from the single global chain
// ---------------------------------------------------------------------------------------------

describe(`migrating a legacy trail to per-commune chains on ${on}`, () => {
	let t: TestDb;
	let ids: number[];
	let entries: LegacyEntry[];
	let accounts: number[];

	beforeAll(async () => {
		t = await freshDb({}, { prepare: false });
		await migrateToLegacySchema(t.db);
		accounts = [];
		for (const i of [1, 2]) {
			const a = await t.db
				.insertInto('account')
				.values({ email: `cu${i}@xa.vn`, full_name: `Tài khoản cũ ${i}`, role: 'admin', password_hash: 'x' })
				.returning('id')
				.executeTakeFirstOrThrow();
			accounts.push(a.id);
		}
		entries = [];
		for (let i = 0; i < 120; i++) {
			const at = new Date(Date.UTC(2026, 9, 1) + i * 60_000 + (i % 7));
			const kind = i % 6;
			if (kind < 3) entries.push({ ...commune(11 + kind, accounts[kind % 2], i), at });
			else if (kind === 3)
				entries.push({ at, actorId: accounts[i % 2], actorLabel: `cu${(i % 2) + 1}@xa.vn`, action: 'auth.login', ip: '10.0.0.1' });
			else if (kind === 4) entries.push({ at, actorLabel: `la${i % 4}@khong.vn`, action: 'auth.login_failed', ip: '10.0.0.2' });
			else
				entries.push({
					at,
					actorLabel: 'system',
					action: 'criteria.import',
					objectType: 'criteria_set',
					objectId: i,
					details: { code: 'QĐ06' }
				});
		}
		ids = await writeLegacyAudit(t.db, entries);
	}, 120_000);
	afterAll(async () => t?.drop());

	it('the legacy writer reproduces the old rule', async () => {
		const first = await t.db.selectFrom('audit_log').selectAll().orderBy('id').executeTakeFirstOrThrow();
		expect(first.prev_hash).toBe(GENESIS);
		expect(first.hash).toBe(legacyAuditHash(GENESIS, first));
		expect(await verifyLegacyAudit(t.db)).toEqual({ ok: true, records: 120, firstBrokenId: null });
	});

	it('refuses a legacy trail that is already broken, and changes nothing', async () => {
		const hashes = await t.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id').execute();
		await rolledBack(t.db, async (trx) => {
			await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
			await sql`update audit_log set actor_label = 'sua' where id = ${ids[50]}`.execute(trx);
			await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
			expect(await verifyLegacyAudit(trx)).toMatchObject({ ok: false, firstBrokenId: ids[50] });
			await expect(m008.up(trx)).rejects.toThrow(new RegExp(`bị sửa tại bản ghi #${ids[50]}[\\s\\S]*launder`));
		});
		expect(await t.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id').execute()).toEqual(hashes);
	});

	it('rechains every record in id order; the trail verifies and the first anchor attests the legacy chain', async () => {
		const legacyLast = (await t.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').executeTakeFirstOrThrow()).hash;
		const started = performance.now();
		expect(await migrateToLatest(t.db)).toContain(CHAINS_MIGRATION);
		const ms = performance.now() - started;
		console.log(`migration of ${ids.length} records: ${ms.toFixed(0)} ms`);
		const report = await verifyAuditChain(t.db);
		const expectedChains = new Set(entries.map((e) => chainOf(e)));
		expect(report).toMatchObject({ ok: true, records: 120, chains: expectedChains.size, anchors: 1, problem: null });
		const anchor = await t.db.selectFrom('audit_anchor').selectAll().executeTakeFirstOrThrow();
		expect(anchor).toMatchObject({ seq: 1, chains: expectedChains.size, prev_hash: GENESIS });
		expect(Number(anchor.records)).toBe(120);
		expect(anchor.details).toEqual({
			migration: CHAINS_MIGRATION,
			legacy: { records: 120, lastId: ids.at(-1), lastHash: legacyLast }
		});
		// every record in its chain, numbered in id order
		const rows = await t.db.selectFrom('audit_log').select(['id', 'chain', 'seq']).orderBy('id').execute();
		const seqs = new Map<string, number>();
		rows.forEach((r, i) => {
			expect(r.chain).toBe(chainOf(entries[i]));
			const s = (seqs.get(r.chain) ?? 0) + 1;
			seqs.set(r.chain, s);
			expect(Number(r.seq)).toBe(s);
		});
		await expect(sql`update audit_log set action = 'x' where id = ${ids[0]}`.execute(t.db)).rejects.toThrow(/append-only/);
	});

	it('detects any single record altered or deleted, wherever it is', async () => {
		const chains = [
			'unit:11',
			'unit:13',
			`account:${accounts[1]}`,
			chainOf({ actorLabel: 'la0@khong.vn' }),
			chainOf({ actorLabel: 'system' })
		];
		let checked = 0;
		for (const chain of chains) {
			const rs = await recordsOf(t.db, chain);
			expect(rs.length, chain).toBeGreaterThan(2);
			for (const r of [rs[0], rs[Math.floor(rs.length / 2)], rs.at(-1)!]) {
				const altered = await tamper(t.db, sql`update audit_log set details = details || '{"x": 1}' where id = ${r.id}`);
				expect(altered, `${chain} #${r.seq} altered`).toMatchObject({ ok: false, firstBrokenId: r.id });
				const deleted = await tamper(t.db, sql`delete from audit_log where id = ${r.id}`);
				expect(deleted.ok, `${chain} #${r.seq} deleted`).toBe(false);
				expect(deleted.problem).toContain(chain);
				checked++;
			}
		}
		expect(checked).toBe(15);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});

	it('appends continue each chain after the migration', async () => {
		const before = await recordsOf(t.db, 'unit:12');
		await recordAudit(t.db, commune(12, accounts[0], 1000));
		const after = await recordsOf(t.db, 'unit:12');
		expect(after.at(-1)).toMatchObject({ seq: before.length + 1, prev_hash: before.at(-1)!.hash });
		expect(await writeAnchor(t.db)).toMatchObject({ seq: 2, changed: 1 });
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, anchors: 2 });
	});

	it('down() verifies the chains and goes back to the single global chain', async () => {
		await rolledBack(t.db, async (trx) => {
			await m008.down(trx);
			expect(await verifyLegacyAudit(trx)).toEqual({ ok: true, records: 121, firstBrokenId: null });
		});
		await rolledBack(t.db, async (trx) => {
			await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
			await sql`update audit_log set ip = '1.1.1.1' where id = ${ids[7]}`.execute(trx);
			await expect(m008.down(trx)).rejects.toThrow(new RegExp(`bản ghi #${ids[7]}`));
		});
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});
});

describe(`toLegacyTrail and back on ${on}`, () => {
	let t: TestDb;
	beforeAll(async () => {
		t = await freshDb();
	}, 120_000);
	afterAll(async () => t?.drop());

	it('converts a database at the latest schema to the pre-008 shape, and the migration brings it back', async () => {
		const acct = await t.db
			.insertInto('account')
			.values({ email: 'vong@xa.vn', full_name: 'Khứ hồi', role: 'admin', password_hash: 'x' })
			.returning('id')
			.executeTakeFirstOrThrow();
		for (let i = 0; i < 20; i++) await recordAudit(t.db, commune(40 + (i % 3), i % 2 ? acct.id : null, i));
		await writeAnchor(t.db);
		await appendAuditRecords(
			t.db,
			Array.from({ length: 300 }, (_, i) => ({ ...commune(50 + (i % 5), acct.id, i), at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }))
		);
		await recordAudit(t.db, { actorLabel: 'ai-do@khong.vn', action: 'auth.login_failed' });
		const before = await verifyAuditChain(t.db);
		expect(before.ok).toBe(true);
		const content = async () =>
			(
				await sql<{
					c: string;
				}>`select string_agg(concat_ws('|', id, at, actor_id, actor_label, action, object_id, unit_id, details::text), ',' order by id) as c from audit_log`.execute(
					t.db
				)
			).rows[0].c;
		const original = await content();

		for (const back of ['up()', 'migrateToLatest'] as const) {
			expect(await toLegacyTrail(t.db)).toEqual({ records: before.records });
			expect(await verifyLegacyAudit(t.db)).toEqual({ ok: true, records: before.records, firstBrokenId: null });
			const cols = (
				await sql<{
					name: string;
				}>`select attname::text as name from pg_attribute where attrelid = 'audit_log'::regclass and attnum > 0 and not attisdropped`.execute(
					t.db
				)
			).rows.map((r) => r.name);
			expect(cols).not.toContain('chain');
			expect(cols).not.toContain('seq');
			const tables = (await sql<{ t: string | null }>`select to_regclass('audit_chain_head')::text as t`.execute(t.db)).rows[0].t;
			expect(tables).toBeNull();
			expect((await sql`select 1 from kysely_migration where name = ${CHAINS_MIGRATION}`.execute(t.db)).rows).toEqual([]);
			// the old trail, as an older release would read it
			expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, records: before.records, chains: 1, anchors: 0 });

			if (back === 'up()') {
				await m008.up(t.db);
				await sql`insert into kysely_migration (name, timestamp) values (${CHAINS_MIGRATION}, ${new Date().toISOString()})`.execute(t.db);
				await migrateToLatest(t.db); // the migrations after 008, undone by toLegacyTrail
			} else expect((await migrateToLatest(t.db))[0]).toBe(CHAINS_MIGRATION);
			expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, records: before.records, chains: before.chains, anchors: 1 });
			expect(await content()).toBe(original);
		}
		await recordAudit(t.db, commune(40, acct.id, 99));
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});
});

describe(`restoring a backup made before the chains on ${on}`, () => {
	let src: TestDb;
	let dst: TestDb;
	beforeAll(async () => {
		src = await freshDb({}, { prepare: false });
		await migrateToLegacySchema(src.db);
		dst = await freshDb();
	}, 120_000);
	afterAll(async () => {
		await src?.drop();
		await dst?.drop();
	});

	it('verifies the legacy chain while restoring, then the migration rechains it', async () => {
		await writeLegacyAudit(
			src.db,
			Array.from({ length: 40 }, (_, i) => ({ ...commune(20 + (i % 4), null, i), at: new Date(Date.UTC(2026, 5, 1, 0, i)) }))
		);
		const out = path.join(tmp, 'legacy-backup');
		const { manifest } = await backup(src.db, localFileStore(path.join(tmp, 'src-files')), out);
		expect(manifest.migrations.at(-1)).toBe('2026-11-23-006-indexes');
		// an unsigned backup (no backup key here): restored only when the check is given up explicitly
		const r = await restore(dst.db, localFileStore(path.join(tmp, 'dst-files')), out, {
			tmpDir: path.join(tmp, 'restore-tmp'),
			trustUnsigned: true
		});
		expect(r.audit).toMatchObject({ ok: true, records: 40, chains: 1 });
		expect(r.migratedAfter).toContain(CHAINS_MIGRATION);
		expect(await verifyAuditChain(dst.db)).toMatchObject({ ok: true, records: 40, chains: 4, anchors: 1 });
	});

	it('refuses a restored legacy chain that is broken', async () => {
		await sql`alter table audit_log disable trigger audit_log_no_change`.execute(src.db);
		await sql`update audit_log set action = 'sua' where id = (select min(id) + 3 from audit_log)`.execute(src.db);
		await sql`alter table audit_log enable trigger audit_log_no_change`.execute(src.db);
		const out = path.join(tmp, 'legacy-broken');
		await backup(src.db, localFileStore(path.join(tmp, 'src-files')), out);
		const target = await freshDb();
		try {
			await expect(restore(target.db, localFileStore(path.join(tmp, 'dst2-files')), out, { trustUnsigned: true })).rejects.toThrow(
				/Nhật ký kiểm toán sau khi khôi phục không toàn vẹn: Nhật ký \(chuỗi chung, định dạng cũ\) bị đứt hoặc bị sửa tại bản ghi #\d+/
			);
		} finally {
			await target.drop();
		}
	});
});
