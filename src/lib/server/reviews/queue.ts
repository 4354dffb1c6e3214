/**
 * The review queue and progress board (issue 5): the assessments of one round within the
 * actor's scope for 'assessment.read', with state, self-assessed total and verdict (the domain
 * scoring over the stored answers), days since submission, overdue flags, filters, sorting and
 * the share of recognised communes against the national targets.
 *
 * Server module: takes `db` as a parameter, no `$app/*`. The pure helpers are exported for the
 * unit tests beside this file.
 */
import { vnDate as vnDateOf } from '../../domain/dates.ts';
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { ASSESSMENT_STATES, STATE_LABELS, type AssessmentState } from '../../domain/workflow.ts';
import { parseAnswers, score, VERDICT_LABELS, type Answer, type Verdict } from '../../domain/scoring/index.ts';
import { findCriteriaSet } from '../criteria/index.ts';
import { communeScope } from '../units/read.ts';

/**
 * Days a submitted (or resubmitted, or under-review) dossier may wait at the reviewing level
 * before the board flags it as overdue. This is a PRODUCT SETTING chosen for the board, not a
 * legal fact: QĐ 06/QĐ-TTg sets no appraisal deadline that we know of (shared/domain/qd06.md §7).
 */
export const REVIEW_SLA_DAYS = 20;

/**
 * National targets for the share of communes meeting the standard, from QĐ 23/QĐ-TTg (2021)
 * (shared/domain/qd06.md §1): 65% by 2025, 75% by 2030.
 */
export const NATIONAL_TARGETS = [
	{ year: 2025, percent: 65 },
	{ year: 2030, percent: 75 }
] as const;

/** States waiting on the reviewing level (the review SLA applies). */
export const AWAITING_REVIEW: readonly AssessmentState[] = ['submitted', 'resubmitted', 'under_review'];
/** States waiting on the commune (the submission deadline applies). */
export const AWAITING_COMMUNE: readonly AssessmentState[] = ['draft', 'returned'];

export const SORT_KEYS = ['commune', 'state', 'total', 'days'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export type QueueOptions = { roundId?: number; state?: AssessmentState; q?: string; sort?: SortKey; dir?: SortDir };

export type Overdue = { kind: 'review'; label: string; days: number } | { kind: 'submission'; label: string; deadline: string } | null;

export type QueueRow = {
	id: number;
	communeCode: string;
	communeName: string;
	state: AssessmentState;
	stateLabel: string;
	total: number;
	maxTotal: number;
	threshold: number;
	verdict: Verdict;
	verdictLabel: string;
	submittedAt: Date | null;
	daysSinceSubmission: number | null;
	overdue: Overdue;
};

export type QueueRound = { id: number; name: string; year: number; opensOn: string; closesOn: string; assessments: number };

export type QueueSummary = {
	/** Assessments of the round in scope (every state, whatever the filters). */
	total: number;
	byState: { state: AssessmentState; label: string; count: number }[];
	recognised: number;
	/** recognised / total, in percent (one decimal); null when the round has no commune in scope. */
	recognisedPercent: number | null;
	targets: typeof NATIONAL_TARGETS;
	overdueReview: number;
	overdueSubmission: number;
};

export type ReviewQueue = {
	rounds: QueueRound[];
	round: QueueRound | null;
	rows: QueueRow[];
	summary: QueueSummary;
	options: { state: AssessmentState | null; q: string; sort: SortKey; dir: SortDir };
	slaDays: number;
};

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/** The calendar date ('YYYY-MM-DD') of an instant in Asia/Ho_Chi_Minh. */
export function vnDate(d: Date): string {
	return vnDateOf(d);
}

/** Whole calendar days from date `from` to date `to` (both 'YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The overdue flag of one assessment on `today` ('YYYY-MM-DD', Vietnam). */
export function overdueOf(
	state: AssessmentState,
	daysSinceSubmission: number | null,
	closesOn: string,
	reopenedUntil: string | null,
	today: string,
	slaDays = REVIEW_SLA_DAYS
): Overdue {
	if (AWAITING_REVIEW.includes(state) && daysSinceSubmission !== null && daysSinceSubmission > slaDays) {
		return { kind: 'review', label: `Quá hạn thẩm định (${daysSinceSubmission} ngày > ${slaDays})`, days: daysSinceSubmission };
	}
	if (AWAITING_COMMUNE.includes(state)) {
		const deadline = reopenedUntil && reopenedUntil > closesOn ? reopenedUntil : closesOn;
		if (today > deadline) return { kind: 'submission', label: `Quá hạn nộp (hạn ${deadline})`, deadline };
	}
	return null;
}

/** Lower case without Vietnamese diacritics (đ → d), for a forgiving name search. */
export function fold(s: string): string {
	return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function matchesQuery(name: string, q: string): boolean {
	const needle = fold(q);
	return needle === '' || fold(name).includes(needle);
}

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Sorts rows in place-free fashion; ties (and missing days) fall back to the commune name. */
export function sortRows(rows: QueueRow[], sort: SortKey, dir: SortDir): QueueRow[] {
	const sign = dir === 'desc' ? -1 : 1;
	const byName = (a: QueueRow, b: QueueRow) => collator.compare(a.communeName, b.communeName) || a.communeCode.localeCompare(b.communeCode);
	return [...rows].sort((a, b) => {
		let c = 0;
		if (sort === 'state') c = ASSESSMENT_STATES.indexOf(a.state) - ASSESSMENT_STATES.indexOf(b.state);
		else if (sort === 'total') c = a.total - b.total;
		else if (sort === 'days') {
			// rows never submitted go last in both directions
			if (a.daysSinceSubmission === null || b.daysSinceSubmission === null) {
				if (a.daysSinceSubmission !== b.daysSinceSubmission) return a.daysSinceSubmission === null ? 1 : -1;
			} else c = a.daysSinceSubmission - b.daysSinceSubmission;
		} else c = byName(a, b);
		return sign * c || byName(a, b);
	});
}

export function recognisedPercent(recognised: number, total: number): number | null {
	return total === 0 ? null : Math.round((recognised / total) * 1000) / 10;
}

/** Reads the board's query string; anything unknown falls back to the default. */
export function parseQueueQuery(params: URLSearchParams): QueueOptions {
	const round = Number(params.get('round'));
	const state = params.get('state');
	const sort = params.get('sort');
	const q = (params.get('q') ?? '').slice(0, 100).trim();
	return {
		roundId: Number.isInteger(round) && round > 0 && round <= 2_147_483_647 ? round : undefined,
		state: (ASSESSMENT_STATES as readonly string[]).includes(state ?? '') ? (state as AssessmentState) : undefined,
		q: q || undefined,
		sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : undefined,
		dir: params.get('dir') === 'desc' ? 'desc' : params.get('dir') === 'asc' ? 'asc' : undefined
	};
}

/** Valid stored answers of one assessment; JSON null (cleared) counts as unanswered, and an
 * answer that no longer fits the set (should not happen: used sets are frozen) is left out. */
export function validAnswers(set: CriteriaSet, raw: Record<string, unknown>): Record<string, Answer> {
	const parsed = parseAnswers(set, raw);
	if (parsed.ok) return { ...parsed.value };
	const out: Record<string, Answer> = {};
	for (const [code, value] of Object.entries(raw)) {
		const one = parseAnswers(set, { [code]: value });
		if (one.ok && one.value[code]) out[code] = one.value[code];
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// The query
// ---------------------------------------------------------------------------------------------

/**
 * The board for `actor`. `today` ('YYYY-MM-DD', Vietnam) is a parameter for the tests.
 * Queries: rounds in scope, state counts of the chosen round, its rows, their answers (one
 * query), and each distinct criteria set once.
 */
/** Scores of the board's rows by assessment (see reviewQueue); one entry per commune and round. */
type CachedScore = { key: string; total: number; maxTotal: number; threshold: number; verdict: Verdict };
const scoreCache = new Map<number, CachedScore>();
const SCORE_CACHE_MAX = 50_000;

export async function reviewQueue(db: DB, actor: Actor, opts: QueueOptions = {}, today: string = vnDate(new Date())): Promise<ReviewQueue> {
	const sort = opts.sort ?? 'commune';
	const dir = opts.dir ?? 'asc';
	const options = { state: opts.state ?? null, q: opts.q ?? '', sort, dir };
	const emptySummary: QueueSummary = {
		total: 0,
		byState: ASSESSMENT_STATES.map((s) => ({ state: s, label: STATE_LABELS[s], count: 0 })),
		recognised: 0,
		recognisedPercent: null,
		targets: NATIONAL_TARGETS,
		overdueReview: 0,
		overdueSubmission: 0
	};
	const scope = communeScope(actor, 'assessment.read');
	if (scope.kind === 'none') return { rounds: [], round: null, rows: [], summary: emptySummary, options, slaDays: REVIEW_SLA_DAYS };

	let roundsQ = db
		.selectFrom('round as r')
		.innerJoin('assessment as a', 'a.round_id', 'r.id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select(['r.id', 'r.name', 'r.year', 'r.opens_on', 'r.closes_on', sql<number>`count(a.id)::int`.as('n')])
		.groupBy(['r.id', 'r.name', 'r.year', 'r.opens_on', 'r.closes_on']);
	if (scope.kind === 'match') roundsQ = roundsQ.where(`c.${scope.column}`, '=', scope.value);
	const rounds: QueueRound[] = (await roundsQ.orderBy('r.year', 'desc').orderBy('r.id', 'desc').execute()).map((r) => ({
		id: r.id,
		name: r.name,
		year: r.year,
		opensOn: r.opens_on,
		closesOn: r.closes_on,
		assessments: Number(r.n)
	}));
	const round = rounds.find((r) => r.id === opts.roundId) ?? rounds[0] ?? null;
	if (!round) return { rounds, round, rows: [], summary: emptySummary, options, slaDays: REVIEW_SLA_DAYS };

	let base = db.selectFrom('assessment as a').innerJoin('admin_unit as c', 'c.id', 'a.commune_id').where('a.round_id', '=', round.id);
	if (scope.kind === 'match') base = base.where(`c.${scope.column}`, '=', scope.value);

	// Summary over the whole round in scope (the filters narrow the table, not the board).
	const all = await base.select(['a.state', 'a.submitted_at', 'a.reopened_until']).execute();
	const counts = new Map<AssessmentState, number>();
	let overdueReview = 0;
	let overdueSubmission = 0;
	for (const a of all) {
		counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
		const o = overdueOf(
			a.state,
			a.submitted_at ? daysBetween(vnDate(a.submitted_at), today) : null,
			round.closesOn,
			a.reopened_until,
			today
		);
		if (o?.kind === 'review') overdueReview++;
		if (o?.kind === 'submission') overdueSubmission++;
	}
	const recognised = counts.get('recognised') ?? 0;
	const summary: QueueSummary = {
		total: all.length,
		byState: ASSESSMENT_STATES.map((s) => ({ state: s, label: STATE_LABELS[s], count: counts.get(s) ?? 0 })),
		recognised,
		recognisedPercent: recognisedPercent(recognised, all.length),
		targets: NATIONAL_TARGETS,
		overdueReview,
		overdueSubmission
	};

	let rowsQ = base.select(['a.id', 'a.state', 'a.category', 'a.submitted_at', 'a.reopened_until', 'a.criteria_set_id', 'c.code', 'c.name']);
	if (opts.state) rowsQ = rowsQ.where('a.state', '=', opts.state);
	// The name search is done here rather than with ilike: diacritic-insensitive ("phu xuan"
	// finds "Phú Xuân") and the same on PGlite and PostgreSQL whatever the database locale.
	const picked = (await rowsQ.execute()).filter((r) => matchesQuery(r.name, opts.q ?? ''));

	// Each row's self-assessed score, from a cache keyed by the answers' version (the sum of their
	// revisions only grows, on every save): answers are read and scored only for rows that changed.
	const versions = new Map<number, number>();
	if (picked.length) {
		const v = await db
			.selectFrom('assessment_answer')
			.select(['assessment_id', sql<number>`sum(revision)::int`.as('v')])
			.where(
				'assessment_id',
				'in',
				picked.map((r) => r.id)
			)
			.groupBy('assessment_id')
			.execute();
		for (const r of v) versions.set(r.assessment_id, Number(r.v));
	}
	const keyOf = (r: (typeof picked)[number]) => `${r.criteria_set_id}:${r.category}:${versions.get(r.id) ?? 0}`;
	// this request's scores: taken from the cache when fresh (the cache may be cleared meanwhile)
	const scores = new Map<number, CachedScore>();
	for (const r of picked) {
		const hit = scoreCache.get(r.id);
		if (hit?.key === keyOf(r)) scores.set(r.id, hit);
	}
	const stale = picked.filter((r) => !scores.has(r.id));
	const answersBy = new Map<number, Record<string, unknown>>();
	if (stale.length) {
		const answers = await db
			.selectFrom('assessment_answer')
			.select(['assessment_id', 'indicator_code', 'answer'])
			.where(
				'assessment_id',
				'in',
				stale.map((r) => r.id)
			)
			.execute();
		for (const a of answers) {
			if (a.answer === null || a.answer === undefined) continue; // JSON null: unanswered
			const m = answersBy.get(a.assessment_id) ?? {};
			m[a.indicator_code] = a.answer;
			answersBy.set(a.assessment_id, m);
		}
	}
	const sets = new Map<number, CriteriaSet>();
	for (const id of new Set(stale.map((r) => r.criteria_set_id))) {
		const found = await findCriteriaSet(db, id);
		if (!found) throw new Error(`criteria set ${id} is missing`);
		sets.set(id, found.set);
	}
	for (const r of stale) {
		const set = sets.get(r.criteria_set_id)!;
		const result = score(set, r.category as CommuneCategory, validAnswers(set, answersBy.get(r.id) ?? {}));
		const fresh = { key: keyOf(r), total: result.total, maxTotal: result.maxTotal, threshold: result.threshold, verdict: result.verdict };
		scores.set(r.id, fresh);
		if (scoreCache.size >= SCORE_CACHE_MAX) scoreCache.clear();
		scoreCache.set(r.id, fresh);
	}

	const rows: QueueRow[] = picked.map((r) => {
		const result = scores.get(r.id)!;
		const days = r.submitted_at ? daysBetween(vnDate(r.submitted_at), today) : null;
		return {
			id: r.id,
			communeCode: r.code,
			communeName: r.name,
			state: r.state,
			stateLabel: STATE_LABELS[r.state],
			total: result.total,
			maxTotal: result.maxTotal,
			threshold: result.threshold,
			verdict: result.verdict,
			verdictLabel: VERDICT_LABELS[result.verdict],
			submittedAt: r.submitted_at,
			daysSinceSubmission: days,
			overdue: overdueOf(r.state, days, round.closesOn, r.reopened_until, today)
		};
	});

	return { rounds, round, rows: sortRows(rows, sort, dir), summary, options, slaDays: REVIEW_SLA_DAYS };
}
