/**
 * Demo data: one real province (Thành phố Huế, GSO 46) with its districts and communes, from
 * both official lists, and one account per role. Idempotent: running it again changes nothing.
 */
import type { Role } from '../../domain/access.ts';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '../units/import.ts';
import { createAccount } from '../accounts/index.ts';
import { openRound } from '../rounds/index.ts';
import { eraForReviewLevel } from '../../domain/units.ts';

export const DEMO_PROVINCE = '46';
export const DEMO_PASSWORD = 'demo-TreEm-2026';

type DemoAccount = { email: string; fullName: string; role: Role; unit: { district: string | null; province: string | null } };

// Units: Phường Vỹ Dạ (19777) in Quận Thuận Hóa (474) before 07/2025; Phường Phú Xuân (19753)
// of Thành phố Huế (46) after.
export const DEMO_ACCOUNTS: DemoAccount[] = [
	{ email: 'canbo.xa@demo.vn', fullName: 'Nguyễn Thị Hoa', role: 'commune_officer', unit: { district: '19777', province: '19753' } },
	{ email: 'chutich.xa@demo.vn', fullName: 'Trần Văn Đức', role: 'commune_chair', unit: { district: '19777', province: '19753' } },
	{ email: 'thamdinh@demo.vn', fullName: 'Lê Thị Thu Hương', role: 'reviewer', unit: { district: '474', province: '46' } },
	{ email: 'lanhdao@demo.vn', fullName: 'Phạm Quốc Việt', role: 'approver', unit: { district: '474', province: '46' } },
	{ email: 'tinh@demo.vn', fullName: 'Hoàng Minh Tuấn', role: 'province_officer', unit: { district: '46', province: '46' } },
	{ email: 'bo@demo.vn', fullName: 'Vũ Thị Lan', role: 'ministry_officer', unit: { district: null, province: null } },
	{ email: 'quantri@demo.vn', fullName: 'Quản trị hệ thống', role: 'admin', unit: { district: null, province: null } }
];

export async function seedDemo(
	db: DB,
	cfg: Pick<Config, 'reviewLevel'>,
	opts: { withRound?: boolean } = {}
): Promise<{ created: string[] }> {
	const units = await db.selectFrom('admin_unit').select('id').where('code', '=', DEMO_PROVINCE).where('level', '=', 'province').execute();
	if (units.length < 2) {
		await importUnits(db, readUnitFile(BUNDLED_UNIT_FILES.pre2025), [DEMO_PROVINCE]);
		await importUnits(db, readUnitFile(BUNDLED_UNIT_FILES.post2025), [DEMO_PROVINCE]);
	}
	const created: string[] = [];
	for (const a of DEMO_ACCOUNTS) {
		const exists = await db.selectFrom('account').select('id').where('email', '=', a.email).executeTakeFirst();
		if (exists) continue;
		const unitCode = cfg.reviewLevel === 'district' ? a.unit.district : a.unit.province;
		await createAccount(
			db,
			cfg,
			{ email: a.email, fullName: a.fullName, role: a.role, unitCode, password: DEMO_PASSWORD },
			{ id: null, email: 'seed-demo' }
		);
		created.push(a.email);
	}
	// A round open for every commune of the demo province, so the demo accounts have work to do.
	const anyRound = await db.selectFrom('round').select('id').executeTakeFirst();
	const set = await db.selectFrom('criteria_set').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirst();
	if ((opts.withRound ?? true) && !anyRound && set) {
		const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		await openRound(
			db,
			eraForReviewLevel(cfg.reviewLevel),
			{
				name: `Đánh giá xã, phường phù hợp với trẻ em năm ${day(0).slice(0, 4)} (trình diễn)`,
				year: Number(day(0).slice(0, 4)),
				criteriaSetId: set.id,
				opensOn: day(-7),
				closesOn: day(60),
				provinceCodes: [DEMO_PROVINCE]
			},
			{ id: null, email: 'seed-demo' }
		);
	}
	return { created };
}
