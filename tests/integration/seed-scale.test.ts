/**
 * Smoke test of the national-scale seed (scripts/seed/scale.ts, a tool for load tests) on one
 * province: every workflow state is there, the figures it stores on each assessment are the ones
 * the app computes from the same rows, each review has its participant, the audit trail verifies,
 * the accounts sign in, and a second run is refused. On the embedded database or PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { seedScale, scaleEmail, SCALE_PASSWORD, type ScaleReport } from '../../scripts/seed/scale.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { loadDossierById } from '#lib/server/dossier/index.ts';
import { login } from '#lib/server/accounts/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';

let t: TestDb;
let dir: string;
let report: ScaleReport;

beforeAll(async () => {
	t = await freshDb();
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-scale-'));
	report = await seedScale(t.db, { ...t.config, signingKeyFile: path.join(dir, 'k.pem') }, localFileStore(path.join(dir, 'files')), {
		era: 'post2025',
		provinces: ['46'],
		log: () => {}
	});
}, 300_000);
afterAll(async () => {
	await t?.drop();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe(`the national seed, on one province (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('seeds every commune of the province in every workflow state, with their records', async () => {
		expect(report.communes).toBeGreaterThan(30);
		for (const n of Object.values(report.states)) expect(n).toBeGreaterThan(0);
		expect(report.answers).toBeGreaterThan(report.communes * 5);
		expect(report.certificates).toBe(report.states.recognised);
		expect(report.appraisals).toBe(report.states.appraised + report.states.recognised + report.states.not_recognised);
	});

	it('stores on each assessment the figures the app computes from its rows', async () => {
		const rows = await t.db.selectFrom('assessment').select(['id', 'state', 'figures_rev']).orderBy('id').execute();
		expect(rows).toHaveLength(report.communes);
		for (const r of rows) {
			const d = (await loadDossierById(t.db, r.id))!;
			expect({ id: r.id, ...d.assessment.figures }).toEqual({ id: r.id, ...d.figures });
			if (r.state !== 'draft') expect(d.blockers).toEqual([]); // a submitted dossier was complete
			expect(r.figures_rev).toBeGreaterThan(0);
		}
	});

	it('records who took part in each review, and who saved the base counts', async () => {
		const reviewed = await t.db.selectFrom('assessment').select('id').where('state', 'not in', ['draft', 'submitted']).execute();
		const participants = await t.db.selectFrom('review_participant').select('assessment_id').execute();
		expect(new Set(participants.map((p) => p.assessment_id))).toEqual(new Set(reviewed.map((r) => r.id)));
		const withCounts = await t.db
			.selectFrom('assessment')
			.select(['base_revision', 'base_updated_by'])
			.where('base_revision', '>', 0)
			.execute();
		expect(withCounts.length).toBeGreaterThan(0);
		expect(withCounts.every((r) => r.base_updated_by !== null)).toBe(true);
	});

	it('writes an audit trail that verifies; its accounts sign in; a second run is refused', async () => {
		const chain = await verifyAuditChain(t.db);
		expect(chain).toMatchObject({ ok: true });
		expect(chain.records).toBeGreaterThanOrEqual(report.auditRecords);
		const commune = await t.db
			.selectFrom('admin_unit')
			.select('code')
			.where('level', '=', 'commune')
			.where('era', '=', 'post2025')
			.orderBy('code')
			.executeTakeFirstOrThrow();
		const signedIn = await login(t.db, t.config, scaleEmail.officer(commune.code), SCALE_PASSWORD, '192.0.2.10');
		expect(signedIn.ok).toBe(true);
		await expect(
			seedScale(t.db, t.config, localFileStore(path.join(dir, 'files')), { era: 'post2025', provinces: ['46'], log: () => {} })
		).rejects.toThrow(/Dữ liệu thử tải đã có/);
	});
});
