/**
 * Workflow steps on one assessment. Each step is one transaction: it locks the row, checks the
 * transition table and the version the user saw (so of two people acting at once exactly one
 * succeeds), applies its own checks, changes the state and writes the audit record with a
 * snapshot of the answers and the score.
 */
import { vnDate } from '../../domain/dates.ts';
import type { DB } from '../db/index.ts';
import type { Role } from '../../domain/access.ts';
import { canSubmitOn, findTransition, STATE_LABELS, type TransitionName } from '../../domain/workflow.ts';
import { dossierGaps, type MissingItem } from '../../domain/completeness.ts';
import { parseAnswers, score, type ScoreResult } from '../../domain/scoring/index.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { recordAudit } from '../audit/index.ts';
import { assessmentCriteriaSet, loadAnswers, loadAssessment, type AssessmentInfo } from './index.ts';
import { notify, sendEmails, type Email, type NotificationKind } from '../notifications/index.ts';
import { recordSubmission } from '../reviews/submissions.ts';

export class WorkflowError extends Error {
	status: number;
	missing: MissingItem[];
	constructor(status: number, message: string, missing: MissingItem[] = []) {
		super(message);
		this.status = status;
		this.missing = missing;
	}
}

export type DossierStatus = { set: CriteriaSet; result: ScoreResult; missing: MissingItem[]; answers: Record<string, unknown> };

/** Score and completeness of an assessment as stored now. */
export async function dossierStatus(db: DB, a: AssessmentInfo): Promise<DossierStatus> {
	const set = await assessmentCriteriaSet(db, a);
	const stored = await loadAnswers(db, a.id);
	const raw = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.answer]));
	// Stored answers were validated when saved; an answer that no longer fits the set (should
	// not happen: sets are frozen once used) is left out and shows as unanswered.
	const parsed = parseAnswers(set, raw);
	const answers = parsed.ok
		? parsed.value
		: Object.fromEntries(Object.entries(raw).filter(([k]) => set.criteria.some((c) => c.indicators.some((i) => i.code === k))));
	const result = score(set, a.category, answers as never);
	const evidence = await db
		.selectFrom('evidence as e')
		.leftJoin('evidence_link as l', 'l.evidence_id', 'e.id')
		.select(['e.id', 'e.kind', 'l.indicator_code'])
		.where('e.assessment_id', '=', a.id)
		.where('e.removed_at', 'is', null)
		.execute();
	const byId = new Map<number, { kind: (typeof evidence)[number]['kind']; indicatorCodes: string[] }>();
	for (const e of evidence) {
		const entry = byId.get(e.id) ?? { kind: e.kind, indicatorCodes: [] };
		if (e.indicator_code) entry.indicatorCodes.push(e.indicator_code);
		byId.set(e.id, entry);
	}
	return { set, result, answers: raw, missing: dossierGaps(set, answers as never, result, [...byId.values()]) };
}

export const today = () => vnDate();

/** Extra work a step does inside its transaction, after the checks and before the state
 * changes; what it returns is added to the audit record's details. */
export type StepWork = (trx: DB, a: AssessmentInfo, status: DossierStatus) => Promise<Record<string, unknown> | void>;

export type TransitionOutcome = { assessment: AssessmentInfo; emails: Email[] };

const NOTIFY: Partial<Record<TransitionName, NotificationKind>> = {
	submit: 'submitted',
	resubmit: 'resubmitted',
	return: 'returned',
	appraise: 'appraised',
	recognise: 'recognised',
	refuse: 'not_recognised'
};

function notificationMessage(kind: NotificationKind, a: AssessmentInfo): string {
	const n = a.commune.name;
	switch (kind) {
		case 'submitted':
			return `${n} đã gửi hồ sơ tự đánh giá (${a.round.name}).`;
		case 'resubmitted':
			return `${n} đã gửi lại hồ sơ sau khi bổ sung.`;
		case 'returned':
			return `Cấp thẩm định yêu cầu ${n} bổ sung hồ sơ.`;
		case 'appraised':
			return `Hồ sơ của ${n} đã được thẩm định xong.`;
		case 'recognised':
			return `${n} được công nhận đạt chuẩn phù hợp với trẻ em.`;
		case 'not_recognised':
			return `${n} không được công nhận trong ${a.round.name}.`;
		case 'revoked':
			return `Quyết định công nhận ${n} đã bị thu hồi.`;
	}
}

/**
 * One workflow step inside the caller's transaction: locks the assessment, checks the version
 * the user saw and the transition table, runs the step's own checks and `work`, changes the
 * state, records a submission snapshot (submit, resubmit), writes the audit record with a
 * snapshot of the answers and the score, and the in-app notifications.
 */
export async function applyTransition(
	trx: DB,
	actor: { id: number; role: Role; label: string },
	assessmentId: number,
	name: TransitionName,
	expectedVersion: number,
	opts: { details?: Record<string, unknown>; work?: StepWork } = {}
): Promise<TransitionOutcome> {
	await trx.selectFrom('assessment').select('id').where('id', '=', assessmentId).forUpdate().executeTakeFirst();
	const a = await loadAssessment(trx, assessmentId);
	if (!a) throw new WorkflowError(404, 'Không tìm thấy hồ sơ đánh giá.');
	if (a.stateVersion !== expectedVersion) {
		throw new WorkflowError(
			409,
			`Hồ sơ vừa được người khác cập nhật (hiện ở trạng thái "${STATE_LABELS[a.state]}"). Hãy tải lại trang; dữ liệu của bạn không bị mất.`
		);
	}
	const t = findTransition(name, a.state, actor.role);
	if (!t) throw new WorkflowError(409, `Không thể thực hiện thao tác này khi hồ sơ ở trạng thái "${STATE_LABELS[a.state]}".`);
	const status = await dossierStatus(trx, a);
	const submitting = name === 'submit' || name === 'resubmit';
	if (submitting) {
		if (!canSubmitOn(today(), { opens_on: a.round.opensOn, closes_on: a.round.closesOn }, a.reopenedUntil)) {
			throw new WorkflowError(
				409,
				`Đợt đánh giá không nhận hồ sơ vào hôm nay (từ ${a.round.opensOn} đến ${a.reopenedUntil ?? a.round.closesOn}).`
			);
		}
		if (status.missing.length) throw new WorkflowError(409, `Hồ sơ chưa đầy đủ: còn ${status.missing.length} mục.`, status.missing);
	}
	const extra = (await opts.work?.(trx, a, status)) ?? {};
	await trx
		.updateTable('assessment')
		.set({
			state: t.to,
			state_version: a.stateVersion + 1,
			updated_at: new Date(),
			...(submitting ? { submitted_at: new Date(), submitted_by: actor.id } : {})
		})
		.where('id', '=', a.id)
		.execute();
	if (submitting) await recordSubmission(trx, a, status, actor.id);
	await recordAudit(trx, {
		actorId: actor.id,
		actorLabel: actor.label,
		action: `assessment.${name}`,
		objectType: 'assessment',
		objectId: a.id,
		unitId: a.commune.id,
		details: {
			from: a.state,
			to: t.to,
			...opts.details,
			...extra,
			snapshot: {
				criteriaSet: `${status.set.code}@${status.set.version}`,
				category: a.category,
				answers: status.answers,
				baseCounts: a.baseCounts,
				total: status.result.total,
				verdict: status.result.verdict,
				criteria: status.result.criteria.map((c) => ({ code: c.code, points: c.points }))
			}
		}
	});
	const kind = NOTIFY[name];
	const emails = kind
		? await notify(trx, {
				kind,
				actorId: actor.id,
				assessmentId: a.id,
				commune: a.commune,
				message: notificationMessage(kind, a),
				link: kind === 'submitted' || kind === 'resubmitted' ? `/review/${a.id}` : `/assessments/${a.id}`
			})
		: [];
	return { assessment: { ...a, state: t.to, stateVersion: a.stateVersion + 1 }, emails };
}

/** One workflow step in its own transaction; emails go out after the commit. */
export async function transition(
	db: DB,
	actor: { id: number; role: Role; label: string },
	assessmentId: number,
	name: TransitionName,
	expectedVersion: number,
	opts: { details?: Record<string, unknown>; work?: StepWork } = {}
): Promise<AssessmentInfo> {
	const outcome = await db.transaction().execute((trx) => applyTransition(trx, actor, assessmentId, name, expectedVersion, opts));
	void sendEmails(outcome.emails);
	return outcome.assessment;
}
