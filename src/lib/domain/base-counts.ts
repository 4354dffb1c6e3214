/**
 * Base counts (số trẻ em dùng chung): the child populations of a commune that recur across
 * criteria (qd06.md §6): children under 1, under 5 and under 16 living in the commune. They are
 * entered once per assessment (`assessment.base_counts`) and reused: a rate or incidence indicator
 * names the one its denominator/population is (`baseCount` in the criteria set), the form prefills
 * an empty denominator from it, and the checks below warn when the figures do not agree.
 *
 * Warnings never block saving or scoring: a denominator may legitimately differ (e.g. TC08 counts
 * the under-5s who were weighed), so the commune is asked to check, not refused.
 *
 * Pure and zod-free (it runs in the browser beside the live score).
 */
import { BASE_COUNT_KEYS, MAX_COUNT, type BaseCountKey } from './criteria/constants.ts';
import type { CriteriaSet, Indicator, ValidationError, ValidationResult } from './criteria/schema.ts';
import { formatNumberVi } from './criteria/format-vi.ts';

export { BASE_COUNT_KEYS, type BaseCountKey };

/** Field labels, e.g. for the base-count form. */
export const BASE_COUNT_LABELS: Record<BaseCountKey, string> = {
	under1: 'Số trẻ em dưới 1 tuổi',
	under5: 'Số trẻ em dưới 5 tuổi',
	under16: 'Số trẻ em dưới 16 tuổi'
};

/** The population inside a sentence: "… lớn hơn số trẻ em dưới 1 tuổi của xã". */
const NOUNS: Record<BaseCountKey, string> = {
	under1: 'trẻ em dưới 1 tuổi',
	under5: 'trẻ em dưới 5 tuổi',
	under16: 'trẻ em dưới 16 tuổi'
};

/** The commune's base counts; a missing key means "not entered yet". */
export type BaseCounts = Partial<Record<BaseCountKey, number>>;

export function isBaseCountKey(key: unknown): key is BaseCountKey {
	return typeof key === 'string' && (BASE_COUNT_KEYS as readonly string[]).includes(key);
}

/**
 * Validates submitted base counts: an object whose keys are base-count keys and whose values are
 * integers 0 … 10,000,000; `null`, `undefined` (and an omitted key) mean "not entered" and are
 * dropped. Errors are in the `{ path, location, message }` form of the other validators.
 */
export function parseBaseCounts(input: unknown): ValidationResult<BaseCounts> {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return {
			ok: false,
			errors: [
				{
					path: '',
					location: '(toàn bộ dữ liệu)',
					message: 'Số trẻ em dùng chung phải là một đối tượng { "under1": số, "under5": số, "under16": số }'
				}
			]
		};
	}
	const errors: ValidationError[] = [];
	const out: BaseCounts = {};
	for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
		if (!isBaseCountKey(key)) {
			errors.push({ path: key, location: key, message: `Không có số trẻ em dùng chung «${key}»; chỉ có: ${BASE_COUNT_KEYS.join(', ')}` });
			continue;
		}
		if (value === null || value === undefined) continue;
		const location = BASE_COUNT_LABELS[key];
		if (typeof value !== 'number' || !Number.isFinite(value)) {
			errors.push({
				path: key,
				location,
				message: `Phải là số, không phải ${typeof value === 'string' ? `chuỗi ký tự "${value.slice(0, 40)}"` : typeof value}`
			});
		} else if (!Number.isInteger(value)) {
			errors.push({ path: key, location, message: 'Phải là số nguyên' });
		} else if (value < 0) {
			errors.push({ path: key, location, message: 'Không được âm' });
		} else if (value > MAX_COUNT) {
			errors.push({ path: key, location, message: `Không được lớn hơn ${formatNumberVi(MAX_COUNT)}` });
		} else {
			out[key] = value;
		}
	}
	return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

/**
 * The base count an indicator's denominator (rate) or population (incidence) is, or null.
 * Sets stored before the field existed have no `baseCount`: treated as null.
 */
export function baseCountOf(indicator: Indicator): BaseCountKey | null {
	if (indicator.kind !== 'rate' && indicator.kind !== 'incidence') return null;
	return isBaseCountKey(indicator.baseCount) ? indicator.baseCount : null;
}

/** The answer field that holds the base population: `denominator` (rate) or `population` (incidence). */
export function baseFieldOf(indicator: Indicator): 'denominator' | 'population' | null {
	return indicator.kind === 'rate' ? 'denominator' : indicator.kind === 'incidence' ? 'population' : null;
}

/** The value to prefill an empty denominator/population with, or null (no base count named or entered). */
export function prefillFor(indicator: Indicator, baseCounts: BaseCounts): number | null {
	const key = baseCountOf(indicator);
	const value = key ? baseCounts[key] : undefined;
	return value === undefined ? null : value;
}

/** Which indicators use each base count, in set order (for "dùng cho: TC07.1"). */
export function baseCountUsage(set: Pick<CriteriaSet, 'criteria'>): Record<BaseCountKey, string[]> {
	const out: Record<BaseCountKey, string[]> = { under1: [], under5: [], under16: [] };
	for (const c of set.criteria) {
		for (const i of c.indicators) {
			const key = baseCountOf(i);
			if (key) out[key].push(i.code);
		}
	}
	return out;
}

export interface BaseCountWarning {
	/** The indicator concerned, or null for a warning on the base counts themselves. */
	indicator: string | null;
	/** The answer field (`numerator`, `denominator`, `count`, `population`) or the base-count key. */
	field: string;
	/** Vietnamese, e.g. "TC07.1: mẫu số (110) khác số trẻ em dưới 1 tuổi đã nhập (100)". */
	message: string;
}

const n = formatNumberVi;
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * Consistency of the figures with the base counts:
 * - under 1 ≤ under 5 ≤ under 16;
 * - per indicator naming a base count that was entered: the numerator (rate) or count
 *   (incidence) is not larger than the children who exist, and the denominator (rate) or
 *   population (incidence) equals that base count.
 * Returns warnings in set order (base counts first). Answers may be drafts: fields that are not
 * numbers are skipped (their errors are reported elsewhere).
 */
export function checkBaseCounts(
	set: Pick<CriteriaSet, 'criteria'>,
	baseCounts: BaseCounts,
	answers: Readonly<Record<string, unknown>>
): BaseCountWarning[] {
	const warnings: BaseCountWarning[] = [];
	const ordered = BASE_COUNT_KEYS.filter((k) => baseCounts[k] !== undefined);
	for (let i = 0; i + 1 < ordered.length; i++) {
		const small = ordered[i];
		const big = ordered[i + 1];
		const a = baseCounts[small] as number;
		const b = baseCounts[big] as number;
		if (a > b) {
			warnings.push({
				indicator: null,
				field: small,
				message: `${BASE_COUNT_LABELS[small]} (${n(a)}) lớn hơn số ${NOUNS[big]} (${n(b)})`
			});
		}
	}

	for (const criterion of set.criteria) {
		for (const indicator of criterion.indicators) {
			const key = baseCountOf(indicator);
			const base = key ? baseCounts[key] : undefined;
			if (!key || base === undefined) continue;
			const answer = answers[indicator.code];
			if (answer === null || typeof answer !== 'object') continue;
			const a = answer as Record<string, unknown>;
			const [partField, wholeField, partName, wholeName] =
				indicator.kind === 'rate'
					? (['numerator', 'denominator', 'tử số', 'mẫu số'] as const)
					: (['count', 'population', 'số trường hợp', 'số trẻ em'] as const);
			const part = num(a[partField]);
			const whole = num(a[wholeField]);
			if (part !== null && part > base) {
				warnings.push({
					indicator: indicator.code,
					field: partField,
					message: `${indicator.code}: ${partName} (${n(part)}) lớn hơn số ${NOUNS[key]} của xã (${n(base)})`
				});
			}
			if (whole !== null && whole !== base) {
				warnings.push({
					indicator: indicator.code,
					field: wholeField,
					message: `${indicator.code}: ${wholeName} (${n(whole)}) khác số ${NOUNS[key]} đã nhập (${n(base)})`
				});
			}
		}
	}
	return warnings;
}

/** Stored base counts → BaseCounts (anything malformed is dropped rather than trusted). */
export function toBaseCounts(raw: unknown): BaseCounts {
	const parsed = parseBaseCounts(raw ?? {});
	if (parsed.ok) return parsed.value;
	const out: BaseCounts = {};
	if (raw === null || typeof raw !== 'object') return out;
	for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
		const one = parseBaseCounts({ [k]: v });
		if (one.ok) Object.assign(out, one.value);
	}
	return out;
}
