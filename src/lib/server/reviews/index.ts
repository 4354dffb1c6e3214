/**
 * Reviewing one assessment (issue 5): the reviewer's points and status per indicator beside the
 * commune's, the comment thread, the consolidated request for correction, and the appraisal.
 * Every change runs in one transaction with its audit record; workflow steps go through
 * `applyTransition`, so they are checked against the state machine and the version the user saw.
 * Whoever takes part in a review is recorded as a participant in the same transaction (the
 * approver of a decision must not be one of them).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { appraisalProblems, reviewItemProblems, type Recommendation, type ReviewItemInput } from '../../domain/review.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import { appendAuditRecords, by, recordAudit } from '../audit/index.ts';
import { AppError, conflict, invalid } from '../errors.ts';
import { ASSESSMENT_NOT_FOUND, authorizeUnit } from '../auth/guard.ts';
import {
	assessmentCriteriaSet,
	loadAssessment,
	loadDossier,
	placeOf,
	loadReviewItems,
	refreshFigures,
	type AssessmentInfo,
	type StoredReviewItem
} from '../dossier/index.ts';
import { applyTransition, transition } from '../assessments/workflow.ts';
import { sendEmails } from '../notifications/index.ts';
import type { AppraisedCriterion, CorrectionItem } from '../db/schema.ts';

/** Records that `accountId` took part in reviewing the assessment (inside the step's transaction). */
async function noteParticipant(trx: DB, assessmentId: number, accountId: number): Promise<void> {
	await trx
		.insertInto('review_participant')
		.values({ assessment_id: assessmentId, account_id: accountId })
		.onConflict((oc) => oc.columns(['assessment_id', 'account_id']).doUpdateSet({ last_at: sql<Date>`now()` }))
		.execute();
}

/** Accounts that took part in reviewing each assessment. */
export async function reviewParticipants(db: DB, assessmentIds: number[]): Promise<Map<number, Set<number>>> {
	const out = new Map<number, Set<number>>(assessmentIds.map((id) => [id, new Set<number>()]));
	if (assessmentIds.length === 0) return out;
	const rows = await db
		.selectFrom('review_participant')
		.select(['assessment_id', 'account_id'])
		.where('assessment_id', 'in', assessmentIds)
		.execute();
	for (const r of rows) out.get(r.assessment_id)?.add(r.account_id);
	return out;
}

const REVIEWING: readonly AssessmentState[] = ['under_review'];

/** Saves one indicator's review if its stored revision is still `input.revision` (0 = none yet). */
export async function saveReviewItem(db: DB, actor: Actor, a: AssessmentInfo, input: ReviewItemInput): Promise<StoredReviewItem> {
	return db.transaction().execute(async (trx) => {
		// FOR NO KEY UPDATE: the figures on the row are rewritten below (see answers' lockEditable)
		const row = await trx.selectFrom('assessment').select('state').where('id', '=', a.id).forNoKeyUpdate().executeTakeFirstOrThrow();
		if (!REVIEWING.includes(row.state))
			throw conflict('Chỉ chấm điểm thẩm định khi hồ sơ đang được thẩm định. Hãy bắt đầu thẩm định trước.');
		const dossier = await loadDossier(trx, a);
		const entry = criteriaIndex(dossier.set).entry(input.indicator);
		if (!entry) throw invalid(`Chỉ số ${input.indicator} không có trong bộ tiêu chí.`);
		const communePoints = dossier.self.criteria.flatMap((c) => c.indicators).find((i) => i.code === input.indicator)?.points ?? null;
		const problems = reviewItemProblems(input, entry.indicator, communePoints);
		if (Object.keys(problems).length) throw invalid(Object.values(problems).join(' '), problems);
		const values = {
			points: input.points,
			reason: input.reason || null,
			status: input.status,
			request: input.status === 'needs_supplement' ? input.request : input.request || null,
			updated_by: actor.id,
			updated_at: sql<Date>`now()`
		};
		const written =
			input.revision === 0
				? await trx
						.insertInto('review_item')
						.values({ assessment_id: a.id, indicator_code: input.indicator, revision: 1, ...values })
						.onConflict((oc) => oc.columns(['assessment_id', 'indicator_code']).doNothing())
						.returning('revision')
						.executeTakeFirst()
				: await trx
						.updateTable('review_item')
						.set({ ...values, revision: sql<number>`revision + 1` })
						.where('assessment_id', '=', a.id)
						.where('indicator_code', '=', input.indicator)
						.where('revision', '=', input.revision)
						.returning('revision')
						.executeTakeFirst();
		if (!written) {
			throw conflict(
				`Đánh giá chỉ số ${input.indicator} vừa được người khác lưu. Hãy tải lại trang để xem; nội dung bạn nhập chưa được lưu.`
			);
		}
		await noteParticipant(trx, a.id, actor.id);
		await refreshFigures(trx, a.id);
		await recordAudit(trx, {
			...by(actor),
			action: 'review.item_save',
			objectType: 'assessment',
			objectId: a.id,
			unitId: a.commune.id,
			details: {
				indicator: input.indicator,
				communePoints,
				points: input.points,
				reason: values.reason,
				status: input.status,
				request: values.request,
				revision: written.revision
			}
		});
		return (await loadReviewItems(trx, a.id)).get(input.indicator)!;
	});
}

// ---------------------------------------------------------------------------------------------
// Accepting several indicators at once (issue 16)
// ---------------------------------------------------------------------------------------------

/**
 * Whether an indicator has no decision of the reviewer yet, and so may be accepted in bulk: no
 * review item, or one left "pending" without points of the reviewer's. An item flagged "needs
 * supplement", accepted, or carrying the reviewer's own points is a decision and is never
 * touched by a bulk accept.
 */
export const isUndecided = (item: { status: string; points: number | null } | null | undefined): boolean =>
	!item || (item.status === 'pending' && item.points === null);

const INDICATOR_CODE = /^[A-Z]+[0-9]+\.[0-9]+$/;

/**
 * The bulk accept as the page posts it: `scope` is a criterion's code, or `all` for the whole
 * dossier; each `item` is `<indicator>:<revision>` for an indicator the reviewer saw undecided
 * (0 = no review item yet), exactly those the confirmation named.
 */
export const AcceptUndecidedInputSchema = z.object({
	scope: z.union([z.literal('all'), z.string().regex(/^[A-Z]+[0-9]+$/, 'Mã tiêu chí không hợp lệ.')], {
		error: 'Phạm vi chấp nhận không hợp lệ.'
	}),
	items: z
		.array(
			z
				.string()
				.regex(/^[A-Z]+[0-9]+\.[0-9]+:[0-9]{1,9}$/, 'Danh sách chỉ số không hợp lệ; hãy tải lại trang.')
				.transform((s) => {
					const [indicator, revision] = s.split(':');
					return { indicator, revision: Number(revision) };
				})
		)
		.min(1, 'Không còn chỉ số nào chưa xem xét để chấp nhận.')
		.max(1000, 'Danh sách chỉ số quá dài.')
		.refine((items) => new Set(items.map((i) => i.indicator)).size === items.length, 'Danh sách chỉ số bị trùng; hãy tải lại trang.')
});
export type AcceptUndecidedInput = { scope: string; items: { indicator: string; revision: number }[] };

/**
 * Accepts, in one transaction, every indicator the reviewer saw undecided in a criterion (or the
 * whole dossier): one review item per indicator, status "accepted" and points null (agrees with
 * the commune's score), as a single accept saves it. All or nothing: each indicator must still be
 * as the reviewer saw it (the revision given, still undecided; a new item for revision 0), else
 * nothing is written and the indicators that changed are named, so a decision saved meanwhile
 * (a flag, a score) is never overwritten. The stored figures are refreshed in the same
 * transaction, and the audit trail gets one `review.item_save` record per indicator (as a single
 * save writes, with `bulk` naming the scope and the count), so an indicator's history reads the
 * same whichever way it was accepted. Refused as "not found" for a reviewer outside the
 * commune's area. Returns the accepted codes in the set's order.
 */
export async function acceptUndecided(db: DB, actor: Actor, assessmentId: number, input: AcceptUndecidedInput): Promise<string[]> {
	const assessment = await loadAssessment(db, assessmentId);
	if (!assessment) throw new AppError('not_found', ASSESSMENT_NOT_FOUND);
	authorizeUnit(actor, 'review.perform', placeOf(assessment), ASSESSMENT_NOT_FOUND);
	if (input.items.length === 0) throw invalid('Không còn chỉ số nào chưa xem xét để chấp nhận.');
	if (input.items.some((i) => !INDICATOR_CODE.test(i.indicator) || !Number.isInteger(i.revision) || i.revision < 0))
		throw invalid('Danh sách chỉ số không hợp lệ; hãy tải lại trang.');
	if (new Set(input.items.map((i) => i.indicator)).size !== input.items.length)
		throw invalid('Danh sách chỉ số bị trùng; hãy tải lại trang.');
	return db.transaction().execute(async (trx) => {
		// FOR NO KEY UPDATE, as a single save: one save at a time per dossier, and the figures below
		const row = await trx
			.selectFrom('assessment')
			.select('state')
			.where('id', '=', assessmentId)
			.forNoKeyUpdate()
			.executeTakeFirstOrThrow();
		if (!REVIEWING.includes(row.state)) throw conflict('Chỉ chấp nhận chỉ số khi hồ sơ đang được thẩm định. Hãy bắt đầu thẩm định trước.');
		const dossier = await loadDossier(trx, assessment);
		const index = criteriaIndex(dossier.set);
		const scope = input.scope === 'all' ? null : input.scope;
		if (scope !== null && !index.criterion(scope)) throw invalid(`Tiêu chí ${scope} không có trong bộ tiêu chí.`);
		for (const { indicator } of input.items) {
			const entry = index.entry(indicator);
			if (!entry) throw invalid(`Chỉ số ${indicator} không có trong bộ tiêu chí.`);
			if (scope !== null && entry.criterion.code !== scope) throw invalid(`Chỉ số ${indicator} không thuộc tiêu chí ${scope}.`);
		}
		const fresh = input.items.filter((i) => i.revision === 0).map((i) => i.indicator);
		const pending = input.items.filter((i) => i.revision > 0);
		const written = new Map<string, number>();
		if (fresh.length) {
			const rows = await trx
				.insertInto('review_item')
				.values(
					fresh.map((code) => ({
						assessment_id: assessmentId,
						indicator_code: code,
						revision: 1,
						points: null,
						reason: null,
						status: 'accepted' as const,
						request: null,
						updated_by: actor.id,
						updated_at: sql<Date>`now()`
					}))
				)
				.onConflict((oc) => oc.columns(['assessment_id', 'indicator_code']).doNothing())
				.returning(['indicator_code', 'revision'])
				.execute();
			for (const r of rows) written.set(r.indicator_code, r.revision);
		}
		if (pending.length) {
			// only an item still at the revision the reviewer saw, and still undecided
			const rows = await sql<{ indicator_code: string; revision: number }>`
				update review_item r set status = 'accepted', points = null, updated_by = ${actor.id}, updated_at = now(), revision = r.revision + 1
				from (select unnest(${pending.map((p) => p.indicator)}::text[]) as code, unnest(${pending.map((p) => p.revision)}::int[]) as revision) v
				where r.assessment_id = ${assessmentId} and r.indicator_code = v.code and r.revision = v.revision
					and r.status = 'pending' and r.points is null
				returning r.indicator_code, r.revision`.execute(trx);
			for (const r of rows.rows) written.set(r.indicator_code, r.revision);
		}
		const missed = index.sortCodes(input.items.map((i) => i.indicator).filter((c) => !written.has(c)));
		if (missed.length) {
			// throwing rolls back what was written above: all or nothing
			throw conflict(
				`${missed.length === 1 ? 'Chỉ số' : 'Các chỉ số'} ${missed.join(', ')} vừa được người khác lưu nên chưa chấp nhận chỉ số nào. ` +
					'Hãy xem lại danh sách chỉ số chưa xem xét rồi chấp nhận lại.',
				{ changed: missed }
			);
		}
		await noteParticipant(trx, assessmentId, actor.id);
		await refreshFigures(trx, assessmentId);
		const accepted = index.sortCodes(written.keys());
		const communePoints = new Map(dossier.self.criteria.flatMap((c) => c.indicators).map((i) => [i.code, i.points]));
		// a pending item keeps its reason and request, as a single accept of the untouched form does
		const kept = (code: string) => (fresh.includes(code) ? undefined : dossier.reviewItems.get(code));
		const at = new Date();
		await appendAuditRecords(
			trx,
			accepted.map((code) => ({
				...by(actor),
				at,
				action: 'review.item_save',
				objectType: 'assessment',
				objectId: assessmentId,
				unitId: assessment.commune.id,
				details: {
					indicator: code,
					communePoints: communePoints.get(code) ?? null,
					points: null,
					reason: kept(code)?.reason ?? null,
					status: 'accepted',
					request: kept(code)?.request ?? null,
					revision: written.get(code)!,
					bulk: { scope: scope ?? 'all', count: accepted.length }
				}
			}))
		);
		return accepted;
	});
}

// ---------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------

/** States in which the commune and the reviewing level discuss items. */
export const DISCUSSION_STATES: readonly AssessmentState[] = ['submitted', 'under_review', 'returned', 'resubmitted'];

export type Comment = { id: number; indicatorCode: string; author: string; fromCommune: boolean; body: string; createdAt: Date };

export async function addComment(db: DB, actor: Actor, a: AssessmentInfo, input: { indicator: string; body: string }): Promise<number> {
	const set = await assessmentCriteriaSet(db, a);
	if (!criteriaIndex(set).has(input.indicator)) throw invalid(`Chỉ số ${input.indicator} không có trong bộ tiêu chí.`);
	const body = input.body.normalize('NFC').trim();
	if (body.length < 1 || body.length > 4000)
		throw invalid('Nội dung trao đổi từ 1 đến 4.000 ký tự.', { body: 'Nội dung trao đổi từ 1 đến 4.000 ký tự.' });
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('assessment').select('state').where('id', '=', a.id).forShare().executeTakeFirstOrThrow();
		if (!DISCUSSION_STATES.includes(row.state)) throw conflict('Chỉ trao đổi khi hồ sơ đã gửi và chưa có kết luận thẩm định.');
		const c = await trx
			.insertInto('review_comment')
			.values({ assessment_id: a.id, indicator_code: input.indicator, author_id: actor.id, body })
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			...by(actor),
			action: 'review.comment',
			objectType: 'assessment',
			objectId: a.id,
			unitId: a.commune.id,
			details: { indicator: input.indicator, commentId: c.id }
		});
		return c.id;
	});
}

/** A comment row (`created_at` a string when read through JSON). */
export type CommentRow = { id: number; indicator_code: string; full_name: string; role: string; body: string; created_at: Date | string };

export const toComment = (r: CommentRow): Comment => ({
	id: r.id,
	indicatorCode: r.indicator_code,
	author: r.full_name,
	fromCommune: r.role === 'commune_officer' || r.role === 'commune_chair',
	body: r.body,
	createdAt: new Date(r.created_at)
});

export async function loadComments(db: DB, assessmentId: number): Promise<Comment[]> {
	const rows = await db
		.selectFrom('review_comment as c')
		.innerJoin('account as u', 'u.id', 'c.author_id')
		.select(['c.id', 'c.indicator_code', 'u.full_name', 'u.role', 'c.body', 'c.created_at'])
		.where('c.assessment_id', '=', assessmentId)
		.orderBy('c.id')
		.execute();
	return rows.map(toComment);
}

// ---------------------------------------------------------------------------------------------
// Workflow steps of the reviewing level
// ---------------------------------------------------------------------------------------------

export async function startReview(db: DB, actor: Actor, assessmentId: number, version: number): Promise<AssessmentInfo> {
	return transition(db, actor, assessmentId, 'start_review', version, { work: (trx) => noteParticipant(trx, assessmentId, actor.id) });
}

export type CorrectionRequest = { id: number; createdAt: Date; createdBy: string; message: string; items: CorrectionItem[] };

/**
 * Returns the dossier for correction with one consolidated request listing every flagged
 * indicator and what to supplement. Refused while nothing is flagged.
 */
export async function returnForCorrection(
	db: DB,
	actor: Actor,
	assessmentId: number,
	version: number,
	message: string
): Promise<AssessmentInfo> {
	const text = message.normalize('NFC').trim();
	if (text.length > 5000) throw invalid('Lời nhắn tối đa 5.000 ký tự.', { message: 'Lời nhắn tối đa 5.000 ký tự.' });
	const outcome = await db.transaction().execute((trx) =>
		applyTransition(trx, actor, assessmentId, 'return', version, {
			work: async (trx, dossier) => {
				if (dossier.flagged.length === 0) {
					throw conflict('Chưa có chỉ số nào được đánh dấu "Cần bổ sung": hãy đánh dấu và ghi nội dung cần bổ sung trước khi trả hồ sơ.');
				}
				const index = criteriaIndex(dossier.set);
				const list: CorrectionItem[] = dossier.flagged.map((code) => ({
					indicatorCode: code,
					title: index.indicator(code)?.title ?? code,
					request: dossier.reviewItems.get(code)?.request ?? ''
				}));
				const r = await trx
					.insertInto('correction_request')
					.values({ assessment_id: dossier.assessment.id, created_by: actor.id, message: text, items: JSON.stringify(list) })
					.returning('id')
					.executeTakeFirstOrThrow();
				await noteParticipant(trx, assessmentId, actor.id);
				return { correctionRequestId: r.id, flagged: list.map((i) => i.indicatorCode), message: text };
			}
		})
	);
	void sendEmails(outcome.emails);
	return outcome.assessment;
}

export type CorrectionRequestRow = { id: number; created_at: Date | string; full_name: string; message: string; items: CorrectionItem[] };

export const toCorrectionRequest = (r: CorrectionRequestRow): CorrectionRequest => ({
	id: r.id,
	createdAt: new Date(r.created_at),
	createdBy: r.full_name,
	message: r.message,
	items: r.items
});

export async function latestCorrectionRequest(db: DB, assessmentId: number): Promise<CorrectionRequest | null> {
	const r = await db
		.selectFrom('correction_request as r')
		.innerJoin('account as u', 'u.id', 'r.created_by')
		.select(['r.id', 'r.created_at', 'u.full_name', 'r.message', 'r.items'])
		.where('r.assessment_id', '=', assessmentId)
		.orderBy('r.id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return r ? toCorrectionRequest(r) : null;
}

export type Appraisal = {
	id: number;
	reviewerId: number;
	reviewer: string;
	recommendation: Recommendation;
	selfTotal: number;
	reviewedTotal: number;
	reviewedVerdict: string;
	criteria: AppraisedCriterion[];
	remarks: string;
	createdAt: Date;
};

/**
 * Concludes the review: the appraisal record (per-criterion self and reviewed points, the
 * reviewed total and verdict, the recommendation and remarks) and the step to "appraised".
 */
export async function appraise(
	db: DB,
	actor: Actor,
	assessmentId: number,
	version: number,
	input: { recommendation: Recommendation; remarks: string }
): Promise<AssessmentInfo> {
	const outcome = await db.transaction().execute((trx) =>
		applyTransition(trx, actor, assessmentId, 'appraise', version, {
			work: async (trx, dossier) => {
				const items = [...dossier.reviewItems.values()];
				const problems = appraisalProblems(input, dossier.reviewed, items);
				if (problems.length) throw new AppError('conflict', problems.join(' '));
				const criteria: AppraisedCriterion[] = dossier.criteria.map((c) => ({
					code: c.code,
					title: c.title,
					maxPoints: c.maxPoints,
					selfPoints: c.selfPoints,
					reviewedPoints: c.reviewedPoints
				}));
				const row = await trx
					.insertInto('appraisal')
					.values({
						assessment_id: dossier.assessment.id,
						reviewer_id: actor.id,
						recommendation: input.recommendation,
						self_total: dossier.self.total,
						reviewed_total: dossier.reviewed.total,
						reviewed_verdict: dossier.reviewed.verdict,
						criteria: JSON.stringify(criteria),
						remarks: input.remarks
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				await noteParticipant(trx, assessmentId, actor.id);
				return {
					appraisalId: row.id,
					recommendation: input.recommendation,
					reviewedTotal: dossier.reviewed.total,
					reviewedVerdict: dossier.reviewed.verdict
				};
			}
		})
	);
	void sendEmails(outcome.emails);
	return outcome.assessment;
}

export type AppraisalRow = {
	id: number;
	reviewer_id: number;
	full_name: string;
	recommendation: Recommendation;
	self_total: number;
	reviewed_total: number;
	reviewed_verdict: string;
	criteria: AppraisedCriterion[];
	remarks: string;
	created_at: Date | string;
};

export const toAppraisal = (r: AppraisalRow): Appraisal => ({
	id: r.id,
	reviewerId: r.reviewer_id,
	reviewer: r.full_name,
	recommendation: r.recommendation,
	selfTotal: r.self_total,
	reviewedTotal: r.reviewed_total,
	reviewedVerdict: r.reviewed_verdict,
	criteria: r.criteria,
	remarks: r.remarks,
	createdAt: new Date(r.created_at)
});

export async function loadAppraisal(db: DB, assessmentId: number): Promise<Appraisal | null> {
	const r = await db
		.selectFrom('appraisal as p')
		.innerJoin('account as u', 'u.id', 'p.reviewer_id')
		.selectAll('p')
		.select('u.full_name')
		.where('p.assessment_id', '=', assessmentId)
		.executeTakeFirst();
	return r ? toAppraisal(r) : null;
}
