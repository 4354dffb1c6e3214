/**
 * Aggregating a campaign's responses (issue 15): counts per question and answer value, per group,
 * per age group and sex (when the template asks them), the share of satisfied respondents and its
 * base, the sample against the target, and the TC13 figures.
 *
 * The "satisfied" rule is the template's data (`satisfiedWhen`, see templates.ts): a respondent is
 * satisfied when the mean of their answers to the template's questions is at least
 * `satisfiedWhen.meanAtLeast`. The share is satisfied respondents / valid responses × 100, rounded
 * to 2 decimals; its base is the number of valid responses.
 *
 * A valid (counted) response is one that is not flagged, or flagged and accepted by the commune's
 * officer (flags.ts). Flagged responses not accepted are counted apart (`excluded`), never dropped
 * silently.
 *
 * Pure: no I/O.
 */
import { GROUP_INDICATOR, SEX_OPTIONS, SURVEY_GROUPS, type SurveyGroup, type SurveyTemplate } from './templates.ts';

export type SurveyChannel = 'slip' | 'open' | 'paper';
export const CHANNEL_LABELS: Record<SurveyChannel, string> = {
	slip: 'Mã phiếu (điện thoại)',
	open: 'Đường dẫn mở (điện thoại)',
	paper: 'Phiếu giấy'
};

export type SurveyFlag = 'duplicate' | 'burst';
export const FLAG_LABELS: Record<SurveyFlag, string> = {
	duplicate: 'Trùng lặp (cùng câu trả lời, gửi liền nhau)',
	burst: 'Gửi dồn dập (quá nhiều phiếu trong thời gian ngắn)'
};

/** A stored response as the aggregation needs it (no identity: there is none). */
export type ResponseRecord = {
	id: number;
	group: SurveyGroup;
	channel: SurveyChannel;
	answers: Record<string, number>;
	ageGroup: string | null;
	sex: string | null;
	submittedAt: Date;
	flag: SurveyFlag | null;
	accepted: boolean;
};

/** Counted in the figures: not flagged, or flagged and accepted by the officer. */
export const isCounted = (r: Pick<ResponseRecord, 'flag' | 'accepted'>): boolean => r.flag === null || r.accepted;

/** The mean of a respondent's answers to the template's questions (null when none answered). */
export function meanAnswer(template: SurveyTemplate, answers: Record<string, number>): number | null {
	const values = template.questions.map((q) => answers[q.code]).filter((v): v is number => typeof v === 'number');
	return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** The template's rule: the mean of the answers reaches `satisfiedWhen.meanAtLeast`. */
export function isSatisfied(template: SurveyTemplate, answers: Record<string, number>): boolean {
	const mean = meanAnswer(template, answers);
	// a small tolerance: the mean of integers is exact enough, but 2.5 must not fail on rounding
	return mean !== null && mean + 1e-9 >= template.satisfiedWhen.meanAtLeast;
}

/** satisfied / base × 100 with 2 decimals; null when the base is 0. */
export function percentOf(satisfied: number, base: number): number | null {
	return base > 0 ? Math.round((satisfied * 10000) / base) / 100 : null;
}

export type Share = { base: number; satisfied: number; percent: number | null };

export type QuestionResult = {
	code: string;
	text: string;
	/** Per scale value, in the scale's order. */
	counts: { value: number; label: string; count: number; satisfied: boolean }[];
	answered: number;
	/** Share of answers among `satisfiedWhen.values`. */
	satisfiedPercent: number | null;
};

export type BreakdownRow = Share & { code: string; label: string };

export type GroupResult = Share & {
	group: SurveyGroup;
	template: { code: string; version: number; name: string; provisional: boolean };
	/** Counted responses by channel. */
	byChannel: Record<SurveyChannel, number>;
	/** Flagged and not accepted: shown, not counted. */
	excluded: number;
	questions: QuestionResult[];
	/** Empty when the template does not ask it. The last row ("Không trả lời") counts those without one. */
	byAgeGroup: BreakdownRow[];
	bySex: BreakdownRow[];
};

function share(template: SurveyTemplate, rows: ResponseRecord[]): Share {
	const satisfied = rows.filter((r) => isSatisfied(template, r.answers)).length;
	return { base: rows.length, satisfied, percent: percentOf(satisfied, rows.length) };
}

function breakdown(
	template: SurveyTemplate,
	rows: ResponseRecord[],
	choices: readonly { code: string; label: string }[],
	of: (r: ResponseRecord) => string | null
): BreakdownRow[] {
	const out: BreakdownRow[] = choices.map((c) => ({
		code: c.code,
		label: c.label,
		...share(
			template,
			rows.filter((r) => of(r) === c.code)
		)
	}));
	const none = rows.filter((r) => of(r) === null || !choices.some((c) => c.code === of(r)));
	if (none.length) out.push({ code: '', label: 'Không trả lời', ...share(template, none) });
	return out;
}

/** The results of one group from its responses (of this group; flagged ones not accepted are excluded). */
export function groupResult(template: SurveyTemplate, responses: readonly ResponseRecord[]): GroupResult {
	const mine = responses.filter((r) => r.group === template.group);
	const counted = mine.filter(isCounted);
	const byChannel: Record<SurveyChannel, number> = { slip: 0, open: 0, paper: 0 };
	for (const r of counted) byChannel[r.channel]++;
	const questions: QuestionResult[] = template.questions.map((q) => {
		const values = counted.map((r) => r.answers[q.code]).filter((v): v is number => typeof v === 'number');
		const good = values.filter((v) => template.satisfiedWhen.values.includes(v)).length;
		return {
			code: q.code,
			text: q.text,
			counts: q.scale.map((o) => ({
				value: o.value,
				label: o.label,
				count: values.filter((v) => v === o.value).length,
				satisfied: template.satisfiedWhen.values.includes(o.value)
			})),
			answered: values.length,
			satisfiedPercent: percentOf(good, values.length)
		};
	});
	return {
		group: template.group,
		template: { code: template.code, version: template.version, name: template.name, provisional: template.provisional },
		...share(template, counted),
		byChannel,
		excluded: mine.length - counted.length,
		questions,
		byAgeGroup: template.profile.ageGroups ? breakdown(template, counted, template.profile.ageGroups, (r) => r.ageGroup) : [],
		bySex: template.profile.sex ? breakdown(template, counted, SEX_OPTIONS, (r) => r.sex) : []
	};
}

export type SampleProgress = { target: number; collected: number; percentOfTarget: number | null; reached: boolean };

export type Tc13Figure = Share & { indicator: 'TC13.1' | 'TC13.2'; sample: SampleProgress };

export type SurveyResults = {
	groups: GroupResult[];
	/** TC13.1: both children's groups together; TC13.2: residents. */
	tc13: Record<'TC13.1' | 'TC13.2', Tc13Figure>;
};

/**
 * Every group's results and the TC13 figures. `templates`: the campaign's template per group;
 * `targets`: the campaign's target sample sizes (children: both children's groups together).
 */
export function surveyResults(
	templates: Partial<Record<SurveyGroup, SurveyTemplate>>,
	responses: readonly ResponseRecord[],
	targets: { children: number; residents: number }
): SurveyResults {
	const groups = SURVEY_GROUPS.flatMap((g) => (templates[g] ? [groupResult(templates[g], responses)] : []));
	const figure = (indicator: 'TC13.1' | 'TC13.2', target: number): Tc13Figure => {
		const gs = groups.filter((g) => GROUP_INDICATOR[g.group] === indicator);
		const base = gs.reduce((a, g) => a + g.base, 0);
		const satisfied = gs.reduce((a, g) => a + g.satisfied, 0);
		return { indicator, base, satisfied, percent: percentOf(satisfied, base), sample: sampleProgress(base, target) };
	};
	return { groups, tc13: { 'TC13.1': figure('TC13.1', targets.children), 'TC13.2': figure('TC13.2', targets.residents) } };
}

/** How far the collected valid responses are from the target. */
export function sampleProgress(collected: number, target: number): SampleProgress {
	return { target, collected, percentOfTarget: percentOf(collected, target), reached: collected >= target };
}
