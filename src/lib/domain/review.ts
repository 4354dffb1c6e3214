/**
 * The review of one assessment as rules (issue 5): each indicator's review (the reviewer's
 * points beside the commune's, its status and reasons), what a commune may change while its
 * dossier is returned for correction, what changed between two submissions, and when an
 * appraisal or a decision may be recorded. Pure: no I/O.
 */
import { z } from 'zod';
import type { AssessmentState } from './workflow.ts';
import type { Verdict } from './scoring/score.ts';
import { canonicalJson } from './canonical-json.ts';
import { flaggedCodes } from './dossier.ts';

export const REVIEW_ITEM_STATUSES = ['pending', 'accepted', 'needs_supplement'] as const;
export type ReviewItemStatus = (typeof REVIEW_ITEM_STATUSES)[number];
export const REVIEW_ITEM_STATUS_LABELS: Record<ReviewItemStatus, string> = {
	pending: 'Chưa xem xét',
	accepted: 'Đã chấp nhận',
	needs_supplement: 'Cần bổ sung'
};

/** One indicator's review: the reviewer's points (null: same as the commune's), the reason for
 * a different value, the status and what the commune must supplement. */
export type ReviewItem = {
	indicatorCode: string;
	points: number | null;
	reason: string | null;
	status: ReviewItemStatus;
	request: string | null;
};

const text = (max: number) =>
	z
		.string()
		.transform((s) => s.normalize('NFC').trim())
		.pipe(z.string().max(max, `Tối đa ${max} ký tự.`));

/** Form input for one indicator's review. Empty points = "same as the commune". */
export const ReviewItemInputSchema = z.object({
	indicator: z.string().regex(/^[A-Z]+[0-9]+\.[0-9]+$/, 'Mã chỉ số không hợp lệ.'),
	points: z
		.string()
		.trim()
		.transform((s, ctx) => {
			if (s === '') return null;
			if (!/^\d{1,5}$/.test(s)) {
				ctx.addIssue({ code: 'custom', message: 'Điểm thẩm định phải là số nguyên không âm.' });
				return z.NEVER;
			}
			return Number(s);
		}),
	reason: text(2000),
	status: z.enum(REVIEW_ITEM_STATUSES, { error: 'Trạng thái xem xét không hợp lệ.' }),
	request: text(2000),
	revision: z.coerce.number().int().min(0)
});
export type ReviewItemInput = z.output<typeof ReviewItemInputSchema>;

/**
 * Problems with one indicator's review, in Vietnamese (empty = valid): points within the
 * indicator's maximum, a reason whenever they differ from the commune's points, a request
 * whenever the item needs a supplement.
 */
export function reviewItemProblems(
	input: { points: number | null; reason: string; status: ReviewItemStatus; request: string },
	indicator: { code: string; maxPoints: number },
	communePoints: number | null
): Record<string, string> {
	const out: Record<string, string> = {};
	if (input.points !== null && input.points > indicator.maxPoints) {
		out.points = `Điểm thẩm định của ${indicator.code} tối đa ${indicator.maxPoints}.`;
	}
	if (input.points !== null && input.points !== communePoints && input.reason === '') {
		out.reason = `Điểm thẩm định khác điểm xã tự chấm (${communePoints ?? 'chưa có'}): cần ghi lý do.`;
	}
	if (input.status === 'needs_supplement' && input.request === '') {
		out.request = 'Cần ghi rõ nội dung xã phải bổ sung.';
	}
	return out;
}

/**
 * Whether the commune may change data backing `indicatorCodes` in `state`: anything while the
 * dossier is a draft; while it is returned for correction, only what the request flagged
 * (dossier documents without indicators stay changeable so a corrected letter or minutes can be
 * attached); nothing otherwise.
 */
export function communeMayChange(state: AssessmentState, flagged: ReadonlySet<string>, indicatorCodes: readonly string[]): boolean {
	if (state === 'draft') return true;
	if (state !== 'returned') return false;
	return indicatorCodes.every((c) => flagged.has(c));
}

export const NOT_FLAGGED_MESSAGE = 'Hồ sơ đang được yêu cầu bổ sung: chỉ sửa được các chỉ số mà cấp thẩm định đã đánh dấu "Cần bổ sung".';

// ---------------------------------------------------------------------------------------------
// Submissions and what changed between them
// ---------------------------------------------------------------------------------------------

export type SubmittedEvidence = { id: number; code: string; name: string; sha256: string; kind: string; indicators: string[] };

/** What the commune sent with one submission. */
export type SubmissionSnapshot = {
	answers: Record<string, unknown>;
	baseCounts: Record<string, number>;
	evidence: SubmittedEvidence[];
};

export type SubmissionDiff = {
	answers: { indicatorCode: string; before: unknown; after: unknown }[];
	baseCounts: { key: string; before: number | null; after: number | null }[];
	evidenceAdded: SubmittedEvidence[];
	evidenceRemoved: SubmittedEvidence[];
	/** Indicators touched by any change above, sorted. */
	indicators: string[];
};

/** Differences between two submissions (answers compared as canonical JSON; a cleared answer
 * equals one never given; evidence by its row, so a re-uploaded file counts as removed + added). */
export function diffSubmissions(before: SubmissionSnapshot, after: SubmissionSnapshot): SubmissionDiff {
	const answers: SubmissionDiff['answers'] = [];
	const codes = new Set([...Object.keys(before.answers), ...Object.keys(after.answers)]);
	for (const code of [...codes].sort()) {
		const b = before.answers[code] ?? null;
		const a = after.answers[code] ?? null;
		if (canonicalJson(b) !== canonicalJson(a)) answers.push({ indicatorCode: code, before: b, after: a });
	}
	const baseCounts: SubmissionDiff['baseCounts'] = [];
	for (const key of [...new Set([...Object.keys(before.baseCounts), ...Object.keys(after.baseCounts)])].sort()) {
		const b = before.baseCounts[key] ?? null;
		const a = after.baseCounts[key] ?? null;
		if (b !== a) baseCounts.push({ key, before: b, after: a });
	}
	const beforeIds = new Set(before.evidence.map((e) => e.id));
	const afterIds = new Set(after.evidence.map((e) => e.id));
	const evidenceAdded = after.evidence.filter((e) => !beforeIds.has(e.id));
	const evidenceRemoved = before.evidence.filter((e) => !afterIds.has(e.id));
	const indicators = new Set<string>(answers.map((a) => a.indicatorCode));
	for (const e of [...evidenceAdded, ...evidenceRemoved]) for (const c of e.indicators) indicators.add(c);
	return { answers, baseCounts, evidenceAdded, evidenceRemoved, indicators: [...indicators].sort() };
}

// ---------------------------------------------------------------------------------------------
// Appraisal and decision
// ---------------------------------------------------------------------------------------------

export const RECOMMENDATIONS = ['recognise', 'not_recognise'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];
export const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
	recognise: 'Đề nghị công nhận',
	not_recognise: 'Đề nghị không công nhận'
};

export const AppraisalInputSchema = z.object({
	recommendation: z.enum(RECOMMENDATIONS, { error: 'Chọn kiến nghị: công nhận hoặc không công nhận.' }),
	remarks: text(5000),
	version: z.coerce.number().int().min(0)
});

/** Why an appraisal cannot be recorded yet (empty = it can). */
export function appraisalProblems(
	input: { recommendation: Recommendation },
	reviewed: { verdict: Verdict },
	items: Iterable<Pick<ReviewItem, 'indicatorCode' | 'status'>>
): string[] {
	const out: string[] = [];
	const open = [...flaggedCodes(items)].sort();
	if (open.length)
		out.push(
			`Còn ${open.length} chỉ số đang "Cần bổ sung" (${open.join(', ')}): hãy chấp nhận hoặc yêu cầu xã bổ sung trước khi kết luận.`
		);
	if (input.recommendation === 'recognise' && reviewed.verdict !== 'pass') {
		out.push('Kết quả thẩm định chưa đạt chuẩn: không thể đề nghị công nhận.');
	}
	return out;
}

export const DECISION_OUTCOMES = ['recognise', 'not_recognise'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
export const DECISION_OUTCOME_LABELS: Record<DecisionOutcome, string> = {
	recognise: 'Công nhận xã, phường, thị trấn phù hợp với trẻ em',
	not_recognise: 'Không công nhận'
};

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày không hợp lệ (dạng năm-tháng-ngày).')
	.refine(
		(s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
		'Ngày không tồn tại.'
	);

/** A decision as the approver enters it. The number follows the usual "123/QĐ-UBND" form. */
export const DecisionInputSchema = z
	.object({
		outcome: z.enum(DECISION_OUTCOMES, { error: 'Chọn loại quyết định.' }),
		number: text(40).pipe(z.string().regex(/^\d{1,6}\/QĐ-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$/u, 'Số quyết định dạng "123/QĐ-UBND".')),
		issuedOn: isoDate,
		signerName: text(120).pipe(z.string().min(2, 'Nhập họ tên người ký.')),
		signerTitle: text(120).pipe(z.string().min(2, 'Nhập chức vụ người ký.')),
		validFrom: z.union([isoDate, z.literal('')]),
		validUntil: z.union([isoDate, z.literal('')]),
		assessments: z
			.array(z.object({ id: z.coerce.number().int().positive(), version: z.coerce.number().int().min(0) }))
			.min(1, 'Chọn ít nhất một xã.')
			.max(2000)
	})
	.superRefine((d, ctx) => {
		if (d.outcome !== 'recognise') return;
		if (d.validFrom === '') ctx.addIssue({ code: 'custom', path: ['validFrom'], message: 'Nhập ngày bắt đầu hiệu lực công nhận.' });
		if (d.validUntil === '') ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'Nhập ngày hết hiệu lực công nhận.' });
		if (d.validFrom !== '' && d.validUntil !== '' && d.validUntil <= d.validFrom) {
			ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'Ngày hết hiệu lực phải sau ngày bắt đầu.' });
		}
	});
export type DecisionInput = z.output<typeof DecisionInputSchema>;

/** The approver of a decision must not have reviewed any assessment it covers. */
export function approverConflicts(approverId: number, reviewersByAssessment: ReadonlyMap<number, ReadonlySet<number>>): number[] {
	return [...reviewersByAssessment].filter(([, ids]) => ids.has(approverId)).map(([id]) => id);
}
