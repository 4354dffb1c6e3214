/**
 * A workflow step is one transaction (issue 7, "never lose work"): a step that fails half-way,
 * whether in its own work, in the database, or after every write of the step, leaves nothing:
 * the same state and state_version, no submission snapshot, no audit record, no notification,
 * and none of the rows its work had inserted. The same step then succeeds. On the embedded
 * database or PostgreSQL (TEST_DATABASE_URL).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { completeDossier, seedRound } from '../helpers/fixtures.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { applyTransition, transition } from '#lib/server/assessments/workflow.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import type { Actor } from '#lib/domain/access.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let chair: Actor;

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	await completeDossier(t, f.assessmentA, f.officerA);
	chair = (await loadActor(t.db, f.chairA))!;
}, 180_000);
afterAll(async () => t?.drop());

/** Everything a submit step writes, or might have written. */
async function observe() {
	const a = await t.db
		.selectFrom('assessment')
		.select(['state', 'state_version', 'submitted_at', 'submitted_by', 'updated_at'])
		.where('id', '=', f.assessmentA)
		.executeTakeFirstOrThrow();
	const count = async (table: 'submission' | 'audit_log' | 'notification' | 'review_comment' | 'correction_request') =>
		(await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.db)).rows[0].n;
	return {
		assessment: a,
		submissions: await count('submission'),
		audit: await count('audit_log'),
		notifications: await count('notification'),
		comments: await count('review_comment'),
		corrections: await count('correction_request')
	};
}

describe(`a workflow step that fails half-way changes nothing (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('when its work inserts rows and then throws', async () => {
		const before = await observe();
		expect(before.assessment.state).toBe('draft');
		let workRan = false;
		await expect(
			t.db.transaction().execute((trx) =>
				applyTransition(trx, chair, f.assessmentA, 'submit', before.assessment.state_version, {
					work: async (w) => {
						await w
							.insertInto('review_comment')
							.values({ assessment_id: f.assessmentA, indicator_code: 'TC01.1', author_id: chair.id, body: 'viết dở' })
							.execute();
						await w
							.insertInto('notification')
							.values({ account_id: f.reviewer, assessment_id: f.assessmentA, kind: 'submitted', message: 'giữa chừng', link: '/' })
							.execute();
						workRan = true;
						throw new Error('hỏng giữa chừng');
					}
				})
			)
		).rejects.toThrow('hỏng giữa chừng');
		expect(workRan).toBe(true);
		expect(await observe()).toEqual(before);
	});

	it('when the database refuses a write of the step', async () => {
		const before = await observe();
		await expect(
			t.db.transaction().execute((trx) =>
				applyTransition(trx, chair, f.assessmentA, 'submit', before.assessment.state_version, {
					work: async (w) => {
						await w
							.insertInto('correction_request')
							.values({ assessment_id: f.assessmentA, created_by: chair.id, message: 'x', items: JSON.stringify([]) })
							.execute();
						// violates review_comment's check constraint (1 to 4000 characters)
						await w
							.insertInto('review_comment')
							.values({ assessment_id: f.assessmentA, indicator_code: 'TC01.1', author_id: chair.id, body: '' })
							.execute();
					}
				})
			)
		).rejects.toThrow();
		expect(await observe()).toEqual(before);
	});

	it('when it fails after the state, the snapshot, the audit record and the notifications were written', async () => {
		const before = await observe();
		let written: Awaited<ReturnType<typeof observe>> | undefined;
		await expect(
			t.db.transaction().execute(async (trx) => {
				const outcome = await applyTransition(trx, chair, f.assessmentA, 'submit', before.assessment.state_version);
				expect(outcome.assessment.state).toBe('submitted');
				// inside the transaction every write of the step is there…
				const a = await trx
					.selectFrom('assessment')
					.select(['state', 'state_version'])
					.where('id', '=', f.assessmentA)
					.executeTakeFirstOrThrow();
				const n = async (table: 'submission' | 'audit_log' | 'notification') =>
					(await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx)).rows[0].n;
				written = {
					...before,
					assessment: { ...before.assessment, ...a },
					submissions: await n('submission'),
					audit: await n('audit_log'),
					notifications: await n('notification')
				};
				throw new Error('mất điện ngay trước khi ghi xong');
			})
		).rejects.toThrow('mất điện');
		expect(written!.assessment).toMatchObject({ state: 'submitted', state_version: before.assessment.state_version + 1 });
		expect(written!.submissions).toBe(before.submissions + 1);
		expect(written!.audit).toBe(before.audit + 1);
		expect(written!.notifications).toBeGreaterThan(before.notifications);
		// …and after the failure none of them is
		expect(await observe()).toEqual(before);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});

	it('the same step then succeeds, once', async () => {
		const before = await observe();
		const a = await transition(t.db, chair, f.assessmentA, 'submit', before.assessment.state_version);
		expect(a.state).toBe('submitted');
		const after = await observe();
		expect(after.assessment).toMatchObject({
			state: 'submitted',
			state_version: before.assessment.state_version + 1,
			submitted_by: chair.id
		});
		expect(after.submissions).toBe(before.submissions + 1);
		expect(after.audit).toBe(before.audit + 1);
		expect(after.notifications).toBeGreaterThan(before.notifications);
		expect(after.comments).toBe(before.comments);
		expect(after.corrections).toBe(before.corrections);
		expect((await loadAssessment(t.db, f.assessmentA))!.stateVersion).toBe(before.assessment.state_version + 1);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});
});
