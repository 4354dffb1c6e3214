/**
 * The province dashboard (issue 13) against figures computed independently here: every dossier of
 * the round read through the dossier module (its reviewed per-criterion score, its row's state and
 * category), then counted by hand; and against the board's summary for the same round. An officer
 * of another province sees none of these communes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { parseDashboardQuery, provinceDashboard } from '#lib/server/dashboard/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { reviewQueue } from '#lib/server/reviews/queue.ts';
import { loadDossierById, refreshFigures } from '#lib/server/dossier/index.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { ASSESSMENT_STATES } from '#lib/domain/workflow.ts';
import { COMMUNE_CATEGORIES } from '#lib/domain/units.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let outsideOfficer: number;
let provinceOfficer: number;

const TODAY = '2026-06-10';

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
	await createAccount(
		t.db,
		t.config,
		{ email: 'tinh.dn@demo.vn', fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
		{ id: null, email: 'test' }
	);
	const id = async (email: string) =>
		(await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
	outsideOfficer = await id('tinh.dn@demo.vn');
	provinceOfficer = await id('tinh@demo.vn');
	// A: full marks, recognised. B: full answers, but the reviewer set TC01.1 to 20 (TC01 below its
	// maximum) and TC07.1 to 0 (TC07 at 0 points); appraised.
	await completeDossier(t, f.assessmentA, f.officerA);
	await completeDossier(t, f.assessmentB, f.officerB);
	await t.db
		.insertInto('review_item')
		.values([
			{
				assessment_id: f.assessmentB,
				indicator_code: 'TC01.1',
				points: 20,
				reason: 'Chưa đủ',
				updated_by: f.reviewer,
				updated_at: new Date()
			},
			{
				assessment_id: f.assessmentB,
				indicator_code: 'TC07.1',
				points: 0,
				reason: 'Sai số liệu',
				updated_by: f.reviewer,
				updated_at: new Date()
			}
		])
		.execute();
	await refreshFigures(t.db, f.assessmentB);
	await t.db.updateTable('assessment').set({ state: 'recognised' }).where('id', '=', f.assessmentA).execute();
	await t.db.updateTable('assessment').set({ state: 'appraised' }).where('id', '=', f.assessmentB).execute();
}, 180_000);
afterAll(async () => t?.drop());

/** The figures computed here, from the dossiers one by one (not the dashboard's query). */
async function expected() {
	const rows = await t.db
		.selectFrom('assessment')
		.select(['id', 'state', 'category', 'reviewed_total', 'reviewed_verdict'])
		.where('round_id', '=', f.roundId)
		.execute();
	const byState = Object.fromEntries(ASSESSMENT_STATES.map((s) => [s, rows.filter((r) => r.state === s).length]));
	const byCategory = Object.fromEntries(
		COMMUNE_CATEGORIES.map((c) => {
			const mine = rows.filter((r) => r.category === c);
			return [c, { communes: mine.length, recognised: mine.filter((r) => r.state === 'recognised').length }];
		})
	);
	const criteria: Record<string, { zero: number; below: number; max: number; pending: number }> = {};
	const indicators: Record<string, { scored: number; below: number; zero: number }> = {};
	let thresholdOf: Record<number, number> = {};
	for (const r of rows) {
		const d = (await loadDossierById(t.db, r.id))!;
		thresholdOf = { ...thresholdOf, [r.id]: d.reviewed.threshold };
		for (const c of d.reviewed.criteria) {
			const e = (criteria[c.code] ??= { zero: 0, below: 0, max: 0, pending: 0 });
			if (!c.complete) e.pending++;
			else if (c.points === 0) e.zero++;
			else if (c.points < c.maxPoints) e.below++;
			else e.max++;
			for (const i of c.indicators) {
				if (i.points === null) continue;
				const n = (indicators[i.code] ??= { scored: 0, below: 0, zero: 0 });
				n.scored++;
				if (i.points < i.maxPoints) n.below++;
				if (i.points === 0) n.zero++;
			}
		}
	}
	const unmet = Object.entries(indicators)
		.filter(([, n]) => n.below > 0)
		.sort(([a, x], [b, y]) => y.below - x.below || y.zero - x.zero || a.localeCompare(b))
		.slice(0, 10)
		.map(([code, n]) => ({ code, ...n }));
	const reached = rows.filter((r) => r.reviewed_verdict !== 'incomplete' && r.reviewed_total >= thresholdOf[r.id]).length;
	return { rows, byState, byCategory, criteria, reached, unmet };
}

describe(`province dashboard on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('agrees with the figures computed from each dossier, and with the board', async () => {
		const e = await expected();
		expect(e.rows).toHaveLength(2);
		for (const account of [f.reviewer, f.approver, provinceOfficer, f.admin]) {
			const actor = await actorOf(t, account);
			const d = await provinceDashboard(t.db, actor, {}, TODAY);
			expect(d.round?.id, actor.email).toBe(f.roundId);
			expect(Object.fromEntries(d.byState.map((s) => [s.state, s.count]))).toEqual(e.byState);
			for (const s of d.shares.slice(1)) {
				expect({ communes: s.communes, recognised: s.recognised }).toEqual(e.byCategory[s.key]);
			}
			expect(d.shares[0]).toMatchObject({ communes: 2, recognised: 1, percent: 50 });
			expect(d.shares[0].targets.map((x) => [x.year, x.percent, x.reached])).toEqual([
				[2025, 65, false],
				[2030, 75, false]
			]);
			expect(d.criteria).toHaveLength(13);
			expect(Object.fromEntries(d.criteria.map((c) => [c.code, { zero: c.zero, below: c.below, max: c.max, pending: c.pending }]))).toEqual(
				e.criteria
			);
			expect(d.totals.reduce((n, r) => n + (r.buckets.find((b) => b.bucket === 'reached')?.count ?? 0), 0)).toBe(e.reached);
			expect(d.totals.reduce((n, r) => n + r.communes, 0)).toBe(2);
			expect(d.scoring.communes).toBe(2);
			expect(d.unmet.map((u) => ({ code: u.code, scored: u.scored, below: u.below, zero: u.zero }))).toEqual(e.unmet);

			// the board's summary for the same round and area (the nation for an administrator): the same counts
			expect(d.national).toBe(actor.role === 'admin');
			const board = await reviewQueue(t.db, actor, { roundId: f.roundId }, TODAY);
			expect(d.byState.map((s) => s.count)).toEqual(board.summary.byState.map((s) => s.count));
			expect(d.shares[0].percent).toBe(board.summary.recognisedPercent);
			expect(d.summary).toEqual(board.summary);
		}
		// what the scenario was built to show: TC07 held at 0 and TC01 below its maximum by the review
		const d = await provinceDashboard(t.db, await actorOf(t, f.reviewer), {}, TODAY);
		const byCode = Object.fromEntries(d.criteria.map((c) => [c.code, c]));
		expect(byCode.TC07).toMatchObject({ scored: 2, zero: 1, max: 1, zeroPercent: 50 });
		expect(byCode.TC01).toMatchObject({ scored: 2, below: 1, max: 1, belowPercent: 50 });
		expect(d.heldBack.map((c) => c.code)).toEqual(['TC07', 'TC01']);
		// the indicators the review lowered are among the most often unmet, TC07.1 (at 0) before TC01.1
		const codes = d.unmet.map((u) => u.code);
		expect(codes).toContain('TC07.1');
		expect(codes).toContain('TC01.1');
		expect(d.unmet.find((u) => u.code === 'TC07.1')).toMatchObject({ criterionCode: 'TC07', zero: 1, below: 1 });
		expect(codes.indexOf('TC07.1')).toBeLessThan(codes.indexOf('TC01.1'));
	});

	/** A change of a dossier's answers or review items, then its figures written (counting the write), in one transaction. */
	const changeDossier = (id: number, change: (trx: typeof t.db) => Promise<unknown>) =>
		t.db.transaction().execute(async (trx) => {
			await change(trx);
			await refreshFigures(trx, id);
		});

	it('follows every change of the review points and the answers (its per-dossier points are never stale)', async () => {
		const reviewer = await actorOf(t, f.reviewer);
		const before = await provinceDashboard(t.db, reviewer, {}, TODAY);
		expect(before.criteria.find((c) => c.code === 'TC07')).toMatchObject({ zero: 1, max: 1 });
		// the reviewer holds A's TC07.1 at 0 too (the same write as the scenario's, with the
		// figures written after it in its transaction, as every writer of a dossier does)
		await changeDossier(f.assessmentA, (trx) =>
			trx
				.insertInto('review_item')
				.values({
					assessment_id: f.assessmentA,
					indicator_code: 'TC07.1',
					points: 0,
					reason: 'Sai số liệu',
					updated_by: f.reviewer,
					updated_at: new Date()
				})
				.execute()
		);
		const held = await provinceDashboard(t.db, reviewer, {}, TODAY);
		expect(held.criteria.find((c) => c.code === 'TC07')).toMatchObject({ zero: 2, max: 0 });
		expect(held.scoring.ms).toBeGreaterThanOrEqual(0);
		// B's TC13.1 answer rewritten lower, as a save writes it (revision + 1, updated now)
		const tc13 = (c: typeof held) => c.criteria.find((x) => x.code === 'TC13')!;
		const original = await t.db
			.selectFrom('assessment_answer')
			.select('answer')
			.where('assessment_id', '=', f.assessmentB)
			.where('indicator_code', '=', 'TC13.1')
			.executeTakeFirstOrThrow();
		await changeDossier(f.assessmentB, (trx) =>
			trx
				.updateTable('assessment_answer')
				.set((eb) => ({ answer: JSON.stringify({ percent: 10 }), revision: eb('revision', '+', 1), updated_at: new Date() }))
				.where('assessment_id', '=', f.assessmentB)
				.where('indicator_code', '=', 'TC13.1')
				.execute()
		);
		const lowered = await provinceDashboard(t.db, reviewer, {}, TODAY);
		expect(tc13(lowered).max).toBe(tc13(held).max - 1);
		// and back as it was, for the tests after this one
		await changeDossier(f.assessmentA, (trx) =>
			trx.deleteFrom('review_item').where('assessment_id', '=', f.assessmentA).where('indicator_code', '=', 'TC07.1').execute()
		);
		await changeDossier(f.assessmentB, (trx) =>
			trx
				.updateTable('assessment_answer')
				.set((eb) => ({ answer: JSON.stringify(original.answer), revision: eb('revision', '+', 1), updated_at: new Date() }))
				.where('assessment_id', '=', f.assessmentB)
				.where('indicator_code', '=', 'TC13.1')
				.execute()
		);
		const again = await provinceDashboard(t.db, reviewer, {}, TODAY);
		expect(again.criteria.map((c) => [c.code, c.zero, c.below, c.max])).toEqual(
			before.criteria.map((c) => [c.code, c.zero, c.below, c.max])
		);
	});

	it('lets an administrator choose among the provinces with assessments (the nation by default)', async () => {
		const admin = await actorOf(t, f.admin);
		const n = await provinceDashboard(t.db, admin, {}, TODAY);
		expect(n.national).toBe(true);
		expect(n.area).toBeNull();
		expect(n.provinces?.map((p) => p.code)).toEqual(['46']);
		const d = await provinceDashboard(t.db, admin, { provinceId: n.provinces![0].id }, TODAY);
		expect(d.national).toBe(false);
		expect(d.provinceRows).toBeNull();
		expect(d.area?.id).toBe(d.provinces![0].id);
		const dn = await t.db
			.selectFrom('admin_unit')
			.select('id')
			.where('code', '=', '48')
			.where('level', '=', 'province')
			.executeTakeFirstOrThrow();
		// a province without assessments is not offered: the nation is shown
		const other = await provinceDashboard(t.db, admin, { provinceId: dn.id }, TODAY);
		expect(other.national).toBe(true);
		expect(other.area).toBeNull();
	});

	it('shows an officer of another province none of these communes', async () => {
		const d = await provinceDashboard(t.db, await actorOf(t, outsideOfficer), { roundId: f.roundId }, TODAY);
		expect(d.round).toBeNull();
		expect(d.rounds).toEqual([]);
		expect(d.byState.every((s) => s.count === 0)).toBe(true);
		expect(d.criteria).toEqual([]);
		expect(d.scoring.communes).toBe(0);
		expect(d.provinces).toBeNull();
	});

	it('refuses roles without the dashboard', async () => {
		const d = await provinceDashboard(t.db, await actorOf(t, f.officerA), {}, TODAY);
		expect(d.round).toBeNull();
		expect(d.area).toBeNull();
	});

	it('shows the nation to administrators and the ministry: the same figures, one row per province, sortable', async () => {
		// a second round: Phú Xuân (Huế) and every commune of Đà Nẵng
		const set = await t.db.selectFrom('round').select('criteria_set_id').where('id', '=', f.roundId).executeTakeFirstOrThrow();
		const { roundId } = await openRound(
			t.db,
			'post2025',
			{
				name: 'Đợt toàn quốc',
				year: 2027,
				criteriaSetId: set.criteria_set_id,
				opensOn: '2027-01-01',
				closesOn: '2099-12-31',
				communeCodes: ['19753'],
				provinceCodes: ['48']
			},
			{ id: null, email: 'test' }
		);
		const ids = (await t.db.selectFrom('assessment').select('id').where('round_id', '=', roundId).orderBy('id').execute()).map((r) => r.id);
		expect(ids.length).toBeGreaterThan(10);
		await t.db.updateTable('assessment').set({ state: 'recognised' }).where('id', 'in', ids.slice(0, 4)).execute();
		await t.db.updateTable('assessment').set({ state: 'submitted' }).where('id', 'in', ids.slice(4, 7)).execute();

		// computed here: by the commune's own province in the unit table
		const rows = await t.db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.innerJoin('admin_unit as p', 'p.id', 'c.province_id')
			.select(['a.state', 'a.category', 'p.code'])
			.where('a.round_id', '=', roundId)
			.execute();
		const byProvince = new Map<string, { communes: number; submitted: number; recognised: number }>();
		for (const r of rows) {
			const n = byProvince.get(r.code) ?? { communes: 0, submitted: 0, recognised: 0 };
			n.communes++;
			if (r.state !== 'draft') n.submitted++;
			if (r.state === 'recognised') n.recognised++;
			byProvince.set(r.code, n);
		}
		expect([...byProvince.keys()].sort()).toEqual(['46', '48']);

		const bo = (await t.db.selectFrom('account').select('id').where('email', '=', 'bo@demo.vn').executeTakeFirstOrThrow()).id;
		for (const account of [f.admin, bo]) {
			const actor = await actorOf(t, account);
			const d = await provinceDashboard(t.db, actor, { roundId }, TODAY);
			expect(d.national, actor.email).toBe(true);
			expect(d.round?.id).toBe(roundId);
			expect(d.byState.reduce((n, s) => n + s.count, 0)).toBe(rows.length);
			expect(d.byState.find((s) => s.state === 'recognised')?.count).toBe(4);
			expect(d.shares[0]).toMatchObject({ communes: rows.length, recognised: 4 });
			for (const s of d.shares.slice(1)) expect(s.communes).toBe(rows.filter((r) => r.category === s.key).length);
			expect(d.criteria).toHaveLength(13);
			expect(d.scoring.communes).toBe(rows.length);
			expect(
				Object.fromEntries(d.provinceRows!.map((p) => [p.code, { communes: p.communes, submitted: p.submitted, recognised: p.recognised }]))
			).toEqual(Object.fromEntries(byProvince));
			for (const p of d.provinceRows!) {
				const mine = rows.filter((r) => r.code === p.code);
				for (const c of COMMUNE_CATEGORIES)
					expect(p.categories[c].communes, `${p.code} ${c}`).toBe(mine.filter((r) => r.category === c).length);
			}
			// the board's summary for the same round with the same (national) scope
			const board = await reviewQueue(t.db, actor, { roundId }, TODAY);
			expect(d.summary).toEqual(board.summary);
			// sorted on the server by any column
			expect(d.provinceRows!.map((p) => p.code)).toEqual(['46', '48']);
			const sorted = async (sort: string) =>
				(
					await provinceDashboard(t.db, actor, parseDashboardQuery(new URLSearchParams({ round: String(roundId), sort })), TODAY)
				).provinceRows!.map((p) => p.code);
			expect(await sorted('-communes')).toEqual(['48', '46']);
			expect(await sorted('communes')).toEqual(['46', '48']);
			expect(await sorted('-code')).toEqual(['48', '46']);
		}
		// a province officer still sees only its province in that round
		const own = await provinceDashboard(t.db, await actorOf(t, provinceOfficer), { roundId }, TODAY);
		expect(own.national).toBe(false);
		expect(own.provinceRows).toBeNull();
		expect(own.scoring.communes).toBe(byProvince.get('46')!.communes);
	});
});
