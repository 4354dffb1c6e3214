/**
 * The review queue and progress board (issue 5): the assessments of one round within the
 * actor's scope for 'assessment.read', with state, self-assessed total and verdict (the figures
 * stored on each assessment's row, kept by every save: nothing is re-scored here), days since
 * submission, overdue flags, filters, sorting, paging and the share of recognised communes
 * against the national targets. Sorting, searching, paging and the summary are done by the
 * database (names sort and search through admin_unit.sort_key and search_name).
 *
 * Server module: takes `db` as a parameter, no `$app/*`. The pure helpers are exported for the
 * unit tests beside this file.
 */
import { sql } from 'kysely';
import { vnDate as vnDateOf, viDate } from '../../domain/dates.ts';
import type { DB } from '../db/index.ts';
import type { RuleActor } from '../../domain/access.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { escapeLike, fold } from '../../domain/text.ts';
import { ASSESSMENT_STATES, STATE_LABELS, type AssessmentState } from '../../domain/workflow.ts';
import { VERDICT_LABELS, type Verdict } from '../../domain/scoring/index.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import { criteriaSetOf, type CriteriaSetStamp } from '../criteria/index.ts';
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

export const SORT_KEYS = ['action', 'commune', 'state', 'total', 'days'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export type QueueOptions = { roundId?: number; state?: AssessmentState; q?: string; sort?: SortKey; dir?: SortDir; page?: number };

/** Rows per page of the board. */
export const PAGE_SIZE = 50;

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
	/** What still blocks the dossier's submission (0 once complete). */
	blockers: number;
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
	/** One page of the rows that match the filters. */
	rows: QueueRow[];
	/** Rows that match the filters, over all pages; the page shown and how many there are. */
	matching: number;
	page: number;
	pages: number;
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
		if (today > deadline) return { kind: 'submission', label: `Quá hạn nộp (hạn ${viDate(deadline)})`, deadline };
	}
	return null;
}

export function recognisedPercent(recognised: number, total: number): number | null {
	return total === 0 ? null : Math.round((recognised / total) * 1000) / 10;
}

/** Reads the board's query string; anything unknown falls back to the default. */
export function parseQueueQuery(params: URLSearchParams): QueueOptions {
	const round = Number(params.get('round'));
	const state = params.get('state');
	const sort = params.get('sort');
	const page = Number(params.get('page'));
	const q = (params.get('q') ?? '').slice(0, 100).trim();
	return {
		roundId: Number.isInteger(round) && round > 0 && round <= 2_147_483_647 ? round : undefined,
		state: (ASSESSMENT_STATES as readonly string[]).includes(state ?? '') ? (state as AssessmentState) : undefined,
		q: q || undefined,
		sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : undefined,
		dir: params.get('dir') === 'desc' ? 'desc' : params.get('dir') === 'asc' ? 'asc' : undefined,
		page: Number.isInteger(page) && page > 1 && page <= 100_000 ? page : undefined
	};
}

// ---------------------------------------------------------------------------------------------
// The query
// ---------------------------------------------------------------------------------------------

const STATE_ORDER = sql.raw(`case a.state ${ASSESSMENT_STATES.map((s, i) => `when '${s}' then ${i}`).join(' ')} end`);
/** The calendar date of the submission in Vietnam (UTC+7 all year). */
const SUBMITTED_DAY = sql`((a.submitted_at at time zone 'UTC') + interval '7 hours')::date`;

/** Midnight in Vietnam, as an instant, of the day `days` before `today` ('YYYY-MM-DD'). */
function vnMidnight(today: string, days: number): Date {
	return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000 - 7 * 3_600_000);
}

type Scope = Exclude<ReturnType<typeof communeScope>, { kind: 'none' }>;
type Resolved = { scope: Scope; rounds: QueueRound[]; round: QueueRound; set: CriteriaSetStamp };

/** The assessment's column holding the scope's unit (the commune's area is stored on the row). */
const SCOPE_COLUMN = { id: 'a.commune_id', province_id: 'a.province_id', district_id: 'a.district_id' } as const;

/** The rounds with assessments in the actor's scope, and the chosen one (else the newest). */
async function resolveRound(db: DB, actor: RuleActor, opts: QueueOptions): Promise<{ rounds: QueueRound[]; resolved: Resolved | null }> {
	const scope = communeScope(actor, 'assessment.read');
	if (scope.kind === 'none') return { rounds: [], resolved: null };
	// one indexed count per round (rounds are few): (round_id, province_id | district_id | commune_id)
	const roundRows = await db
		.selectFrom('round as r')
		.innerJoin('criteria_set as s', 's.id', 'r.criteria_set_id')
		.leftJoin('account as sc', 'sc.id', 's.confirmed_by')
		.select([
			'r.id',
			'r.name',
			'r.year',
			'r.opens_on',
			'r.closes_on',
			's.id as set_id',
			's.status',
			's.updated_at',
			's.confirmed_at',
			'sc.full_name'
		])
		.select((eb) => {
			let count = eb
				.selectFrom('assessment as a')
				.select(sql<number>`count(*)::int`.as('n'))
				.whereRef('a.round_id', '=', 'r.id');
			if (scope.kind === 'match') count = count.where(SCOPE_COLUMN[scope.column], '=', scope.value);
			return count.as('n');
		})
		.orderBy('r.year', 'desc')
		.orderBy('r.id', 'desc')
		.execute();
	const rounds: QueueRound[] = roundRows
		.filter((r) => Number(r.n) > 0)
		.map((r) => ({
			id: r.id,
			name: r.name,
			year: r.year,
			opensOn: r.opens_on,
			closesOn: r.closes_on,
			assessments: Number(r.n)
		}));
	const round = rounds.find((r) => r.id === opts.roundId) ?? rounds[0] ?? null;
	if (!round) return { rounds, resolved: null };
	const s = roundRows.find((r) => r.id === round.id)!;
	const set = { id: s.set_id, status: s.status, updatedAt: s.updated_at, confirmedAt: s.confirmed_at, confirmedBy: s.full_name };
	return { rounds, resolved: { scope, rounds, round, set } };
}

/** The assessments of the round in the actor's scope (by index: the area is on the row). */
function inScope(db: DB, r: Resolved) {
	let base = db.selectFrom('assessment as a').where('a.round_id', '=', r.round.id);
	if (r.scope.kind === 'match') base = base.where(SCOPE_COLUMN[r.scope.column], '=', r.scope.value);
	return base;
}

/**
 * The rows matching the filters, sorted by the database; one page, or all of them. How many
 * match comes from the summary when only the state (or nothing) filters, else from a count.
 */
async function matchingRows(
	db: DB,
	r: Resolved,
	opts: QueueOptions,
	today: string,
	page: number | 'all',
	summary: Promise<QueueSummary>
): Promise<{ rows: QueueRow[]; matching: number }> {
	const sort = opts.sort ?? 'action';
	const dir = opts.dir ?? 'asc';
	// `c.level`: lets the national board walk the communes' name index (partial, communes only)
	let rowsQ = inScope(db, r).innerJoin('admin_unit as c', 'c.id', 'a.commune_id').where('c.level', '=', 'commune');
	if (opts.state) rowsQ = rowsQ.where('a.state', '=', opts.state);
	const needle = fold(opts.q ?? '');
	if (needle) rowsQ = rowsQ.where('c.search_name', 'like', `%${escapeLike(needle)}%`);
	const name = sql`(c.sort_key collate "C")`;
	// what needs action first: submitted and resubmitted (the oldest first), then under review,
	// then those past their deadline (the commune's, or the extension it was given), then the rest
	const closes = r.round.closesOn;
	const ACTION_RANK = sql`case
		when a.state in ('submitted', 'resubmitted') then 0
		when a.state = 'under_review' then 1
		when a.state in ('draft', 'returned') and coalesce(a.reopened_until, ${closes}::date) < ${today}::date then 2
		else 3 end`;
	const sorted =
		sort === 'action'
			? rowsQ
					.orderBy(ACTION_RANK, dir)
					.orderBy(sql`a.submitted_at is null`)
					.orderBy('a.submitted_at')
					.orderBy(name)
					.orderBy('c.code')
			: sort === 'state'
				? rowsQ.orderBy(STATE_ORDER, dir).orderBy(name).orderBy('c.code')
				: sort === 'total'
					? rowsQ.orderBy('a.self_total', dir).orderBy(name).orderBy('c.code')
					: sort === 'days'
						? // never submitted go last in both directions; more days = submitted earlier
							rowsQ
								.orderBy(sql`a.submitted_at is null`)
								.orderBy(SUBMITTED_DAY, dir === 'asc' ? 'desc' : 'asc')
								.orderBy(name)
								.orderBy('c.code')
						: rowsQ.orderBy(name, dir).orderBy('c.code', dir);
	const selected = sorted.select([
		'a.id',
		'a.state',
		'a.category',
		'a.submitted_at',
		'a.reopened_until',
		'a.self_total',
		'a.self_verdict',
		'a.blockers',
		'c.code',
		'c.name'
	]);
	const [picked, matching, set] = await Promise.all([
		page === 'all'
			? selected.execute()
			: selected
					.limit(PAGE_SIZE)
					.offset((page - 1) * PAGE_SIZE)
					.execute(),
		page === 'all'
			? Promise.resolve(-1)
			: needle
				? rowsQ
						.select(sql<number>`count(*)::int`.as('n'))
						.executeTakeFirstOrThrow()
						.then((x) => Number(x.n))
				: summary.then((s) => (opts.state ? (s.byState.find((b) => b.state === opts.state)?.count ?? 0) : s.total)),
		criteriaSetOf(db, r.set)
	]);
	const index = criteriaIndex(set);
	const rows: QueueRow[] = picked.map((x) => {
		const days = x.submitted_at ? daysBetween(vnDate(x.submitted_at), today) : null;
		const verdict = x.self_verdict as Verdict;
		return {
			id: x.id,
			communeCode: x.code,
			communeName: x.name,
			state: x.state,
			stateLabel: STATE_LABELS[x.state],
			total: x.self_total,
			maxTotal: index.maxTotal,
			threshold: index.threshold(x.category as CommuneCategory),
			verdict,
			verdictLabel: VERDICT_LABELS[verdict],
			blockers: x.blockers,
			submittedAt: x.submitted_at,
			daysSinceSubmission: days,
			overdue: overdueOf(x.state, days, r.round.closesOn, x.reopened_until, today)
		};
	});
	return { rows, matching: matching < 0 ? rows.length : matching };
}

const EMPTY_SUMMARY: QueueSummary = {
	total: 0,
	byState: ASSESSMENT_STATES.map((s) => ({ state: s, label: STATE_LABELS[s], count: 0 })),
	recognised: 0,
	recognisedPercent: null,
	targets: NATIONAL_TARGETS,
	overdueReview: 0,
	overdueSubmission: 0
};

/** The summary of the round in scope (the filters narrow the table, not the board): one grouped query. */
async function roundSummary(db: DB, r: Resolved, today: string): Promise<QueueSummary> {
	const reviewCutoff = vnMidnight(today, REVIEW_SLA_DAYS);
	const closes = r.round.closesOn;
	const rows = await inScope(db, r)
		.select([
			'a.state',
			sql<number>`count(*)::int`.as('n'),
			sql<number>`count(*) filter (where a.submitted_at < ${reviewCutoff})::int`.as('late_review'),
			sql<number>`count(*) filter (where greatest(coalesce(a.reopened_until, ${closes}::date), ${closes}::date) < ${today}::date)::int`.as(
				'late_submission'
			)
		])
		.groupBy('a.state')
		.execute();
	const counts = new Map<AssessmentState, number>(rows.map((x) => [x.state, Number(x.n)]));
	const total = rows.reduce((n, x) => n + Number(x.n), 0);
	const recognised = counts.get('recognised') ?? 0;
	return {
		total,
		byState: ASSESSMENT_STATES.map((s) => ({ state: s, label: STATE_LABELS[s], count: counts.get(s) ?? 0 })),
		recognised,
		recognisedPercent: recognisedPercent(recognised, total),
		targets: NATIONAL_TARGETS,
		overdueReview: rows.filter((x) => AWAITING_REVIEW.includes(x.state)).reduce((n, x) => n + Number(x.late_review), 0),
		overdueSubmission: rows.filter((x) => AWAITING_COMMUNE.includes(x.state)).reduce((n, x) => n + Number(x.late_submission), 0)
	};
}

/**
 * The board for `actor`. `today` ('YYYY-MM-DD', Vietnam) is a parameter for the tests.
 * Queries: the rounds in scope, the summary of the chosen round (one grouped query), one page of
 * its rows with the number of matching rows; the round's criteria set from its cache.
 */
export async function reviewQueue(
	db: DB,
	actor: RuleActor,
	opts: QueueOptions = {},
	today: string = vnDate(new Date())
): Promise<ReviewQueue> {
	const options = { state: opts.state ?? null, q: opts.q ?? '', sort: opts.sort ?? 'action', dir: opts.dir ?? 'asc' };
	const { rounds, resolved } = await resolveRound(db, actor, opts);
	if (!resolved)
		return { rounds, round: null, rows: [], matching: 0, page: 1, pages: 1, summary: EMPTY_SUMMARY, options, slaDays: REVIEW_SLA_DAYS };
	const page = Math.max(1, opts.page ?? 1);
	const summaryP = roundSummary(db, resolved, today);
	const [summary, { rows, matching }] = await Promise.all([summaryP, matchingRows(db, resolved, opts, today, page, summaryP)]);
	return {
		rounds,
		round: resolved.round,
		rows,
		matching,
		page,
		pages: Math.max(1, Math.ceil(matching / PAGE_SIZE)),
		summary,
		options,
		slaDays: REVIEW_SLA_DAYS
	};
}

/** The board's rounds, chosen round and summary without its rows (the dashboards: the same figures, by construction). */
export async function roundOverview(
	db: DB,
	actor: RuleActor,
	opts: Pick<QueueOptions, 'roundId'> = {},
	today: string = vnDate(new Date())
): Promise<{ rounds: QueueRound[]; round: QueueRound | null; set: CriteriaSetStamp | null; summary: QueueSummary }> {
	const { rounds, resolved } = await resolveRound(db, actor, opts);
	if (!resolved) return { rounds, round: null, set: null, summary: EMPTY_SUMMARY };
	return { rounds, round: resolved.round, set: resolved.set, summary: await roundSummary(db, resolved, today) };
}

/** Every row of the board that matches the filters, in the board's order (the exports). */
export async function boardRows(
	db: DB,
	actor: RuleActor,
	opts: QueueOptions = {},
	today: string = vnDate(new Date())
): Promise<{ round: QueueRound | null; rows: QueueRow[] }> {
	const { resolved } = await resolveRound(db, actor, opts);
	if (!resolved) return { round: null, rows: [] };
	return { round: resolved.round, rows: (await matchingRows(db, resolved, opts, today, 'all', Promise.resolve(EMPTY_SUMMARY))).rows };
}
