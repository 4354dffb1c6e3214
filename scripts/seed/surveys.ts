/**
 * Satisfaction survey campaigns (issue 15) on seeded data, for the load benchmark: opens one
 * campaign for each of `campaigns` communes whose dossier the commune can still edit (draft or
 * returned), as that commune's officer and through the module (validated, authorized, audited as
 * in the product), with the open link on, and issues single-use slips for the children's group.
 * Open from today (Asia/Ho_Chi_Minh) for 30 days.
 */
import type { DB } from '#lib/server/db/index.ts';
import { actorByEmail } from '#lib/server/accounts/index.ts';
import { issueSlips, MAX_SLIPS, openCampaign } from '#lib/server/surveys/index.ts';
import { vnDate } from '#lib/domain/dates.ts';
import { scaleEmail } from './scale.ts';

export type SeededCampaign = {
	id: number;
	assessmentId: number;
	communeCode: string;
	openToken: string;
	/** Single-use codes for the group `children`, not used yet. */
	slips: string[];
};

export async function seedSurveyCampaigns(
	db: DB,
	opts: { campaigns: number; slipsPerCampaign: number; excludeAssessments?: number[] }
): Promise<SeededCampaign[]> {
	const exclude = new Set(opts.excludeAssessments ?? []);
	const editable = (
		await db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.leftJoin('survey_campaign as s', 's.assessment_id', 'a.id')
			.select(['a.id', 'c.code'])
			.where('a.state', 'in', ['draft', 'returned'])
			.where('s.id', 'is', null)
			.orderBy('a.id')
			.execute()
	).filter((a) => !exclude.has(a.id));
	if (editable.length < opts.campaigns) throw new Error(`only ${editable.length} editable dossiers for ${opts.campaigns} survey campaigns`);
	// spread over the country (every k-th editable dossier), one campaign per commune
	const step = Math.max(1, Math.floor(editable.length / opts.campaigns));
	const picked = editable.filter((_, i) => i % step === 0).slice(0, opts.campaigns);
	const today = vnDate(new Date());
	const closes = vnDate(new Date(Date.now() + 30 * 86_400_000));
	const out: SeededCampaign[] = [];
	for (const a of picked) {
		const actor = await actorByEmail(db, scaleEmail.officer(a.code));
		if (!actor) throw new Error(`no officer account for commune ${a.code}`);
		const { id } = await openCampaign(db, actor, {
			assessmentId: a.id,
			opensOn: today,
			closesOn: closes,
			targetChildren: 300,
			targetResidents: 300,
			openLink: true
		});
		const slips: string[] = [];
		while (slips.length < opts.slipsPerCampaign) {
			const { codes } = await issueSlips(db, actor, id, {
				group: 'children',
				count: Math.min(MAX_SLIPS, opts.slipsPerCampaign - slips.length)
			});
			slips.push(...codes);
		}
		const row = await db.selectFrom('survey_campaign').select('open_token').where('id', '=', id).executeTakeFirstOrThrow();
		if (!row.open_token) throw new Error(`campaign ${id} has no open link`);
		out.push({ id, assessmentId: a.id, communeCode: a.code, openToken: row.open_token, slips });
	}
	return out;
}
