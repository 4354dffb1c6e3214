/**
 * The metadata of an uploaded document, as sent in the multipart form (field names below),
 * validated with zod. Messages are Vietnamese. Pure.
 *
 * Fields (all text; send them BEFORE the file part, see upload.ts):
 * - `kind`: `evidence` (default), `request_letter`, `council_minutes` or `explanatory_notes`;
 * - `indicator`: an indicator code of the assessment's criteria set, repeated for several
 *   (at least one for `evidence`; none for the other kinds);
 * - `doc_number` (số hiệu), `issued_on` (ngày ban hành, YYYY-MM-DD), `issuer` (cơ quan ban
 *   hành), `summary` (trích yếu): optional.
 */
import { z } from 'zod';
import { DOSSIER_DOCUMENTS, EVIDENCE_KINDS, type EvidenceKind } from '../../domain/workflow.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { EvidenceError } from './errors.ts';

export const EVIDENCE_FIELDS = ['kind', 'indicator', 'doc_number', 'issued_on', 'issuer', 'summary'] as const;
export const MAX_INDICATORS = 40;

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

/** Today in Vietnam (UTC+7), 'YYYY-MM-DD'. */
function todayVn(now = new Date()): string {
	return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

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
			.refine((s) => s <= todayVn(), 'Ngày ban hành không được sau ngày hôm nay.')
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
	const known = new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.code)));
	const missing = v.indicator.filter((c) => !known.has(c));
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

/** As `parseEvidenceFields`, throwing an `EvidenceError` (400) when invalid. */
export function parseEvidenceFieldsOrThrow(fields: FieldMap, set: CriteriaSet): EvidenceMeta {
	const r = parseEvidenceFields(fields, set);
	if (!r.ok) throw new EvidenceError(400, r.message, r.fieldErrors);
	return r.value;
}
