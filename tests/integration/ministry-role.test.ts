/**
 * The ministry's officers (issue 13): a read-only role bound to no unit. An account of the role is
 * created without a unit (one given is refused, by the form's schema, the module and the
 * database); it reads the national dashboard and any dossier, and every entry that changes
 * something refuses it: saving an answer, uploading (or reading) evidence, reviewing, issuing a
 * decision, printing a certificate. Nothing is written by a refused attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { accountFormSchema, createAccount, resolveUnitChoice } from '#lib/server/accounts/index.ts';
import { provinceDashboard } from '#lib/server/dashboard/index.ts';
import { authorizeAssessment, allowedOn } from '#lib/server/auth/guard.ts';
import { loadAssessment, loadDossier, placeOf } from '#lib/server/dossier/index.ts';
import { startReview } from '#lib/server/reviews/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { openCertificateForPrint } from '#lib/server/certificates/index.ts';
import { listDecisions } from '#lib/server/decisions/index.ts';
import { AppError, parseInput } from '#lib/server/errors.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import type { Actor } from '#lib/domain/access.ts';
import { navFor } from '#lib/components/nav.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let bo: Actor;

const TODAY = '2026-06-10';
const SYSTEM = { id: null, email: 'test' } as const;

/** The rows any refused attempt could have written. */
async function counts() {
	const n = async (table: 'assessment_answer' | 'evidence' | 'review_item' | 'decision' | 'audit_log' | 'certificate') =>
		Number(
			(
				await t.db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	const states = await t.db.selectFrom('assessment').select(['id', 'state', 'state_version']).orderBy('id').execute();
	return {
		answers: await n('assessment_answer'),
		evidence: await n('evidence'),
		reviews: await n('review_item'),
		decisions: await n('decision'),
		certificates: await n('certificate'),
		audit: await n('audit_log'),
		states
	};
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
	try {
		await (typeof p === 'function' ? p() : p);
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('not refused');
}

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	await completeDossier(t, f.assessmentA, f.officerA);
	await completeDossier(t, f.assessmentB, f.officerB);
	await t.db.updateTable('assessment').set({ state: 'recognised' }).where('id', '=', f.assessmentA).execute();
	await t.db.updateTable('assessment').set({ state: 'submitted' }).where('id', '=', f.assessmentB).execute();
	const row = await t.db
		.selectFrom('account')
		.select(['id', 'unit_id', 'role'])
		.where('email', '=', 'bo@demo.vn')
		.executeTakeFirstOrThrow();
	expect(row).toMatchObject({ role: 'ministry_officer', unit_id: null });
	bo = await actorOf(t, row.id);
}, 180_000);
afterAll(async () => t?.drop());

describe(`ministry officer on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('is seeded as a demo account bound to no unit', () => {
		expect(DEMO_ACCOUNTS.find((a) => a.email === 'bo@demo.vn')).toMatchObject({
			role: 'ministry_officer',
			unit: { district: null, province: null }
		});
		expect(bo.unit).toBeNull();
		expect(navFor(bo.role).map((i) => i.href)).toEqual([
			'/',
			'/assessments',
			'/review',
			'/dashboard',
			'/decisions',
			'/rounds',
			'/units',
			'/criteria',
			'/notifications'
		]);
	});

	it('is created with no unit; a unit given for it is refused and nothing is written', async () => {
		const ok = parseInput(accountFormSchema, {
			email: 'bo2@demo.vn',
			fullName: 'Đỗ Văn Nam',
			role: 'ministry_officer',
			provinceCode: '',
			unitCode: ''
		});
		const row = await createAccount(t.db, t.config, { ...ok, password: DEMO_PASSWORD }, SYSTEM);
		expect(row).toMatchObject({ role: 'ministry_officer', unit_id: null });

		const before = await counts();
		const schema = await refusal(() =>
			parseInput(accountFormSchema, {
				email: 'bo3@demo.vn',
				fullName: 'Đỗ Văn Bình',
				role: 'ministry_officer',
				provinceCode: '46',
				unitCode: ''
			})
		);
		expect(schema.kind).toBe('invalid');
		expect(schema.fieldErrors?.provinceCode).toMatch(/không gắn với đơn vị/);
		const picker = await refusal(resolveUnitChoice(t.db, t.config, 'ministry_officer', { provinceCode: '46', unitCode: null }));
		expect(picker.fieldErrors?.provinceCode).toMatch(/không gắn với đơn vị/);
		const cli = await refusal(
			createAccount(
				t.db,
				t.config,
				{ email: 'bo3@demo.vn', fullName: 'Đỗ Văn Bình', role: 'ministry_officer', unitCode: '46', password: DEMO_PASSWORD },
				SYSTEM
			)
		);
		expect(cli.kind).toBe('invalid');
		// and the database itself refuses a unit for the role
		const province = await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('code', '=', '46')
			.where('level', '=', 'province')
			.executeTakeFirstOrThrow();
		await expect(t.db.updateTable('account').set({ unit_id: province.id }).where('email', '=', 'bo2@demo.vn').execute()).rejects.toThrow();
		expect(await t.db.selectFrom('account').select('id').where('email', '=', 'bo3@demo.vn').executeTakeFirst()).toBeUndefined();
		expect(await counts()).toEqual(before);
	});

	it('reads the national dashboard and a dossier', async () => {
		const d = await provinceDashboard(t.db, bo, {}, TODAY);
		expect(d.national).toBe(true);
		expect(d.area).toBeNull();
		expect(d.round?.id).toBe(f.roundId);
		expect(d.shares[0]).toMatchObject({ communes: 2, recognised: 1, percent: 50 });
		expect(d.provinceRows).toHaveLength(1);
		expect(d.provinceRows![0]).toMatchObject({ code: '46', communes: 2, submitted: 2, recognised: 1, percent: 50 });
		expect(d.criteria).toHaveLength(13);
		// and any province's
		const p = await provinceDashboard(t.db, bo, { provinceId: d.provinceRows![0].id }, TODAY);
		expect(p.national).toBe(false);
		expect(p.area?.id).toBe(d.provinceRows![0].id);
		expect(p.provinceRows).toBeNull();
		expect(p.byState).toEqual(d.byState);

		const { assessment } = await authorizeAssessment(t.db, bo, 'assessment.read', String(f.assessmentB));
		const dossier = await loadDossier(t.db, assessment);
		expect(dossier.self.criteria).toHaveLength(13);
		await authorizeAssessment(t.db, bo, 'review.read', String(f.assessmentB));
		expect((await listDecisions(t.db, bo)).length).toBeGreaterThanOrEqual(0);
		// no edit button: the page asks the same rule
		expect(allowedOn(bo, 'assessment.edit', placeOf(assessment))).toBe(false);
		expect(allowedOn(bo, 'review.perform', placeOf(assessment))).toBe(false);
	});

	it('cannot save an answer, upload or read evidence, review, issue or print: refused, nothing written', async () => {
		const before = await counts();
		for (const action of ['assessment.edit', 'evidence.upload', 'evidence.read', 'review.perform', 'review.comment'] as const) {
			const e = await refusal(authorizeAssessment(t.db, bo, action, String(f.assessmentB)));
			expect(e.kind, action).toBe('forbidden');
		}
		const b = (await loadAssessment(t.db, f.assessmentB))!;
		expect((await refusal(startReview(t.db, bo, f.assessmentB, b.stateVersion))).message).toMatch(/Không thể thực hiện thao tác này/);
		expect((await refusal(transition(t.db, bo, f.assessmentB, 'start_review', b.stateVersion))).message).toMatch(
			/Không thể thực hiện thao tác này/
		);
		const decision = await refusal(
			issueDecision(t.db, bo, {
				outcome: 'recognise',
				number: '1/QĐ-BLĐTBXH',
				issuedOn: '2026-11-20',
				signerName: 'Vũ Thị Lan',
				signerTitle: 'Thứ trưởng',
				validFrom: '2026-11-20',
				validUntil: '2029-11-19',
				assessments: [{ id: f.assessmentB, version: b.stateVersion }]
			})
		);
		expect(decision.kind).toBe('forbidden');
		const print = await refusal(openCertificateForPrint(t.db, undefined as never, bo, 1, 1, null));
		expect(print.kind).toBe('forbidden');
		expect(await counts()).toEqual(before);
	});
});
