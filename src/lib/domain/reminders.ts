/**
 * Reminders (issue 13): which reminders are due on a day, to whom, with which idempotency key and
 * which Vietnamese text. Pure: the server module (src/lib/server/reminders) reads the candidates
 * and the recipients, and stores each reminder once under its key.
 *
 * - a round closing: 14, 7 and 1 days before the commune's deadline (the round's closing day, or
 *   the later day it was reopened until), to the commune's officer and chair while its dossier
 *   waits on the commune (draft, or returned for correction and not yet sent again). A pass that
 *   comes late sends only the nearest threshold passed (a scheduler down on day 14 and back on
 *   day 5 sends the 7-day reminder, not both);
 * - a review overdue: a dossier waiting on the reviewing level more than the board's setting
 *   (REVIEW_SLA_DAYS, counted as the board counts it), once per submission, to the reviewers and
 *   approvers of the area;
 * - a recognition ending: within 90 days of the end of its validity (the last day counts), to the
 *   commune's accounts and the province officers.
 *
 * Dates are calendar days in Vietnam ('YYYY-MM-DD', see dates.ts).
 */
import { viDate } from './dates.ts';
import type { AssessmentState } from './workflow.ts';

export const REMINDER_KINDS = ['round_closing', 'review_overdue', 'recognition_expiring'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const REMINDER_KIND_LABELS: Record<ReminderKind, string> = {
	round_closing: 'Sắp hết hạn gửi hồ sơ',
	review_overdue: 'Hồ sơ quá hạn thẩm định',
	recognition_expiring: 'Công nhận sắp hết hiệu lực'
};

/** Days before the deadline at which a commune is reminded (largest first). */
export const ROUND_CLOSING_THRESHOLDS = [14, 7, 1] as const;
export type RoundClosingThreshold = (typeof ROUND_CLOSING_THRESHOLDS)[number];

/** Days before the end of a recognition's validity from which it is reminded. */
export const RECOGNITION_NOTICE_DAYS = 90;

/** Dossiers that still wait on the commune: the submission deadline applies (as on the board). */
export const AWAITING_COMMUNE_STATES: readonly AssessmentState[] = ['draft', 'returned'];
/** Dossiers that wait on the reviewing level: the review setting applies (as on the board). */
export const AWAITING_REVIEW_STATES: readonly AssessmentState[] = ['submitted', 'resubmitted', 'under_review'];

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whole calendar days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysFromTo(from: string, to: string): number {
	if (!ISO_DAY.test(from) || !ISO_DAY.test(to)) throw new Error(`not a calendar day: ${from} / ${to}`);
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The day `days` after `day` ('YYYY-MM-DD'). */
export function addDays(day: string, days: number): string {
	return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The commune's deadline: the round's closing day, or the later day it was reopened until. */
export function submissionDeadline(closesOn: string, reopenedUntil: string | null): string {
	return reopenedUntil && reopenedUntil > closesOn ? reopenedUntil : closesOn;
}

/**
 * The round-closing threshold due on `today` for a deadline: the nearest threshold that the days
 * left have reached (1 on the last two days, 7 from 7 days before, 14 from 14 days before); null
 * before 14 days and after the deadline.
 */
export function roundClosingThreshold(today: string, deadline: string): RoundClosingThreshold | null {
	const left = daysFromTo(today, deadline);
	if (left < 0) return null;
	let due: RoundClosingThreshold | null = null;
	for (const t of ROUND_CLOSING_THRESHOLDS) if (left <= t) due = t;
	return due;
}

/** Whether a dossier submitted on `submittedOn` is overdue for review on `today` (more than `slaDays` days, as the board counts). */
export function isReviewOverdue(today: string, submittedOn: string, slaDays: number): boolean {
	return daysFromTo(submittedOn, today) > slaDays;
}

/** Whether a recognition valid until `validUntil` (inclusive) ends within the notice period. */
export function isRecognitionEnding(today: string, validUntil: string, noticeDays = RECOGNITION_NOTICE_DAYS): boolean {
	const left = daysFromTo(today, validUntil);
	return left >= 0 && left <= noticeDays;
}

/** What may call for a reminder, as the server reads it. */
export type ReminderCandidate =
	| {
			kind: 'round_closing';
			assessmentId: number;
			roundId: number;
			roundName: string;
			communeName: string;
			state: AssessmentState;
			closesOn: string;
			reopenedUntil: string | null;
	  }
	| {
			kind: 'review_overdue';
			assessmentId: number;
			roundId: number;
			roundName: string;
			communeName: string;
			state: AssessmentState;
			/** The calendar day (Vietnam) of the latest submission. */
			submittedOn: string;
	  }
	| {
			kind: 'recognition_expiring';
			decisionItemId: number;
			assessmentId: number;
			roundId: number;
			communeName: string;
			validUntil: string;
	  };

/** One reminder to store and send, for one account. */
export type DueReminder = {
	kind: ReminderKind;
	/** The idempotency key: a reminder with this key is sent once, ever. */
	key: string;
	accountId: number;
	assessmentId: number | null;
	roundId: number | null;
	message: string;
	link: string;
};

/** The reminder for one candidate on `today`, without its recipient; null when none is due. */
export function reminderFor(
	today: string,
	c: ReminderCandidate,
	opts: { slaDays: number; noticeDays?: number }
): Omit<DueReminder, 'accountId'> | null {
	switch (c.kind) {
		case 'round_closing': {
			if (!AWAITING_COMMUNE_STATES.includes(c.state)) return null;
			const deadline = submissionDeadline(c.closesOn, c.reopenedUntil);
			const threshold = roundClosingThreshold(today, deadline);
			if (threshold === null) return null;
			const left = daysFromTo(today, deadline);
			const when = left === 0 ? `Hôm nay (${viDate(deadline)}) là hạn cuối` : `Còn ${left} ngày đến hạn cuối (${viDate(deadline)})`;
			const what = c.state === 'returned' ? 'gửi lại hồ sơ đã bổ sung' : 'gửi hồ sơ tự đánh giá';
			return {
				kind: c.kind,
				key: `round_closing:${threshold}:${c.roundId}:${c.assessmentId}`,
				assessmentId: c.assessmentId,
				roundId: c.roundId,
				message: `Nhắc hạn: ${when} ${what} của ${c.communeName} (${c.roundName}).`,
				link: `/assessments/${c.assessmentId}`
			};
		}
		case 'review_overdue': {
			if (!AWAITING_REVIEW_STATES.includes(c.state) || !isReviewOverdue(today, c.submittedOn, opts.slaDays)) return null;
			const days = daysFromTo(c.submittedOn, today);
			return {
				kind: c.kind,
				key: `review_overdue:${c.submittedOn}:${c.assessmentId}`,
				assessmentId: c.assessmentId,
				roundId: c.roundId,
				message: `Nhắc việc: hồ sơ của ${c.communeName} (${c.roundName}) gửi ngày ${viDate(c.submittedOn)} đã chờ thẩm định ${days} ngày, quá ${opts.slaDays} ngày.`,
				link: `/review/${c.assessmentId}`
			};
		}
		case 'recognition_expiring': {
			const notice = opts.noticeDays ?? RECOGNITION_NOTICE_DAYS;
			if (!isRecognitionEnding(today, c.validUntil, notice)) return null;
			const left = daysFromTo(today, c.validUntil);
			return {
				kind: c.kind,
				key: `recognition_expiring:${notice}:${c.decisionItemId}`,
				assessmentId: c.assessmentId,
				roundId: c.roundId,
				message: `Nhắc hạn: công nhận ${c.communeName} đạt chuẩn xã, phường phù hợp với trẻ em hết hiệu lực ngày ${viDate(c.validUntil)} (còn ${left} ngày).`,
				link: `/assessments/${c.assessmentId}`
			};
		}
	}
}

/**
 * Every reminder due on `today`: one per candidate that calls for one and per recipient (each
 * recipient once), keyed `<candidate key>:<account id>`.
 */
export function dueReminders(
	today: string,
	candidates: { candidate: ReminderCandidate; recipients: number[] }[],
	opts: { slaDays: number; noticeDays?: number }
): DueReminder[] {
	if (!ISO_DAY.test(today)) throw new Error(`not a calendar day: ${today}`);
	const out: DueReminder[] = [];
	const seen = new Set<string>();
	for (const { candidate, recipients } of candidates) {
		const r = reminderFor(today, candidate, opts);
		if (!r) continue;
		for (const accountId of recipients) {
			const key = `${r.key}:${accountId}`;
			if (seen.has(key)) continue;
			seen.add(key);
			out.push({ ...r, key, accountId });
		}
	}
	return out;
}
