/**
 * A demo deployment in a test database: the demo province and accounts (REVIEW_LEVEL=province),
 * a round under the default criteria set for two communes of Thành phố Huế, and a second
 * commune officer so that cross-commune access can be tested.
 */
import type { TestDb } from './db.ts';
import { seedDemo, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';

export const COMMUNE_A = '19753'; // Phường Phú Xuân (demo accounts' commune)
export const COMMUNE_B = '19774'; // Phường Kim Long, another commune of Thành phố Huế

export async function seedRound(t: TestDb, opts: { opensOn?: string; closesOn?: string } = {}) {
	await seedDemo(t.db, t.config, { withRound: false });
	const other = await t.db.selectFrom('account').select('id').where('email', '=', 'canbo.xa2@demo.vn').executeTakeFirst();
	if (!other) {
		await createAccount(t.db, t.config, { email: 'canbo.xa2@demo.vn', fullName: 'Cán bộ xã B', role: 'commune_officer', unitCode: COMMUNE_B, password: DEMO_PASSWORD }, { id: null, label: 'fixture' });
	}
	const set = await t.db.selectFrom('criteria_set').select('id').where('code', '=', 'QD06-2019').where('status', '=', 'active').executeTakeFirstOrThrow();
	const today = new Date().toISOString().slice(0, 10);
	const { roundId } = await openRound(
		t.db,
		'post2025',
		{ name: 'Đợt đánh giá thử', year: 2026, criteriaSetId: set.id, opensOn: opts.opensOn ?? '2026-01-01', closesOn: opts.closesOn ?? (today > '2099-12-31' ? today : '2099-12-31'), communeCodes: [COMMUNE_A, COMMUNE_B] },
		{ id: null, label: 'fixture' }
	);
	const rows = await t.db
		.selectFrom('assessment as a')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select(['a.id', 'c.code'])
		.where('a.round_id', '=', roundId)
		.execute();
	const byCode = Object.fromEntries(rows.map((r) => [r.code, r.id]));
	const acct = async (email: string) => (await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
	return {
		roundId,
		assessmentA: byCode[COMMUNE_A] as number,
		assessmentB: byCode[COMMUNE_B] as number,
		officerA: await acct('canbo.xa@demo.vn'),
		chairA: await acct('chutich.xa@demo.vn'),
		officerB: await acct('canbo.xa2@demo.vn'),
		reviewer: await acct('thamdinh@demo.vn')
	};
}
