/**
 * Rounds before and after the 2025 merger, for the trend and the communes' history (issue 13).
 * On top of `seedRound` (the 2026 round of Phú Xuân and Kim Long, post-2025 communes):
 * - a 2022 round (pre-2025 communes): old Tây Lộc, not recognised (state only, no decision);
 * - a 2024 round (pre-2025 communes) with decisions 15/QĐ-UBND (recognise) and 16/QĐ-UBND (refuse):
 *   Tây Lộc recognised, valid 10/12/2024–09/12/2027 (current in 2026), merged fully into Phú Xuân;
 *   Gia Hội not recognised, merged fully into Phú Xuân; old Kim Long recognised and then revoked,
 *   merged into the new Kim Long; Hương Long recognised, valid until 31/12/2025 (lapsed in 2026),
 *   merged into the new Kim Long and, as this scenario adds, partly into Phú Xuân; old Vỹ Dạ
 *   still a draft (merged into the new Vỹ Dạ, another commune of the province);
 * - in the 2026 round: Phú Xuân recognised by decision 20/QĐ-UBND (valid 01/06/2026–31/05/2029),
 *   Kim Long appraised.
 * Facts are written as the decision module stores them (rows), since the approver of a
 * post-2025 province may not decide for pre-2025 communes.
 */
import type { TestDb } from './db.ts';
import { seedRound, COMMUNE_A, COMMUNE_B } from './fixtures.ts';
import { openRound } from '#lib/server/rounds/index.ts';

export const OLD = { tayLoc: '19750', giaHoi: '19756', kimLong: '19774', huongLong: '19810', vyDa: '19777' } as const;

export async function seedHistory(t: TestDb) {
	const f = await seedRound(t);
	const set = await t.db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', 'QD06-2019')
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	const system = { id: null, email: 'fixture' } as const;
	const unit = async (era: 'pre2025' | 'post2025', code: string, level: 'commune' | 'province' = 'commune') =>
		(
			await t.db
				.selectFrom('admin_unit')
				.select('id')
				.where('era', '=', era)
				.where('code', '=', code)
				.where('level', '=', level)
				.executeTakeFirstOrThrow()
		).id;
	const old = {
		tayLoc: await unit('pre2025', OLD.tayLoc),
		giaHoi: await unit('pre2025', OLD.giaHoi),
		kimLong: await unit('pre2025', OLD.kimLong),
		huongLong: await unit('pre2025', OLD.huongLong),
		vyDa: await unit('pre2025', OLD.vyDa)
	};
	const communeA = await unit('post2025', COMMUNE_A);
	const communeB = await unit('post2025', COMMUNE_B);
	const oldProvince = await unit('pre2025', '46', 'province');
	const province = await unit('post2025', '46', 'province');
	// Hương Long: also partly into Phú Xuân (the bundled list has it fully in Kim Long)
	await t.db.insertInto('unit_lineage').values({ unit_id: communeA, old_unit_id: old.huongLong, share: 'partial' }).execute();

	const round2022 = (
		await openRound(
			t.db,
			'pre2025',
			{
				name: 'Đợt đánh giá năm 2022',
				year: 2022,
				criteriaSetId: set.id,
				opensOn: '2022-09-01',
				closesOn: '2022-11-30',
				communeCodes: [OLD.tayLoc]
			},
			system
		)
	).roundId;
	const round2024 = (
		await openRound(
			t.db,
			'pre2025',
			{
				name: 'Đợt đánh giá năm 2024',
				year: 2024,
				criteriaSetId: set.id,
				opensOn: '2024-09-01',
				closesOn: '2024-11-30',
				communeCodes: Object.values(OLD)
			},
			system
		)
	).roundId;
	const assessmentOf = async (roundId: number, communeId: number) =>
		(
			await t.db
				.selectFrom('assessment')
				.select('id')
				.where('round_id', '=', roundId)
				.where('commune_id', '=', communeId)
				.executeTakeFirstOrThrow()
		).id;
	const setState = (id: number, state: 'recognised' | 'not_recognised' | 'appraised') =>
		t.db.updateTable('assessment').set({ state }).where('id', '=', id).execute();

	await setState(await assessmentOf(round2022, old.tayLoc), 'not_recognised');

	const decision = async (number: string, roundId: number, outcome: 'recognise' | 'not_recognise', issuedOn: string, issuer: number) =>
		(
			await t.db
				.insertInto('decision')
				.values({
					number,
					issuing_unit_id: issuer,
					outcome,
					issued_on: issuedOn,
					signer_name: 'Nguyễn Văn Bình',
					signer_title: 'Chủ tịch',
					round_id: roundId,
					issued_by: f.approver
				})
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	const item = async (decisionId: number, assessmentId: number, communeId: number, validFrom: string | null, validUntil: string | null) =>
		(
			await t.db
				.insertInto('decision_item')
				.values({
					decision_id: decisionId,
					assessment_id: assessmentId,
					commune_id: communeId,
					category: 'standard',
					reviewed_total: 900,
					valid_from: validFrom,
					valid_until: validUntil
				})
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;

	const d15 = await decision('15/QĐ-UBND', round2024, 'recognise', '2024-12-10', oldProvince);
	const d16 = await decision('16/QĐ-UBND', round2024, 'not_recognise', '2024-12-10', oldProvince);
	const a = {
		tayLoc: await assessmentOf(round2024, old.tayLoc),
		giaHoi: await assessmentOf(round2024, old.giaHoi),
		kimLong: await assessmentOf(round2024, old.kimLong),
		huongLong: await assessmentOf(round2024, old.huongLong),
		vyDa: await assessmentOf(round2024, old.vyDa)
	};
	for (const id of [a.tayLoc, a.kimLong, a.huongLong]) await setState(id, 'recognised');
	await setState(a.giaHoi, 'not_recognised');
	await item(d15, a.tayLoc, old.tayLoc, '2024-12-10', '2027-12-09');
	const kimLongItem = await item(d15, a.kimLong, old.kimLong, '2024-12-10', '2027-12-09');
	await item(d15, a.huongLong, old.huongLong, '2024-12-10', '2025-12-31');
	await item(d16, a.giaHoi, old.giaHoi, null, null);
	await t.db
		.insertInto('revocation')
		.values({
			decision_item_id: kimLongItem,
			reason: 'Hồ sơ có số liệu không trung thực',
			revoked_by: f.approver,
			revoked_at: new Date('2025-03-04T03:00:00Z')
		})
		.execute();

	const d20 = await decision('20/QĐ-UBND', f.roundId, 'recognise', '2026-06-01', province);
	await setState(f.assessmentA, 'recognised');
	await setState(f.assessmentB, 'appraised');
	await item(d20, f.assessmentA, communeA, '2026-06-01', '2029-05-31');

	return { ...f, round2022, round2024, old, oldAssessments: a, communeA, communeB, oldProvince, province };
}
