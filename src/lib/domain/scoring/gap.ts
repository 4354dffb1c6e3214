/**
 * Gap analysis: how many points are missing to the threshold, which criteria block recognition
 * (0 points, not met), and concrete changes that would close the gap, in Vietnamese:
 *   "Nâng TC07.1 từ 96% lên 98%: +10 điểm (tử số 96 → 98 trên 100)"
 *   "Giảm tỷ suất TC05.1 từ 12,5 xuống 10 trên 1.000 trẻ em: +15 điểm (số trường hợp 25 → 20)"
 * For a rate, the change is the smallest numerator increase that reaches the band with the same
 * denominator; for an incidence, the smallest decrease in cases with the same population.
 * Every suggestion carries the changed answer, so `whatIf` can apply it and the gain is exact.
 * Pure and deterministic.
 */
import type { CommuneCategory } from '../units.ts';
import type { CriteriaSet, Criterion, Indicator } from '../criteria/schema.ts';
import { MAX_COUNT } from '../criteria/constants.ts';
import { formatHundredthsVi, formatNumberVi } from '../criteria/format-vi.ts';
import type { Answer, AnswersInput, CheckAnswer, IncidenceAnswer, LevelAnswer, ManualAnswer, RateAnswer, SurveyAnswer } from './answers.ts';
import { ceilMulDiv, floorMulDiv, toHundredths } from './exact.ts';
import { evaluateIndicator, isMet, pointsNeededToMeet, score } from './score.ts';
import type { CriterionResult, IndicatorResult, ScoreResult } from './score.ts';

export interface Suggestion {
	indicatorCode: string;
	criterionCode: string;
	/** Current value for display, e.g. "96%", "12,5/1.000", "Không". */
	from: string;
	/** Target value for display, e.g. "98%". */
	to: string;
	/** Exact points gained on the total by this change alone. */
	pointsGained: number;
	/**
	 * Size of the change: children (rate numerator, incidence count), percentage points (survey),
	 * points (manual), 1 for a check or a level.
	 */
	effort: number;
	/** The answer after the change (pass to whatIf to see the effect). */
	answer: Answer;
	/** The change lifts its criterion above 0 points / makes it met. */
	fixesZero: boolean;
	fixesUnmet: boolean;
	/** Vietnamese, e.g. "Nâng TC07.1 từ 96% lên 98%: +10 điểm (tử số 96 → 98 trên 100)". */
	message: string;
}

export interface Blocker {
	criterionCode: string;
	problem: 'zero' | 'unmet';
	message: string;
}

export interface PendingItem {
	indicatorCode: string;
	maxPoints: number;
	status: 'unanswered' | 'invalid';
	message: string;
}

export interface GapPlan {
	/** At most one change per indicator. */
	changes: Suggestion[];
	pointsGained: number;
	totalAfter: number;
	/** After the plan, the total reaches the threshold and no criterion blocks. */
	closesGap: boolean;
	message: string;
}

export interface GapAnalysis {
	total: number;
	threshold: number;
	/** max(0, threshold − total). */
	pointsMissing: number;
	blockers: Blocker[];
	/** Sorted by points gained (desc), then smaller change, then code. Next band and top band per indicator. */
	suggestions: Suggestion[];
	/** A greedy plan (not necessarily minimal) that fixes blockers first, then closes the gap. */
	plan: GapPlan;
	/** Unanswered and invalid indicators: their points are not counted yet. */
	pending: PendingItem[];
	/** Summary in Vietnamese. */
	messages: string[];
}

interface Option {
	points: number;
	effort: number;
	answer: Answer;
	from: string;
	to: string;
	describe: (gain: string) => string;
}

function keepMeta(answer: Answer): { source?: string; period?: string } {
	const out: { source?: string; period?: string } = {};
	if (answer.source !== undefined) out.source = answer.source;
	if (answer.period !== undefined) out.period = answer.period;
	return out;
}

const pct = (h: number) => formatHundredthsVi(h) + '%';

/** Every answer change that raises the indicator's points, one per reachable better band, ascending by points. */
function improvementOptions(indicator: Indicator, current: IndicatorResult): Option[] {
	if (current.status !== 'answered' || current.answer === null || current.points === null) return [];
	const now = current.points;
	const answer = current.answer;
	const code = indicator.code;
	const from = current.valueDisplay ?? '';
	const options: Option[] = [];
	const seen = new Set<number>();
	const add = (o: Option) => {
		if (o.points > now && !seen.has(o.points)) {
			seen.add(o.points);
			options.push(o);
		}
	};
	switch (indicator.kind) {
		case 'check': {
			const a = answer as CheckAnswer;
			if (!a.value) {
				const next: Answer = { ...keepMeta(a), value: true };
				add({
					points: indicator.maxPoints,
					effort: 1,
					answer: next,
					from: 'Không',
					to: 'Có',
					describe: (g) => `Đáp ứng ${code} (${indicator.title}): ${g}`
				});
			}
			break;
		}
		case 'rate': {
			const a = answer as RateAnswer;
			const d = a.denominator;
			if (d === 0) break;
			for (const band of indicator.bands) {
				const n2 = ceilMulDiv(toHundredths(band.min), d, 10000);
				if (n2 > d || n2 <= a.numerator) continue;
				const next: Answer = { ...keepMeta(a), numerator: n2, denominator: d };
				const e = evaluateIndicator(indicator, next);
				if (e.points === null) continue;
				add({
					points: e.points,
					effort: n2 - a.numerator,
					answer: next,
					from,
					to: pct(toHundredths(band.min)),
					describe: (g) =>
						`Nâng ${code} từ ${from} lên ${pct(toHundredths(band.min))}: ${g} (tử số ${formatNumberVi(a.numerator)} → ${formatNumberVi(n2)} trên ${formatNumberVi(d)})`
				});
			}
			break;
		}
		case 'survey': {
			const a = answer as SurveyAnswer;
			for (const band of indicator.bands) {
				const h = toHundredths(band.min);
				if (h <= toHundredths(a.percent)) continue;
				const next: Answer = { ...keepMeta(a), percent: h / 100 };
				const e = evaluateIndicator(indicator, next);
				if (e.points === null) continue;
				add({
					points: e.points,
					effort: (h - toHundredths(a.percent)) / 100,
					answer: next,
					from,
					to: pct(h),
					describe: (g) => `Nâng tỷ lệ hài lòng ${code} từ ${from} lên ${pct(h)}: ${g}`
				});
			}
			break;
		}
		case 'incidence': {
			const a = answer as IncidenceAnswer;
			const pop = a.population;
			if (pop === 0) break;
			const perText = formatNumberVi(indicator.per);
			for (const band of indicator.bands) {
				let c2 = floorMulDiv(toHundredths(band.max), pop, indicator.per * 100);
				if (indicator.zeroIfCountAtLeast !== null) c2 = Math.min(c2, indicator.zeroIfCountAtLeast - 1);
				c2 = Math.min(c2, MAX_COUNT);
				if (c2 < 0 || c2 >= a.count) continue;
				const next: Answer = { ...keepMeta(a), count: c2, population: pop };
				const e = evaluateIndicator(indicator, next);
				if (e.points === null) continue;
				const to = formatNumberVi(band.max);
				add({
					points: e.points,
					effort: a.count - c2,
					answer: next,
					from,
					to: to + '/' + perText,
					describe: (g) =>
						`Giảm tỷ suất ${code} từ ${from.replace(/\/.*$/, '')} xuống ${to} trên ${perText} trẻ em: ${g} (số trường hợp ${formatNumberVi(a.count)} → ${formatNumberVi(c2)})`
				});
			}
			break;
		}
		case 'level': {
			const a = answer as LevelAnswer;
			const cur = indicator.levels.find((l) => l.code === a.level);
			for (const level of indicator.levels) {
				const next: Answer = { ...keepMeta(a), level: level.code };
				add({
					points: level.points,
					effort: 1,
					answer: next,
					from: cur?.label ?? a.level,
					to: level.label,
					describe: (g) => `Nâng ${code} từ mức «${cur?.label ?? a.level}» lên mức «${level.label}»: ${g}`
				});
			}
			break;
		}
		case 'manual': {
			const a = answer as ManualAnswer;
			if (a.points < indicator.maxPoints) {
				const next: Answer = { ...keepMeta(a), points: indicator.maxPoints, justification: a.justification };
				add({
					points: indicator.maxPoints,
					effort: indicator.maxPoints - a.points,
					answer: next,
					from: `${a.points}/${indicator.maxPoints}`,
					to: `${indicator.maxPoints}/${indicator.maxPoints}`,
					describe: (g) => `Xem xét lại điểm chấm ${code} (hiện ${a.points}/${indicator.maxPoints}): tối đa ${g}`
				});
			}
			break;
		}
	}
	options.sort((x, y) => x.points - y.points);
	return options;
}

function toSuggestion(
	option: Option,
	indicator: Indicator,
	current: IndicatorResult,
	criterion: Criterion,
	cr: CriterionResult
): Suggestion {
	const gain = option.points - (current.points ?? 0);
	const after = Math.min(criterion.maxPoints, cr.points + gain);
	return {
		indicatorCode: indicator.code,
		criterionCode: criterion.code,
		from: option.from,
		to: option.to,
		pointsGained: Math.min(gain, criterion.maxPoints - cr.points),
		effort: option.effort,
		answer: option.answer,
		fixesZero: cr.zero === true && after > 0,
		fixesUnmet: cr.met === false && isMet(criterion.metRule, after),
		message: option.describe(`+${formatNumberVi(gain)} điểm`)
	};
}

function bySuggestionOrder(a: Suggestion, b: Suggestion): number {
	return (
		b.pointsGained - a.pointsGained ||
		a.effort - b.effort ||
		(a.indicatorCode < b.indicatorCode ? -1 : a.indicatorCode > b.indicatorCode ? 1 : 0)
	);
}

interface Slot {
	criterionIndex: number;
	indicator: Indicator;
	current: IndicatorResult;
	options: Option[];
	/** Index into options of the planned option, −1 = unchanged. */
	planned: number;
}

/**
 * Gap analysis for a scored commune. `result` must be score(set, category, answers); it is
 * computed when omitted.
 */
export function gapAnalysis(
	set: CriteriaSet,
	category: CommuneCategory,
	answers: AnswersInput,
	result: ScoreResult = score(set, category, answers)
): GapAnalysis {
	const rule = set.passRule;
	const threshold = result.threshold;
	const total = result.total;
	const pointsMissing = Math.max(0, threshold - total);

	const blockers: Blocker[] = [];
	for (const cr of result.criteria) {
		if (rule.forbidZeroCriterion && cr.zero === true) {
			blockers.push({
				criterionCode: cr.code,
				problem: 'zero',
				message: `${cr.code} đạt 0 điểm: cần cải thiện ít nhất một chỉ số của tiêu chí này`
			});
		}
		if (rule.requireAllCriteriaMet && cr.met === false) {
			const criterion = set.criteria.find((c) => c.code === cr.code);
			const need = criterion ? pointsNeededToMeet(criterion.metRule, cr.points) : 1;
			blockers.push({
				criterionCode: cr.code,
				problem: 'unmet',
				message: `${cr.code} chưa đạt: cần thêm ít nhất ${formatNumberVi(need)} điểm ở tiêu chí này`
			});
		}
	}

	const slots: Slot[] = [];
	const suggestions: Suggestion[] = [];
	const pending: PendingItem[] = [];
	set.criteria.forEach((criterion, ci) => {
		const cr = result.criteria[ci];
		criterion.indicators.forEach((indicator, ii) => {
			const current = cr.indicators[ii];
			if (current.status === 'unanswered') {
				pending.push({
					indicatorCode: indicator.code,
					maxPoints: indicator.maxPoints,
					status: 'unanswered',
					message: `Nhập số liệu ${indicator.code} (tối đa ${formatNumberVi(indicator.maxPoints)} điểm)`
				});
				return;
			}
			if (current.status === 'invalid') {
				pending.push({
					indicatorCode: indicator.code,
					maxPoints: indicator.maxPoints,
					status: 'invalid',
					message: `Sửa số liệu ${indicator.code}: ${current.reason ?? ''}`
				});
				return;
			}
			const options = improvementOptions(indicator, current);
			if (options.length === 0) return;
			slots.push({ criterionIndex: ci, indicator, current, options, planned: -1 });
			const first = options[0];
			const last = options[options.length - 1];
			suggestions.push(toSuggestion(first, indicator, current, criterion, cr));
			if (last !== first) suggestions.push(toSuggestion(last, indicator, current, criterion, cr));
		});
	});
	suggestions.sort(bySuggestionOrder);

	const plan = buildPlan(set, result, slots, threshold);

	const messages: string[] = [];
	messages.push(
		pointsMissing > 0
			? `Còn thiếu ${formatNumberVi(pointsMissing)} điểm để đạt ngưỡng ${formatNumberVi(threshold)} (hiện có ${formatNumberVi(total)})`
			: `Tổng điểm ${formatNumberVi(total)} đã đạt ngưỡng ${formatNumberVi(threshold)}`
	);
	for (const b of blockers) messages.push(b.message);
	if (pointsMissing > 0 || blockers.length > 0) messages.push(plan.message);
	if (pending.length > 0) {
		const max = pending.reduce((s, p) => s + p.maxPoints, 0);
		messages.push(`Còn ${pending.length} chỉ số chưa nhập hoặc không hợp lệ (tối đa ${formatNumberVi(max)} điểm chưa được tính)`);
	}

	return { total, threshold, pointsMissing, blockers, suggestions, plan, pending, messages };
}

function buildPlan(set: CriteriaSet, result: ScoreResult, slots: Slot[], threshold: number): GapPlan {
	const rule = set.passRule;
	const critPoints = result.criteria.map((c) => c.points);
	const slotGain = (s: Slot) => (s.planned < 0 ? 0 : s.options[s.planned].points - (s.current.points ?? 0));
	const plannedCriterionPoints = (ci: number) =>
		Math.min(
			set.criteria[ci].maxPoints,
			critPoints[ci] + slots.filter((s) => s.criterionIndex === ci).reduce((sum, s) => sum + slotGain(s), 0)
		);
	const blocking = (ci: number): boolean => {
		const cr = result.criteria[ci];
		const p = plannedCriterionPoints(ci);
		return (
			(rule.forbidZeroCriterion && cr.zero === true && p === 0) ||
			(rule.requireAllCriteriaMet && cr.met === false && !isMet(set.criteria[ci].metRule, p))
		);
	};
	const plannedTotal = () => result.criteria.reduce((sum, _c, ci) => sum + plannedCriterionPoints(ci), 0);

	const maxSteps = slots.reduce((n, s) => n + s.options.length, 0);
	for (let step = 0; step < maxSteps; step++) {
		const blocked = new Set<number>();
		result.criteria.forEach((_c, ci) => {
			if (blocking(ci)) blocked.add(ci);
		});
		if (blocked.size === 0 && plannedTotal() >= threshold) break;
		let candidates = slots.filter((s) => s.planned + 1 < s.options.length);
		const inBlocked = candidates.filter((s) => blocked.has(s.criterionIndex));
		if (inBlocked.length > 0) candidates = inBlocked;
		else if (blocked.size > 0 && plannedTotal() >= threshold) break; // blockers cannot be fixed
		if (candidates.length === 0) break;
		let best: Slot | null = null;
		let bestGain = -1;
		let bestEffort = Infinity;
		for (const s of candidates) {
			const next = s.options[s.planned + 1];
			const prevPoints = s.planned < 0 ? (s.current.points ?? 0) : s.options[s.planned].points;
			const gain = next.points - prevPoints;
			const effort = next.effort;
			if (gain > bestGain || (gain === bestGain && effort < bestEffort)) {
				best = s;
				bestGain = gain;
				bestEffort = effort;
			}
		}
		if (!best) break;
		best.planned++;
	}

	const changes: Suggestion[] = [];
	for (const s of slots) {
		if (s.planned < 0) continue;
		const criterion = set.criteria[s.criterionIndex];
		changes.push(toSuggestion(s.options[s.planned], s.indicator, s.current, criterion, result.criteria[s.criterionIndex]));
	}
	changes.sort(bySuggestionOrder);
	const totalAfter = plannedTotal();
	const stillBlocked = result.criteria.some((_c, ci) => blocking(ci));
	const closesGap = totalAfter >= threshold && !stillBlocked;
	const pointsGained = totalAfter - result.total;
	let message: string;
	if (changes.length === 0) {
		message = closesGap ? 'Không cần thay đổi' : 'Không có thay đổi nào trên các chỉ số đã nhập giúp đạt điều kiện công nhận';
	} else if (closesGap) {
		message = `Phương án gợi ý: ${changes.length} thay đổi, +${formatNumberVi(pointsGained)} điểm, tổng điểm dự kiến ${formatNumberVi(totalAfter)} ≥ ${formatNumberVi(threshold)}`;
	} else {
		message = `Kể cả khi cải thiện tối đa các chỉ số đã nhập (+${formatNumberVi(pointsGained)} điểm, tổng ${formatNumberVi(totalAfter)}), vẫn chưa đạt điều kiện công nhận`;
	}
	return { changes, pointsGained, totalAfter, closesGap, message };
}
