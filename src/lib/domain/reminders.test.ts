import { describe, expect, it } from 'vitest';
import {
	addDays,
	daysFromTo,
	dueReminders,
	isRecognitionEnding,
	isReviewOverdue,
	reminderFor,
	roundClosingThreshold,
	submissionDeadline,
	type ReminderCandidate
} from './reminders.ts';
import { vnDate } from './dates.ts';

const closing = (over: Partial<Extract<ReminderCandidate, { kind: 'round_closing' }>> = {}): ReminderCandidate => ({
	kind: 'round_closing',
	assessmentId: 5,
	roundId: 2,
	roundName: 'Đợt 2026',
	communeName: 'Phường Phú Xuân',
	state: 'draft',
	closesOn: '2026-12-15',
	reopenedUntil: null,
	...over
});

describe('round closing thresholds', () => {
	it('is due from 14, 7 and 1 days before the deadline, the nearest one passed, and never after it', () => {
		const deadline = '2026-12-15';
		const at = (left: number) => roundClosingThreshold(addDays(deadline, -left), deadline);
		expect(at(15)).toBeNull();
		expect(at(14)).toBe(14);
		expect(at(8)).toBe(14);
		expect(at(7)).toBe(7);
		expect(at(2)).toBe(7);
		expect(at(1)).toBe(1);
		expect(at(0)).toBe(1);
		expect(at(-1)).toBeNull();
	});

	it('counts calendar days across months and years', () => {
		expect(daysFromTo('2026-12-25', '2027-01-08')).toBe(14);
		expect(daysFromTo('2028-02-28', '2028-03-01')).toBe(2); // leap year
		expect(roundClosingThreshold('2026-12-25', '2027-01-08')).toBe(14);
		expect(() => daysFromTo('25/12/2026', '2027-01-08')).toThrow();
	});

	it('uses the later of the closing day and the day the commune was reopened until', () => {
		expect(submissionDeadline('2026-12-15', null)).toBe('2026-12-15');
		expect(submissionDeadline('2026-12-15', '2026-12-30')).toBe('2026-12-30');
		expect(submissionDeadline('2026-12-15', '2026-12-01')).toBe('2026-12-15');
		// 8 days before the round closes, but reopened until the 30th: 23 days left, nothing due
		expect(reminderFor('2026-12-07', closing({ reopenedUntil: '2026-12-30' }), { slaDays: 20 })).toBeNull();
		expect(reminderFor('2026-12-07', closing(), { slaDays: 20 })?.key).toBe('round_closing:14:2:5');
	});

	it('reminds only dossiers that wait on the commune, with dd/mm/yyyy dates and a link to the dossier', () => {
		const r = reminderFor('2026-12-08', closing(), { slaDays: 20 })!;
		expect(r).toMatchObject({ kind: 'round_closing', key: 'round_closing:7:2:5', assessmentId: 5, roundId: 2, link: '/assessments/5' });
		expect(r.message).toBe('Nhắc hạn: Còn 7 ngày đến hạn cuối (15/12/2026) gửi hồ sơ tự đánh giá của Phường Phú Xuân (Đợt 2026).');
		expect(reminderFor('2026-12-15', closing(), { slaDays: 20 })!.message).toMatch(/^Nhắc hạn: Hôm nay \(15\/12\/2026\) là hạn cuối/);
		expect(reminderFor('2026-12-08', closing({ state: 'returned' }), { slaDays: 20 })!.message).toMatch(/gửi lại hồ sơ đã bổ sung/);
		for (const state of ['submitted', 'resubmitted', 'under_review', 'appraised', 'recognised', 'not_recognised'] as const) {
			expect(reminderFor('2026-12-08', closing({ state }), { slaDays: 20 })).toBeNull();
		}
	});
});

describe('overdue reviews and ending recognitions', () => {
	it('a review is overdue after more than the setting’s days, as the board counts', () => {
		expect(isReviewOverdue('2026-12-21', '2026-12-01', 20)).toBe(false);
		expect(isReviewOverdue('2026-12-22', '2026-12-01', 20)).toBe(true);
		const c: ReminderCandidate = {
			kind: 'review_overdue',
			assessmentId: 9,
			roundId: 2,
			roundName: 'Đợt 2026',
			communeName: 'Phường Kim Long',
			state: 'under_review',
			submittedOn: '2026-12-01'
		};
		expect(reminderFor('2026-12-21', c, { slaDays: 20 })).toBeNull();
		const r = reminderFor('2026-12-22', c, { slaDays: 20 })!;
		expect(r).toMatchObject({ kind: 'review_overdue', key: 'review_overdue:2026-12-01:9', link: '/review/9' });
		expect(r.message).toContain('gửi ngày 01/12/2026 đã chờ thẩm định 21 ngày, quá 20 ngày');
		expect(reminderFor('2026-12-22', { ...c, state: 'appraised' }, { slaDays: 20 })).toBeNull();
		// a later submission is reminded again (its own key)
		expect(reminderFor('2027-02-01', { ...c, state: 'resubmitted', submittedOn: '2027-01-05' }, { slaDays: 20 })!.key).toBe(
			'review_overdue:2027-01-05:9'
		);
	});

	it('a recognition is reminded within 90 days of its last valid day, not after it ended', () => {
		expect(isRecognitionEnding('2026-12-01', '2027-03-02')).toBe(false); // 91 days
		expect(isRecognitionEnding('2026-12-01', '2027-03-01')).toBe(true); // 90 days
		expect(isRecognitionEnding('2026-12-01', '2026-12-01')).toBe(true);
		expect(isRecognitionEnding('2026-12-02', '2026-12-01')).toBe(false);
		const c: ReminderCandidate = {
			kind: 'recognition_expiring',
			decisionItemId: 4,
			assessmentId: 9,
			roundId: 1,
			communeName: 'Phường Kim Long',
			validUntil: '2027-01-30'
		};
		const r = reminderFor('2026-12-01', c, { slaDays: 20 })!;
		expect(r.key).toBe('recognition_expiring:90:4');
		expect(r.message).toContain('hết hiệu lực ngày 30/01/2027 (còn 60 ngày)');
	});
});

describe('dueReminders', () => {
	it('one reminder per recipient, keyed by account, each key once', () => {
		const due = dueReminders('2026-12-08', [{ candidate: closing(), recipients: [11, 12, 11] }], { slaDays: 20 });
		expect(due.map((d) => d.key)).toEqual(['round_closing:7:2:5:11', 'round_closing:7:2:5:12']);
		expect(due.every((d) => d.assessmentId === 5 && d.roundId === 2)).toBe(true);
		expect(dueReminders('2026-11-01', [{ candidate: closing(), recipients: [11] }], { slaDays: 20 })).toEqual([]);
		expect(() => dueReminders('08/12/2026', [], { slaDays: 20 })).toThrow();
	});

	it('"today" is the calendar day in Vietnam (UTC+7)', () => {
		// 17:30 UTC on 30/11 is 00:30 on 01/12 in Vietnam: the 14-day reminder of a 15/12 deadline is due
		const today = vnDate(new Date('2026-11-30T17:30:00Z'));
		expect(today).toBe('2026-12-01');
		expect(roundClosingThreshold(today, '2026-12-15')).toBe(14);
		expect(roundClosingThreshold(vnDate(new Date('2026-11-30T16:59:00Z')), '2026-12-15')).toBeNull();
	});
});
