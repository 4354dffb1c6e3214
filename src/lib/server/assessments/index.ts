/**
 * Assessments: one per commune and round. Loading with everything a page needs, and the
 * authorization of one assessment for one account (scoped by the commune it belongs to).
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import type { Action } from '../../domain/access.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { authorizeUnit } from '../auth/guard.ts';
import { findCriteriaSet } from '../criteria/index.ts';
import { communeScope } from '../units/read.ts';
import type { SessionAccount } from '../accounts/index.ts';

export type AssessmentInfo = {
	id: number;
	state: AssessmentState;
	stateVersion: number;
	category: CommuneCategory;
	baseCounts: Record<string, number>;
	baseRevision: number;
	reopenedUntil: string | null;
	submittedAt: Date | null;
	round: { id: number; name: string; year: number; opensOn: string; closesOn: string };
	commune: { id: number; code: string; name: string; districtId: number | null; provinceId: number | null };
	criteriaSetId: number;
};

export async function loadAssessment(db: DB, id: number): Promise<AssessmentInfo | undefined> {
	const r = await db
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select([
			'a.id',
			'a.state',
			'a.state_version',
			'a.category',
			'a.base_counts',
			'a.base_revision',
			'a.reopened_until',
			'a.submitted_at',
			'a.criteria_set_id',
			'r.id as round_id',
			'r.name as round_name',
			'r.year',
			'r.opens_on',
			'r.closes_on',
			'c.id as commune_id',
			'c.code as commune_code',
			'c.name as commune_name',
			'c.district_id',
			'c.province_id'
		])
		.where('a.id', '=', id)
		.executeTakeFirst();
	if (!r) return undefined;
	return {
		id: r.id,
		state: r.state,
		stateVersion: r.state_version,
		category: r.category,
		baseCounts: r.base_counts ?? {},
		baseRevision: r.base_revision,
		reopenedUntil: r.reopened_until,
		submittedAt: r.submitted_at,
		round: { id: r.round_id, name: r.round_name, year: r.year, opensOn: r.opens_on, closesOn: r.closes_on },
		commune: { id: r.commune_id, code: r.commune_code, name: r.commune_name, districtId: r.district_id, provinceId: r.province_id },
		criteriaSetId: r.criteria_set_id
	};
}

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/**
 * The assessment `rawId` if the signed-in account may perform `action` on it; 404 otherwise
 * (also when it belongs to a commune outside the account's scope).
 */
export async function authorizeAssessment(
	event: Pick<RequestEvent, 'locals' | 'url'>,
	db: DB,
	action: Action,
	rawId: string
): Promise<{ account: SessionAccount; assessment: AssessmentInfo }> {
	const id = idParam.safeParse(rawId);
	const assessment = id.success ? await loadAssessment(db, id.data) : undefined;
	const account = authorizeUnit(
		event,
		action,
		assessment ? { id: assessment.commune.id, districtId: assessment.commune.districtId, provinceId: assessment.commune.provinceId } : null
	);
	if (!assessment) error(404, 'Không tìm thấy hồ sơ đánh giá.');
	return { account, assessment };
}

/** The criteria set an assessment is scored against (the version it was created with). */
export async function assessmentCriteriaSet(db: DB, a: AssessmentInfo): Promise<CriteriaSet> {
	const found = await findCriteriaSet(db, a.criteriaSetId);
	if (!found) throw new Error(`criteria set ${a.criteriaSetId} of assessment ${a.id} is missing`);
	return found.set;
}

export type StoredAnswer = { answer: unknown; revision: number; updatedAt: Date; updatedBy: number | null };

export async function loadAnswers(db: DB, assessmentId: number): Promise<Record<string, StoredAnswer>> {
	const rows = await db.selectFrom('assessment_answer').selectAll().where('assessment_id', '=', assessmentId).execute();
	return Object.fromEntries(
		rows.map((r) => [r.indicator_code, { answer: r.answer, revision: r.revision, updatedAt: r.updated_at, updatedBy: r.updated_by }])
	);
}

/** Assessments the actor may see, newest round first, with their commune and round. */
export async function listAssessments(
	db: DB,
	actor: import('../../domain/access.ts').Actor,
	opts: { roundId?: number; limit?: number; offset?: number } = {}
) {
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
