import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { seedRound, completeDossier, COMMUNE_A } from '../helpers/fixtures.ts';
import { openRound, extendRound, reopenForCommune } from '#lib/server/rounds/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { listAssessments } from '#lib/server/assessments/index.ts';
import { loadAssessment, loadDossier } from '#lib/server/dossier/index.ts';
import { AppError } from '#lib/server/errors.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { QD06_2019 } from '#lib/domain/criteria/index.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import type { Actor } from '#lib/domain/access.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
const SYSTEM = { id: null, email: 'test' };
/** An account acting in a role (the workflow checks the role the account acts in). */
const as = async (id: number, role: Actor['role']): Promise<Actor> => ({ ...(await loadActor(t.db, id))!, role });

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
}, 180_000);
afterAll(async () => t?.drop());

describe(`rounds and submission on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('opens a round: one draft assessment per participating commune, against the chosen version', async () => {
		const a = await loadAssessment(t.db, f.assessmentA);
		expect(a).toMatchObject({ state: 'draft', category: 'urban_ward', commune: { code: COMMUNE_A } });
		const audit = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'round.open').executeTakeFirstOrThrow();
		expect(audit.details).toMatchObject({ communes: 2 });
		// its figures are stored from the start: what blocks the empty dossier, as every reader computes it
		const row = await t.db
			.selectFrom('assessment')
			.select(['blockers', 'self_verdict'])
			.where('id', '=', f.assessmentA)
			.executeTakeFirstOrThrow();
		const dossier = await loadDossier(t.db, a!);
		expect(row.blockers).toBeGreaterThan(0);
		expect(row.blockers).toBe(dossier.blockers.length);
		expect(row.self_verdict).toBe(dossier.figures.selfVerdict);
	});

	it('refuses bad rounds with a Vietnamese reason and writes nothing', async () => {
		const set = await t.db.selectFrom('criteria_set').select('id').executeTakeFirstOrThrow();
		const before = (await t.db.selectFrom('round').select('id').execute()).length;
		const base = { name: 'Đợt lỗi', year: 2026, criteriaSetId: set.id, opensOn: '2026-05-01', closesOn: '2026-06-01' };
		await expect(openRound(t.db, 'post2025', { ...base, communeCodes: ['99999'] }, SYSTEM)).rejects.toThrow(
			/Không tìm thấy xã có mã: 99999/
		);
		await expect(openRound(t.db, 'post2025', { ...base, closesOn: '2026-04-01', communeCodes: [COMMUNE_A] }, SYSTEM)).rejects.toMatchObject(
			{
				kind: 'invalid',
				message: 'Ngày kết thúc phải sau ngày bắt đầu.'
			}
		);
		await expect(openRound(t.db, 'post2025', { ...base }, SYSTEM)).rejects.toThrow(/ít nhất một xã/);
		expect((await t.db.selectFrom('round').select('id').execute()).length).toBe(before);
	});

	it('checks the area of a province officer in the rounds module itself: open, extend and reopen', async () => {
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
		await createAccount(
			t.db,
			t.config,
			{ email: 'tinh.dn@demo.vn', fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
			SYSTEM
		);
		const id = (await t.db.selectFrom('account').select('id').where('email', '=', 'tinh.dn@demo.vn').executeTakeFirstOrThrow()).id;
		const outside = (await loadActor(t.db, id))!;
		const inside = (await loadActor(
			t.db,
			(await t.db.selectFrom('account').select('id').where('email', '=', 'tinh@demo.vn').executeTakeFirstOrThrow()).id
		))!;
		const set = await t.db.selectFrom('criteria_set').select('id').executeTakeFirstOrThrow();
		const base = { name: 'Đợt ngoài địa bàn', year: 2026, criteriaSetId: set.id, opensOn: '2026-05-01', closesOn: '2026-06-01' };
		const rounds = (await t.db.selectFrom('round').select('id').execute()).length;
		const before = await t.db.selectFrom('round').select('closes_on').where('id', '=', f.roundId).executeTakeFirstOrThrow();
		const audits = (await t.db.selectFrom('audit_log').select('id').execute()).length;
		// Đà Nẵng's officer: Huế's communes are out of their area
		await expect(openRound(t.db, 'post2025', { ...base, communeCodes: [COMMUNE_A] }, outside)).rejects.toMatchObject({ kind: 'invalid' });
		await expect(openRound(t.db, 'post2025', { ...base, provinceCodes: ['46'] }, outside)).rejects.toMatchObject({ kind: 'invalid' });
		await expect(extendRound(t.db, f.roundId, '2199-01-01', outside)).rejects.toMatchObject({ kind: 'not_found' });
		await expect(reopenForCommune(t.db, f.roundId, f.assessmentA, '2199-01-01', outside)).rejects.toMatchObject({ kind: 'not_found' });
		// a commune officer may not manage rounds at all
		const officer = (await loadActor(t.db, f.officerA))!;
		await expect(extendRound(t.db, f.roundId, '2199-01-01', officer)).rejects.toMatchObject({ kind: 'forbidden' });
		// an assessment of another round is not this round's to reopen
		await expect(reopenForCommune(t.db, f.roundId + 1000, f.assessmentA, '2199-01-01', inside)).rejects.toMatchObject({
			kind: 'not_found'
		});
		expect((await t.db.selectFrom('round').select('id').execute()).length).toBe(rounds);
		expect(await t.db.selectFrom('round').select('closes_on').where('id', '=', f.roundId).executeTakeFirstOrThrow()).toEqual(before);
		expect((await t.db.selectFrom('audit_log').select('id').execute()).length).toBe(audits);
		// Huế's own officer may
		await extendRound(t.db, f.roundId, '2199-01-01', inside);
		expect((await t.db.selectFrom('round').select('closes_on').where('id', '=', f.roundId).executeTakeFirstOrThrow()).closes_on).toBe(
			'2199-01-01'
		);
		await t.db.updateTable('round').set({ closes_on: before.closes_on }).where('id', '=', f.roundId).execute();
	});

	it('lists assessments by scope: each commune officer sees only their own', async () => {
		const officerA = (await loadActor(t.db, f.officerA))!;
		const officerB = (await loadActor(t.db, f.officerB))!;
		const reviewer = (await loadActor(t.db, f.reviewer))!;
		expect((await listAssessments(t.db, officerA)).map((a) => a.id)).toEqual([f.assessmentA]);
		expect((await listAssessments(t.db, officerB)).map((a) => a.id)).toEqual([f.assessmentB]);
		expect((await listAssessments(t.db, reviewer)).map((a) => a.id).sort()).toEqual([f.assessmentA, f.assessmentB].sort());
	});

	it('refuses to submit an incomplete dossier, listing what is missing, and changes nothing', async () => {
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const err = await transition(t.db, await as(f.chairA, 'commune_chair'), a.id, 'submit', a.stateVersion).catch((e) => e);
		expect(err).toBeInstanceOf(AppError);
		expect(err.kind).toBe('conflict');
		expect(err.details.blockers.map((m: { kind: string }) => m.kind)).toEqual(expect.arrayContaining(['answer', 'document']));
		expect((await loadAssessment(t.db, a.id))!.state).toBe('draft');
	});

	it('lets only the commune chair submit', async () => {
		await completeDossier(t, f.assessmentA, f.officerA);
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const dossier = await loadDossier(t.db, a);
		expect(dossier.blockers).toEqual([]);
		await expect(transition(t.db, await as(f.officerA, 'commune_officer'), a.id, 'submit', a.stateVersion)).rejects.toThrow(
			/Không thể thực hiện/
		);
	});

	it('submits a complete dossier exactly once when two submissions race, with a snapshot in the audit trail', async () => {
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const chair = await as(f.chairA, 'commune_chair');
		const results = await Promise.allSettled([
			transition(t.db, chair, a.id, 'submit', a.stateVersion),
			transition(t.db, chair, a.id, 'submit', a.stateVersion)
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(rejected.reason).toBeInstanceOf(AppError);
		expect(rejected.reason.message).toMatch(/vừa được người khác cập nhật/);
		const after = (await loadAssessment(t.db, a.id))!;
		expect(after).toMatchObject({ state: 'submitted', stateVersion: a.stateVersion + 1 });
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['details', 'actor_id'])
			.where('action', '=', 'assessment.submit')
			.where('object_id', '=', String(a.id))
			.execute();
		expect(audit).toHaveLength(1);
		const snap = (audit[0].details as { snapshot: { answers: Record<string, unknown>; total: number; criteriaSet: string } }).snapshot;
		expect(snap.criteriaSet).toBe('QD06-2019@1');
		expect(Object.keys(snap.answers)).toHaveLength(QD06_2019.criteria.reduce((n, c) => n + c.indicators.length, 0));
		expect(snap.total).toBeGreaterThan(0);
	});

	it('after the closing date refuses submission until the round is extended or reopened for the commune', async () => {
		await completeDossier(t, f.assessmentB, f.officerB);
		await t.db.updateTable('round').set({ opens_on: '2020-01-01', closes_on: '2020-12-31' }).where('id', '=', f.roundId).execute();
		const b = (await loadAssessment(t.db, f.assessmentB))!;
		const chairB = await as(f.officerB, 'commune_chair');
		await expect(transition(t.db, chairB, b.id, 'submit', b.stateVersion)).rejects.toThrow(/không nhận hồ sơ vào hôm nay/);
		await expect(extendRound(t.db, f.roundId, '2020-06-01', SYSTEM)).rejects.toThrow(/phải sau ngày kết thúc hiện tại/);
		await reopenForCommune(t.db, f.roundId, b.id, '2099-01-01', SYSTEM);
		await transition(t.db, chairB, b.id, 'submit', b.stateVersion);
		expect((await loadAssessment(t.db, b.id))!.state).toBe('submitted');
	});
});
