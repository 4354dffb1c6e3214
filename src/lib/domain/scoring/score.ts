/**
 * Scoring engine: score(criteriaSet, category, answers) → ScoreResult. Pure and deterministic.
 *
 * SCORING RULES (the single place in code; FORMAT.md §3 states the same rules for users)
 *
 *  R1  Points are integers everywhere (band, level, check and manual points; maxima; thresholds).
 *      No point value is ever rounded.
 *  R2  Band comparisons are exact. Thresholds have at most 2 decimals and are used as integer
 *      hundredths; rates are never divided before comparing:
 *        rate      reaches "≥ min %"         ⇔ numerator·10 000 ≥ min_hundredths·denominator
 *        survey    reaches "≥ min %"         ⇔ percent_hundredths ≥ min_hundredths
 *        incidence reaches "≤ max per N"     ⇔ count·N·100 ≤ max_hundredths·population
 *      Boundaries: ≥ for rate and survey (higher is better), ≤ for incidence (lower is better).
 *      The best band reached applies. Below the lowest rate/survey band, or above the last
 *      incidence band, the indicator scores 0. An incidence indicator with `zeroIfCountAtLeast`
 *      also scores 0 when count ≥ that number.
 *  R3  Displayed values are rounded to 2 decimals towards the less favourable side, so a
 *      displayed value never suggests a band that was not reached: rates and surveys are
 *      rounded down (97,999% shows as 97,99%), incidences are rounded up. Display only.
 *  R4  Invalid answers (status 'invalid', 0 points counted, reason given):
 *        rate: numerator > denominator (whatever the denominator, 0 included), denominator = 0
 *        (unless the indicator says `zeroDenominator: 'maxPoints'`: then 0/0 gets the maximum,
 *        "no case to handle"; only 0/0);
 *        incidence: population = 0, count > population; non-integer or negative counts;
 *        level not in the list; survey outside 0–100 or more than 2 decimals; manual points not
 *        an integer in [0, max] or no justification; an answer of the wrong kind; a stored answer
 *        that no longer passes parseAnswers (`{ rejected: reason }`, see readStoredAnswers).
 *  R5  "Not answered" is not "0 points": an unanswered (or invalid) indicator has points = null
 *      and makes its criterion and the result incomplete. An incomplete result is never 'fail'
 *      because of what is missing: it is 'fail' only when a condition is already decided
 *      (a complete criterion not met or at 0 points, or a total that cannot reach the threshold
 *      even with full points on every missing indicator); otherwise 'incomplete'.
 *  R6  Criterion points = sum of its answered indicators' points, clamped to [0, maxPoints].
 *      Total = sum of criterion points. Indicator points are clamped to [0, maxPoints] too.
 *  R7  A criterion is met per its metRule (`positive`: points > 0; `minPoints`: points ≥ n);
 *      `zero` means a complete criterion with 0 points. While incomplete, met/zero are null
 *      unless already decided (points only grow as answers are added).
 *  R8  Verdict 'pass' ⇔ complete ∧ (all criteria met, if required) ∧ (no criterion at 0, if
 *      forbidden) ∧ total ≥ threshold of the commune's category.
 *  R9  Scoring follows the criteria set's order; the order of keys in `answers` is irrelevant.
 *      Answers for codes not in the set are ignored here (parseAnswers rejects them).
 *  R10 Reviewed scoring: `pointsOverride[code]` (an integer, clamped to [0, maxPoints]) replaces
 *      the points computed from that indicator's answer, and the indicator counts as answered;
 *      everything else (sums, conditions, verdict) follows R6–R8 unchanged. The reviewing level
 *      scores with the commune's answers plus its own points where they differ.
 */
import type { CommuneCategory } from '../units.ts';
import type {
	CriteriaSet,
	Criterion,
	IncidenceIndicator,
	Indicator,
	IndicatorKind,
	MetRule,
	RateIndicator,
	SurveyIndicator
} from '../criteria/schema.ts';
import { MAX_COUNT } from '../criteria/constants.ts';
import { formatHundredthsVi, formatNumberVi } from '../criteria/format-vi.ts';
import { hasUnverifiedItems } from '../criteria/verification.ts';
import { ANSWER_FIELDS, answerKindOf, isRejected, type RejectedAnswer } from './answer-kinds.ts';
import type { Answer, AnswersInput, CheckAnswer, IncidenceAnswer, LevelAnswer, ManualAnswer, RateAnswer, SurveyAnswer } from './answers.ts';
import { ceilMulDiv, compareProducts, floorMulDiv, isCount, toHundredths } from './exact.ts';

export type IndicatorStatus = 'answered' | 'unanswered' | 'invalid';
export type Verdict = 'pass' | 'fail' | 'incomplete';
/** State of one recognition condition. */
export type ConditionState = 'met' | 'failed' | 'unknown' | 'not_required';

/** The result's words, one per result across pages and documents (domain/terms.ts). */
export { VERDICT_LABELS } from '../terms.ts';

/** The band (or level, or check value) that gave the points. */
export interface AppliedBand {
	/** Index in `bands`/`levels`; null when no band applied (0 points) or for check answers. */
	index: number | null;
	/** Vietnamese label, e.g. "≥ 95%: 40 điểm", "Dưới 85%: 0 điểm", "Có: 50 điểm". */
	label: string;
	points: number;
	/** The band is marked provisional in the set. */
	provisional: boolean;
}

export interface IndicatorResult {
	code: string;
	criterionCode: string;
	kind: IndicatorKind;
	title: string;
	maxPoints: number;
	verified: boolean;
	status: IndicatorStatus;
	/** Why unanswered/invalid, or a note on an answered value (e.g. 0/0 rule); else null. */
	reason: string | null;
	/** The answer as given (null when unanswered). */
	answer: Answer | null;
	/** rate/survey: percentage; incidence: cases per `per`; else null. Unrounded. */
	value: number | null;
	/** The value for display (R3), e.g. "97,99%", "2,5/1.000"; null when no value. */
	valueDisplay: string | null;
	/** Integer points; null unless answered. */
	points: number | null;
	band: AppliedBand | null;
	/** Points set by the reviewing level instead of those computed from the answer (R10). */
	reviewed?: { computedPoints: number | null };
}

export interface CriterionResult {
	code: string;
	title: string;
	maxPoints: number;
	/** Sum of answered indicators' points, clamped to [0, maxPoints]. */
	points: number;
	/** Met per metRule; null while undecided (incomplete and not yet met). */
	met: boolean | null;
	/** Complete and 0 points; false once points > 0; null while undecided. */
	zero: boolean | null;
	/** All indicators answered with valid answers. */
	complete: boolean;
	/** Sum of maxima of indicators not (validly) answered. */
	pendingMaxPoints: number;
	/** The criterion and all its indicators are verified. */
	verified: boolean;
	indicators: IndicatorResult[];
}

export interface ScoreResult {
	criteriaSetCode: string;
	criteriaSetVersion: number;
	category: CommuneCategory;
	threshold: number;
	total: number;
	maxTotal: number;
	/** Sum of maxima of indicators not (validly) answered. */
	pendingMaxPoints: number;
	complete: boolean;
	verdict: Verdict;
	conditions: {
		allCriteriaMet: ConditionState;
		noZeroCriterion: ConditionState;
		thresholdReached: ConditionState;
	};
	/** Vietnamese explanation of the verdict, e.g. "TC05 đạt 0 điểm", "Tổng điểm 832 < 850". */
	reasons: string[];
	criteria: CriterionResult[];
	/** Codes of unanswered indicators, in set order. */
	unanswered: string[];
	/** Codes of indicators with invalid answers, in set order. */
	invalid: string[];
	/** The set still has items not checked against the gazetted text (show UNVERIFIED_NOTICE). */
	unverified: boolean;
}

// ---------------------------------------------------------------------------------------------
// Indicator evaluation
// ---------------------------------------------------------------------------------------------

/** The computed part of an IndicatorResult. */
export interface Evaluation {
	status: IndicatorStatus;
	reason: string | null;
	value: number | null;
	valueDisplay: string | null;
	points: number | null;
	band: AppliedBand | null;
}

function clampPoints(p: number, max: number): number {
	return p < 0 ? 0 : p > max ? max : p;
}

const pct = (x: number) => formatNumberVi(x) + '%';
const pts = (p: number) => `${formatNumberVi(p)} điểm`;
const COUNT_LIMIT = formatNumberVi(MAX_COUNT);
const NOT_ANSWERED = 'Chưa nhập';

/**
 * Per-indicator data derived once from the (immutable) criteria set: thresholds in hundredths and
 * the AppliedBand objects (frozen, shared by all results), so scoring allocates little.
 * Criteria sets are treated as immutable values: do not mutate a set after scoring with it.
 */
interface Compiled {
	/** rate/survey: band minima; incidence: band maxima; in hundredths. */
	thresholds: number[];
	bands: AppliedBand[];
	/** Below the lowest rate/survey band, or above the last incidence band. */
	outside: AppliedBand | null;
	/** incidence: zeroIfCountAtLeast reached. */
	zeroCount: AppliedBand | null;
	/** rate with zeroDenominator 'maxPoints'. */
	zeroDenominator: AppliedBand | null;
	/** incidence: "/1.000". */
	perSuffix: string;
	yes: AppliedBand | null;
	no: AppliedBand | null;
}

const compiledCache = new WeakMap<Indicator, Compiled>();

function applied(index: number | null, label: string, points: number, provisional: boolean): AppliedBand {
	return Object.freeze({ index, label, points, provisional });
}

function compile(indicator: Indicator): Compiled {
	const cached = compiledCache.get(indicator);
	if (cached) return cached;
	const c: Compiled = {
		thresholds: [],
		bands: [],
		outside: null,
		zeroCount: null,
		zeroDenominator: null,
		perSuffix: '',
		yes: null,
		no: null
	};
	switch (indicator.kind) {
		case 'rate':
		case 'survey':
			c.thresholds = indicator.bands.map((b) => toHundredths(b.min));
			c.bands = indicator.bands.map((b, k) => applied(k, `≥ ${pct(b.min)}: ${pts(b.points)}`, b.points, b.provisional));
			c.outside = applied(null, `Dưới ${pct(indicator.bands[0].min)}: 0 điểm`, 0, false);
			if (indicator.kind === 'rate' && indicator.zeroDenominator === 'maxPoints') {
				c.zeroDenominator = applied(null, `Không có trường hợp (0/0): ${pts(indicator.maxPoints)}`, indicator.maxPoints, false);
			}
			break;
		case 'incidence': {
			c.perSuffix = '/' + formatNumberVi(indicator.per);
			c.thresholds = indicator.bands.map((b) => toHundredths(b.max));
			c.bands = indicator.bands.map((b, k) =>
				applied(k, `≤ ${formatNumberVi(b.max)}${c.perSuffix}: ${pts(b.points)}`, b.points, b.provisional)
			);
			const last = indicator.bands[indicator.bands.length - 1];
			c.outside = applied(null, `Trên ${formatNumberVi(last.max)}${c.perSuffix}: 0 điểm`, 0, false);
			if (indicator.zeroIfCountAtLeast !== null) {
				c.zeroCount = applied(null, `Từ ${formatNumberVi(indicator.zeroIfCountAtLeast)} trường hợp trở lên: 0 điểm`, 0, false);
			}
			break;
		}
		case 'level':
			c.bands = indicator.levels.map((l, k) => applied(k, `${l.label}: ${pts(l.points)}`, l.points, l.provisional));
			break;
		case 'check':
			c.yes = applied(null, `Có: ${pts(indicator.maxPoints)}`, indicator.maxPoints, false);
			c.no = applied(null, 'Không: 0 điểm', 0, false);
			break;
		case 'manual':
			break;
	}
	compiledCache.set(indicator, c);
	return c;
}

function setResult(
	out: Evaluation,
	status: IndicatorStatus,
	reason: string | null,
	value: number | null,
	valueDisplay: string | null,
	points: number | null,
	band: AppliedBand | null
): void {
	out.status = status;
	out.reason = reason;
	out.value = value;
	out.valueDisplay = valueDisplay;
	out.points = points;
	out.band = band;
}

function setInvalid(out: Evaluation, reason: string): void {
	setResult(out, 'invalid', reason, null, null, null, null);
}

function evaluateRate(indicator: RateIndicator, c: Compiled, answer: RateAnswer, out: Evaluation): void {
	const n = answer.numerator;
	const d = answer.denominator;
	if (!isCount(n, MAX_COUNT) || !isCount(d, MAX_COUNT)) {
		return setInvalid(out, `Tử số và mẫu số phải là số nguyên không âm, tối đa ${COUNT_LIMIT}`);
	}
	// a numerator above its denominator is invalid whatever the denominator: "5 of 0 cases" is
	// not "no case to handle" (only 0/0 is)
	if (n > d) return setInvalid(out, `Tử số (${formatNumberVi(n)}) lớn hơn mẫu số (${formatNumberVi(d)})`);
	if (d === 0) {
		if (c.zeroDenominator !== null) {
			return setResult(
				out,
				'answered',
				'Mẫu số bằng 0 (không có trường hợp cần xử lý): được đủ điểm theo quy ước của bộ tiêu chí',
				null,
				null,
				indicator.maxPoints,
				c.zeroDenominator
			);
		}
		return setInvalid(out, 'Mẫu số bằng 0: không tính được tỷ lệ');
	}
	// R2: n/d ≥ min% ⇔ n·10 000 ≥ min_hundredths·d (all integers below 2^53 for counts ≤ MAX_COUNT)
	const scaled = n * 10000;
	let band = c.outside as AppliedBand;
	for (let k = c.thresholds.length - 1; k >= 0; k--) {
		if (compareProducts(scaled, 1, c.thresholds[k], d) >= 0) {
			band = c.bands[k];
			break;
		}
	}
	setResult(
		out,
		'answered',
		null,
		(n * 100) / d,
		formatHundredthsVi(floorMulDiv(n, 10000, d)) + '%',
		clampPoints(band.points, indicator.maxPoints),
		band
	);
}

function evaluateSurvey(indicator: SurveyIndicator, c: Compiled, answer: SurveyAnswer, out: Evaluation): void {
	const p = answer.percent;
	if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) {
		return setInvalid(out, 'Tỷ lệ hài lòng phải là số từ 0 đến 100');
	}
	const h = toHundredths(p);
	if (Math.abs(p * 100 - h) > 1e-6) return setInvalid(out, 'Tỷ lệ hài lòng chỉ được có tối đa 2 chữ số thập phân');
	let band = c.outside as AppliedBand;
	for (let k = c.thresholds.length - 1; k >= 0; k--) {
		if (h >= c.thresholds[k]) {
			band = c.bands[k];
			break;
		}
	}
	setResult(out, 'answered', null, p, formatHundredthsVi(h) + '%', clampPoints(band.points, indicator.maxPoints), band);
}

function evaluateIncidence(indicator: IncidenceIndicator, c: Compiled, answer: IncidenceAnswer, out: Evaluation): void {
	const count = answer.count;
	const pop = answer.population;
	if (!isCount(count, MAX_COUNT) || !isCount(pop, MAX_COUNT)) {
		return setInvalid(out, `Số trường hợp và số trẻ em phải là số nguyên không âm, tối đa ${COUNT_LIMIT}`);
	}
	if (pop === 0) return setInvalid(out, 'Số trẻ em (mẫu số) bằng 0: không tính được tỷ suất');
	if (count > pop) {
		return setInvalid(out, `Số trường hợp (${formatNumberVi(count)}) lớn hơn số trẻ em (${formatNumberVi(pop)})`);
	}
	const per = indicator.per;
	let band = c.outside as AppliedBand;
	if (c.zeroCount !== null && count >= (indicator.zeroIfCountAtLeast as number)) {
		band = c.zeroCount;
	} else {
		// R2: count·per/pop ≤ max ⇔ count·per·100 ≤ max_hundredths·pop
		const scaled = count * per * 100;
		for (let k = 0; k < c.thresholds.length; k++) {
			if (compareProducts(scaled, 1, c.thresholds[k], pop) <= 0) {
				band = c.bands[k];
				break;
			}
		}
	}
	setResult(
		out,
		'answered',
		null,
		(count * per) / pop,
		formatHundredthsVi(ceilMulDiv(count, per * 100, pop)) + c.perSuffix,
		clampPoints(band.points, indicator.maxPoints),
		band
	);
}

function evaluateInto(indicator: Indicator, answer: Answer | RejectedAnswer | null | undefined, out: Evaluation): void {
	if (answer === null || answer === undefined) {
		return setResult(out, 'unanswered', NOT_ANSWERED, null, null, null, null);
	}
	if (isRejected(answer)) return setInvalid(out, answer.rejected);
	if (typeof answer !== 'object' || answerKindOf(answer) !== indicator.kind) {
		return setInvalid(out, `Câu trả lời không đúng dạng của chỉ số (cần các trường: ${ANSWER_FIELDS[indicator.kind].join(', ')})`);
	}
	const c = compile(indicator);
	switch (indicator.kind) {
		case 'check': {
			const v = (answer as CheckAnswer).value;
			if (typeof v !== 'boolean') return setInvalid(out, 'Giá trị phải là Có hoặc Không (true/false)');
			return setResult(out, 'answered', null, null, v ? 'Có' : 'Không', v ? indicator.maxPoints : 0, v ? c.yes : c.no);
		}
		case 'rate':
			return evaluateRate(indicator, c, answer as RateAnswer, out);
		case 'incidence':
			return evaluateIncidence(indicator, c, answer as IncidenceAnswer, out);
		case 'survey':
			return evaluateSurvey(indicator, c, answer as SurveyAnswer, out);
		case 'level': {
			const code = (answer as LevelAnswer).level;
			const k = indicator.levels.findIndex((l) => l.code === code);
			if (k < 0) return setInvalid(out, `Mức «${String(code)}» không có trong danh sách mức của chỉ số`);
			const level = indicator.levels[k];
			return setResult(out, 'answered', null, null, level.label, clampPoints(level.points, indicator.maxPoints), c.bands[k]);
		}
		case 'manual': {
			const a = answer as ManualAnswer;
			if (typeof a.points !== 'number' || !Number.isInteger(a.points) || a.points < 0) {
				return setInvalid(out, 'Điểm chấm phải là số nguyên không âm');
			}
			if (a.points > indicator.maxPoints) {
				return setInvalid(out, `Điểm chấm (${a.points}) vượt điểm tối đa của chỉ số (${indicator.maxPoints})`);
			}
			if (typeof a.justification !== 'string' || a.justification.trim() === '') {
				return setInvalid(out, 'Thiếu giải trình cho điểm chấm trực tiếp');
			}
			return setResult(out, 'answered', null, null, `${a.points}/${indicator.maxPoints}`, a.points, null);
		}
	}
}

/** Evaluates one indicator against an answer (or undefined/null for "not answered"). */
export function evaluateIndicator(indicator: Indicator, answer: Answer | null | undefined): Evaluation {
	const out: Evaluation = { status: 'unanswered', reason: null, value: null, valueDisplay: null, points: null, band: null };
	evaluateInto(indicator, answer, out);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Criteria and verdict
// ---------------------------------------------------------------------------------------------

/** Whether `points` satisfies a criterion's metRule. */
export function isMet(rule: MetRule, points: number): boolean {
	return rule.kind === 'positive' ? points > 0 : points >= rule.points;
}

/** Points a criterion still needs to be met (0 when met). */
export function pointsNeededToMeet(rule: MetRule, points: number): number {
	return rule.kind === 'positive' ? (points > 0 ? 0 : 1) : Math.max(0, rule.points - points);
}

/** Per-indicator points that replace the computed ones (R10). */
export type PointsOverride = Readonly<Record<string, number>>;

function scoreCriterion(criterion: Criterion, answers: AnswersInput, pointsOverride?: PointsOverride): CriterionResult {
	const indicators: IndicatorResult[] = [];
	let sum = 0;
	let pending = 0;
	let verified = criterion.verified;
	for (const indicator of criterion.indicators) {
		// Codes match /^[A-Z]+[0-9]+\.[0-9]+$/, so they never collide with Object.prototype keys.
		const given = answers[indicator.code];
		const answer = given === undefined ? null : given;
		const r: IndicatorResult = {
			code: indicator.code,
			criterionCode: criterion.code,
			kind: indicator.kind,
			title: indicator.title,
			maxPoints: indicator.maxPoints,
			verified: indicator.verified,
			status: 'unanswered',
			reason: null,
			answer: isRejected(answer) ? null : answer,
			value: null,
			valueDisplay: null,
			points: null,
			band: null
		};
		evaluateInto(indicator, answer, r);
		const override = pointsOverride?.[indicator.code];
		if (override !== undefined && Number.isInteger(override)) {
			r.reviewed = { computedPoints: r.points };
			r.points = clampPoints(override, indicator.maxPoints);
			if (r.status !== 'answered') {
				r.status = 'answered';
				r.reason = 'Điểm do cấp thẩm định chấm';
			}
		}
		if (r.points === null) pending += indicator.maxPoints;
		else sum += r.points;
		if (!indicator.verified) verified = false;
		indicators.push(r);
	}
	const points = clampPoints(sum, criterion.maxPoints);
	const complete = pending === 0;
	const metNow = isMet(criterion.metRule, points);
	return {
		code: criterion.code,
		title: criterion.title,
		maxPoints: criterion.maxPoints,
		points,
		met: metNow ? true : complete ? false : null,
		zero: points > 0 ? false : complete ? true : null,
		complete,
		pendingMaxPoints: pending,
		verified,
		indicators
	};
}

const unverifiedCache = new WeakMap<CriteriaSet, boolean>();
function setIsUnverified(set: CriteriaSet): boolean {
	let v = unverifiedCache.get(set);
	if (v === undefined) {
		// a set an administrator confirmed against the gazetted text is no longer provisional
		v = hasUnverifiedItems(set) && !set.confirmation;
		unverifiedCache.set(set, v);
	}
	return v;
}

/**
 * Scores a commune's answers against a criteria set for its category (R1–R9 above).
 * `answers` should come from parseAnswers; anything malformed is reported as invalid, never thrown.
 */
export function score(set: CriteriaSet, category: CommuneCategory, answers: AnswersInput, pointsOverride?: PointsOverride): ScoreResult {
	const criteria: CriterionResult[] = [];
	let total = 0;
	let maxTotal = 0;
	let pendingMax = 0;
	const unanswered: string[] = [];
	const invalidCodes: string[] = [];
	const invalidReasons: string[] = [];
	for (const criterion of set.criteria) {
		const r = scoreCriterion(criterion, answers, pointsOverride);
		criteria.push(r);
		total += r.points;
		maxTotal += r.maxPoints;
		pendingMax += r.pendingMaxPoints;
		for (const i of r.indicators) {
			if (i.status === 'unanswered') unanswered.push(i.code);
			else if (i.status === 'invalid') {
				invalidCodes.push(i.code);
				invalidReasons.push(`${i.code} không hợp lệ: ${i.reason ?? ''}`);
			}
		}
	}
	const complete = pendingMax === 0 && unanswered.length === 0 && invalidCodes.length === 0;
	const threshold = set.passRule.thresholds[category];
	const rule = set.passRule;

	const allCriteriaMet: ConditionState = !rule.requireAllCriteriaMet
		? 'not_required'
		: criteria.some((c) => c.met === false)
			? 'failed'
			: criteria.every((c) => c.met === true)
				? 'met'
				: 'unknown';
	const noZeroCriterion: ConditionState = !rule.forbidZeroCriterion
		? 'not_required'
		: criteria.some((c) => c.zero === true)
			? 'failed'
			: criteria.every((c) => c.zero === false)
				? 'met'
				: 'unknown';
	const thresholdReached: ConditionState = total >= threshold ? 'met' : total + pendingMax < threshold ? 'failed' : 'unknown';

	const states = [allCriteriaMet, noZeroCriterion, thresholdReached];
	const verdict: Verdict = states.includes('failed')
		? 'fail'
		: !complete
			? 'incomplete'
			: states.every((s) => s === 'met' || s === 'not_required')
				? 'pass'
				: 'incomplete';

	const reasons: string[] = [];
	const totalText = formatNumberVi(total);
	const thresholdText = formatNumberVi(threshold);
	if (verdict === 'pass') {
		if (rule.requireAllCriteriaMet) reasons.push(`Đạt đủ ${criteria.length}/${criteria.length} tiêu chí`);
		if (rule.forbidZeroCriterion) reasons.push('Không có tiêu chí nào 0 điểm');
		reasons.push(`Tổng điểm ${totalText} ≥ ${thresholdText}`);
	} else {
		for (const c of criteria) {
			if (rule.forbidZeroCriterion && c.zero === true) reasons.push(`${c.code} đạt 0 điểm`);
			if (rule.requireAllCriteriaMet && c.met === false) reasons.push(`${c.code} chưa đạt`);
		}
		if (thresholdReached === 'failed') {
			reasons.push(
				complete
					? `Tổng điểm ${totalText} < ${thresholdText}`
					: `Tổng điểm ${totalText} < ${thresholdText}, kể cả khi các chỉ số còn thiếu đạt tối đa (${formatNumberVi(total + pendingMax)})`
			);
		} else if (thresholdReached === 'met') {
			reasons.push(`Tổng điểm ${totalText} ≥ ${thresholdText}`);
		} else {
			reasons.push(`Tổng điểm hiện tại ${totalText}, còn tối đa ${formatNumberVi(pendingMax)} điểm chưa tính (ngưỡng ${thresholdText})`);
		}
		reasons.push(...invalidReasons);
		if (unanswered.length > 0) reasons.push(`Chưa nhập: ${unanswered.join(', ')}`);
	}

	return {
		criteriaSetCode: set.code,
		criteriaSetVersion: set.version,
		category,
		threshold,
		total,
		maxTotal,
		pendingMaxPoints: pendingMax,
		complete,
		verdict,
		conditions: { allCriteriaMet, noZeroCriterion, thresholdReached },
		reasons,
		criteria,
		unanswered,
		invalid: invalidCodes,
		unverified: setIsUnverified(set)
	};
}

/** Finds an indicator result by code. */
export function findIndicatorResult(result: ScoreResult, code: string): IndicatorResult | undefined {
	for (const c of result.criteria) for (const i of c.indicators) if (i.code === code) return i;
	return undefined;
}
