/**
 * Differences between two criteria sets, for the administrator's "preview of changes" before
 * importing or activating a new version. Criteria and indicators are matched by code.
 * Pure and deterministic.
 */
import { COMMUNE_CATEGORIES, COMMUNE_CATEGORY_LABELS } from '../units.ts';
import type { CriteriaSet, Criterion, Indicator } from './schema.ts';
import { CRITERIA_SET_STATUS_LABELS, totalMaxPoints, type CriteriaSetStatus } from './schema.ts';
import { formatNumberVi } from './format-vi.ts';

export interface FieldChange {
	/** Field name, e.g. "maxPoints", "bands", "passRule.thresholds.standard". */
	field: string;
	before: unknown;
	after: unknown;
}

export interface CriterionDiffEntry {
	code: string;
	title: string;
	maxPointsBefore: number | null;
	maxPointsAfter: number | null;
	/** Changed fields (empty for added/removed entries). */
	changes: FieldChange[];
}

export interface IndicatorDiffEntry extends CriterionDiffEntry {
	criterionCode: string;
}

export interface CriteriaSetDiff {
	/** Changes of code, name, legalReference, version, status and the pass rule. */
	set: FieldChange[];
	criteria: { added: CriterionDiffEntry[]; removed: CriterionDiffEntry[]; changed: CriterionDiffEntry[] };
	indicators: { added: IndicatorDiffEntry[]; removed: IndicatorDiffEntry[]; changed: IndicatorDiffEntry[] };
	totalMaxBefore: number;
	totalMaxAfter: number;
	/** No difference in content (confirmation is ignored). */
	identical: boolean;
	/** Vietnamese summary, one line per change. */
	messages: string[];
}

/** Vietnamese names of fields, for messages. */
export const FIELD_LABELS_VI: Record<string, string> = {
	code: 'mã',
	name: 'tên',
	legalReference: 'căn cứ pháp lý',
	version: 'phiên bản',
	status: 'trạng thái',
	kind: 'loại chỉ số',
	title: 'tên',
	measure: 'cách đo',
	guidance: 'hướng dẫn',
	maxPoints: 'điểm tối đa',
	source: 'nguồn',
	verified: 'trạng thái đối chiếu',
	metRule: 'điều kiện đạt',
	numeratorLabel: 'tử số',
	denominatorLabel: 'mẫu số',
	countLabel: 'số trường hợp',
	populationLabel: 'số trẻ em',
	per: 'đơn vị tỷ suất',
	bands: 'thang điểm',
	levels: 'các mức',
	zeroDenominator: 'quy ước mẫu số bằng 0',
	zeroIfCountAtLeast: 'điều kiện 0 điểm',
	baseCount: 'số trẻ em dùng chung làm mẫu số',
	'passRule.requireAllCriteriaMet': 'yêu cầu đạt tất cả tiêu chí',
	'passRule.forbidZeroCriterion': 'không tiêu chí nào 0 điểm'
};

const INDICATOR_FIELD_ORDER = [
	'kind',
	'title',
	'maxPoints',
	'bands',
	'levels',
	'per',
	'zeroIfCountAtLeast',
	'zeroDenominator',
	'baseCount',
	'measure',
	'numeratorLabel',
	'denominatorLabel',
	'countLabel',
	'populationLabel',
	'guidance',
	'source',
	'verified'
];
const CRITERION_FIELD_ORDER = ['title', 'maxPoints', 'metRule', 'guidance', 'source', 'verified'];

/** JSON with sorted keys, so that key order never counts as a change. */
function stable(value: unknown): string {
	return JSON.stringify(value, (_k, v: unknown) => {
		if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
			const sorted: Record<string, unknown> = {};
			for (const key of Object.keys(v as Record<string, unknown>).sort()) {
				sorted[key] = (v as Record<string, unknown>)[key];
			}
			return sorted;
		}
		return v;
	});
}

function compareFields(
	a: Record<string, unknown>,
	b: Record<string, unknown>,
	order: readonly string[],
	exclude: readonly string[]
): FieldChange[] {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	for (const k of exclude) keys.delete(k);
	const ordered = [...order.filter((k) => keys.has(k)), ...[...keys].filter((k) => !order.includes(k)).sort()];
	const changes: FieldChange[] = [];
	for (const field of ordered) {
		if (stable(a[field]) !== stable(b[field])) changes.push({ field, before: a[field], after: b[field] });
	}
	return changes;
}

function describeChanges(code: string, changes: FieldChange[]): string {
	const parts: string[] = [];
	const rest: string[] = [];
	for (const c of changes) {
		if (c.field === 'maxPoints') {
			parts.push(`điểm tối đa ${formatNumberVi(Number(c.before))} → ${formatNumberVi(Number(c.after))}`);
		} else if (c.field === 'verified') {
			parts.push(c.after ? 'đã đối chiếu với văn bản gốc' : 'chuyển sang chưa đối chiếu');
		} else {
			rest.push(FIELD_LABELS_VI[c.field] ?? c.field);
		}
	}
	if (rest.length > 0) parts.push('thay đổi ' + rest.join(', '));
	return `${code}: ${parts.join('; ')}`;
}

function asRecord(x: object): Record<string, unknown> {
	return x as unknown as Record<string, unknown>;
}

/** A set field's value as the message shows it: the status by its Vietnamese label. */
const shown = (field: string, value: unknown): string =>
	field === 'status' ? (CRITERIA_SET_STATUS_LABELS[value as CriteriaSetStatus] ?? String(value)) : String(value);

/** Differences from set `a` (before) to set `b` (after). */
export function diffCriteriaSets(a: CriteriaSet, b: CriteriaSet): CriteriaSetDiff {
	const messages: string[] = [];
	const set: FieldChange[] = [];
	for (const field of ['code', 'name', 'legalReference', 'version', 'status'] as const) {
		if (a[field] !== b[field]) set.push({ field, before: a[field], after: b[field] });
	}
	for (const category of COMMUNE_CATEGORIES) {
		const before = a.passRule.thresholds[category];
		const after = b.passRule.thresholds[category];
		if (before !== after) {
			set.push({ field: `passRule.thresholds.${category}`, before, after });
			messages.push(`Ngưỡng điểm (${COMMUNE_CATEGORY_LABELS[category]}): ${formatNumberVi(before)} → ${formatNumberVi(after)}`);
		}
	}
	for (const field of ['requireAllCriteriaMet', 'forbidZeroCriterion'] as const) {
		if (a.passRule[field] !== b.passRule[field]) {
			set.push({ field: `passRule.${field}`, before: a.passRule[field], after: b.passRule[field] });
			messages.push(
				`Điều kiện «${FIELD_LABELS_VI['passRule.' + field]}»: ${a.passRule[field] ? 'có' : 'không'} → ${b.passRule[field] ? 'có' : 'không'}`
			);
		}
	}
	for (const c of set) {
		if (!c.field.startsWith('passRule.')) {
			messages.unshift(`Bộ tiêu chí: ${FIELD_LABELS_VI[c.field] ?? c.field} «${shown(c.field, c.before)}» → «${shown(c.field, c.after)}»`);
		}
	}

	const critA = new Map<string, Criterion>(a.criteria.map((c) => [c.code, c]));
	const critB = new Map<string, Criterion>(b.criteria.map((c) => [c.code, c]));
	const indA = new Map<string, { indicator: Indicator; criterionCode: string }>();
	const indB = new Map<string, { indicator: Indicator; criterionCode: string }>();
	for (const c of a.criteria) for (const i of c.indicators) indA.set(i.code, { indicator: i, criterionCode: c.code });
	for (const c of b.criteria) for (const i of c.indicators) indB.set(i.code, { indicator: i, criterionCode: c.code });

	const criteria: CriteriaSetDiff['criteria'] = { added: [], removed: [], changed: [] };
	for (const c of b.criteria) {
		const old = critA.get(c.code);
		if (!old) {
			criteria.added.push({ code: c.code, title: c.title, maxPointsBefore: null, maxPointsAfter: c.maxPoints, changes: [] });
			messages.push(`Thêm tiêu chí ${c.code} – ${c.title} (tối đa ${formatNumberVi(c.maxPoints)} điểm)`);
			continue;
		}
		const changes = compareFields(asRecord(old), asRecord(c), CRITERION_FIELD_ORDER, ['code', 'indicators']);
		if (changes.length > 0) {
			criteria.changed.push({ code: c.code, title: c.title, maxPointsBefore: old.maxPoints, maxPointsAfter: c.maxPoints, changes });
			messages.push(describeChanges(c.code, changes));
		}
	}
	for (const c of a.criteria) {
		if (!critB.has(c.code)) {
			criteria.removed.push({ code: c.code, title: c.title, maxPointsBefore: c.maxPoints, maxPointsAfter: null, changes: [] });
			messages.push(`Bỏ tiêu chí ${c.code} – ${c.title} (tối đa ${formatNumberVi(c.maxPoints)} điểm)`);
		}
	}

	const indicators: CriteriaSetDiff['indicators'] = { added: [], removed: [], changed: [] };
	for (const [code, { indicator, criterionCode }] of indB) {
		const old = indA.get(code);
		if (!old) {
			indicators.added.push({
				code,
				criterionCode,
				title: indicator.title,
				maxPointsBefore: null,
				maxPointsAfter: indicator.maxPoints,
				changes: []
			});
			messages.push(`Thêm chỉ số ${code} – ${indicator.title} (tối đa ${formatNumberVi(indicator.maxPoints)} điểm)`);
			continue;
		}
		const changes = compareFields(asRecord(old.indicator), asRecord(indicator), INDICATOR_FIELD_ORDER, ['code']);
		if (old.criterionCode !== criterionCode) {
			changes.unshift({ field: 'criterion', before: old.criterionCode, after: criterionCode });
		}
		if (changes.length > 0) {
			indicators.changed.push({
				code,
				criterionCode,
				title: indicator.title,
				maxPointsBefore: old.indicator.maxPoints,
				maxPointsAfter: indicator.maxPoints,
				changes
			});
			messages.push(describeChanges(code, changes));
		}
	}
	for (const [code, { indicator, criterionCode }] of indA) {
		if (!indB.has(code)) {
			indicators.removed.push({
				code,
				criterionCode,
				title: indicator.title,
				maxPointsBefore: indicator.maxPoints,
				maxPointsAfter: null,
				changes: []
			});
			messages.push(`Bỏ chỉ số ${code} – ${indicator.title} (tối đa ${formatNumberVi(indicator.maxPoints)} điểm)`);
		}
	}

	const totalMaxBefore = totalMaxPoints(a);
	const totalMaxAfter = totalMaxPoints(b);
	if (totalMaxBefore !== totalMaxAfter) {
		messages.push(`Tổng điểm tối đa: ${formatNumberVi(totalMaxBefore)} → ${formatNumberVi(totalMaxAfter)}`);
	}
	const identical =
		set.length === 0 &&
		criteria.added.length + criteria.removed.length + criteria.changed.length === 0 &&
		indicators.added.length + indicators.removed.length + indicators.changed.length === 0;
	return { set, criteria, indicators, totalMaxBefore, totalMaxAfter, identical, messages };
}
