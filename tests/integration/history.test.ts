/**
 * The trend across rounds and the communes' history (issue 13) on the scenario of
 * helpers/history-scenario.ts: two pre-2025 rounds (2022, 2024) of old communes of Huế merged in
 * 2025 into Phú Xuân, Kim Long and Vỹ Dạ, and the 2026 round of the new communes. The trend's
 * figures are compared with counts made here from the tables (the lineage walked in the test);
 * the history rows with the stored decisions. A commune officer of another commune, and an
 * officer of another province, are refused the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf } from '../helpers/fixtures.ts';
import { seedHistory } from '../helpers/history-scenario.ts';
import { communeHistory, recognisedTrend } from '#lib/server/dashboard/trend.ts';
import { provinceDashboard } from '#lib/server/dashboard/index.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

let t: TestDb;
let s: Awaited<ReturnType<typeof seedHistory>>;
let provinceOfficer: number;
let outsideOfficer: number;

const TODAY = '2026-06-10';

beforeAll(async () => {
	t = await freshDb();
	s = await seedHistory(t);
	await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
	await createAccount(
		t.db,
		t.config,
		{ email: 'tinh.dn@demo.vn', fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
		{ id: null, email: 'test' }
	);
	const id = async (email: string) =>
		(await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
	provinceOfficer = await id('tinh@demo.vn');
	outsideOfficer = await id('tinh.dn@demo.vn');
}, 180_000);
afterAll(async () => t?.drop());

/**
 * The figures counted here: the area's communes of each era (a post-2025 province's own
 * communes, and the old communes the lineage links to them), then each round's assessments of
 * the communes of its era, counted by state.
 */
async function expectedTrend(area: { id: number; era: 'pre2025' | 'post2025' } | null) {
	const units = await t.db.selectFrom('admin_unit').select(['id', 'era', 'province_id']).where('level', '=', 'commune').execute();
	const lineage = await t.db.selectFrom('unit_lineage').selectAll().execute();
	const own = new Set(units.filter((u) => area && u.era === area.era && u.province_id === area.id).map((u) => u.id));
	const other = new Set(
		lineage
			.filter((l) => own.has(area?.era === 'post2025' ? l.unit_id : l.old_unit_id))
			.map((l) => (area?.era === 'post2025' ? l.old_unit_id : l.unit_id))
	);
	const rounds = await t.db.selectFrom('round').select(['id', 'year', 'era']).orderBy('year').execute();
	const rows = await t.db.selectFrom('assessment').select(['round_id', 'commune_id', 'state']).execute();
	return rounds
		.map((r) => {
			const mine = rows.filter((a) => a.round_id === r.id && (area === null || (r.era === area.era ? own : other).has(a.commune_id)));
			const recognised = mine.filter((a) => a.state === 'recognised').length;
			return { roundId: r.id, era: r.era, assessed: mine.length, recognised };
		})
		.filter((r) => r.assessed > 0);
}

describe(`trend and history on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('gives the recognised share per round, oldest first, old communes mapped through the merger', async () => {
		const expected = await expectedTrend({ id: s.province, era: 'post2025' });
		// what the scenario was built to show, written out
		expect(expected).toEqual([
			{ roundId: s.round2022, era: 'pre2025', assessed: 1, recognised: 0 },
			{ roundId: s.round2024, era: 'pre2025', assessed: 5, recognised: 3 },
			{ roundId: s.roundId, era: 'post2025', assessed: 2, recognised: 1 }
		]);
		for (const account of [provinceOfficer, s.reviewer, s.approver]) {
			const actor = await actorOf(t, account);
			const trend = await recognisedTrend(t.db, actor);
			expect(trend.area?.id, actor.email).toBe(s.province);
			expect(trend.provinces).toBeNull();
			expect(trend.points.map((p) => ({ roundId: p.roundId, era: p.era, assessed: p.assessed, recognised: p.recognised }))).toEqual(
				expected
			);
			expect(trend.points.map((p) => p.percent)).toEqual([0, 60, 50]);
			expect(trend.points.map((p) => p.revoked)).toEqual([0, 1, 0]);
			expect(trend.points[1].targets.map((x) => [x.percent, x.reached])).toEqual([
				[65, false],
				[75, false]
			]);
			expect(trend.points[0].eraLabel).toMatch(/trước sắp xếp/);
		}
	});

	it('agrees with the province dashboard for the same round', async () => {
		const actor = await actorOf(t, provinceOfficer);
		const trend = await recognisedTrend(t.db, actor);
		const d = await provinceDashboard(t.db, actor, { roundId: s.roundId }, TODAY);
		const last = trend.points.at(-1)!;
		expect(d.round?.id).toBe(s.roundId);
		expect([last.assessed, last.recognised, last.percent]).toEqual([d.shares[0].communes, d.shares[0].recognised, d.shares[0].percent]);
	});

	it('lets an administrator see the nation, a chosen province, or an old province with later rounds mapped forward', async () => {
		const admin = await actorOf(t, s.admin);
		const nation = await recognisedTrend(t.db, admin);
		expect(nation.area).toBeNull();
		expect(nation.provinces?.length).toBeGreaterThan(0);
		expect(nation.points.map((p) => [p.assessed, p.recognised])).toEqual(
			(await expectedTrend(null)).map((p) => [p.assessed, p.recognised])
		);
		const chosen = await recognisedTrend(t.db, admin, { provinceId: s.province });
		expect(chosen.area?.id).toBe(s.province);
		expect(chosen.points.map((p) => [p.roundId, p.assessed, p.recognised])).toEqual(
			(await expectedTrend({ id: s.province, era: 'post2025' })).map((p) => [p.roundId, p.assessed, p.recognised])
		);
		// the pre-2025 province: its own old communes, and the 2026 round through the lineage
		const old = await recognisedTrend(t.db, admin, { provinceId: s.oldProvince });
		expect(old.area).toMatchObject({ id: s.oldProvince, era: 'pre2025' });
		const expectedOld = await expectedTrend({ id: s.oldProvince, era: 'pre2025' });
		expect(old.points.map((p) => [p.roundId, p.assessed, p.recognised])).toEqual(
			expectedOld.map((p) => [p.roundId, p.assessed, p.recognised])
		);
		expect(old.points.at(-1)).toMatchObject({ roundId: s.roundId, assessed: 2, recognised: 1 });
	});

	it('shows an officer of another province no round, and a commune officer nothing', async () => {
		const outside = await recognisedTrend(t.db, await actorOf(t, outsideOfficer));
		expect(outside.area?.id).not.toBe(s.province);
		expect(outside.points).toEqual([]);
		const commune = await recognisedTrend(t.db, await actorOf(t, s.officerA));
		expect(commune.area).toBeNull();
		expect(commune.points).toEqual([]);
	});

	it("gives a commune's own rounds and those of the communes merged into it, newest first", async () => {
		const h = await communeHistory(t.db, await actorOf(t, s.officerA), s.communeA, TODAY);
		expect(h.commune).toMatchObject({ id: s.communeA, name: 'Phường Phú Xuân', era: 'post2025' });
		expect(h.rounds).toHaveLength(1);
		expect(h.rounds[0]).toMatchObject({
			roundId: s.roundId,
			state: 'recognised',
			decision: { number: '20/QĐ-UBND', issuedOn: '2026-06-01' },
			validFrom: '2026-06-01',
			validUntil: '2029-05-31',
			status: 'current',
			statusLabel: 'Được công nhận (còn hiệu lực đến 31/05/2029)',
			revokedOn: null
		});
		const stored = await t.db
			.selectFrom('assessment')
			.select(['reviewed_total', 'reviewed_verdict'])
			.where('id', '=', s.assessmentA)
			.executeTakeFirstOrThrow();
		expect([h.rounds[0].total, h.rounds[0].verdict]).toEqual([stored.reviewed_total, stored.reviewed_verdict]);

		// the six old wards of the bundled list (full) and Hương Long (partial)
		const lineage = await t.db.selectFrom('unit_lineage').select(['old_unit_id', 'share']).where('unit_id', '=', s.communeA).execute();
		expect(h.predecessors.map((p) => p.id).sort()).toEqual(lineage.map((l) => l.old_unit_id).sort());
		const byId = new Map(h.predecessors.map((p) => [p.id, p]));
		const tayLoc = byId.get(s.old.tayLoc)!;
		expect(tayLoc).toMatchObject({ name: 'Phường Tây Lộc', share: 'full', shareLabel: 'sáp nhập toàn bộ' });
		expect(tayLoc.rounds.map((r) => [r.year, r.status, r.statusLabel, r.decision?.number ?? null])).toEqual([
			[2024, 'current', 'Được công nhận (còn hiệu lực đến 09/12/2027)', '15/QĐ-UBND'],
			[2022, 'not_recognised', 'Không được công nhận', null]
		]);
		expect(byId.get(s.old.giaHoi)!.rounds.map((r) => [r.statusLabel, r.decision?.number])).toEqual([
			['Không được công nhận', '16/QĐ-UBND']
		]);
		const huongLong = byId.get(s.old.huongLong)!;
		expect(huongLong).toMatchObject({ share: 'partial', shareLabel: 'sáp nhập một phần' });
		expect(huongLong.rounds.map((r) => [r.status, r.statusLabel, r.validUntil])).toEqual([['lapsed', 'Hết hiệu lực', '2025-12-31']]);
		// a ward merged into Phú Xuân that never took part
		expect(byId.get(h.predecessors.find((p) => ![s.old.tayLoc, s.old.giaHoi, s.old.huongLong].includes(p.id))!.id)!.rounds).toEqual([]);
		// nothing of the communes merged elsewhere
		expect(byId.has(s.old.kimLong)).toBe(false);
		expect(byId.has(s.old.vyDa)).toBe(false);
	});

	it('says revoked, and undecided rounds are being assessed', async () => {
		const h = await communeHistory(t.db, await actorOf(t, s.officerB), s.communeB, TODAY);
		expect(h.rounds.map((r) => [r.state, r.status, r.statusLabel])).toEqual([['appraised', 'in_progress', 'Đang đánh giá']]);
		const kimLong = h.predecessors.find((p) => p.id === s.old.kimLong)!;
		expect(kimLong.rounds.map((r) => [r.status, r.statusLabel, r.revokedOn])).toEqual([['revoked', 'Đã thu hồi', '2025-03-04']]);
		// Hương Long went fully into Kim Long too
		expect(h.predecessors.find((p) => p.id === s.old.huongLong)?.share).toBe('full');
		// the same recognition seen after its end: lapsed
		const later = await communeHistory(t.db, await actorOf(t, s.officerA), s.communeA, '2029-06-01');
		expect(later.rounds[0].statusLabel).toBe('Hết hiệu lực');
	});

	it('lets the province and administrators read it, and refuses a commune officer of another commune or another province', async () => {
		for (const account of [provinceOfficer, s.reviewer, s.admin]) {
			const h = await communeHistory(t.db, await actorOf(t, account), s.communeA, TODAY);
			expect(h.predecessors.length).toBeGreaterThan(0);
		}
		await expect(communeHistory(t.db, await actorOf(t, s.officerB), s.communeA, TODAY)).rejects.toMatchObject({ kind: 'not_found' });
		await expect(communeHistory(t.db, await actorOf(t, outsideOfficer), s.communeA, TODAY)).rejects.toMatchObject({ kind: 'not_found' });
		await expect(communeHistory(t.db, null, s.communeA, TODAY)).rejects.toMatchObject({ kind: 'unauthenticated' });
		// an old commune's own history (no predecessors), for an administrator
		const old = await communeHistory(t.db, await actorOf(t, s.admin), s.old.tayLoc, TODAY);
		expect(old.predecessors).toEqual([]);
		expect(old.rounds.map((r) => r.year)).toEqual([2024, 2022]);
	});
});
