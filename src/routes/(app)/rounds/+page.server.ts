import { redirect } from '@sveltejs/kit';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { listRounds, openRound } from '#lib/server/rounds/index.ts';
import { activeCriteriaSets } from '#lib/server/criteria/index.ts';
import { can } from '#lib/domain/access.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'round.read');
		const manage = can(a.role, 'round.manage');
		const [rounds, sets] = await Promise.all([listRounds(db()), manage ? activeCriteriaSets(db()) : []]);
		return { rounds, manage, sets, provinceCode: a.role === 'province_officer' ? (a.unit?.code ?? '') : '' };
	});

const lines = (v: FormDataEntryValue | null) =>
	typeof v === 'string'
		? v
				.split(/[\s,;]+/)
				.map((s) => s.trim())
				.filter(Boolean)
		: [];

export const actions: Actions = {
	open: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'round.manage');
			const data = await readForm(event.request);
			const get = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string) : '');
			const values = {
				name: get('name'),
				year: get('year'),
				criteriaSetId: get('criteriaSetId'),
				opensOn: get('opensOn'),
				closesOn: get('closesOn'),
				communeCodes: get('communeCodes'),
				provinceCodes: get('provinceCodes')
			};
			let roundId: number;
			try {
				({ roundId } = await openRound(
					db(),
					eraForReviewLevel(appConfig().reviewLevel),
					{ ...values, communeCodes: lines(data?.get('communeCodes') ?? null), provinceCodes: lines(data?.get('provinceCodes') ?? null) },
					a
				));
			} catch (e) {
				return refusal(e, { values });
			}
			redirect(303, `/rounds/${roundId}`);
		})
};
