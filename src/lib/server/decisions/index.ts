/**
 * Decisions (quyết định công nhận / không công nhận): an approver decides for one or many
 * appraised communes at once. The decision, each commune's item (with its validity period for a
 * recognition) and each workflow step are written in ONE transaction: all communes or none.
 * Issued records are immutable (database triggers); a revocation is a new record with a reason.
 */
import type { DB } from '../db/index.ts';
import { canOnUnit, type Actor, type RuleActor } from '../../domain/access.ts';
import { approverConflicts, type DecisionInput, type DecisionOutcome } from '../../domain/review.ts';
import { canIssueDecisions, UNVERIFIED_NOTICE } from '../../domain/criteria/verification.ts';
import { STATE_LABELS } from '../../domain/workflow.ts';
import { by, recordAudit } from '../audit/index.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { assessmentCriteriaSet, loadAssessment, placeOf } from '../dossier/index.ts';
import { criteriaSetById } from '../criteria/index.ts';
import { applyTransition } from '../assessments/workflow.ts';
import { notify, sendEmails, type Email } from '../notifications/index.ts';
import { communeScope } from '../units/read.ts';
import { reviewParticipants } from '../reviews/index.ts';
import { decisionWording, loadDocumentSettings } from '../settings/index.ts';
import { sql } from 'kysely';

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

/** Issues a decision; returns its id. Refusals are AppErrors with a Vietnamese message. */
export async function issueDecision(db: DB, actor: Actor, input: DecisionInput): Promise<number> {
	if (!actor.unit) throw new AppError('forbidden', 'Tài khoản chưa gắn với đơn vị ra quyết định.');
	const ids = input.assessments.map((x) => x.id);
	if (new Set(ids).size !== ids.length) throw invalid('Một xã được chọn hai lần.');
	const emails: Email[] = [];
	let decisionId: number;
	try {
		decisionId = await db.transaction().execute(async (trx) => {
			// Lock in id order so that two decisions over overlapping communes cannot deadlock.
			const sorted = [...input.assessments].sort((a, b) => a.id - b.id);
			await trx.selectFrom('assessment').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
			const infos = [];
			for (const { id } of sorted) {
				const a = await loadAssessment(trx, id);
				if (!a || !canOnUnit(actor, 'decision.issue', placeOf(a))) {
					throw notFound(`Không tìm thấy hồ sơ đánh giá số ${id} trong địa bàn của bạn.`);
				}
				if (a.state !== 'appraised')
					throw conflict(
						`${a.commune.name}: hồ sơ ở trạng thái "${STATE_LABELS[a.state]}", chưa có kết luận thẩm định nên chưa thể ra quyết định.`
					);
				infos.push(a);
			}
			const rounds = new Set(infos.map((a) => a.round.id));
			if (rounds.size > 1) throw invalid('Một quyết định chỉ gồm các xã của cùng một đợt đánh giá.');
			const conflicts = approverConflicts(actor.id, await reviewParticipants(trx, ids));
			if (conflicts.length) {
				const names = infos.filter((a) => conflicts.includes(a.id)).map((a) => a.commune.name);
				throw conflict(`Người ra quyết định không được là người đã thẩm định hồ sơ: ${names.join(', ')}.`);
			}
			if (input.outcome === 'recognise') {
				for (const a of infos) {
					const set = await assessmentCriteriaSet(trx, a);
					if (!canIssueDecisions(set, set.confirmation)) {
						throw conflict(
							`${a.commune.name}: bộ tiêu chí ${set.code}@${set.version} còn mục "${UNVERIFIED_NOTICE.toLowerCase()}" và chưa được quản trị viên xác nhận, nên chưa thể ra quyết định công nhận.`
						);
					}
				}
			}
			const d = await trx
				.insertInto('decision')
				.values({
					number: input.number,
					issuing_unit_id: actor.unit!.id,
					outcome: input.outcome,
					issued_on: input.issuedOn,
					signer_name: input.signerName,
					signer_title: input.signerTitle,
					round_id: infos[0].round.id,
					issued_by: actor.id
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			// the legal bases and the proposer in force now stay with the decision (a later change of
			// the settings shows in the next decision, never in this one)
			const wording = decisionWording(await loadDocumentSettings(trx));
			await sql`insert into decision_wording (decision_id, legal_bases, proposer)
				values (${d.id}, ${JSON.stringify(wording.legalBases)}::jsonb, ${wording.proposer})`.execute(trx);
			const versions = new Map(input.assessments.map((x) => [x.id, x.version]));
			for (const a of infos) {
				const outcome = await applyTransition(
					trx,
					actor,
					a.id,
					input.outcome === 'recognise' ? 'recognise' : 'refuse',
					versions.get(a.id)!,
					{
						details: { decisionId: d.id, decisionNumber: input.number, issuedOn: input.issuedOn },
						work: async (trx) => {
							const p = await trx.selectFrom('appraisal').select('reviewed_total').where('assessment_id', '=', a.id).executeTakeFirst();
							if (!p) throw conflict(`${a.commune.name}: chưa có báo cáo thẩm định.`);
							await trx
								.insertInto('decision_item')
								.values({
									decision_id: d.id,
									assessment_id: a.id,
									commune_id: a.commune.id,
									category: a.category,
									reviewed_total: p.reviewed_total,
									valid_from: input.outcome === 'recognise' ? input.validFrom : null,
									valid_until: input.outcome === 'recognise' ? input.validUntil : null
								})
								.execute();
						}
					}
				);
				emails.push(...outcome.emails);
			}
			await recordAudit(trx, {
				...by(actor),
				action: 'decision.issue',
				objectType: 'decision',
				objectId: d.id,
				unitId: actor.unit!.id,
				details: { ...input, assessments: infos.map((a) => ({ id: a.id, commune: a.commune.code })) }
			});
			return d.id;
		});
	} catch (e) {
		if (isUniqueViolation(e)) throw conflict(`Số quyết định ${input.number} đã được dùng trong năm ${input.issuedOn.slice(0, 4)}.`);
		throw e;
	}
	void sendEmails(emails);
	return decisionId;
}

export type DecisionItemView = {
	id: number;
	assessmentId: number;
	communeId: number;
	communeCode: string;
	communeName: string;
	category: string;
	reviewedTotal: number;
	validFrom: string | null;
	validUntil: string | null;
	revocation: { reason: string; revokedAt: Date; revokedBy: string } | null;
};

export type DecisionView = {
	id: number;
	number: string;
	outcome: DecisionOutcome;
	issuedOn: string;
	signerName: string;
	signerTitle: string;
	issuingUnit: string;
	roundName: string;
	issuedBy: string;
	createdAt: Date;
	items: DecisionItemView[];
};

/** Decisions covering at least one commune the actor may see ('decision.read'), newest first. */
export async function listDecisions(db: DB, actor: RuleActor, opts: { limit?: number } = {}) {
	const scope = communeScope(actor, 'decision.read');
	if (scope.kind === 'none') return [];
	let q = db
		.selectFrom('decision as d')
		.innerJoin('admin_unit as u', 'u.id', 'd.issuing_unit_id')
		.select(['d.id', 'd.number', 'd.outcome', 'd.issued_on', 'd.signer_name', 'u.name as issuing_unit'])
		.select((eb) =>
			eb.selectFrom('decision_item').select(eb.fn.countAll<string>().as('n')).whereRef('decision_id', '=', 'd.id').as('communes')
		);
	if (scope.kind === 'match') {
		q = q.where((eb) =>
			eb.exists(
				eb
					.selectFrom('decision_item as i')
					.innerJoin('admin_unit as c', 'c.id', 'i.commune_id')
					.select('i.id')
					.whereRef('i.decision_id', '=', 'd.id')
					.where(`c.${scope.column}`, '=', scope.value)
			)
		);
	}
	const rows = await q
		.orderBy('d.issued_on', 'desc')
		.orderBy('d.id', 'desc')
		.limit(opts.limit ?? 200)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		number: r.number,
		outcome: r.outcome,
		issuedOn: r.issued_on,
		signerName: r.signer_name,
		issuingUnit: r.issuing_unit,
		communes: Number(r.communes ?? 0)
	}));
}

/** One decision with the items the actor may see; undefined if none is in scope. */
export async function loadDecision(db: DB, actor: RuleActor, id: number): Promise<DecisionView | undefined> {
	const d = await db
		.selectFrom('decision as d')
		.innerJoin('admin_unit as u', 'u.id', 'd.issuing_unit_id')
		.innerJoin('round as r', 'r.id', 'd.round_id')
		.innerJoin('account as a', 'a.id', 'd.issued_by')
		.select([
			'd.id',
			'd.number',
			'd.outcome',
			'd.issued_on',
			'd.signer_name',
			'd.signer_title',
			'd.created_at',
			'u.name as issuing_unit',
			'r.name as round_name',
			'a.full_name as issued_by'
		])
		.where('d.id', '=', id)
		.executeTakeFirst();
	if (!d) return undefined;
	const rows = await db
		.selectFrom('decision_item as i')
		.innerJoin('admin_unit as c', 'c.id', 'i.commune_id')
		.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
		.leftJoin('account as rv', 'rv.id', 'v.revoked_by')
		.select([
			'i.id',
			'i.assessment_id',
			'i.commune_id',
			'c.code',
			'c.name',
			'c.district_id',
			'c.province_id',
			'i.category',
			'i.reviewed_total',
			'i.valid_from',
			'i.valid_until',
			'v.reason',
			'v.revoked_at',
			'rv.full_name as revoked_by'
		])
		.where('i.decision_id', '=', id)
		.orderBy('c.code')
		.execute();
	const visible = rows.filter((r) =>
		canOnUnit(actor, 'decision.read', { id: r.commune_id, districtId: r.district_id, provinceId: r.province_id })
	);
	if (visible.length === 0) return undefined;
	return {
		id: d.id,
		number: d.number,
		outcome: d.outcome,
		issuedOn: d.issued_on,
		signerName: d.signer_name,
		signerTitle: d.signer_title,
		issuingUnit: d.issuing_unit,
		roundName: d.round_name,
		issuedBy: d.issued_by,
		createdAt: d.created_at,
		items: visible.map((r) => ({
			id: r.id,
			assessmentId: r.assessment_id,
			communeId: r.commune_id,
			communeCode: r.code,
			communeName: r.name,
			category: r.category,
			reviewedTotal: r.reviewed_total,
			validFrom: r.valid_from,
			validUntil: r.valid_until,
			revocation: r.reason && r.revoked_at ? { reason: r.reason, revokedAt: r.revoked_at, revokedBy: r.revoked_by ?? '' } : null
		}))
	};
}

/** The decision item (recognition or refusal) of an assessment, if decided. */
export async function decisionOfAssessment(db: DB, assessmentId: number) {
	return db
		.selectFrom('decision_item as i')
		.innerJoin('decision as d', 'd.id', 'i.decision_id')
		.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
		.select([
			'd.id as decision_id',
			'd.number',
			'd.issued_on',
			'd.outcome',
			'd.signer_name',
			'd.signer_title',
			'i.id',
			'i.valid_from',
			'i.valid_until',
			'v.reason as revoked_reason',
			'v.revoked_at'
		])
		.where('i.assessment_id', '=', assessmentId)
		.executeTakeFirst();
}

/** Appraised assessments in the actor's area waiting for a decision, with their appraisal. */
export async function awaitingDecision(db: DB, actor: RuleActor & { id: number }) {
	const scope = communeScope(actor, 'decision.issue');
	if (scope.kind === 'none') return [];
	let q = db
		.selectFrom('assessment as a')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('appraisal as p', 'p.assessment_id', 'a.id')
		.select([
			'a.id',
			'a.state_version',
			'a.category',
			'c.code',
			'c.name',
			'r.id as round_id',
			'r.name as round_name',
			'p.recommendation',
			'p.self_total',
			'p.reviewed_total',
			'p.reviewed_verdict'
		])
		.where('a.state', '=', 'appraised');
	if (scope.kind === 'match') q = q.where(`c.${scope.column}`, '=', scope.value);
	const rows = await q.orderBy('r.id', 'desc').orderBy('c.code').limit(2000).execute();
	const reviewers = await reviewParticipants(
		db,
		rows.map((r) => r.id)
	);
	return rows.map((r) => ({
		id: r.id,
		version: r.state_version,
		category: r.category,
		communeCode: r.code,
		communeName: r.name,
		roundId: r.round_id,
		roundName: r.round_name,
		recommendation: r.recommendation,
		selfTotal: r.self_total,
		reviewedTotal: r.reviewed_total,
		reviewedVerdict: r.reviewed_verdict,
		/** The actor reviewed it and therefore may not decide it. */
		conflict: reviewers.get(r.id)?.has(actor.id) ?? false
	}));
}

/** Revokes one recognition (a new record; the decision itself stays as issued). */
export async function revokeRecognition(db: DB, actor: Actor, decisionItemId: number, reason: string): Promise<void> {
	const text = reason.normalize('NFC').trim();
	if (text.length < 5 || text.length > 2000) throw invalid('Lý do thu hồi từ 5 đến 2.000 ký tự.');
	const emails = await db.transaction().execute(async (trx) => {
		const item = await trx
			.selectFrom('decision_item as i')
			.innerJoin('decision as d', 'd.id', 'i.decision_id')
			.innerJoin('admin_unit as c', 'c.id', 'i.commune_id')
			.select(['i.id', 'i.assessment_id', 'd.outcome', 'd.number', 'c.id as commune_id', 'c.name', 'c.district_id', 'c.province_id'])
			.where('i.id', '=', decisionItemId)
			.forUpdate()
			.executeTakeFirst();
		const commune = item ? { id: item.commune_id, districtId: item.district_id, provinceId: item.province_id } : null;
		if (!item || !commune || !canOnUnit(actor, 'decision.revoke', commune)) throw notFound('Không tìm thấy quyết định công nhận này.');
		if (item.outcome !== 'recognise') throw conflict('Chỉ thu hồi được quyết định công nhận.');
		const done = await trx.selectFrom('revocation').select('id').where('decision_item_id', '=', item.id).executeTakeFirst();
		if (done) throw conflict(`Công nhận ${item.name} đã được thu hồi trước đó.`);
		const v = await trx
			.insertInto('revocation')
			.values({ decision_item_id: item.id, reason: text, revoked_by: actor.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			...by(actor),
			action: 'decision.revoke',
			objectType: 'decision_item',
			objectId: item.id,
			unitId: item.commune_id,
			details: { revocationId: v.id, decisionNumber: item.number, assessmentId: item.assessment_id, reason: text }
		});
		return notify(trx, {
			kind: 'revoked',
			actorId: actor.id,
			assessmentId: item.assessment_id,
			commune,
			message: `Công nhận ${item.name} theo Quyết định số ${item.number} đã bị thu hồi.`,
			link: `/assessments/${item.assessment_id}`
		});
	});
	void sendEmails(emails);
}

/** What a preview of the decision form covers: the chosen appraised communes of the actor's area, of one round. */
export async function previewDecisionItems(db: DB, actor: Actor, input: DecisionInput) {
	if (!actor.unit) throw new AppError('forbidden', 'Tài khoản chưa gắn với đơn vị ra quyết định.');
	const ids = input.assessments.map((a) => a.id);
	const rows = await db
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
	const mine = rows.filter(
		(r) =>
			r.state === 'appraised' &&
			canOnUnit(actor, 'decision.issue', { id: r.commune_id, districtId: r.district_id, provinceId: r.province_id })
	);
	if (mine.length !== ids.length) throw notFound('Có xã không thuộc địa bàn hoặc chưa có kết luận thẩm định.');
	if (new Set(mine.map((r) => r.round_id)).size > 1) throw invalid('Một quyết định chỉ gồm các xã của cùng một đợt đánh giá.');
	const recognise = input.outcome === 'recognise';
	return {
		issuingUnitId: actor.unit.id,
		roundName: mine[0].round_name,
		items: mine.map((r) => ({
			communeId: r.commune_id,
			category: r.category,
			total: r.reviewed_total,
			validFrom: recognise ? input.validFrom : null,
			validUntil: recognise ? input.validUntil : null
		}))
	};
}

/**
 * What the decision form knows before anything is typed: the signer of the issuing body's last
 * decision (prefilled), and whether a recognition can be decided at all for the round: not while
 * its criteria set has unverified items no administrator has confirmed (a refusal that would
 * otherwise come only after the whole form was filled).
 */
export async function decisionFormFacts(db: DB, actor: Actor, roundId: number | null) {
	const last = actor.unit
		? await db
				.selectFrom('decision')
				.select(['signer_name', 'signer_title'])
				.where('issuing_unit_id', '=', actor.unit.id)
				.orderBy('id', 'desc')
				.limit(1)
				.executeTakeFirst()
		: undefined;
	let unconfirmedSet: string | null = null;
	if (roundId !== null) {
		const round = await db.selectFrom('round').select('criteria_set_id').where('id', '=', roundId).executeTakeFirst();
		if (round) {
			const set = await criteriaSetById(db, round.criteria_set_id);
			if (!canIssueDecisions(set, set.confirmation)) unconfirmedSet = `${set.code}@${set.version}`;
		}
	}
	return { signerName: last?.signer_name ?? '', signerTitle: last?.signer_title ?? '', unconfirmedSet };
}
