import { describe, expect, it } from 'vitest';
import { homeTasks, viDate, type HomeFacts } from './home.ts';

const base: HomeFacts = {
	role: 'commune_officer',
	today: '2026-06-01',
	assessments: [],
	inArea: {},
	awaitingDecision: 0,
	unconfirmedSets: []
};
const draft = { id: 7, state: 'draft' as const, roundName: 'Đợt 2026', closesOn: '2026-06-30', reopenedUntil: null, blockers: 11 };

describe('home tasks from the real state', () => {
	it('tells the officer and the chair what still blocks the dossier, with its link and deadline', () => {
		const officer = homeTasks({ ...base, assessments: [draft] });
		expect(officer).toEqual([
			{ text: 'Đợt 2026: còn 11 mục phải hoàn thành trước khi gửi. Hạn nộp: 30/06/2026.', href: '/assessments/7', urgent: true }
		]);
		const chair = homeTasks({ ...base, role: 'commune_chair', assessments: [{ ...draft, blockers: 0 }] });
		expect(chair[0]).toMatchObject({ text: expect.stringContaining('hồ sơ đã đủ, hãy ký và gửi'), urgent: true });
		const officerDone = homeTasks({ ...base, assessments: [{ ...draft, blockers: 0 }] });
		expect(officerDone[0].text).toContain('chờ Chủ tịch UBND xã ký và gửi');
	});

	it('says a returned dossier was returned, and a passed deadline (or the later date the commune was given)', () => {
		const late = homeTasks({ ...base, today: '2026-07-05', assessments: [{ ...draft, state: 'returned' }] });
		expect(late[0].text).toBe(
			'Hồ sơ bị trả lại để bổ sung. Đợt 2026: còn 11 mục phải hoàn thành trước khi gửi. Hạn nộp đã qua (30/06/2026).'
		);
		const reopened = homeTasks({ ...base, today: '2026-07-05', assessments: [{ ...draft, reopenedUntil: '2026-07-20' }] });
		expect(reopened[0].text).toContain('Hạn nộp: 20/07/2026.');
	});

	it('counts what waits for reviewers and approvers in their area', () => {
		expect(homeTasks({ ...base, role: 'reviewer', inArea: { submitted: 2, resubmitted: 1, under_review: 4 } })).toEqual([
			{ text: '3 hồ sơ đã gửi, chờ thẩm định.', href: '/review', urgent: true },
			{ text: '4 hồ sơ đang thẩm định.', href: '/review', urgent: false }
		]);
		expect(homeTasks({ ...base, role: 'approver', awaitingDecision: 5 })[0]).toEqual({
			text: '5 hồ sơ đã thẩm định, chờ ra quyết định.',
			href: '/decisions',
			urgent: true
		});
	});

	it('asks the administrator to confirm a set, and tells the approver who can', () => {
		const sets = [{ id: 3, label: 'QD06-2019@1' }];
		expect(homeTasks({ ...base, role: 'admin', unconfirmedSets: sets })[0]).toMatchObject({ href: '/criteria/3', urgent: true });
		const approver = homeTasks({ ...base, role: 'approver', unconfirmedSets: sets });
		expect(approver.at(-1)!.text).toContain('chưa được quản trị viên xác nhận');
		expect(homeTasks({ ...base, role: 'reviewer', unconfirmedSets: sets }).some((t) => t.text.includes('QD06'))).toBe(false);
	});

	it('writes dates as dd/mm/yyyy', () => {
		expect(viDate('2026-01-09')).toBe('09/01/2026');
	});
	it('points the province and the ministry to where their area stands', () => {
		const inArea = { recognised: 1234, submitted: 5, resubmitted: 2, draft: 9 };
		const ministry = homeTasks({ ...base, role: 'ministry_officer', inArea });
		expect(ministry).toEqual([
			{
				text: 'Tổng hợp toàn quốc: 1.234 xã được công nhận, 7 hồ sơ chờ thẩm định. Xem tỷ lệ so với mục tiêu, các tiêu chí còn yếu và tải báo cáo.',
				href: '/dashboard',
				urgent: false
			}
		]);
		const province = homeTasks({ ...base, role: 'province_officer', inArea });
		expect(province.map((t) => t.href)).toEqual(['/rounds', '/rounds', '/dashboard']);
		expect(province[2].text).toMatch(/^Tổng hợp của tỉnh: 1\.234 xã được công nhận, 7 hồ sơ chờ thẩm định\./);
	});
});
