/**
 * Answers (số liệu tự đánh giá) for a criteria set: `{ [indicatorCode]: answer }`.
 *
 * Each answer's shape is given by the kind of its indicator (no `kind` field needed):
 *   check     { value: boolean }
 *   rate      { numerator, denominator }         non-negative integers
 *   incidence { count, population }              non-negative integers
 *   level     { level: string }                  a level code of the indicator
 *   survey    { percent }                        0–100, at most 2 decimals
 *   manual    { points, justification }          integer in [0, maxPoints], justification required
 * Every answer may also carry `source` (where the figure comes from) and `period` (reference
 * period) strings. `null` means "not answered" and is dropped by parseAnswers.
 *
 * parseAnswers checks the format (codes, kinds, types, ranges of single fields). Consistency
 * between fields (numerator > denominator, zero denominator, count > population) is reported by
 * `score` as an invalid indicator, so that a draft can be stored and shown with the problem in
 * place. Pure TypeScript: no I/O.
 */
import { z } from 'zod';
import {
	INDICATOR_KIND_LABELS,
	LOCATION_SEPARATOR,
	MAX_COUNT,
	formatPath,
	hasAtMostTwoDecimals,
	toValidationErrors,
	viErrorMap
} from '../criteria/schema.ts';
import type { CriteriaSet, Indicator, IndicatorKind, ValidationError, ValidationResult } from '../criteria/schema.ts';
import { formatNumberVi } from '../criteria/format-vi.ts';
import { ANSWER_FIELDS, answerKindOf, type RejectedAnswer } from './answer-kinds.ts';
import { criteriaIndex } from '../criteria/criteria-index.ts';

const meta = {
	source: z.string().normalize('NFC').trim().max(1000, { error: 'Không được dài quá 1000 ký tự' }).optional(),
	period: z.string().normalize('NFC').trim().max(200, { error: 'Không được dài quá 200 ký tự' }).optional()
};

const count = () =>
	z
		.number()
		.int({ error: 'Phải là số nguyên' })
		.min(0, { error: 'Không được âm' })
		.max(MAX_COUNT, { error: `Không được lớn hơn ${formatNumberVi(MAX_COUNT)}` });

export const CheckAnswerSchema = z.strictObject({ value: z.boolean(), ...meta });
export const RateAnswerSchema = z.strictObject({ numerator: count(), denominator: count(), ...meta });
export const IncidenceAnswerSchema = z.strictObject({ count: count(), population: count(), ...meta });
export const LevelAnswerSchema = z.strictObject({
	level: z.string().trim().min(1, { error: 'Chưa chọn mức' }),
	...meta
});
export const SurveyAnswerSchema = z.strictObject({
	percent: z
		.number()
		.min(0, { error: 'Tỷ lệ phải từ 0 đến 100' })
		.max(100, { error: 'Tỷ lệ phải từ 0 đến 100' })
		.refine(hasAtMostTwoDecimals, { error: 'Chỉ được có tối đa 2 chữ số thập phân' }),
	...meta
});
export const ManualAnswerSchema = z.strictObject({
	points: z.number().int({ error: 'Điểm phải là số nguyên' }).min(0, { error: 'Điểm không được âm' }),
	justification: z
		.string()
		.normalize('NFC')
		.trim()
		.min(1, { error: 'Bắt buộc giải trình khi chấm điểm trực tiếp' })
		.max(5000, { error: 'Không được dài quá 5000 ký tự' }),
	...meta
});

export const ANSWER_SCHEMAS = {
	check: CheckAnswerSchema,
	rate: RateAnswerSchema,
	incidence: IncidenceAnswerSchema,
	level: LevelAnswerSchema,
	survey: SurveyAnswerSchema,
	manual: ManualAnswerSchema
} as const satisfies Record<IndicatorKind, z.ZodType>;

export type CheckAnswer = z.output<typeof CheckAnswerSchema>;
export type RateAnswer = z.output<typeof RateAnswerSchema>;
export type IncidenceAnswer = z.output<typeof IncidenceAnswerSchema>;
export type LevelAnswer = z.output<typeof LevelAnswerSchema>;
export type SurveyAnswer = z.output<typeof SurveyAnswerSchema>;
export type ManualAnswer = z.output<typeof ManualAnswerSchema>;
export type Answer = CheckAnswer | RateAnswer | IncidenceAnswer | LevelAnswer | SurveyAnswer | ManualAnswer;
export type AnswerFor<K extends IndicatorKind> = z.output<(typeof ANSWER_SCHEMAS)[K]>;

/** Answers keyed by indicator code. A missing key means "not answered yet". */
export type Answers = Readonly<Record<string, Answer>>;

/** What may be scored: `null` also means "not answered". */
export type AnswersInput = Readonly<Record<string, Answer | RejectedAnswer | null | undefined>>;

export { ANSWER_FIELDS, answerKindOf, isRejected, type RejectedAnswer } from './answer-kinds.ts';

function describeAnswerPath(path: readonly PropertyKey[]): string {
	if (path.length === 0) return '(toàn bộ dữ liệu)';
	const [code, ...rest] = path;
	return rest.length === 0 ? String(code) : String(code) + LOCATION_SEPARATOR + formatPath(rest);
}

function kindMismatchMessage(indicator: Indicator, given: IndicatorKind): string {
	return (
		`Câu trả lời dạng «${INDICATOR_KIND_LABELS[given]}» không phù hợp: ${indicator.code} là chỉ số ` +
		`«${INDICATOR_KIND_LABELS[indicator.kind]}», cần các trường: ${ANSWER_FIELDS[indicator.kind].join(', ')}`
	);
}

/**
 * Validates submitted answers against a criteria set. Lists every error with its path
 * (e.g. `["TC07.1"].numerator`), human location ("TC07.1 › numerator") and a Vietnamese reason:
 * unknown indicator codes, wrong answer kind, text where numbers belong, negative or non-integer
 * counts, unknown level codes, manual points above the maximum, missing justification.
 */
export function parseAnswers(set: CriteriaSet, input: unknown): ValidationResult<Answers> {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return {
			ok: false,
			errors: [
				{
					path: '',
					location: '(toàn bộ dữ liệu)',
					message: 'Dữ liệu trả lời phải là một đối tượng dạng { "mã chỉ số": câu trả lời }'
				}
			]
		};
	}
	const index = criteriaIndex(set);
	const errors: ValidationError[] = [];
	const out: Record<string, Answer> = {};
	const push = (path: PropertyKey[], message: string) =>
		errors.push({ path: formatPath(path), location: describeAnswerPath(path), message });

	for (const [code, value] of Object.entries(input as Record<string, unknown>)) {
		const indicator = index.indicator(code);
		if (!indicator) {
			push([code], `Mã chỉ số ${code} không có trong bộ tiêu chí ${set.code} (phiên bản ${set.version})`);
			continue;
		}
		if (value === null || value === undefined) continue;
		if (typeof value !== 'object' || Array.isArray(value)) {
			push([code], `Câu trả lời phải là một đối tượng có các trường: ${ANSWER_FIELDS[indicator.kind].join(', ')}`);
			continue;
		}
		const given = answerKindOf(value);
		if (given !== null && given !== indicator.kind) {
			push([code], kindMismatchMessage(indicator, given));
			continue;
		}
		const parsed = ANSWER_SCHEMAS[indicator.kind].safeParse(value, { error: viErrorMap });
		if (!parsed.success) {
			for (const e of toValidationErrors(
				parsed.error.issues.map((i) => ({ ...i, path: [code, ...i.path] })),
				describeAnswerPath
			)) {
				errors.push(e);
			}
			continue;
		}
		const answer = parsed.data as Answer;
		if (indicator.kind === 'level') {
			const level = (answer as LevelAnswer).level;
			if (!indicator.levels.some((l) => l.code === level)) {
				push([code, 'level'], `Mức «${level}» không có; chọn một trong: ${indicator.levels.map((l) => l.code).join(', ')}`);
				continue;
			}
		}
		if (indicator.kind === 'manual') {
			const points = (answer as ManualAnswer).points;
			if (points > indicator.maxPoints) {
				push([code, 'points'], `Điểm chấm (${points}) vượt điểm tối đa của chỉ số (${indicator.maxPoints})`);
				continue;
			}
		}
		out[code] = answer;
	}
	return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

/** JSON Schema of one answer (any kind), for documentation and clients. */
export function answerJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(
		z.union([CheckAnswerSchema, RateAnswerSchema, IncidenceAnswerSchema, LevelAnswerSchema, SurveyAnswerSchema, ManualAnswerSchema]),
		{ io: 'input' }
	) as Record<string, unknown>;
}

/**
 * The stored answers of an assessment as the application reads them, the single definition of
 * answered, unanswered and invalid:
 * - a code with no stored value, or a cleared one (JSON null), is unanswered (left out);
 * - a value that passes `parseAnswers` is the parsed answer (the scoring engine may still find it
 *   invalid: a numerator above its denominator, a zero denominator…);
 * - a value that no longer passes it is kept as `{ rejected: reason }`: invalid, never dropped;
 * - codes that are not in the set are ignored.
 */
export function readStoredAnswers(set: CriteriaSet, stored: Readonly<Record<string, unknown>>): Record<string, Answer | RejectedAnswer> {
	const index = criteriaIndex(set);
	const out: Record<string, Answer | RejectedAnswer> = {};
	for (const code of index.codes) {
		const value = stored[code];
		if (value === null || value === undefined) continue;
		const one = parseAnswers(set, { [code]: value });
		if (one.ok) {
			const answer = one.value[code];
			if (answer) out[code] = answer;
		} else {
			out[code] = { rejected: one.errors.map((e) => e.message).join('; ') };
		}
	}
	return out;
}
