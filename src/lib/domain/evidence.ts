/**
 * Evidence (tài liệu minh chứng) and the dossier documents as rules: the metadata of an uploaded
 * document (the multipart form's fields, validated with zod, Vietnamese messages) and the
 * evidence codes of the dossier (mã minh chứng, e.g. `TC07-02`). Pure.
 *
 * Form fields (all text; send them BEFORE the file part, see the upload endpoint):
 * - `kind`: `evidence` (default), `request_letter`, `council_minutes` or `explanatory_notes`;
 * - `indicator`: an indicator code of the assessment's criteria set, repeated for several
 *   (at least one for `evidence`; none for the other kinds);
 * - `doc_number` (số hiệu), `issued_on` (ngày ban hành, YYYY-MM-DD), `issuer` (cơ quan ban
 *   hành), `summary` (trích yếu): optional.
 *
 * Evidence codes:
 * - Only documents of kind `evidence` get a code; the dossier documents (công văn đề nghị,
 *   biên bản, thuyết minh) are named by their kind instead.
 * - A document's *primary indicator* is, among the indicators it is linked to, the one that comes
 *   first in the criteria set's order (TC01.1 … TC13.x as the set lists them). Its criterion
 *   gives the code's prefix, so a file backing several indicators carries the code of its first
 *   indicator.
 * - The number is the document's position, in upload order (then id), among all evidence of
 *   the assessment with the same primary criterion, zero-padded to two digits (three from 100).
 *   Removed documents keep their place in the count, so that removing one never renumbers the
 *   others: a code a reviewer noted stays valid while the dossier goes back and forth. A code
 *   changes only if the document's links change its primary criterion.
 * - Evidence linked to no indicator of the set has no code.
 */
import { z } from 'zod';
import { DOSSIER_DOCUMENTS, EVIDENCE_KINDS, type EvidenceKind } from './workflow.ts';
import type { CriteriaSet } from './criteria/schema.ts';
import { criteriaIndex } from './criteria/criteria-index.ts';
import { vnDate } from './dates.ts';

/** Types a browser shows inside a page (PDF and images); other files are only downloaded. */
export const VIEWABLE_TYPES: ReadonlySet<string> = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/webp']);

export const EVIDENCE_FIELDS = ['kind', 'indicator', 'doc_number', 'issued_on', 'issuer', 'summary'] as const;
export const MAX_INDICATORS = 40;
/** Said where a role that reads the dossier (province, ministry) would otherwise meet links to files it may not open. */
export const EVIDENCE_CLOSED_NOTICE =
	'Tài liệu minh chứng và văn bản trong hồ sơ chỉ xã và cơ quan thẩm định mở được; vai trò của anh/chị xem được điểm, nhận xét và kết quả.';

export const EVIDENCE_KIND_LABELS = {
	evidence: 'Tài liệu minh chứng',
	...Object.fromEntries(DOSSIER_DOCUMENTS.map((d) => [d.kind, d.label]))
} as Record<EvidenceKind, string>;

export type EvidenceMeta = {
	kind: EvidenceKind;
	indicatorCodes: string[];
	docNumber: string | null;
	issuedOn: string | null;
	issuer: string | null;
	summary: string | null;
};

// Control characters except tab and newline (kept in the summary only).
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const optionalText = (label: string, max: number, multiline = false) =>
	z
		.string()
		.transform((s) => {
			let t = s.normalize('NFC').replace(CONTROL_EXCEPT_NEWLINE, '').replace(/\r\n?/g, '\n');
			t = multiline ? t.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : t.replace(/\s+/g, ' ');
			return t.trim();
		})
		.pipe(z.string().max(max, `${label} dài tối đa ${max} ký tự.`))
		.transform((s) => (s === '' ? null : s));

const issuedOn = z
	.string()
	.trim()
	.transform((s) => (s === '' ? null : s))
	.pipe(
		z
			.string()
			.regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày ban hành phải có dạng năm-tháng-ngày (YYYY-MM-DD).')
			.refine((s) => {
				const d = new Date(`${s}T00:00:00Z`);
				return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
			}, 'Ngày ban hành không tồn tại.')
			.refine((s) => s >= '1945-09-02', 'Ngày ban hành không hợp lệ.')
			.refine((s) => s <= vnDate(), 'Ngày ban hành không được sau ngày hôm nay.')
			.nullable()
	);

const one = (label: string) =>
	z
		.array(z.string())
		.max(1, `Trường “${label}” chỉ được gửi một lần.`)
		.transform((a) => a[0] ?? '');

const fieldsSchema = z.object({
	kind: one('loại tài liệu').pipe(
		z
			.string()
			.transform((s) => (s.trim() === '' ? 'evidence' : s.trim()))
			.pipe(z.enum(EVIDENCE_KINDS, { error: 'Loại tài liệu không hợp lệ.' }))
	),
	indicator: z
		.array(
			z
				.string()
				.trim()
				.toUpperCase()
				.regex(/^[A-Z]+[0-9]+\.[0-9]+$/, 'Mã chỉ số không hợp lệ (ví dụ TC07.1).')
		)
		.max(MAX_INDICATORS, `Chọn tối đa ${MAX_INDICATORS} chỉ số cho một tài liệu.`)
		.transform((a) => [...new Set(a)]),
	doc_number: one('số hiệu').pipe(optionalText('Số hiệu văn bản', 100)),
	issued_on: one('ngày ban hành').pipe(issuedOn),
	issuer: one('cơ quan ban hành').pipe(optionalText('Cơ quan ban hành', 300)),
	summary: one('trích yếu').pipe(optionalText('Trích yếu', 2000, true))
});

export type FieldMap = Record<string, string[]>;

export type MetaResult = { ok: true; value: EvidenceMeta } | { ok: false; message: string; fieldErrors: Record<string, string> };

/** Validates the form fields against the assessment's criteria set. */
export function parseEvidenceFields(fields: FieldMap, set: CriteriaSet): MetaResult {
	const unknown = Object.keys(fields).filter((k) => !(EVIDENCE_FIELDS as readonly string[]).includes(k));
	if (unknown.length) return { ok: false, message: `Trường không hợp lệ: ${unknown.join(', ')}.`, fieldErrors: {} };
	const input = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, Object.hasOwn(fields, f) ? fields[f] : []]));
	const parsed = fieldsSchema.safeParse(input);
	const fieldErrors: Record<string, string> = {};
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const key = String(issue.path[0] ?? 'form');
			fieldErrors[key] ??= issue.message;
		}
		return { ok: false, message: Object.values(fieldErrors)[0] ?? 'Thông tin tài liệu không hợp lệ.', fieldErrors };
	}
	const v = parsed.data;
	const index = criteriaIndex(set);
	const missing = v.indicator.filter((c) => !index.has(c));
	if (missing.length) fieldErrors.indicator = `Chỉ số không có trong bộ tiêu chí của hồ sơ: ${missing.join(', ')}.`;
	else if (v.kind === 'evidence' && v.indicator.length === 0)
		fieldErrors.indicator = 'Hãy chọn ít nhất một chỉ số mà tài liệu này minh chứng.';
	else if (v.kind !== 'evidence' && v.indicator.length > 0)
		fieldErrors.indicator = 'Văn bản hồ sơ (công văn, biên bản, thuyết minh) không gắn với chỉ số.';
	if (fieldErrors.indicator) return { ok: false, message: fieldErrors.indicator, fieldErrors };
	return {
		ok: true,
		value: {
			kind: v.kind,
			indicatorCodes: v.indicator,
			docNumber: v.doc_number,
			issuedOn: v.issued_on,
			issuer: v.issuer,
			summary: v.summary
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Evidence codes
// ---------------------------------------------------------------------------------------------

export type CodableEvidence = { id: number; kind: string; uploadedAt: Date; indicatorCodes: readonly string[] };

/** Codes of all documents given (pass removed ones too, so that numbering stays stable). */
export function evidenceCodes(items: readonly CodableEvidence[], set: CriteriaSet): Map<number, string> {
	const index = criteriaIndex(set);
	const sorted = [...items]
		.filter((e) => e.kind === 'evidence')
		.sort((a, b) => a.uploadedAt.getTime() - b.uploadedAt.getTime() || a.id - b.id);
	const counters = new Map<string, number>();
	const codes = new Map<number, string>();
	for (const e of sorted) {
		const primary = index.first(e.indicatorCodes);
		if (!primary) continue;
		const criterion = index.entry(primary)!.criterion.code;
		const n = (counters.get(criterion) ?? 0) + 1;
		counters.set(criterion, n);
		codes.set(e.id, `${criterion}-${String(n).padStart(2, '0')}`);
	}
	return codes;
}
