/**
 * A data directory for the survey browser test (issue 15), prepared through the server modules
 * before the server starts: the demo province and accounts, a round under the default criteria
 * set (confirmed) for Phường Phú Xuân, whose dossier is complete but still a draft (so that its
 * officer can run the survey, close it, and its chair submit the dossier).
 */
import { withDataDir } from './db.ts';
import { completeDossier, COMMUNE_A } from './fixtures.ts';
import { seedDemo } from '#lib/server/seed/demo.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { loadStorageSettings } from '#lib/server/config.ts';

export async function prepareSurveyScenario(dataDir: string): Promise<{ assessmentId: number }> {
	return withDataDir(dataDir, async (t) => {
		await seedDemo(t.db, t.config, { withRound: false });
		const system = { id: null, email: 'scenario' };
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
				communeCodes: [COMMUNE_A]
			},
			system
		);
		const acct = async (email: string) => {
			const row = await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow();
			return (await loadActor(t.db, row.id))!;
		};
		const [officer, admin] = await Promise.all(['canbo.xa@demo.vn', 'quantri@demo.vn'].map(acct));
		const a = await t.db.selectFrom('assessment').select('id').where('round_id', '=', roundId).executeTakeFirstOrThrow();
		const store = localFileStore(loadStorageSettings({}, dataDir).filesDir);
		await completeDossier(t, a.id, officer.id, store);
		await confirmCriteriaSet(t.db, set.id, admin, 'Đã đối chiếu (dữ liệu kiểm thử)');
		return { assessmentId: a.id };
	});
}
