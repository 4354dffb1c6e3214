import { fail, redirect } from '@sveltejs/kit';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { awaitingDecision, issueDecision, listDecisions } from '#lib/server/decisions/index.ts';
import { today, WorkflowError } from '#lib/server/assessments/workflow.ts';
import { can } from '#lib/domain/access.ts';
import { DecisionInputSchema } from '#lib/domain/review.ts';
import type { Actions, PageServerLoad } from './$types';

const MAX_ID = 2_147_483_647;

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'decision.read');
	const actor = actorOf(account);
	const decisions = await listDecisions(db(), actor);
	const canIssue = can(account.role, 'decision.issue');
	const awaiting = canIssue ? await awaitingDecision(db(), actor) : [];
	// A decision covers the communes of one round only: the form shows one round at a time.
	const rounds: { id: number; name: string; count: number }[] = [];
	for (const a of awaiting) {
		const r = rounds.find((x) => x.id === a.roundId);
		if (r) r.count++;
		else rounds.push({ id: a.roundId, name: a.roundName, count: 1 });
	}
	const wanted = Number(event.url.searchParams.get('round'));
	const round = rounds.find((r) => r.id === wanted) ?? rounds[0] ?? null;
	return {
		decisions,
		canIssue,
		rounds,
		round: round ? { id: round.id, name: round.name } : null,
		awaiting: round ? awaiting.filter((a) => a.roundId === round.id) : [],
		today: today()
	};
};

type Values = { outcome: string; number: string; issuedOn: string; signerName: string; signerTitle: string; validFrom: string; validUntil: string; selected: string[] };

const FIELD_FALLBACK: Record<string, string> = {
	outcome: 'Chọn loại quyết định.',
	number: 'Số quyết định dạng "123/QĐ-UBND".',
	issuedOn: 'Ngày ban hành không hợp lệ.',
	signerName: 'Nhập họ tên người ký.',
	signerTitle: 'Nhập chức vụ người ký.',
	validFrom: 'Ngày bắt đầu hiệu lực không hợp lệ.',
	validUntil: 'Ngày hết hiệu lực không hợp lệ.',
	assessments: 'Chọn ít nhất một xã.'
};

export const actions: Actions = {
	issue: async (event) => {
		const account = authorize(event, 'decision.issue');
		const data = await event.request.formData().catch(() => null);
		const get = (k: string) => {
			const v = data?.get(k);
			return typeof v === 'string' ? v : '';
		};
		const values: Values = {
			outcome: get('outcome'),
			number: get('number'),
			issuedOn: get('issuedOn'),
			signerName: get('signerName'),
			signerTitle: get('signerTitle'),
			validFrom: get('validFrom'),
			validUntil: get('validUntil'),
			selected: (data?.getAll('assessment') ?? []).filter((v): v is string => typeof v === 'string').slice(0, 2001)
		};
		if (!data) return fail(400, { message: 'Dữ liệu gửi lên không hợp lệ.', values, fieldErrors: {} as Record<string, string> });

		const assessments: { id: number; version: number }[] = [];
		for (const s of values.selected) {
			const m = /^(\d{1,10}):(\d{1,10})$/.exec(s);
			if (!m || Number(m[1]) < 1 || Number(m[1]) > MAX_ID || Number(m[2]) > MAX_ID) {
				return fail(400, { message: 'Danh sách xã được chọn không hợp lệ. Hãy tải lại trang và chọn lại.', values, fieldErrors: {} as Record<string, string> });
			}
			assessments.push({ id: Number(m[1]), version: Number(m[2]) });
		}
		const recognise = values.outcome === 'recognise';
		const parsed = DecisionInputSchema.safeParse({
			...values,
			// the validity period only belongs to a recognition
			validFrom: recognise ? values.validFrom : '',
			validUntil: recognise ? values.validUntil : '',
			assessments
		});
		if (!parsed.success) {
			const fieldErrors: Record<string, string> = {};
			for (const issue of parsed.error.issues) {
				const key = String(issue.path[0] ?? '');
				if (!key || fieldErrors[key]) continue;
				if (key === 'assessments') fieldErrors[key] = issue.code === 'too_big' ? 'Một quyết định gồm tối đa 2.000 xã.' : FIELD_FALLBACK.assessments;
				else fieldErrors[key] = /[À-ỹĐđ]/u.test(issue.message) ? issue.message : (FIELD_FALLBACK[key] ?? 'Giá trị không hợp lệ.');
			}
			return fail(400, { message: 'Chưa thể ra quyết định: hãy kiểm tra lại các mục được đánh dấu.', values, fieldErrors });
		}

		let id: number;
		try {
			id = await issueDecision(db(), { ...actorOf(account), label: account.email }, parsed.data);
		} catch (e) {
			if (e instanceof WorkflowError) return fail(e.status, { message: e.message, values, fieldErrors: {} as Record<string, string> });
			throw e;
		}
		redirect(303, `/decisions/${id}`);
	}
};
