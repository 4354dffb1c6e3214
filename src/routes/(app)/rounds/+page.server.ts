import { fail, redirect } from '@sveltejs/kit';
import { ZodError } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { openRound, RoundError } from '#lib/server/rounds/index.ts';
import { can } from '#lib/domain/access.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'round.read');
	const rounds = await db()
		.selectFrom('round as r')
		.innerJoin('criteria_set as s', 's.id', 'r.criteria_set_id')
		.select([
			'r.id',
			'r.name',
			'r.year',
			'r.opens_on',
			'r.closes_on',
			's.code as set_code',
			's.version as set_version',
			(eb) =>
				eb
					.selectFrom('assessment as a')
					.whereRef('a.round_id', '=', 'r.id')
					.select((e) => e.fn.countAll<number>().as('n'))
					.as('communes')
		])
		.orderBy('r.id', 'desc')
		.limit(100)
		.execute();
	const manage = can(account.role, 'round.manage');
	const sets = manage
		? await db().selectFrom('criteria_set').select(['id', 'code', 'version']).where('status', '=', 'active').execute()
		: [];
	return { rounds, manage, sets, provinceCode: account.role === 'province_officer' ? (account.unit?.code ?? '') : '' };
};

const lines = (v: FormDataEntryValue | null) =>
	typeof v === 'string'
		? v
				.split(/[\s,;]+/)
				.map((s) => s.trim())
				.filter(Boolean)
		: [];

export const actions: Actions = {
	open: async (event) => {
		const account = authorize(event, 'round.manage');
		const data = await event.request.formData().catch(() => null);
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
		const provinceOnly = account.role === 'province_officer' ? (account.unit?.id ?? -1) : null;
		let roundId: number;
		try {
			({ roundId } = await openRound(
				db(),
				eraForReviewLevel(appConfig().reviewLevel),
				{ ...values, communeCodes: lines(data?.get('communeCodes') ?? null), provinceCodes: lines(data?.get('provinceCodes') ?? null) },
				{ id: account.id, label: account.email },
				provinceOnly
			));
		} catch (e) {
			if (e instanceof ZodError) return fail(400, { message: e.issues[0].message, values });
			if (e instanceof RoundError) return fail(400, { message: e.message, values });
			throw e;
		}
		redirect(303, `/rounds/${roundId}`);
	}
};
