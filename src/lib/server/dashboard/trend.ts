/**
 * The trend across rounds and each commune's history (issue 13, "trend across rounds").
 *
 * - `recognisedTrend`: for every round with communes in the area (oldest first), how many were
 *   assessed and recognised and the recognised share against the national targets. Recognised
 *   means the assessment's stored state, exactly as the board and the province dashboard count it
 *   (so the numbers agree by construction); revoked recognitions are counted beside it.
 *   The area is the actor's (the same rule as `provinceDashboard`: `communeScope` for
 *   `dashboard.read`); an administrator chooses a province or, without one, sees the nation.
 *   Rounds of the area's own era count the communes by the province/district stored on the
 *   assessment; rounds of the other era are mapped through `unit_lineage` (a pre-2025 round seen
 *   from a post-2025 province counts the old communes merged into the province's communes, and the
 *   other way round). Each point says which communes it counts (`era`).
 * - `communeHistory`: one commune's rounds (newest first) with state, stored total and verdict,
 *   the decision, the recognition's validity and its status today; for a post-2025 commune also
 *   the same history for each pre-2025 commune merged into it. Authorized with `unit.read` on the
 *   commune (a commune outside the actor's scope is "not found").
 *
 * Server module: takes `db` as a parameter, no `$app/*`. Reads only: nothing is audited.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Actor, ActorUnit, Role } from '../../domain/access.ts';
import type { UnitEra } from '../../domain/units.ts';
import { STATE_LABELS, type AssessmentState } from '../../domain/workflow.ts';
import { VERDICT_LABELS } from '../../domain/terms.ts';
import { DASHBOARD_TARGETS } from '../../domain/dashboard.ts';
import { vnDate } from '../../domain/dates.ts';
import {
	ERA_LABELS,
	MERGE_SHARE_LABELS,
	newestFirst,
	recognitionStatus,
	trendPoints,
	type HistoryStatus,
	type MergeShare,
	type TrendPoint
} from '../../domain/history.ts';
import { authorize, authorizeUnit } from '../auth/guard.ts';
import { communeScope, getCommune, lineageOf } from '../units/read.ts';
import { provincesWithAssessments, type DashboardProvince } from './index.ts';

// ---------------------------------------------------------------------------------------------
// Trend
// ---------------------------------------------------------------------------------------------

export type TrendArea = { id: number; name: string; era: UnitEra; level: 'province' | 'district' | 'commune' };

export type RecognisedTrend = {
	/** Administrators: the provinces to choose from (those with assessments); null for the others. */
	provinces: DashboardProvince[] | null;
	/** The area counted; null for the whole country (administrators without a chosen province). */
	area: TrendArea | null;
	/** Rounds oldest first. */
	points: TrendPoint[];
	targets: typeof DASHBOARD_TARGETS;
	eraLabels: typeof ERA_LABELS;
};

type TrendActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level'> | null };

const EMPTY_TREND = (provinces: DashboardProvince[] | null, area: TrendArea | null): RecognisedTrend => ({
	provinces,
	area,
	points: [],
	targets: DASHBOARD_TARGETS,
	eraLabels: ERA_LABELS
});

async function unitArea(db: DB, id: number): Promise<TrendArea | undefined> {
	const u = await db.selectFrom('admin_unit').select(['id', 'name', 'era', 'level']).where('id', '=', id).executeTakeFirst();
	return u ? { id: u.id, name: u.name, era: u.era, level: u.level } : undefined;
}

/** The admin_unit column that holds a unit of `level` for a commune (the commune itself for a commune). */
const COLUMN_OF = { province: 'province_id', district: 'district_id', commune: 'id' } as const;
/** The same on the assessment's row. */
const ASSESSMENT_COLUMN_OF = { province: 'province_id', district: 'district_id', commune: 'commune_id' } as const;

/**
 * The assessments of `area`'s own era that lie in it (alias `a`, its round `r`), by the column the
 * area has on the assessment's row (indexed with the round).
 */
const ownEra = (area: TrendArea) => sql<boolean>`r.era = ${area.era} and a.${sql.ref(ASSESSMENT_COLUMN_OF[area.level])} = ${area.id}`;

/**
 * The assessments of rounds of the other era whose communes the 2025 merger links to the area's
 * communes. Asked on its own (not `or`-ed with `ownEra`, which turns the index into a scan of
 * every assessment): without rounds of the other era it reads nothing.
 */
function otherEra(area: TrendArea): RawBuilder<boolean> {
	const col = sql.ref(COLUMN_OF[area.level]);
	const mapped =
		area.era === 'post2025'
			? sql`select l.old_unit_id from unit_lineage l inner join admin_unit n on n.id = l.unit_id where n.${col} = ${area.id}`
			: sql`select l.unit_id from unit_lineage l inner join admin_unit o on o.id = l.old_unit_id where o.${col} = ${area.id}`;
	return sql<boolean>`r.era <> ${area.era} and a.commune_id in (${mapped})`;
}

type TrendRow = {
	id: number;
	name: string;
	year: number;
	era: UnitEra;
	opens_on: string;
	assessed: number;
	recognised: number;
	revoked: number;
};

/**
 * The recognised share per round in the actor's area (administrators: `provinceId`, or the
 * nation without it). One query, grouped by round.
 */
export async function recognisedTrend(
	db: DB,
	actor: TrendActor,
	opts: {
		provinceId?: number;
		/** the provinces the dashboard already read (not read again) */ provinces?: DashboardProvince[] | null;
	} = {}
): Promise<RecognisedTrend> {
	const scope = communeScope(actor, 'dashboard.read');
	if (scope.kind === 'none') return EMPTY_TREND(null, null);
	let provinces: DashboardProvince[] | null = null;
	let area: TrendArea | null = null;
	if (scope.kind === 'all') {
		provinces = opts.provinces ?? (await provincesWithAssessments(db));
		if (opts.provinceId !== undefined) {
			const p = await unitArea(db, opts.provinceId);
			if (p && p.level === 'province') area = p;
		}
	} else {
		area = (await unitArea(db, scope.value)) ?? null;
		if (!area) return EMPTY_TREND(null, null);
	}
	// a round holds communes of one era: its counts come from one of the two parts, never both
	const perRound = (where: RawBuilder<boolean>) => sql<TrendRow>`
		select r.id, r.name, r.year, r.era, r.opens_on::text as opens_on,
			count(a.id)::int as assessed,
			count(a.id) filter (where a.state = 'recognised')::int as recognised,
			count(a.id) filter (where a.state = 'recognised' and exists (
				select 1 from decision_item i inner join revocation v on v.decision_item_id = i.id where i.assessment_id = a.id
			))::int as revoked
		from round r
		inner join assessment a on a.round_id = r.id
		where ${where}
		group by r.id, r.name, r.year, r.era, r.opens_on`;
	const rows = (
		await (area ? sql<TrendRow>`${perRound(ownEra(area))} union all ${perRound(otherEra(area))}` : perRound(sql<boolean>`true`)).execute(db)
	).rows;
	return {
		...EMPTY_TREND(provinces, area),
		points: trendPoints(
			rows.map((r) => ({
				roundId: r.id,
				name: r.name,
				year: r.year,
				era: r.era,
				opensOn: r.opens_on,
				assessed: Number(r.assessed),
				recognised: Number(r.recognised),
				revoked: Number(r.revoked)
			}))
		)
	};
}

// ---------------------------------------------------------------------------------------------
// A commune's history
// ---------------------------------------------------------------------------------------------

export type HistoryRow = {
	assessmentId: number;
	roundId: number;
	roundName: string;
	year: number;
	era: UnitEra;
	/** 'YYYY-MM-DD' */
	opensOn: string;
	state: AssessmentState;
	stateLabel: string;
	/** The stored total (after the review if the reviewing level changed points) and its verdict. */
	total: number;
	verdict: 'pass' | 'fail' | 'incomplete';
	verdictLabel: string;
	decision: { number: string; issuedOn: string } | null;
	/** 'YYYY-MM-DD', null without a recognition. */
	validFrom: string | null;
	validUntil: string | null;
	/** 'YYYY-MM-DD' (Vietnam) of the revocation, null if not revoked. */
	revokedOn: string | null;
	status: HistoryStatus;
	statusLabel: string;
};

export type HistoryUnit = { id: number; code: string; name: string };

export type CommuneHistory = {
	commune: HistoryUnit & { era: UnitEra };
	/** The date the statuses are given for ('YYYY-MM-DD'). */
	on: string;
	rounds: HistoryRow[];
	/** Post-2025 communes: the pre-2025 communes merged into it, each with its own history. */
	predecessors: (HistoryUnit & { share: MergeShare; shareLabel: string; rounds: HistoryRow[] })[];
};

async function historyRows(db: DB, communeIds: number[], on: string): Promise<Map<number, HistoryRow[]>> {
	const out = new Map<number, HistoryRow[]>(communeIds.map((id) => [id, []]));
	if (!communeIds.length) return out;
	const rows = await db
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.leftJoin('decision_item as i', 'i.assessment_id', 'a.id')
		.leftJoin('decision as d', 'd.id', 'i.decision_id')
		.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
		.select([
			'a.id',
			'a.commune_id',
			'a.state',
			'a.reviewed_total',
			'a.reviewed_verdict',
			'r.id as round_id',
			'r.name as round_name',
			'r.year',
			'r.era',
			'r.opens_on',
			'd.number',
			'd.issued_on',
			'd.outcome',
			'i.valid_from',
			'i.valid_until',
			'v.revoked_at'
		])
		.where('a.commune_id', 'in', communeIds)
		.execute();
	for (const r of rows) {
		const revokedOn = r.revoked_at ? vnDate(new Date(r.revoked_at)) : null;
		const status = recognitionStatus(
			{ state: r.state, outcome: r.outcome ?? null, validFrom: r.valid_from, validUntil: r.valid_until, revoked: revokedOn !== null },
			on
		);
		out.get(r.commune_id)!.push({
			assessmentId: r.id,
			roundId: r.round_id,
			roundName: r.round_name,
			year: r.year,
			era: r.era,
			opensOn: String(r.opens_on).slice(0, 10),
			state: r.state,
			stateLabel: STATE_LABELS[r.state],
			total: r.reviewed_total,
			verdict: r.reviewed_verdict,
			verdictLabel: VERDICT_LABELS[r.reviewed_verdict],
			decision: r.number && r.issued_on ? { number: r.number, issuedOn: String(r.issued_on).slice(0, 10) } : null,
			validFrom: r.valid_from,
			validUntil: r.valid_until,
			revokedOn,
			status: status.key,
			statusLabel: status.label
		});
	}
	for (const [id, list] of out) out.set(id, newestFirst(list));
	return out;
}

/**
 * The history of commune `communeId` (and of the communes merged into it in 2025), if the actor
 * may read that commune (`unit.read`); "not found" otherwise. `on` is for the tests.
 */
export async function communeHistory(db: DB, actor: Actor | null, communeId: number, on: string = vnDate()): Promise<CommuneHistory> {
	authorize(actor, 'unit.read');
	const c = await getCommune(db, communeId);
	authorizeUnit(actor, 'unit.read', c ? { id: c.id, districtId: c.district_id, provinceId: c.province_id } : null);
	const commune = c!;
	const lineage = commune.era === 'post2025' ? (await lineageOf(db, commune.id)).filter((o) => o.level === 'commune') : [];
	const rows = await historyRows(db, [commune.id, ...lineage.map((o) => o.id)], on);
	return {
		commune: { id: commune.id, code: commune.code, name: commune.name, era: commune.era },
		on,
		rounds: rows.get(commune.id) ?? [],
		predecessors: lineage.map((o) => ({
			id: o.id,
			code: o.code,
			name: o.name,
			share: o.share,
			shareLabel: MERGE_SHARE_LABELS[o.share],
			rounds: rows.get(o.id) ?? []
		}))
	};
}
