import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { seedRound, COMMUNE_A, COMMUNE_B } from '../helpers/fixtures.ts';
import { reviewQueue, REVIEW_SLA_DAYS } from '#lib/server/reviews/queue.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import { refreshFigures } from '#lib/server/dossier/index.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
const meta = { source: 'Trạm y tế', period: 'Năm 2026' };

async function actor(id: number) {
	const account = await loadActor(t.db, id);
	if (!account) throw new Error(`no account ${id}`);
	return account;
}

/** Writes an answer as a save would (the row, then the figures stored on the assessment). */
async function answer(assessmentId: number, code: string, value: unknown) {
	await t.db
		.insertInto('assessment_answer')
		.values({ assessment_id: assessmentId, indicator_code: code, answer: JSON.stringify(value), updated_by: null, updated_at: new Date() })
		.execute();
	await refreshFigures(t.db, assessmentId);
}

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	// A: 50 (TC07.1, 99% ≥ 98%) + 50 (TC01.1 yes) = 100; submitted 2026-06-01 20:00 UTC, that
	// is 2026-06-02 03:00 in Vietnam.
	await answer(f.assessmentA, 'TC07.1', { numerator: 99, denominator: 100, ...meta });
	await answer(f.assessmentA, 'TC01.1', { value: true, ...meta });
	await t.db
		.updateTable('assessment')
		.set({ state: 'submitted', submitted_at: new Date('2026-06-01T20:00:00Z') })
		.where('id', '=', f.assessmentA)
		.execute();
	// B: TC07.1 cleared (JSON null: unanswered) + 15 (TC01.2 yes) = 15; still a draft.
	await answer(f.assessmentB, 'TC07.1', null);
	await answer(f.assessmentB, 'TC01.2', { value: true, ...meta });
}, 180_000);
afterAll(async () => t?.drop());

describe(`review queue on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('the reviewer sees both communes of the round with totals, verdicts and days since submission', async () => {
		const q = await reviewQueue(t.db, await actor(f.reviewer), {}, '2026-06-10');
		expect(q.round?.id).toBe(f.roundId);
		expect(q.rounds.map((r) => r.id)).toEqual([f.roundId]);
		const byCode = Object.fromEntries(q.rows.map((r) => [r.communeCode, r]));
		expect(Object.keys(byCode).sort()).toEqual([COMMUNE_A, COMMUNE_B].sort());
		expect(byCode[COMMUNE_A]).toMatchObject({
			id: f.assessmentA,
			state: 'submitted',
			stateLabel: 'Đã gửi',
			total: 100,
			verdict: 'incomplete',
			daysSinceSubmission: 8,
			overdue: null
		});
		expect(byCode[COMMUNE_B]).toMatchObject({ id: f.assessmentB, state: 'draft', total: 15, daysSinceSubmission: null, overdue: null });
		expect(q.summary.total).toBe(2);
		expect(q.summary.byState.find((s) => s.state === 'draft')?.count).toBe(1);
		expect(q.summary.byState.find((s) => s.state === 'submitted')?.count).toBe(1);
	});

	it('flags a dossier waiting longer than the review SLA, and a draft past the deadline (unless reopened)', async () => {
		const late = await reviewQueue(t.db, await actor(f.reviewer), {}, '2026-06-30'); // 28 days
		const a = late.rows.find((r) => r.id === f.assessmentA)!;
		expect(a.daysSinceSubmission).toBe(28);
		expect(28).toBeGreaterThan(REVIEW_SLA_DAYS);
		expect(a.overdue).toMatchObject({ kind: 'review', days: 28 });
		expect(a.overdue?.label).toContain('Quá hạn thẩm định');
		expect(late.summary.overdueReview).toBe(1);
		const onTime = await reviewQueue(t.db, await actor(f.reviewer), {}, `2026-06-${String(2 + REVIEW_SLA_DAYS).padStart(2, '0')}`);
		expect(onTime.rows.find((r) => r.id === f.assessmentA)?.overdue).toBeNull();

		// The round closes on 2099-12-31: a draft on 2100-01-05 is late…
		const after = await reviewQueue(t.db, await actor(f.reviewer), {}, '2100-01-05');
		expect(after.rows.find((r) => r.id === f.assessmentB)?.overdue).toMatchObject({ kind: 'submission', deadline: '2099-12-31' });
		expect(after.summary.overdueSubmission).toBe(1);
		// …unless it was reopened until later.
		await t.db.updateTable('assessment').set({ reopened_until: '2100-01-10' }).where('id', '=', f.assessmentB).execute();
		const reopened = await reviewQueue(t.db, await actor(f.reviewer), {}, '2100-01-05');
		expect(reopened.rows.find((r) => r.id === f.assessmentB)?.overdue).toBeNull();
		await t.db.updateTable('assessment').set({ reopened_until: null }).where('id', '=', f.assessmentB).execute();
	});

	it('filters by state and by commune name (without diacritics), keeping the summary whole', async () => {
		const reviewer = await actor(f.reviewer);
		const submitted = await reviewQueue(t.db, reviewer, { state: 'submitted' }, '2026-06-10');
		expect(submitted.rows.map((r) => r.id)).toEqual([f.assessmentA]);
		expect(submitted.summary.total).toBe(2);
		const named = await reviewQueue(t.db, reviewer, { q: 'kim long' }, '2026-06-10');
		expect(named.rows.map((r) => r.id)).toEqual([f.assessmentB]);
		const none = await reviewQueue(t.db, reviewer, { q: 'không có xã này' }, '2026-06-10');
		expect(none.rows).toEqual([]);
	});

	it('sorts by commune, total, state and days', async () => {
		const reviewer = await actor(f.reviewer);
		const ids = async (sort: 'action' | 'commune' | 'state' | 'total' | 'days', dir: 'asc' | 'desc') =>
			(await reviewQueue(t.db, reviewer, { sort, dir }, '2026-06-10')).rows.map((r) => r.id);
		// Kim Long < Phú Xuân (Vietnamese collation)
		expect(await ids('commune', 'asc')).toEqual([f.assessmentB, f.assessmentA]);
		expect(await ids('commune', 'desc')).toEqual([f.assessmentA, f.assessmentB]);
		expect(await ids('total', 'desc')).toEqual([f.assessmentA, f.assessmentB]);
		expect(await ids('total', 'asc')).toEqual([f.assessmentB, f.assessmentA]);
		expect(await ids('state', 'asc')).toEqual([f.assessmentB, f.assessmentA]); // draft before submitted
		// never submitted goes last in both directions
		expect(await ids('days', 'asc')).toEqual([f.assessmentA, f.assessmentB]);
		expect(await ids('days', 'desc')).toEqual([f.assessmentA, f.assessmentB]);
		// by default what needs action first: the submitted dossier before the draft
		expect(await ids('action', 'asc')).toEqual([f.assessmentA, f.assessmentB]);
		expect((await reviewQueue(t.db, reviewer, {}, '2026-06-10')).rows.map((r) => r.id)).toEqual([f.assessmentA, f.assessmentB]);
	});

	it('puts a draft past its deadline before the drafts still in time, and after what waits for the reviewer', async () => {
		const reviewer = await actor(f.reviewer);
		const round = await t.db.selectFrom('round').select('closes_on').where('id', '=', f.roundId).executeTakeFirstOrThrow();
		const after = new Date(Date.parse(`${round.closes_on}T00:00:00Z`) + 5 * 86_400_000).toISOString().slice(0, 10);
		const before = await t.db
			.selectFrom('assessment')
			.select(['state', 'submitted_at'])
			.where('id', '=', f.assessmentA)
			.executeTakeFirstOrThrow();
		const order = async (today: string) => (await reviewQueue(t.db, reviewer, {}, today)).rows.map((r) => r.id);
		try {
			// two drafts; B was given until later than the round's deadline
			await t.db.updateTable('assessment').set({ state: 'draft', submitted_at: null }).where('id', '=', f.assessmentA).execute();
			const later = new Date(Date.parse(`${after}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
			await t.db.updateTable('assessment').set({ reopened_until: later }).where('id', '=', f.assessmentB).execute();
			// in time, both: by name (Kim Long < Phú Xuân)
			expect(await order('2026-06-10')).toEqual([f.assessmentB, f.assessmentA]);
			// past the deadline, A is overdue and comes first; B still has time
			expect(await order(after)).toEqual([f.assessmentA, f.assessmentB]);
		} finally {
			await t.db.updateTable('assessment').set(before).where('id', '=', f.assessmentA).execute();
			await t.db.updateTable('assessment').set({ reopened_until: null }).where('id', '=', f.assessmentB).execute();
		}
	});

	it('scopes: a commune officer sees only their own commune, and an unknown round falls back to the newest', async () => {
		const q = await reviewQueue(t.db, await actor(f.officerA), { roundId: 999_999 }, '2026-06-10');
		expect(q.round?.id).toBe(f.roundId);
		expect(q.rows.map((r) => r.communeCode)).toEqual([COMMUNE_A]);
		expect(q.summary.total).toBe(1);
		const b = await reviewQueue(t.db, await actor(f.officerB), {}, '2026-06-10');
		expect(b.rows.map((r) => r.communeCode)).toEqual([COMMUNE_B]);
	});

	it('reports the recognised share of the communes in scope against the national targets', async () => {
		const before = await reviewQueue(t.db, await actor(f.reviewer), {}, '2026-06-10');
		expect(before.summary.recognisedPercent).toBe(0);
		await t.db.updateTable('assessment').set({ state: 'recognised' }).where('id', '=', f.assessmentB).execute();
		const q = await reviewQueue(t.db, await actor(f.reviewer), {}, '2026-06-10');
		expect(q.summary).toMatchObject({ recognised: 1, total: 2, recognisedPercent: 50 });
		expect(q.summary.targets).toEqual([
			{ year: 2025, percent: 65 },
			{ year: 2030, percent: 75 }
		]);
		const own = await reviewQueue(t.db, await actor(f.officerB), {}, '2026-06-10');
		expect(own.summary.recognisedPercent).toBe(100);
		await t.db.updateTable('assessment').set({ state: 'draft' }).where('id', '=', f.assessmentB).execute();
	});

	it('a saved answer shows in the next board (the stored figures follow the answers)', async () => {
		const reviewer = await actor(f.reviewer);
		const before = (await reviewQueue(t.db, reviewer)).rows.find((r) => r.id === f.assessmentB)!.total;
		await reviewQueue(t.db, reviewer); // a second, cached, call gives the same
		expect((await reviewQueue(t.db, reviewer)).rows.find((r) => r.id === f.assessmentB)!.total).toBe(before);
		// clearing TC01.2 (a new revision of the same row) takes its points away
		await t.db
			.updateTable('assessment_answer')
			.set({ answer: 'null', revision: 2 })
			.where('assessment_id', '=', f.assessmentB)
			.where('indicator_code', '=', 'TC01.2')
			.execute();
		await refreshFigures(t.db, f.assessmentB);
		const after = (await reviewQueue(t.db, reviewer)).rows.find((r) => r.id === f.assessmentB)!.total;
		expect(after).toBeLessThan(before);
		// a new answer adds them back
		await answer(f.assessmentB, 'TC01.1', { value: true, ...meta });
		expect((await reviewQueue(t.db, reviewer)).rows.find((r) => r.id === f.assessmentB)!.total).toBeGreaterThan(after);
	});
});
