/**
 * Duplicate and burst flags (issue 15), computed from the stored answers only: no address, no
 * device, no identity of any kind is stored or used.
 *
 * - duplicate: the same group, the same answers (and the same age group and sex) as an earlier
 *   response through the same channel less than `duplicateWindowSeconds` before it. Only the
 *   channels in `duplicateChannels`: a slip code is single-use (two slips are two respondents)
 *   and paper forms are typed in by the officer, one after another, where identical forms are
 *   normal.
 * - burst: on the open link, a response that arrives when `burst.max` or more responses already
 *   arrived through it in the `burst.windowSeconds` before.
 *
 * A flagged response is shown to the officer and the reviewer and left out of the figures until
 * the commune's officer accepts it (`accepted`): never silently counted, never silently dropped.
 *
 * Pure: no I/O.
 */
import type { ResponseRecord, SurveyChannel, SurveyFlag } from './results.ts';

export const FLAG_RULES = {
	duplicateWindowSeconds: 120,
	duplicateChannels: ['open'] as readonly SurveyChannel[],
	burst: { channel: 'open' as SurveyChannel, max: 20, windowSeconds: 60 }
} as const;

export type FlagRules = {
	duplicateWindowSeconds: number;
	duplicateChannels: readonly SurveyChannel[];
	burst: { channel: SurveyChannel; max: number; windowSeconds: number };
};

export type FlagInput = Pick<ResponseRecord, 'group' | 'channel' | 'answers' | 'ageGroup' | 'sex' | 'submittedAt'>;

/** The answers as one comparable string (keys sorted), with group, age group and sex. */
export function answerKey(r: Pick<FlagInput, 'group' | 'answers' | 'ageGroup' | 'sex'>): string {
	const answers = Object.keys(r.answers)
		.sort()
		.map((k) => `${k}=${r.answers[k]}`)
		.join(',');
	return `${r.group}|${answers}|${r.ageGroup ?? ''}|${r.sex ?? ''}`;
}

/**
 * The flag of `candidate` given the responses that arrived before it (any order; those after it
 * are ignored). Duplicate wins over burst.
 */
export function flagFor(candidate: FlagInput, earlier: readonly FlagInput[], rules: FlagRules = FLAG_RULES): SurveyFlag | null {
	const at = candidate.submittedAt.getTime();
	const before = earlier.filter((r) => r.channel === candidate.channel && r.submittedAt.getTime() <= at);
	if (rules.duplicateChannels.includes(candidate.channel)) {
		const key = answerKey(candidate);
		const since = at - rules.duplicateWindowSeconds * 1000;
		if (before.some((r) => r.submittedAt.getTime() >= since && answerKey(r) === key)) return 'duplicate';
	}
	if (candidate.channel === rules.burst.channel) {
		const since = at - rules.burst.windowSeconds * 1000;
		if (before.filter((r) => r.submittedAt.getTime() > since).length >= rules.burst.max) return 'burst';
	}
	return null;
}

/** Flags for a whole list, each response against those before it (by time, then list order). */
export function computeFlags(responses: readonly FlagInput[], rules: FlagRules = FLAG_RULES): (SurveyFlag | null)[] {
	const order = responses.map((r, i) => ({ r, i })).sort((a, b) => a.r.submittedAt.getTime() - b.r.submittedAt.getTime() || a.i - b.i);
	const out: (SurveyFlag | null)[] = Array(responses.length).fill(null);
	order.forEach(({ r, i }, k) => {
		out[i] = flagFor(
			r,
			order.slice(0, k).map((x) => x.r),
			rules
		);
	});
	return out;
}
