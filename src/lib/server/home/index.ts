/**
 * The facts behind the home page's "Việc cần làm" (domain/home.ts): the commune's dossiers, the
 * dossiers of the account's area by state, those waiting for the account's decision, and the
 * active criteria sets an administrator still has to confirm.
 */
import type { Actor } from '../../domain/access.ts';
import { can } from '../../domain/access.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import { canIssueDecisions } from '../../domain/criteria/verification.ts';
import type { HomeFacts } from '../../domain/home.ts';
import type { DB } from '../db/index.ts';
import { communeScope } from '../units/read.ts';
import { awaitingDecision } from '../decisions/index.ts';
import { criteriaSetOf } from '../criteria/index.ts';

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' });

export async function loadHomeFacts(db: DB, actor: Actor): Promise<HomeFacts> {
	const commune = actor.role === 'commune_officer' || actor.role === 'commune_chair';
	const scope = communeScope(actor, 'assessment.read');
	const [assessments, inArea, awaiting, sets] = await Promise.all([
		commune
			? db
					.selectFrom('assessment as a')
					.innerJoin('round as r', 'r.id', 'a.round_id')
					.select(['a.id', 'a.state', 'a.blockers', 'a.reopened_until', 'r.name as round_name', 'r.closes_on'])
					.where('a.commune_id', '=', actor.unit?.id ?? -1)
					.orderBy('r.id', 'desc')
					.limit(3)
					.execute()
			: [],
		!commune && scope.kind !== 'none'
			? (() => {
					let q = db
						.selectFrom('assessment as a')
						.select((eb) => ['a.state', eb.fn.countAll<number>().as('n')])
						.groupBy('a.state');
					if (scope.kind === 'match') {
						// the assessment's own area columns (kept by a trigger): no join with the units
						const column = scope.column === 'id' ? 'a.commune_id' : scope.column === 'district_id' ? 'a.district_id' : 'a.province_id';
						q = q.where(column, '=', scope.value);
					}
					return q.execute();
				})()
			: [],
		can(actor.role, 'decision.issue') ? awaitingDecision(db, actor) : [],
		actor.role === 'admin' || actor.role === 'approver' || actor.role === 'province_officer'
			? db
					.selectFrom('criteria_set as s')
					.leftJoin('account as c', 'c.id', 's.confirmed_by')
					.select(['s.id', 's.code', 's.version', 's.status', 's.updated_at', 's.confirmed_at', 'c.full_name'])
					.where('s.status', '=', 'active')
					.execute()
			: []
	]);
	const unconfirmedSets: HomeFacts['unconfirmedSets'] = [];
	for (const r of sets) {
		const set = await criteriaSetOf(db, {
			id: r.id,
			status: r.status,
			updatedAt: r.updated_at,
			confirmedAt: r.confirmed_at,
			confirmedBy: r.full_name
		});
		if (!canIssueDecisions(set, set.confirmation)) unconfirmedSets.push({ id: r.id, label: `${r.code}@${r.version}` });
	}
	return {
		role: actor.role,
		today: today(),
		assessments: assessments.map((a) => ({
			id: a.id,
			state: a.state as AssessmentState,
			roundName: a.round_name,
			closesOn: a.closes_on,
			reopenedUntil: a.reopened_until,
			blockers: Number(a.blockers ?? 0)
		})),
		inArea: Object.fromEntries(inArea.map((r) => [r.state, Number(r.n)])),
		awaitingDecision: awaiting.length,
		unconfirmedSets
	};
}
