/**
 * The migration to per-commune audit chains on a copy of the national seed (issue 11): the
 * seed's trail (138 000 records on PostgreSQL: every commune of the 07/2025 list; one province
 * on the embedded database, where the whole country would take minutes) is turned back into the
 * single global chain of before (tests/helpers/legacy-audit.ts), verified with the old rule, and
 * migrated again; `audit verify` passes before and after, and altering or deleting one record,
 * wherever it is (first and last of the trail, in a commune's chain, an account's, an anonymous
 * shard's, the system's, and at random), is detected and named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { CHAINS_MIGRATION, toLegacyTrail, verifyLegacyAudit } from '../helpers/legacy-audit.ts';
import { tamper } from '../helpers/audit-tamper.ts';
import { seedScale, makeRng } from '../../scripts/seed/scale.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { migrateToLatest } from '#lib/server/db/migrate.ts';
import { verifyAuditChain, type ChainReport } from '#lib/server/audit/index.ts';

const on = usingPostgres ? 'PostgreSQL, every commune' : 'embedded PGlite, one province';
let t: TestDb;
let dir: string;
let seeded: ChainReport;
const figures: string[] = [];

beforeAll(async () => {
	t = await freshDb();
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-audit-national-'));
	const started = performance.now();
	await seedScale(t.db, { ...t.config, signingKeyFile: path.join(dir, 'k.pem') }, localFileStore(path.join(dir, 'files')), {
		era: 'post2025',
		...(usingPostgres ? {} : { provinces: ['46'] }),
		log: () => {}
	});
	figures.push(`seed ${((performance.now() - started) / 1000).toFixed(1)} s`);
	seeded = await verifyAuditChain(t.db);
}, 900_000);
afterAll(async () => {
	if (figures.length) console.log(`audit migration on the national seed (${on}): ${figures.join(', ')}`);
	await t?.drop();
	fs.rmSync(dir, { recursive: true, force: true });
});

type Rec = { id: number; chain: string; seq: number };

describe(`the audit migration on a copy of the national seed (${on})`, () => {
	it('the seeded trail verifies; as the single chain of before it verifies with the old rule; migrated again it verifies', async () => {
		expect(seeded).toMatchObject({ ok: true, problem: null });
		expect(seeded.records).toBeGreaterThan(usingPostgres ? 100_000 : 1_000);
		let started = performance.now();
		const legacy = await toLegacyTrail(t.db);
		figures.push(`back to one chain ${((performance.now() - started) / 1000).toFixed(1)} s`);
		expect(legacy.records).toBe(seeded.records);
		expect(await verifyLegacyAudit(t.db)).toEqual({ ok: true, records: seeded.records, firstBrokenId: null });

		started = performance.now();
		expect(await migrateToLatest(t.db)).toContain(CHAINS_MIGRATION);
		figures.push(`migration of ${seeded.records} records ${((performance.now() - started) / 1000).toFixed(1)} s`);
		started = performance.now();
		const after = await verifyAuditChain(t.db);
		figures.push(`verify ${((performance.now() - started) / 1000).toFixed(1)} s`);
		expect(after).toMatchObject({ ok: true, records: seeded.records, chains: seeded.chains, anchors: 1, problem: null });
		// every commune with records has its own chain
		const units = await sql<{ n: number }>`select count(distinct unit_id)::int as n from audit_log where unit_id is not null`.execute(t.db);
		const unitChains = await sql<{ n: number }>`select count(*)::int as n from audit_chain_head where chain like 'unit:%'`.execute(t.db);
		expect(unitChains.rows[0].n).toBe(units.rows[0].n);
	}, 900_000);

	it('altering or deleting any one record, wherever it is, is detected and names its chain', async () => {
		const pick = async (where: ReturnType<typeof sql>, order: 'asc' | 'desc' = 'asc'): Promise<Rec> =>
			(await sql<Rec>`select id, chain, seq from audit_log where ${where} order by id ${sql.raw(order)} limit 1`.execute(t.db)).rows[0];
		const biggest = (
			await sql<{ chain: string; n: number }>`
				select chain, count(*)::int as n from audit_log where chain like 'unit:%' group by chain order by n desc, chain limit 1`.execute(t.db)
		).rows[0];
		const middle = (
			await sql<Rec>`select id, chain, seq from audit_log where chain = ${biggest.chain} and seq = ${Math.ceil(biggest.n / 2)}`.execute(
				t.db
			)
		).rows[0];
		const first = await pick(sql`true`);
		const last = await pick(sql`true`, 'desc');
		const rng = makeRng(11);
		const random: Rec[] = [];
		for (let i = 0; i < 3; i++) random.push(await pick(sql`id >= ${first.id + Math.floor(rng() * (last.id - first.id))}`));
		const samples: Rec[] = [
			first,
			last,
			middle,
			await pick(sql`chain like 'account:%'`, 'desc'),
			await pick(sql`chain like 'anon:%'`),
			await pick(sql`actor_label = 'system'`),
			...random
		];
		expect(samples.every(Boolean)).toBe(true);
		expect(new Set(samples.map((s) => s.chain.split(':')[0]))).toEqual(new Set(['unit', 'account', 'anon']));
		const started = performance.now();
		for (const r of samples) {
			const altered = await tamper(t.db, sql`update audit_log set details = details || '{"sửa": 1}' where id = ${r.id}`);
			expect(altered, `${r.chain} #${r.seq} altered`).toMatchObject({ ok: false, firstBrokenId: r.id });
			expect(altered.problem).toContain(r.chain);
			const deleted = await tamper(t.db, sql`delete from audit_log where id = ${r.id}`);
			expect(deleted.ok, `${r.chain} #${r.seq} deleted`).toBe(false);
			expect(deleted.problem).toContain(r.chain);
		}
		figures.push(
			`${samples.length * 2} tamperings detected, ${((performance.now() - started) / samples.length / 2000).toFixed(1)} s per verify`
		);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	}, 900_000);
});
