/**
 * A data directory for the review browser tests, prepared through the server modules before the
 * server starts: the demo province and accounts, a second commune's officer, a reviewer and an
 * approver and a province officer of another province (Đà Nẵng, 48), a round under the default criteria set (confirmed
 * by the administrator) for Phường Phú Xuân (A) and Phường Kim Long (B), both with complete
 * dossiers (one real PDF as evidence). A is submitted; B is appraised and, unless `b` says
 * 'appraised', recognised by decision 7/QĐ-UBND.
 */
import { withDataDir } from './db.ts';
import { completeDossier, COMMUNE_A, COMMUNE_B } from './fixtures.ts';
import { seedDemo, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { appraise, startReview } from '#lib/server/reviews/index.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { loadStorageSettings } from '#lib/server/config.ts';

export const OUTSIDE_REVIEWER = 'thamdinh.dn@demo.vn';
export const OUTSIDE_APPROVER = 'lanhdao.dn@demo.vn';
export const OFFICER_B = 'canbo.xa2@demo.vn';
export const OUTSIDE_PROVINCE_OFFICER = 'tinh.dn@demo.vn';

export type ReviewScenario = {
	roundId: number;
	assessmentA: number;
	assessmentB: number;
	decisionId: number | null;
	decisionItemId: number | null;
};

export async function prepareReviewScenario(dataDir: string, opts: { b?: 'appraised' | 'decided' } = {}): Promise<ReviewScenario> {
	return withDataDir(dataDir, async (t) => {
		await seedDemo(t.db, t.config, { withRound: false });
		const system = { id: null, email: 'scenario' };
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
		await createAccount(
			t.db,
			t.config,
			{ email: OFFICER_B, fullName: 'Võ Thị Lan', role: 'commune_officer', unitCode: COMMUNE_B, password: DEMO_PASSWORD },
			system
		);
		await createAccount(
			t.db,
			t.config,
			{ email: OUTSIDE_REVIEWER, fullName: 'Đặng Văn Nam', role: 'reviewer', unitCode: '48', password: DEMO_PASSWORD },
			system
		);
		await createAccount(
			t.db,
			t.config,
			{ email: OUTSIDE_APPROVER, fullName: 'Bùi Thị Mai', role: 'approver', unitCode: '48', password: DEMO_PASSWORD },
			system
		);
		await createAccount(
			t.db,
			t.config,
			{ email: OUTSIDE_PROVINCE_OFFICER, fullName: 'Lê Văn Hải', role: 'province_officer', unitCode: '48', password: DEMO_PASSWORD },
			system
		);
		const set = await t.db
			.selectFrom('criteria_set')
			.select('id')
			.where('code', '=', 'QD06-2019')
			.where('status', '=', 'active')
			.executeTakeFirstOrThrow();
		const year = new Date().getFullYear();
		const { roundId } = await openRound(
			t.db,
			'post2025',
			{
				name: `Đợt đánh giá năm ${year}`,
				year,
				criteriaSetId: set.id,
				opensOn: `${year - 1}-01-01`,
				closesOn: `${year + 1}-12-31`,
				communeCodes: [COMMUNE_A, COMMUNE_B]
			},
			system
		);
		const acct = async (email: string) => {
			const row = await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow();
			return (await loadActor(t.db, row.id))!;
		};
		const [officerA, chairA, officerB, reviewer, approver, admin] = await Promise.all(
			['canbo.xa@demo.vn', 'chutich.xa@demo.vn', OFFICER_B, 'thamdinh@demo.vn', 'lanhdao@demo.vn', 'quantri@demo.vn'].map(acct)
		);
		const byCode = Object.fromEntries(
			(
				await t.db
					.selectFrom('assessment as a')
					.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
					.select(['a.id', 'c.code'])
					.where('a.round_id', '=', roundId)
					.execute()
			).map((r) => [r.code, r.id])
		);
		const store = localFileStore(loadStorageSettings({}, dataDir).filesDir);
		await completeDossier(t, byCode[COMMUNE_A], officerA.id, store);
		await completeDossier(t, byCode[COMMUNE_B], officerB.id, store);
		await confirmCriteriaSet(t.db, set.id, admin, 'Đã đối chiếu (dữ liệu kiểm thử)');
		const version = async (id: number) => (await loadAssessment(t.db, id))!.stateVersion;
		await transition(t.db, chairA, byCode[COMMUNE_A], 'submit', await version(byCode[COMMUNE_A]));
		let decisionId: number | null = null;
		{
			const b = byCode[COMMUNE_B];
			await transition(t.db, { ...chairA, id: officerB.id, role: 'commune_chair' }, b, 'submit', await version(b));
			await startReview(t.db, reviewer, b, await version(b));
			await appraise(t.db, reviewer, b, await version(b), { recommendation: 'recognise', remarks: 'Đạt' });
			if (opts.b !== 'appraised')
				decisionId = await issueDecision(t.db, approver, {
					outcome: 'recognise',
					number: '7/QĐ-UBND',
					issuedOn: `${year}-01-15`,
					signerName: 'Phạm Quốc Việt',
					signerTitle: 'Chủ tịch',
					validFrom: `${year}-01-15`,
					validUntil: `${year + 3}-01-14`,
					assessments: [{ id: b, version: await version(b) }]
				});
		}
		const item = decisionId
			? await t.db.selectFrom('decision_item').select('id').where('decision_id', '=', decisionId).executeTakeFirstOrThrow()
			: null;
		return { roundId, assessmentA: byCode[COMMUNE_A], assessmentB: byCode[COMMUNE_B], decisionId, decisionItemId: item?.id ?? null };
	});
}
