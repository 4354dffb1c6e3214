/**
 * Data-entry form state ↔ answers, for the browser (pure, zod-free: the server validates again
 * with the domain `parseAnswers`).
 *
 * The form keeps what the user typed as text, so "1.250" (Vietnamese thousands) and "82,5"
 * (decimal comma) are accepted, and a half-typed figure is never lost. `readFields` turns the text
 * into an answer, or says what is missing or wrong, field by field, in Vietnamese.
 */
import type { Indicator } from '#lib/domain/criteria/schema.ts';
import { MAX_COUNT } from '#lib/domain/criteria/constants.ts';
import { formatNumberVi } from '#lib/domain/criteria/format-vi.ts';
import type { Answer } from '#lib/domain/scoring/answers.ts';
import type { CriterionResult } from '#lib/domain/scoring/score.ts';

/** Form fields as typed: the figure fields of the indicator's kind, plus `source` and `period`. */
export type Fields = Record<string, string>;

/** Where a figure usually comes from (qd06.md §6); "khác" lets the user write it. */
export const SOURCE_OPTIONS = [
	'Sổ đăng ký hộ tịch',
	'Trạm y tế xã',
	'Công an xã',
	'Trường học',
	'Hồ sơ bảo vệ trẻ em',
	'Phiếu khảo sát',
	'Văn bản của UBND xã'
] as const;

/** The figure fields per kind, with their Vietnamese names (for "cần nhập …"). */
export function figureFields(indicator: Indicator): { name: string; label: string }[] {
	switch (indicator.kind) {
		case 'check':
			return [{ name: 'value', label: 'Có/Không' }];
		case 'rate':
			return [
				{ name: 'numerator', label: 'tử số' },
				{ name: 'denominator', label: 'mẫu số' }
			];
		case 'incidence':
			return [
				{ name: 'count', label: 'số trường hợp' },
				{ name: 'population', label: 'số trẻ em' }
			];
		case 'level':
			return [{ name: 'level', label: 'mức' }];
		case 'survey':
			return [{ name: 'percent', label: 'tỷ lệ (%)' }];
		case 'manual':
			return [
				{ name: 'points', label: 'điểm' },
				{ name: 'justification', label: 'giải trình' }
			];
	}
}

/** Form fields showing a stored answer (or an empty form). */
export function fieldsFromAnswer(indicator: Indicator, answer: Answer | null | undefined): Fields {
	const out: Fields = { source: '', period: '' };
	for (const f of figureFields(indicator)) out[f.name] = '';
	if (!answer) return out;
	const a = answer as unknown as Record<string, unknown>;
	for (const f of figureFields(indicator)) {
		const v = a[f.name];
		if (v === undefined || v === null) continue;
		if (f.name === 'value') out.value = v === true ? 'yes' : v === false ? 'no' : '';
		else if (typeof v === 'number') out[f.name] = f.name === 'percent' ? String(v).replace('.', ',') : String(v);
		else out[f.name] = String(v);
	}
	out.source = typeof answer.source === 'string' ? answer.source : '';
	out.period = typeof answer.period === 'string' ? answer.period : '';
	return out;
}

export type ReadResult =
	/** Nothing entered: saving it clears the answer. */
	| { state: 'empty' }
	/** Some figure fields are still empty (kept as a local draft, not saved). */
	| { state: 'incomplete'; missing: string[]; message: string }
	/** Something typed is not a valid figure. */
	| { state: 'invalid'; errors: Record<string, string>; message: string }
	| { state: 'ok'; answer: Answer };

/** "1.250", "1 250", "1250" → 1250; otherwise a Vietnamese reason. */
export function parseCount(text: string): number | string {
	const t = text.trim();
	if (/^\d+$/.test(t) || /^\d{1,3}(?:[. \u00a0]\d{3})+$/.test(t)) {
		const n = Number(t.replace(/[. \u00a0]/g, ''));
		return n > MAX_COUNT ? `Không được lớn hơn ${formatNumberVi(MAX_COUNT)}` : n;
	}
	if (/^-\s*\d/.test(t)) return 'Không được âm';
	if (/^\d+[.,]\d{1,2}$/.test(t)) return 'Phải là số nguyên';
	return 'Chỉ nhập chữ số, ví dụ 1.250';
}

/** "82,5" or "82.5" → 82.5, within 0–100 and at most 2 decimals; otherwise a Vietnamese reason. */
export function parsePercent(text: string): number | string {
	const t = text.trim().replace(',', '.');
	if (/^-/.test(t)) return 'Tỷ lệ phải từ 0 đến 100';
	if (!/^\d+(\.\d+)?$/.test(t)) return 'Nhập một số từ 0 đến 100, ví dụ 82,5';
	if (/\.\d{3,}$/.test(t)) return 'Chỉ được có tối đa 2 chữ số thập phân';
	const n = Number(t);
	return n > 100 ? 'Tỷ lệ phải từ 0 đến 100' : n;
}

function withMeta(answer: Record<string, unknown>, fields: Fields): Answer {
	const source = fields.source?.trim() ?? '';
	const period = fields.period?.trim() ?? '';
	if (source) answer.source = source;
	if (period) answer.period = period;
	return answer as unknown as Answer;
}

/** Turns the form into an answer, or says what is missing or wrong. */
export function readFields(indicator: Indicator, fields: Fields): ReadResult {
	const figures = figureFields(indicator);
	const filled = figures.filter((f) => (fields[f.name] ?? '').trim() !== '');
	const hasMeta = (fields.source ?? '').trim() !== '' || (fields.period ?? '').trim() !== '';
	if (filled.length === 0 && !hasMeta) return { state: 'empty' };

	const errors: Record<string, string> = {};
	const values: Record<string, unknown> = {};
	for (const f of filled) {
		const text = fields[f.name];
		switch (f.name) {
			case 'numerator':
			case 'denominator':
			case 'count':
			case 'population': {
				const v = parseCount(text);
				if (typeof v === 'string') errors[f.name] = v;
				else values[f.name] = v;
				break;
			}
			case 'percent': {
				const v = parsePercent(text);
				if (typeof v === 'string') errors[f.name] = v;
				else values[f.name] = v;
				break;
			}
			case 'points': {
				const t = text.trim();
				const v = /^\d+$/.test(t) ? Number(t) : NaN;
				if (!Number.isInteger(v) || v > indicator.maxPoints) errors.points = `Điểm phải là số nguyên từ 0 đến ${indicator.maxPoints}`;
				else values.points = v;
				break;
			}
			case 'value':
				values.value = text === 'yes';
				break;
			default:
				values[f.name] = text.trim();
		}
	}
	const errorList = Object.values(errors);
	if (errorList.length > 0) return { state: 'invalid', errors, message: errorList.join('; ') };
	const missing = figures.filter((f) => !(f.name in values)).map((f) => f.label);
	if (missing.length > 0) {
		return { state: 'incomplete', missing, message: `Chưa lưu: cần nhập ${missing.join(' và ')}` };
	}
	return { state: 'ok', answer: withMeta(values, fields) };
}

/** Same content (key order ignored). */
export function sameAnswer(a: unknown, b: unknown): boolean {
	return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(v: unknown): string {
	if (v === null || typeof v !== 'object') return JSON.stringify(v);
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	const entries = Object.entries(v as Record<string, unknown>)
		.filter(([, x]) => x !== undefined)
		.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
	return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}

/** One line in Vietnamese for an answer, e.g. for the side-by-side conflict view. */
export function describeAnswer(indicator: Indicator, answer: Answer | null | undefined): string {
	if (!answer) return '(để trống)';
	const a = answer as unknown as Record<string, unknown>;
	const n = (x: unknown) => (typeof x === 'number' ? formatNumberVi(x) : String(x ?? '…'));
	let main: string;
	switch (indicator.kind) {
		case 'check':
			main = a.value === true ? 'Có' : 'Không';
			break;
		case 'rate':
			main = `${n(a.numerator)} / ${n(a.denominator)}`;
			break;
		case 'incidence':
			main = `${n(a.count)} trường hợp / ${n(a.population)} trẻ em`;
			break;
		case 'level':
			main = indicator.levels.find((l) => l.code === a.level)?.label ?? String(a.level);
			break;
		case 'survey':
			main = `${n(a.percent)}%`;
			break;
		case 'manual':
			main = `${n(a.points)} điểm — ${String(a.justification ?? '')}`;
			break;
	}
	const meta = [answer.source ? `nguồn: ${answer.source}` : '', answer.period ? `kỳ: ${answer.period}` : ''].filter(Boolean);
	return meta.length ? `${main} (${meta.join('; ')})` : main;
}

const TIME = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
const DATE = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' });

/** "10:42" (Vietnam time). */
export function formatTime(iso: string): string {
	return TIME.format(new Date(iso));
}

/** "10:42 ngày 23/11/2026" (Vietnam time). */
export function formatDateTime(iso: string): string {
	const d = new Date(iso);
	return `${TIME.format(d)} ngày ${DATE.format(d)}`;
}

/** The answers to score, from what the server has stored (cleared ones left out). */
export function answersOf(stored: Readonly<Record<string, { value: Answer | null }>>): Record<string, Answer> {
	const out: Record<string, Answer> = {};
	for (const [code, s] of Object.entries(stored)) if (s.value !== null) out[code] = s.value;
	return out;
}

/**
 * A criterion's data-entry status for the overview, in Vietnamese. `blockers`: how many of the
 * dossier's blockers concern its indicators (a missing source or evidence keeps a fully entered
 * criterion from being ready).
 */
export function criterionStatus(cr: CriterionResult, blockers = 0): { text: string; tone: 'ok' | 'bad' | '' } {
	const answered = cr.indicators.filter((i) => i.status === 'answered').length;
	if (cr.indicators.some((i) => i.status === 'invalid')) return { text: 'Có số liệu không hợp lệ', tone: 'bad' };
	if (answered === 0) return { text: 'Chưa nhập', tone: '' };
	if (!cr.complete) return { text: `Đang nhập (${answered}/${cr.indicators.length} chỉ số)`, tone: '' };
	if (cr.zero) return { text: 'Đã nhập đủ — 0 điểm', tone: 'bad' };
	if (cr.met === false) return { text: 'Đã nhập đủ — chưa đạt', tone: 'bad' };
	if (blockers > 0) return { text: `Đã nhập đủ — đạt; còn ${blockers} mục thiếu nguồn hoặc minh chứng`, tone: '' };
	return { text: 'Đã nhập đủ — đạt', tone: 'ok' };
}
