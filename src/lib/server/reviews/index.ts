/**
 * Reviewing one assessment (issue 5): the reviewer's points and status per indicator beside the
 * commune's, the comment thread, the consolidated request for correction, and the appraisal.
 * Every change runs in one transaction with its audit record; workflow steps go through
 * `applyTransition`, so they are checked against the state machine and the version the user saw.
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Role } from '../../domain/access.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { score, type ScoreResult } from '../../domain/scoring/index.ts';
import {
	appraisalProblems,
	reviewItemProblems,
	reviewedPoints,
	type Recommendation,
	type ReviewItem,
	type ReviewItemInput
} from '../../domain/review.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import { recordAudit } from '../audit/index.ts';
import type { AssessmentInfo } from '../assessments/index.ts';
import { applyTransition, dossierStatus, transition, WorkflowError, type DossierStatus } from '../assessments/workflow.ts';
import { sendEmails } from '../notifications/index.ts';
import type { AppraisedCriterion, CorrectionItem } from '../db/schema.ts';
export { flaggedIndicators } from './flags.ts';

export type Actor = { id: number; role: Role; label: string };

export type StoredReviewItem = ReviewItem & { revision: number; updatedBy: string; updatedAt: Date };

export async function loadReviewItems(db: DB, assessmentId: number): Promise<Map<string, StoredReviewItem>> {
	const rows = await db
		.selectFrom('review_item as r')
		.innerJoin('account as u', 'u.id', 'r.updated_by')
		.select(['r.indicator_code', 'r.points', 'r.reason', 'r.status', 'r.request', 'r.revision', 'r.updated_at', 'u.full_name'])
		.where('r.assessment_id', '=', assessmentId)
		.execute();
	return new Map(
		rows.map((r) => [
			r.indicator_code,
			{
				indicatorCode: r.indicator_code,
				points: r.points,
				reason: r.reason,
				status: r.status,
				request: r.request,
				revision: r.revision,
				updatedAt: r.updated_at,
				updatedBy: r.full_name
			}
		])
	);
}

/** The reviewed score: the commune's answers with the reviewer's points where set (R10). */
export function reviewedScore(status: DossierStatus, category: AssessmentInfo['category'], items: Iterable<ReviewItem>): ScoreResult {
	const parsed = Object.fromEntries(
		status.result.criteria.flatMap((c) => c.indicators.filter((i) => i.answer !== null).map((i) => [i.code, i.answer]))
	);
	return score(status.set, category, parsed, reviewedPoints(items));
}

function indicatorOf(set: CriteriaSet, code: string) {
	for (const c of set.criteria) for (const i of c.indicators) if (i.code === code) return { criterion: c, indicator: i };
	return undefined;
}

export type ItemSaveOutcome =
	| { ok: true; item: StoredReviewItem }
	| { ok: false; status: 400; message: string; fieldErrors: Record<string, string> }
	| { ok: false; status: 409; message: string };

const REVIEWING: readonly AssessmentState[] = ['under_review'];

/** Saves one indicator's review if its stored revision is still `input.revision` (0 = none yet). */
export async function saveReviewItem(db: DB, actor: Actor, a: AssessmentInfo, input: ReviewItemInput): Promise<ItemSaveOutcome> {
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('assessment').select('state').where('id', '=', a.id).forShare().executeTakeFirstOrThrow();
		if (!REVIEWING.includes(row.state)) {
			return {
				ok: false,
				status: 409,
				message: 'Chỉ chấm điểm thẩm định khi hồ sơ đang được thẩm định. Hãy bắt đầu thẩm định trước.'
			} as const;
		}
		const status = await dossierStatus(trx, a);
		const found = indicatorOf(status.set, input.indicator);
		if (!found)
			return { ok: false, status: 400, message: `Chỉ số ${input.indicator} không có trong bộ tiêu chí.`, fieldErrors: {} } as const;
		const communePoints = status.result.criteria.flatMap((c) => c.indicators).find((i) => i.code === input.indicator)?.points ?? null;
		const problems = reviewItemProblems(input, found.indicator, communePoints);
		if (Object.keys(problems).length)
			return { ok: false, status: 400, message: Object.values(problems).join(' '), fieldErrors: problems } as const;
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
			return {
				ok: false,
				status: 409,
				message: `Đánh giá chỉ số ${input.indicator} vừa được người khác lưu. Hãy tải lại trang để xem; nội dung bạn nhập chưa được lưu.`
			} as const;
		}
		await recordAudit(trx, {
			actorId: actor.id,
			actorLabel: actor.label,
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
		const item = (await loadReviewItems(trx, a.id)).get(input.indicator)!;
		return { ok: true, item } as const;
	});
}

// ---------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------

/** States in which the commune and the reviewing level discuss items. */
export const DISCUSSION_STATES: readonly AssessmentState[] = ['submitted', 'under_review', 'returned', 'resubmitted'];

export type Comment = { id: number; indicatorCode: string; author: string; fromCommune: boolean; body: string; createdAt: Date };

export async function addComment(
	db: DB,
	actor: Actor,
	a: AssessmentInfo,
	set: CriteriaSet,
	input: { indicator: string; body: string }
): Promise<{ ok: true; id: number } | { ok: false; status: 400 | 409; message: string }> {
	if (!indicatorOf(set, input.indicator))
		return { ok: false, status: 400, message: `Chỉ số ${input.indicator} không có trong bộ tiêu chí.` };
	const body = input.body.normalize('NFC').trim();
	if (body.length < 1 || body.length > 4000) return { ok: false, status: 400, message: 'Nội dung trao đổi từ 1 đến 4.000 ký tự.' };
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('assessment').select('state').where('id', '=', a.id).forShare().executeTakeFirstOrThrow();
		if (!DISCUSSION_STATES.includes(row.state))
			return { ok: false, status: 409, message: 'Chỉ trao đổi khi hồ sơ đã gửi và chưa có kết luận thẩm định.' } as const;
		const c = await trx
			.insertInto('review_comment')
			.values({ assessment_id: a.id, indicator_code: input.indicator, author_id: actor.id, body })
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			actorId: actor.id,
			actorLabel: actor.label,
			action: 'review.comment',
			objectType: 'assessment',
			objectId: a.id,
			unitId: a.commune.id,
			details: { indicator: input.indicator, commentId: c.id }
		});
		return { ok: true, id: c.id } as const;
	});
}

export async function loadComments(db: DB, assessmentId: number): Promise<Comment[]> {
	const rows = await db
		.selectFrom('review_comment as c')
		.innerJoin('account as u', 'u.id', 'c.author_id')
		.select(['c.id', 'c.indicator_code', 'u.full_name', 'u.role', 'c.body', 'c.created_at'])
		.where('c.assessment_id', '=', assessmentId)
		.orderBy('c.id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		indicatorCode: r.indicator_code,
		author: r.full_name,
		fromCommune: r.role === 'commune_officer' || r.role === 'commune_chair',
		body: r.body,
		createdAt: r.created_at
	}));
}

// ---------------------------------------------------------------------------------------------
// Workflow steps of the reviewing level
// ---------------------------------------------------------------------------------------------

export async function startReview(db: DB, actor: Actor, assessmentId: number, version: number): Promise<AssessmentInfo> {
	return transition(db, actor, assessmentId, 'start_review', version);
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
	if (text.length > 5000) throw new WorkflowError(400, 'Lời nhắn tối đa 5.000 ký tự.');
	const outcome = await db.transaction().execute((trx) =>
		applyTransition(trx, actor, assessmentId, 'return', version, {
			work: async (trx, a, status) => {
				const items = [...(await loadReviewItems(trx, a.id)).values()].filter((i) => i.status === 'needs_supplement');
				if (items.length === 0)
					throw new WorkflowError(
						409,
						'Chưa có chỉ số nào được đánh dấu "Cần bổ sung": hãy đánh dấu và ghi nội dung cần bổ sung trước khi trả hồ sơ.'
					);
				const order = status.set.criteria.flatMap((c) => c.indicators.map((i) => ({ code: i.code, title: i.title })));
				const list: CorrectionItem[] = order
					.filter((o) => items.some((i) => i.indicatorCode === o.code))
					.map((o) => ({ indicatorCode: o.code, title: o.title, request: items.find((i) => i.indicatorCode === o.code)!.request ?? '' }));
				const r = await trx
					.insertInto('correction_request')
					.values({ assessment_id: a.id, created_by: actor.id, message: text, items: JSON.stringify(list) })
					.returning('id')
					.executeTakeFirstOrThrow();
				return { correctionRequestId: r.id, flagged: list.map((i) => i.indicatorCode), message: text };
			}
		})
	);
	void sendEmails(outcome.emails);
	return outcome.assessment;
}

export async function latestCorrectionRequest(db: DB, assessmentId: number): Promise<CorrectionRequest | null> {
	const r = await db
		.selectFrom('correction_request as r')
		.innerJoin('account as u', 'u.id', 'r.created_by')
		.select(['r.id', 'r.created_at', 'u.full_name', 'r.message', 'r.items'])
		.where('r.assessment_id', '=', assessmentId)
		.orderBy('r.id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return r ? { id: r.id, createdAt: r.created_at, createdBy: r.full_name, message: r.message, items: r.items } : null;
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
			work: async (trx, a, status) => {
				const items = [...(await loadReviewItems(trx, a.id)).values()];
				const reviewed = reviewedScore(status, a.category, items);
				const problems = appraisalProblems(input, reviewed, items);
				if (problems.length) throw new WorkflowError(409, problems.join(' '));
				const criteria: AppraisedCriterion[] = reviewed.criteria.map((c) => ({
					code: c.code,
					title: c.title,
					maxPoints: c.maxPoints,
					selfPoints: status.result.criteria.find((s) => s.code === c.code)?.points ?? 0,
					reviewedPoints: c.points
				}));
				const row = await trx
					.insertInto('appraisal')
					.values({
						assessment_id: a.id,
						reviewer_id: actor.id,
						recommendation: input.recommendation,
						self_total: status.result.total,
						reviewed_total: reviewed.total,
						reviewed_verdict: reviewed.verdict,
						criteria: JSON.stringify(criteria),
						remarks: input.remarks
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				return {
					appraisalId: row.id,
					recommendation: input.recommendation,
					reviewedTotal: reviewed.total,
					reviewedVerdict: reviewed.verdict
				};
			}
		})
	);
	void sendEmails(outcome.emails);
	return outcome.assessment;
}

export async function loadAppraisal(db: DB, assessmentId: number): Promise<Appraisal | null> {
	const r = await db
		.selectFrom('appraisal as p')
		.innerJoin('account as u', 'u.id', 'p.reviewer_id')
		.selectAll('p')
		.select('u.full_name')
		.where('p.assessment_id', '=', assessmentId)
		.executeTakeFirst();
	if (!r) return null;
	return {
		id: r.id,
		reviewerId: r.reviewer_id,
		reviewer: r.full_name,
		recommendation: r.recommendation,
		selfTotal: r.self_total,
		reviewedTotal: r.reviewed_total,
		reviewedVerdict: r.reviewed_verdict,
		criteria: r.criteria,
		remarks: r.remarks,
		createdAt: r.created_at
	};
}

/** Accounts that took part in reviewing each assessment (any review step in the audit trail). */
export async function reviewersOf(db: DB, assessmentIds: number[]): Promise<Map<number, Set<number>>> {
	const out = new Map<number, Set<number>>(assessmentIds.map((id) => [id, new Set<number>()]));
	if (assessmentIds.length === 0) return out;
	const rows = await db
		.selectFrom('audit_log')
		.select(['object_id', 'actor_id'])
		.where('object_type', '=', 'assessment')
		.where(
			'object_id',
			'in',
			assessmentIds.map((id) => String(id))
		)
		.where('action', 'in', ['assessment.start_review', 'assessment.return', 'assessment.appraise', 'review.item_save'])
		.where('actor_id', 'is not', null)
		.execute();
	for (const r of rows) out.get(Number(r.object_id))?.add(r.actor_id!);
	const appraisals = await db
		.selectFrom('appraisal')
		.select(['assessment_id', 'reviewer_id'])
		.where('assessment_id', 'in', assessmentIds)
		.execute();
	for (const p of appraisals) out.get(p.assessment_id)?.add(p.reviewer_id);
	return out;
}
