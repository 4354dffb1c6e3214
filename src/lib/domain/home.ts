/**
 * "Việc cần làm": the next steps a signed-in person sees on the home page, computed from the real
 * state of what they are responsible for (their commune's dossiers, the dossiers waiting in their
 * area, the criteria sets an administrator must confirm), each with a link to where it is done.
 */
import type { Role } from './access.ts';
import type { AssessmentState } from './workflow.ts';
import { viDate } from './dates.ts';

export type HomeAssessment = {
	id: number;
	state: AssessmentState;
	roundName: string;
	/** The round's closing date (YYYY-MM-DD) and a later one the commune was given, if any. */
	closesOn: string;
	reopenedUntil: string | null;
	/** What still blocks submission (the stored count). */
	blockers: number;
};

export type HomeFacts = {
	role: Role;
	today: string;
	/** The commune's dossiers (commune roles). */
	assessments: HomeAssessment[];
	/** Dossiers in the area by state (reviewers, approvers, province officers, administrators). */
	inArea: Partial<Record<AssessmentState, number>>;
	/** Dossiers appraised and waiting for a decision the account may issue. */
	awaitingDecision: number;
	/** Active criteria sets whose unverified items no administrator has confirmed yet. */
	unconfirmedSets: { id: number; label: string }[];
};

export type HomeTask = { text: string; href: string | null; urgent: boolean };

export { viDate };

const plural = (n: number, what: string) => `${n.toLocaleString('vi-VN')} ${what}`;

export function homeTasks(f: HomeFacts): HomeTask[] {
	const tasks: HomeTask[] = [];
	const commune = f.role === 'commune_officer' || f.role === 'commune_chair';
	if (commune) {
		for (const a of f.assessments) {
			const href = `/assessments/${a.id}`;
			const deadline = a.reopenedUntil && a.reopenedUntil > a.closesOn ? a.reopenedUntil : a.closesOn;
			const late = deadline < f.today;
			const due = late ? ` Hạn nộp đã qua (${viDate(deadline)}).` : ` Hạn nộp: ${viDate(deadline)}.`;
			if (a.state === 'draft' || a.state === 'returned') {
				const returned = a.state === 'returned' ? 'Hồ sơ bị trả lại để bổ sung. ' : '';
				if (a.blockers > 0)
					tasks.push({
						text: `${returned}${a.roundName}: còn ${plural(a.blockers, 'mục')} phải hoàn thành trước khi gửi.${due}`,
						href,
						urgent: true
					});
				else if (f.role === 'commune_chair')
					tasks.push({ text: `${returned}${a.roundName}: hồ sơ đã đủ, hãy ký và gửi.${due}`, href, urgent: true });
				else
					tasks.push({
						text: `${returned}${a.roundName}: hồ sơ đã đủ, chờ Chủ tịch UBND xã ký và gửi.${due}`,
						href,
						urgent: false
					});
			} else if (a.state === 'submitted' || a.state === 'resubmitted' || a.state === 'under_review') {
				tasks.push({ text: `${a.roundName}: hồ sơ đã gửi, đang chờ thẩm định.`, href, urgent: false });
			} else if (a.state === 'appraised') {
				tasks.push({ text: `${a.roundName}: hồ sơ đã thẩm định, chờ quyết định công nhận.`, href, urgent: false });
			} else if (a.state === 'recognised') {
				tasks.push({ text: `${a.roundName}: xã đã được công nhận; xem quyết định và giấy chứng nhận.`, href, urgent: false });
			} else {
				tasks.push({ text: `${a.roundName}: xã chưa được công nhận; xem quyết định.`, href, urgent: false });
			}
		}
		if (f.assessments.length === 0) tasks.push({ text: 'Chưa có đợt đánh giá nào mở cho xã.', href: null, urgent: false });
	}
	const waiting = (f.inArea.submitted ?? 0) + (f.inArea.resubmitted ?? 0);
	if (f.role === 'reviewer') {
		if (waiting) tasks.push({ text: `${plural(waiting, 'hồ sơ')} đã gửi, chờ thẩm định.`, href: '/review', urgent: true });
		if (f.inArea.under_review)
			tasks.push({ text: `${plural(f.inArea.under_review, 'hồ sơ')} đang thẩm định.`, href: '/review', urgent: false });
		if (!waiting && !f.inArea.under_review) tasks.push({ text: 'Không có hồ sơ nào chờ thẩm định.', href: '/review', urgent: false });
	}
	if (f.role === 'approver') {
		if (f.awaitingDecision)
			tasks.push({ text: `${plural(f.awaitingDecision, 'hồ sơ')} đã thẩm định, chờ ra quyết định.`, href: '/decisions', urgent: true });
		else tasks.push({ text: 'Không có hồ sơ nào chờ ra quyết định.', href: '/decisions', urgent: false });
	}
	if (f.role === 'province_officer' || f.role === 'admin') {
		const open = (f.inArea.draft ?? 0) + (f.inArea.returned ?? 0);
		if (open) tasks.push({ text: `${plural(open, 'xã')} đang lập hoặc bổ sung hồ sơ.`, href: '/rounds', urgent: false });
		if (waiting) tasks.push({ text: `${plural(waiting, 'hồ sơ')} chờ thẩm định.`, href: '/rounds', urgent: false });
	}
	// the oversight roles (issue 13): where their area stands, on the dashboard
	if (f.role === 'province_officer' || f.role === 'ministry_officer') {
		const where = f.role === 'ministry_officer' ? 'toàn quốc' : 'của tỉnh';
		const recognised = f.inArea.recognised ?? 0;
		tasks.push({
			text: `Tổng hợp ${where}: ${plural(recognised, 'xã')} được công nhận, ${plural(waiting, 'hồ sơ')} chờ thẩm định. Xem tỷ lệ so với mục tiêu, các tiêu chí còn yếu và tải báo cáo.`,
			href: '/dashboard',
			urgent: false
		});
	}
	// a recognition can be decided only once the set's unverified items are confirmed
	for (const s of f.unconfirmedSets) {
		if (f.role === 'admin')
			tasks.push({
				text: `Bộ tiêu chí ${s.label} còn mục chưa được đối chiếu với văn bản gốc: hãy đối chiếu và xác nhận để lãnh đạo có thể ra quyết định công nhận.`,
				href: `/criteria/${s.id}`,
				urgent: true
			});
		else if (f.role === 'approver' || f.role === 'province_officer')
			tasks.push({
				text: `Bộ tiêu chí ${s.label} chưa được quản trị viên xác nhận: chưa thể ra quyết định công nhận cho đến khi quản trị viên xác nhận.`,
				href: null,
				urgent: true
			});
	}
	return tasks;
}
