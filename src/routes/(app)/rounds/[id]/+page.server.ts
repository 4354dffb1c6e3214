import { error, fail } from '@sveltejs/kit';
import { z, ZodError } from 'zod';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { extendRound, reopenForCommune, RoundError } from '#lib/server/rounds/index.ts';
import { listAssessments, loadAssessment } from '#lib/server/assessments/index.ts';
import { can, canOnUnit } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const id = z.coerce.number().int().positive().max(2_147_483_647);

async function roundOf(raw: string) {
	const r = id.safeParse(raw);
	const round = r.success ? await db().selectFrom('round').selectAll().where('id', '=', r.data).executeTakeFirst() : undefined;
	if (!round) error(404, 'Không tìm thấy đợt đánh giá.');
	return round;
}

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'round.read');
	const round = await roundOf(event.params.id);
	// only the assessments this account may see
	const assessments = await listAssessments(db(), actorOf(account), { roundId: round.id, limit: 5000 });
	return { round, assessments, manage: can(account.role, 'round.manage') };
};

const fail400 = (e: unknown) => {
	if (e instanceof ZodError) return fail(400, { message: e.issues[0].message });
	if (e instanceof RoundError) return fail(400, { message: e.message });
	throw e;
};

export const actions: Actions = {
	extend: async (event) => {
		const account = authorize(event, 'round.manage');
		const round = await roundOf(event.params.id);
		const data = await event.request.formData().catch(() => null);
		try {
			await extendRound(db(), round.id, String(data?.get('closesOn') ?? ''), { id: account.id, label: account.email });
		} catch (e) {
			return fail400(e);
		}
		return { done: 'Đã gia hạn đợt đánh giá.' };
	},
	reopen: async (event) => {
		const account = authorize(event, 'round.manage');
		await roundOf(event.params.id);
		const data = await event.request.formData().catch(() => null);
		const aid = id.safeParse(data?.get('assessmentId'));
		const a = aid.success ? await loadAssessment(db(), aid.data) : undefined;
		if (
			!a ||
			!canOnUnit(actorOf(account), 'round.manage', { id: a.commune.id, districtId: a.commune.districtId, provinceId: a.commune.provinceId })
		) {
			return fail(404, { message: 'Không tìm thấy hồ sơ đánh giá.' });
		}
		try {
			await reopenForCommune(db(), a.id, String(data?.get('until') ?? ''), { id: account.id, label: account.email });
		} catch (e) {
			return fail400(e);
		}
		return { done: `Đã mở lại hạn nộp cho ${a.commune.name}.` };
	}
};
