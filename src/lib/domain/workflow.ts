/**
 * The assessment workflow as data: states, and which role may move an assessment from which
 * state to which. Every transition is checked on the server against this table. Pure.
 */
import type { Role } from './access.ts';

export const ASSESSMENT_STATES = [
	'draft',
	'submitted',
	'under_review',
	'returned',
	'resubmitted',
	'appraised',
	'recognised',
	'not_recognised'
] as const;
export type AssessmentState = (typeof ASSESSMENT_STATES)[number];

export const STATE_LABELS: Record<AssessmentState, string> = {
	draft: 'Đang lập',
	submitted: 'Đã gửi',
	under_review: 'Đang thẩm định',
	returned: 'Yêu cầu bổ sung',
	resubmitted: 'Đã gửi lại',
	appraised: 'Đã thẩm định',
	recognised: 'Được công nhận',
	not_recognised: 'Không được công nhận'
};

export const TRANSITIONS = [
	{ name: 'submit', from: 'draft', to: 'submitted', role: 'commune_chair', label: 'Gửi hồ sơ' },
	{ name: 'start_review', from: 'submitted', to: 'under_review', role: 'reviewer', label: 'Bắt đầu thẩm định' },
	{ name: 'start_review', from: 'resubmitted', to: 'under_review', role: 'reviewer', label: 'Bắt đầu thẩm định' },
	{ name: 'return', from: 'under_review', to: 'returned', role: 'reviewer', label: 'Yêu cầu bổ sung' },
	{ name: 'resubmit', from: 'returned', to: 'resubmitted', role: 'commune_chair', label: 'Gửi lại hồ sơ' },
	{ name: 'appraise', from: 'under_review', to: 'appraised', role: 'reviewer', label: 'Hoàn thành thẩm định' },
	{ name: 'recognise', from: 'appraised', to: 'recognised', role: 'approver', label: 'Công nhận' },
	{ name: 'refuse', from: 'appraised', to: 'not_recognised', role: 'approver', label: 'Không công nhận' }
] as const satisfies readonly { name: string; from: AssessmentState; to: AssessmentState; role: Role; label: string }[];

export type TransitionName = (typeof TRANSITIONS)[number]['name'];

export function findTransition(name: TransitionName, from: AssessmentState, role: Role) {
	return TRANSITIONS.find((t) => t.name === name && t.from === from && t.role === role);
}

/** States in which the commune may change answers, evidence and dossier documents. */
export const COMMUNE_EDITABLE_STATES: readonly AssessmentState[] = ['draft', 'returned'];
export const isCommuneEditable = (s: AssessmentState) => COMMUNE_EDITABLE_STATES.includes(s);

/** Documents of a dossier besides evidence (QĐ 06 procedure, shared/domain/qd06.md §7). */
export const EVIDENCE_KINDS = ['evidence', 'request_letter', 'council_minutes', 'explanatory_notes'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export type DossierDocumentKind = Exclude<EvidenceKind, 'evidence'>;
export const DOSSIER_DOCUMENTS: { kind: DossierDocumentKind; label: string }[] = [
	{ kind: 'request_letter', label: 'Công văn/tờ trình đề nghị công nhận' },
	{ kind: 'council_minutes', label: 'Biên bản họp hội đồng đánh giá cấp xã' },
	{ kind: 'explanatory_notes', label: 'Thuyết minh kết quả và nguồn số liệu' }
];

/** Whether a commune may still submit on `today` ('YYYY-MM-DD'): within the round, or before
 * the deadline it was reopened until. Dates compare as strings (ISO order). */
export function canSubmitOn(today: string, round: { opens_on: string; closes_on: string }, reopenedUntil: string | null): boolean {
	if (today < round.opens_on) return false;
	return today <= round.closes_on || (reopenedUntil !== null && today <= reopenedUntil);
}
