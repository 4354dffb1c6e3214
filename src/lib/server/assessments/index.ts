/**
 * Assessments: one per commune and round (the dossier itself is read through `dossier/`). Lists
 * within an actor's scope; the workflow steps are in workflow.ts, the submissions in
 * submissions.ts.
 */
import type { DB } from '../db/index.ts';
import type { RuleActor } from '../../domain/access.ts';
import { communeScope } from '../units/read.ts';

/** Assessments the actor may see, newest round first, with their commune and round. */
export async function listAssessments(db: DB, actor: RuleActor, opts: { roundId?: number; limit?: number; offset?: number } = {}) {
	const scope = communeScope(actor, 'assessment.read');
	if (scope.kind === 'none') return [];
	let q = db
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select([
			'a.id',
			'a.state',
			'a.category',
			'a.submitted_at',
			'a.updated_at',
			'a.self_total',
			'a.self_verdict',
			'a.blockers',
			'r.id as round_id',
			'r.name as round_name',
			'r.year',
			'r.closes_on',
			'c.code as commune_code',
			'c.name as commune_name'
		]);
	if (scope.kind === 'match') q = q.where(`c.${scope.column}`, '=', scope.value);
	if (opts.roundId) q = q.where('a.round_id', '=', opts.roundId);
	return q
		.orderBy('r.year', 'desc')
		.orderBy('r.id', 'desc')
		.orderBy('c.code')
		.limit(opts.limit ?? 200)
		.offset(opts.offset ?? 0)
		.execute();
}
