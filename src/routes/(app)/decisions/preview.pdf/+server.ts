import { error, json } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { parseDecisionForm } from '#lib/server/decisions/form.ts';
import { decisionData } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { canOnUnit } from '#lib/domain/access.ts';
import type { RequestHandler } from './$types';

// POST the decision form: the decision as it would be issued, watermarked "BẢN XEM TRƯỚC".
// Nothing is recorded.
export const POST: RequestHandler = async (event) => {
	const account = authorize(event, 'decision.issue');
	if (!account.unit) error(403, 'Tài khoản chưa gắn với đơn vị ra quyết định.');
	const form = parseDecisionForm(await event.request.formData().catch(() => null));
	if (!form.ok) return json({ message: form.message, fieldErrors: form.fieldErrors }, { status: 400 });
	const ids = form.input.assessments.map((a) => a.id);
	const rows = await db()
		.selectFrom('assessment as a')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('appraisal as p', 'p.assessment_id', 'a.id')
		.select([
			'a.id',
			'a.category',
			'a.state',
			'c.id as commune_id',
			'c.district_id',
			'c.province_id',
			'r.id as round_id',
			'r.name as round_name',
			'p.reviewed_total'
		])
		.where('a.id', 'in', ids)
		.execute();
	const actor = actorOf(account);
	const mine = rows.filter(
		(r) =>
			r.state === 'appraised' &&
			canOnUnit(actor, 'decision.issue', { id: r.commune_id, districtId: r.district_id, provinceId: r.province_id })
	);
	if (mine.length !== ids.length) return json({ message: 'Có xã không thuộc địa bàn hoặc chưa có kết luận thẩm định.' }, { status: 404 });
	if (new Set(mine.map((r) => r.round_id)).size > 1)
		return json({ message: 'Một quyết định chỉ gồm các xã của cùng một đợt đánh giá.' }, { status: 400 });
	const recognise = form.input.outcome === 'recognise';
	const pdf = await renderInPool(
		await decisionData(db(), {
			number: form.input.number,
			issuedOn: form.input.issuedOn,
			outcome: form.input.outcome,
			signerName: form.input.signerName,
			signerTitle: form.input.signerTitle,
			issuingUnitId: account.unit.id,
			roundName: mine[0].round_name,
			items: mine.map((r) => ({
				communeId: r.commune_id,
				category: r.category,
				total: r.reviewed_total,
				validFrom: recognise ? form.input.validFrom : null,
				validUntil: recognise ? form.input.validUntil : null
			})),
			preview: true
		})
	);
	return documentResponse(pdf, 'quyet-dinh-ban-xem-truoc.pdf', { inline: true });
};
