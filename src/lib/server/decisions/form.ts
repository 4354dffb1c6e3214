/**
 * The decision form, parsed (shared by issuing and by the PDF preview): the selected communes
 * ("id:version" each), the fields, zod validation with Vietnamese messages per field.
 */
import { DecisionInputSchema, type DecisionInput } from '../../domain/review.ts';

const MAX_ID = 2_147_483_647;

export type DecisionFormValues = {
	outcome: string;
	number: string;
	issuedOn: string;
	signerName: string;
	signerTitle: string;
	validFrom: string;
	validUntil: string;
	selected: string[];
};

export type ParsedDecisionForm =
	| { ok: true; input: DecisionInput; values: DecisionFormValues }
	| { ok: false; message: string; values: DecisionFormValues; fieldErrors: Record<string, string> };

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

export function parseDecisionForm(data: FormData | null): ParsedDecisionForm {
	const get = (k: string) => {
		const v = data?.get(k);
		return typeof v === 'string' ? v : '';
	};
	const values: DecisionFormValues = {
		outcome: get('outcome'),
		number: get('number'),
		issuedOn: get('issuedOn'),
		signerName: get('signerName'),
		signerTitle: get('signerTitle'),
		validFrom: get('validFrom'),
		validUntil: get('validUntil'),
		selected: (data?.getAll('assessment') ?? []).filter((v): v is string => typeof v === 'string').slice(0, 2001)
	};
	if (!data) return { ok: false, message: 'Dữ liệu gửi lên không hợp lệ.', values, fieldErrors: {} };

	const assessments: { id: number; version: number }[] = [];
	for (const s of values.selected) {
		const m = /^(\d{1,10}):(\d{1,10})$/.exec(s);
		if (!m || Number(m[1]) < 1 || Number(m[1]) > MAX_ID || Number(m[2]) > MAX_ID) {
			return { ok: false, message: 'Danh sách xã được chọn không hợp lệ. Hãy tải lại trang và chọn lại.', values, fieldErrors: {} };
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
			if (key === 'assessments')
				fieldErrors[key] = issue.code === 'too_big' ? 'Một quyết định gồm tối đa 2.000 xã.' : FIELD_FALLBACK.assessments;
			else fieldErrors[key] = /[À-ỹĐđ]/u.test(issue.message) ? issue.message : (FIELD_FALLBACK[key] ?? 'Giá trị không hợp lệ.');
		}
		return { ok: false, message: 'Chưa thể ra quyết định: hãy kiểm tra lại các mục được đánh dấu.', values, fieldErrors };
	}

	return { ok: true, input: parsed.data, values };
}
