/**
 * The province dashboard (issue 13): for one round and one area (the actor's, or for an
 * administrator a chosen province), the communes by state and the recognised share against the
 * national targets, overall and by category, the distribution of totals against each
 * category's threshold and which criteria hold communes back.
 *
 * Agreement with the board (/review) by construction: the rounds, the chosen round and the counts
 * by state come from the board's own queries (`roundOverview`) for the same area (an
 * administrator's chosen province is read as that province's officer would read it). The totals and verdicts are the
 * figures stored on each assessment's row (kept by every save: nothing is re-scored for them).
 * The per-criterion points are not stored: they are computed once per request, for the chosen
 * round and area only, from one query of the stored answers (and the reviewer's points) scored in
 * memory by the domain's scoring engine.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { ActorUnit, Role, RuleActor } from '../../domain/access.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { readStoredAnswers, score } from '../../domain/scoring/index.ts';
import { reviewedPoints } from '../../domain/dossier.ts';
import {
	countByState,
	criteriaAndIndicators,
	DASHBOARD_TARGETS,
	DEFAULT_PROVINCE_SORT,
	mostHeldBack,
	parseProvinceSort,
	provinceRows,
	recognisedShares,
	sortProvinces,
	totalsAgainstThreshold,
	type CriterionPoints,
	type CriterionRow,
	type DashboardAssessment,
	type ProvinceAssessment,
	type ProvinceRow,
	type ProvinceSort,
	type RecognisedShare,
	type StateCount,
	type TotalsRow,
	type UnmetIndicatorRow
} from '../../domain/dashboard.ts';
import { criteriaSetOf, type CriteriaSetStamp } from '../criteria/index.ts';
import { communeScope } from '../units/read.ts';
import { roundOverview, vnDate, type QueueRound, type QueueSummary } from '../reviews/queue.ts';

export type DashboardOptions = { roundId?: number; provinceId?: number; sort?: ProvinceSort };

const idOf = (raw: string | null): number | undefined => {
	const n = Number(raw);
	return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
};

/** Reads the dashboard's query string (?round=…&province=…&sort=…); anything else is ignored. */
export function parseDashboardQuery(params: URLSearchParams): DashboardOptions {
	return { roundId: idOf(params.get('round')), provinceId: idOf(params.get('province')), sort: parseProvinceSort(params.get('sort')) };
}

export type DashboardProvince = { id: number; code: string; name: string };

export type Dashboard = {
	/** Scope `all` (administrators, the ministry): the provinces to choose from (those with assessments); null for the others. */
	provinces: DashboardProvince[] | null;
	/** The nation is shown (scope `all` without a chosen province): `area` is then null. */
	national: boolean;
	/** The area shown (the chosen province, or the actor's unit); null for the nation. */
	area: { id: number; name: string } | null;
	rounds: QueueRound[];
	round: QueueRound | null;
	/** The board's summary for the same round and area (counts by state, recognised share). */
	summary: QueueSummary | null;
	byState: StateCount[];
	shares: RecognisedShare[];
	totals: TotalsRow[];
	criteria: CriterionRow[];
	heldBack: CriterionRow[];
	/** The indicators with the most communes below their maximum (issue 13). */
	unmet: UnmetIndicatorRow[];
	/** The national view: one row per province with communes in the round, in `sort`'s order; null otherwise. */
	provinceRows: ProvinceRow[] | null;
	sort: ProvinceSort;
	targets: typeof DASHBOARD_TARGETS;
	/** The criteria set of the round still has items not checked against the gazetted text. */
	unverified: boolean;
	/** How the per-criterion points were obtained: communes scored, milliseconds spent scoring. */
	scoring: { communes: number; ms: number };
};

type DashboardActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level' | 'name'> | null };

const EMPTY = (provinces: DashboardProvince[] | null, area: Dashboard['area'], national = false): Dashboard => ({
	provinces,
	national,
	area,
	rounds: [],
	round: null,
	summary: null,
	byState: countByState([]),
	shares: recognisedShares([]),
	totals: totalsAgainstThreshold([]),
	criteria: [],
	heldBack: [],
	unmet: [],
	provinceRows: national ? [] : null,
	sort: DEFAULT_PROVINCE_SORT,
	targets: DASHBOARD_TARGETS,
	unverified: false,
	scoring: { communes: 0, ms: 0 }
});

/** The provinces (of either era) that have assessments, by code. */
export async function provincesWithAssessments(db: DB): Promise<DashboardProvince[]> {
	return db
		.selectFrom('admin_unit as p')
		.select(['p.id', 'p.code', 'p.name'])
		.where('p.level', '=', 'province')
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('assessment as a')
					.select(sql`1`.as('x'))
					.whereRef('a.province_id', '=', 'p.id')
			)
		)
		.orderBy('p.code')
		.execute();
}

type StampRow = {
	id: number;
	province_id: number | null;
	state: AssessmentState;
	category: CommuneCategory;
	criteria_set_id: number;
	reviewed_total: number;
	reviewed_verdict: 'pass' | 'fail' | 'incomplete';
	created_at: Date;
	/** moves with every write of the figures, hence with every change of the answers and review items */
	figures_seq: number;
};

type AnswersRow = { id: number; answers: string; review: string };

/**
 * Each assessment's per-criterion points, by the stamp of what they are computed from (the set's
 * version, the category, the row's creation and its count of figure writes): a dashboard scores
 * only the dossiers changed since it last saw them. Bounded; a miss only costs the scoring.
 */
type KnownPoints = { stamp: string; unverified: boolean; points: CriterionPoints[] };
const pointsCache = new Map<number, KnownPoints>();
const POINTS_CACHE_MAX = 20_000;
function remember(id: number, known: KnownPoints): void {
	pointsCache.delete(id);
	if (pointsCache.size >= POINTS_CACHE_MAX) pointsCache.delete(pointsCache.keys().next().value!);
	pointsCache.set(id, known);
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** The column of the assessment holding the scope's unit (the commune's area is stored on the row). */
const SCOPE_COLUMN = { id: 'commune_id', province_id: 'province_id', district_id: 'district_id' } as const;

/**
 * The dashboard for `actor`. Queries: the board's (rounds in scope with the round's criteria set,
 * the round's summary), then one for the round's assessments in the area with their stored
 * figures, and the answers and reviewer's points of those changed since last seen; the criteria
 * sets from their cache. `today` is for the tests.
 *
 * With scope `all` (administrators, the ministry's officers) and no province chosen: the
 * nation, read with the actor's own scope, and one row per province from the same rows.
 */
export async function provinceDashboard(
	db: DB,
	actor: DashboardActor,
	opts: DashboardOptions = {},
	today: string = vnDate(new Date())
): Promise<Dashboard> {
	const scope = communeScope(actor, 'dashboard.read');
	if (scope.kind === 'none') return EMPTY(null, null);
	let provinces: DashboardProvince[] | null = null;
	let boardActor: RuleActor;
	let area: Dashboard['area'] = null;
	let national = false;
	if (scope.kind === 'all') {
		provinces = await provincesWithAssessments(db);
		const p = provinces.find((x) => x.id === opts.provinceId);
		if (p) {
			// the chosen province read exactly as its officer reads it (the board's own scope rule)
			boardActor = { role: 'province_officer', unit: { id: p.id, level: 'province' } };
			area = { id: p.id, name: p.name };
		} else {
			// the nation, read with the actor's own scope (`all`)
			boardActor = actor;
			national = true;
		}
	} else {
		boardActor = actor;
		area = actor.unit ? { id: actor.unit.id, name: actor.unit.name } : null;
	}
	const areaScope = communeScope(boardActor, 'dashboard.read');
	if (areaScope.kind === 'none') return EMPTY(provinces, area, national);

	const board = await roundOverview(db, boardActor, { roundId: opts.roundId }, today);
	if (!board.round) return { ...EMPTY(provinces, area, national), rounds: board.rounds };
	const round = board.round;
	const roundSet = board.set!;

	let q = sql`a.round_id = ${round.id}`;
	if (areaScope.kind === 'match') q = sql`${q} and ${sql.ref(`a.${SCOPE_COLUMN[areaScope.column]}`)} = ${areaScope.value}`;
	// First the assessments with their stored figures and the count of their figures' writes
	// (`figures_seq`: every change of the answers or review items writes them); then the answers
	// of only those whose points are not already known for that count.
	const rows = (
		await sql<StampRow>`
			select a.id, a.province_id, a.state, a.category, a.criteria_set_id, a.reviewed_total, a.reviewed_verdict,
				a.created_at, a.figures_seq
			from assessment a
			where ${q}`.execute(db)
	).rows;

	// the round's own set came with the board's query; a set of another version (an assessment
	// kept on it) is read here
	const setIds = new Set(rows.map((r) => r.criteria_set_id));
	const others = [...setIds].filter((id) => id !== roundSet.id);
	const stamps: CriteriaSetStamp[] = [
		...(setIds.has(roundSet.id) ? [roundSet] : []),
		...(others.length
			? await db.selectFrom('criteria_set').select(['id', 'status', 'updated_at']).where('id', 'in', others).execute()
			: []
		).map((s) => ({ id: s.id, status: s.status, updatedAt: s.updated_at, confirmedAt: null, confirmedBy: null }))
	];
	const sets = new Map<number, CriteriaSet>();
	const setStamp = new Map<number, string>();
	for (const s of stamps) {
		sets.set(s.id, await criteriaSetOf(db, s));
		setStamp.set(s.id, new Date(s.updatedAt).toISOString());
	}
	const stampOf = (r: StampRow) =>
		`${r.criteria_set_id}@${setStamp.get(r.criteria_set_id)}|${r.category}|${new Date(r.created_at).getTime()}|${r.figures_seq}`;

	const started = performance.now();
	const missing = rows.filter((r) => pointsCache.get(r.id)?.stamp !== stampOf(r)).map((r) => r.id);
	const byId = new Map(rows.map((r) => [r.id, r]));
	for (let i = 0; i < missing.length; i += 2000) {
		const ids = missing.slice(i, i + 2000);
		const fetched = (
			await sql<AnswersRow>`
				select a.id,
					coalesce((select json_object_agg(x.indicator_code, x.answer) from assessment_answer x where x.assessment_id = a.id), '{}')::text as answers,
					coalesce((select json_agg(json_build_object('indicatorCode', v.indicator_code, 'points', v.points))
						from review_item v where v.assessment_id = a.id and v.points is not null), '[]')::text as review
				from assessment a
				where a.id in (${sql.join(ids)})`.execute(db)
		).rows;
		for (const f of fetched) {
			const r = byId.get(f.id)!;
			const set = sets.get(r.criteria_set_id)!;
			const answers = json<Record<string, unknown>>(f.answers);
			const result = score(
				set,
				r.category,
				readStoredAnswers(set, answers),
				reviewedPoints(json<{ indicatorCode: string; points: number | null }[]>(f.review))
			);
			remember(r.id, {
				stamp: stampOf(r),
				unverified: result.unverified,
				points: result.criteria.map((c) => ({
					code: c.code,
					points: c.points,
					maxPoints: c.maxPoints,
					complete: c.complete,
					indicators: c.indicators.map((i) => ({ code: i.code, points: i.points, maxPoints: i.maxPoints }))
				}))
			});
		}
	}

	const assessments: (DashboardAssessment & ProvinceAssessment)[] = [];
	const perCommune: CriterionPoints[][] = [];
	let unverified = false;
	for (const r of rows) {
		const set = sets.get(r.criteria_set_id)!;
		assessments.push({
			provinceId: r.province_id,
			state: r.state,
			category: r.category,
			total: r.reviewed_total,
			verdict: r.reviewed_verdict,
			threshold: criteriaIndex(set).threshold(r.category)
		});
		// (a dossier removed between the two queries has no points: it counts as none)
		const known = pointsCache.get(r.id);
		unverified ||= known?.unverified ?? false;
		perCommune.push(known?.points ?? []);
	}
	const ms = Math.round((performance.now() - started) * 10) / 10;

	// the criteria in the order of the round's own set (else of the first set met)
	const defsSet = sets.get(roundSet.id) ?? sets.values().next().value;
	const defs = (defsSet?.criteria ?? []).map((c) => ({ code: c.code, title: c.title, maxPoints: c.maxPoints }));
	const indicatorDefs = (defsSet?.criteria ?? []).flatMap((c) =>
		c.indicators.map((i) => ({ code: i.code, criterionCode: c.code, title: i.title, maxPoints: i.maxPoints }))
	);
	const { criteria, unmet } = criteriaAndIndicators(defs, indicatorDefs, perCommune);

	return {
		provinces,
		national,
		area,
		rounds: board.rounds,
		round,
		summary: board.summary,
		byState: countByState(assessments),
		shares: recognisedShares(assessments),
		totals: totalsAgainstThreshold(assessments),
		criteria,
		heldBack: mostHeldBack(criteria),
		unmet,
		provinceRows: national ? sortProvinces(provinceRows(assessments, provinces ?? []), opts.sort ?? DEFAULT_PROVINCE_SORT) : null,
		sort: opts.sort ?? DEFAULT_PROVINCE_SORT,
		targets: DASHBOARD_TARGETS,
		unverified,
		scoring: { communes: rows.length, ms }
	};
}
