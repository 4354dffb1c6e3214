import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { seedRound, completeDossier, COMMUNE_A } from '../helpers/fixtures.ts';
import { openRound, extendRound, reopenForCommune } from '#lib/server/rounds/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { listAssessments } from '#lib/server/assessments/index.ts';
import { loadAssessment, loadDossier } from '#lib/server/dossier/index.ts';
import { AppError } from '#lib/server/errors.ts';
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
		// a province officer may only open rounds for their own province
		await expect(openRound(t.db, 'post2025', { ...base, communeCodes: [COMMUNE_A] }, SYSTEM, 999_999)).rejects.toThrow(AppError);
		expect((await t.db.selectFrom('round').select('id').execute()).length).toBe(before);
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
		await reopenForCommune(t.db, b.id, '2099-01-01', SYSTEM);
		await transition(t.db, chairB, b.id, 'submit', b.stateVersion);
		expect((await loadAssessment(t.db, b.id))!.state).toBe('submitted');
	});
});
