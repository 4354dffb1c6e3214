/**
 * Workflow steps on one assessment. Each step is one transaction: it locks the row, checks the
 * transition table and the version the user saw (so of two people acting at once exactly one
 * succeeds), applies its own checks on the dossier, changes the state and writes the audit record
 * with a snapshot of the answers and the score.
 */
import { vnDate, viDate } from '../../domain/dates.ts';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { canSubmitOn, findTransition, STATE_LABELS, type TransitionName } from '../../domain/workflow.ts';
import { by, recordAudit } from '../audit/index.ts';
import { conflict, notFound } from '../errors.ts';
import { loadAssessment, loadDossier, type AssessmentInfo, type Dossier } from '../dossier/index.ts';
import { notify, sendEmails, type Email, type NotificationKind } from '../notifications/index.ts';
import { recordSubmission } from './submissions.ts';

export const today = () => vnDate();

/** Extra work a step does inside its transaction, after the checks and before the state
 * changes; what it returns is added to the audit record's details. */
export type StepWork = (trx: DB, dossier: Dossier) => Promise<Record<string, unknown> | void>;

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
	actor: Actor,
	assessmentId: number,
	name: TransitionName,
	expectedVersion: number,
	opts: { details?: Record<string, unknown>; work?: StepWork } = {}
): Promise<TransitionOutcome> {
	await trx.selectFrom('assessment').select('id').where('id', '=', assessmentId).forUpdate().executeTakeFirst();
	const a = await loadAssessment(trx, assessmentId);
	if (!a) throw notFound('Không tìm thấy hồ sơ đánh giá.');
	if (a.stateVersion !== expectedVersion) {
		throw conflict(
			`Hồ sơ vừa được người khác cập nhật (hiện ở trạng thái "${STATE_LABELS[a.state]}"). Hãy tải lại trang; dữ liệu của bạn không bị mất.`
		);
	}
	const t = findTransition(name, a.state, actor.role);
	if (!t) throw conflict(`Không thể thực hiện thao tác này khi hồ sơ ở trạng thái "${STATE_LABELS[a.state]}".`);
	const dossier = await loadDossier(trx, a);
	const submitting = name === 'submit' || name === 'resubmit';
	if (submitting) {
		if (!canSubmitOn(today(), { opens_on: a.round.opensOn, closes_on: a.round.closesOn }, a.reopenedUntil)) {
			throw conflict(
				`Đợt đánh giá không nhận hồ sơ vào hôm nay (từ ${viDate(a.round.opensOn)} đến ${viDate(a.reopenedUntil ?? a.round.closesOn)}).`
			);
		}
		if (dossier.blockers.length) throw conflict(`Hồ sơ chưa đầy đủ: còn ${dossier.blockers.length} mục.`, { blockers: dossier.blockers });
	}
	const extra = (await opts.work?.(trx, dossier)) ?? {};
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
	if (submitting) await recordSubmission(trx, dossier, actor.id);
	await recordAudit(trx, {
		...by(actor),
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
				criteriaSet: `${dossier.set.code}@${dossier.set.version}`,
				category: a.category,
				answers: Object.fromEntries(Object.entries(dossier.stored).map(([code, s]) => [code, s.value])),
				baseCounts: dossier.baseCounts.value ?? {},
				total: dossier.self.total,
				verdict: dossier.self.verdict,
				criteria: dossier.self.criteria.map((c) => ({ code: c.code, points: c.points }))
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
	actor: Actor,
	assessmentId: number,
	name: TransitionName,
	expectedVersion: number,
	opts: { details?: Record<string, unknown>; work?: StepWork } = {}
): Promise<AssessmentInfo> {
	const outcome = await db.transaction().execute((trx) => applyTransition(trx, actor, assessmentId, name, expectedVersion, opts));
	void sendEmails(outcome.emails);
	return outcome.assessment;
}
