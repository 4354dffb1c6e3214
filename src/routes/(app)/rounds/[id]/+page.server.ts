import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize, authorizeAssessment, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { authorizeRound, extendRound, reopenForCommune } from '#lib/server/rounds/index.ts';
import { listAssessments } from '#lib/server/assessments/index.ts';
import { findCriteriaSet } from '#lib/server/criteria/index.ts';
import { notFound } from '#lib/server/errors.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy đợt đánh giá.';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, round } = await authorizeRound(db(), actor, 'round.read', parseId(event.params.id, NOT_FOUND));
		// only the assessments this account may see
		const assessments = await listAssessments(db(), a, { roundId: round.id, limit: 5000 });
		const found = await findCriteriaSet(db(), round.criteria_set_id);
		const set = found ? { id: found.row.id, code: found.row.code, version: found.row.version } : null;
		return { round, set, assessments, manage: can(a.role, 'round.manage') };
	});

export const actions: Actions = {
	extend: (event) =>
		action(event, async (actor) => {
			const { actor: a, round } = await authorizeRound(db(), actor, 'round.manage', parseId(event.params.id, NOT_FOUND));
			const data = await readForm(event.request);
			await extendRound(db(), round.id, String(data?.get('closesOn') ?? ''), a);
			return { done: 'Đã gia hạn đợt đánh giá.' };
		}),
	reopen: (event) =>
		action(event, async (actor) => {
			authorize(actor, 'round.manage');
			const roundId = parseId(event.params.id, NOT_FOUND);
			const data = await readForm(event.request);
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'round.manage', String(data?.get('assessmentId') ?? ''));
			if (assessment.round.id !== roundId) throw notFound('Không tìm thấy hồ sơ đánh giá.');
			await reopenForCommune(db(), roundId, assessment.id, String(data?.get('until') ?? ''), a);
			return { done: `Đã mở lại hạn nộp cho ${assessment.commune.name}.` };
		})
};
