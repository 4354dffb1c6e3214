/**
 * Impact before activation: what would change if a round's answers were scored under a draft
 * criteria set instead of the set each assessment was scored against. A read: nothing is written,
 * and activation still never changes what an assessment was scored against. The answers of every
 * assessment of the round come in one query (as JSON aggregates beside each assessment, like the
 * dossier read model) and are read and scored by the domain (`compareUnderDraft`).
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import { conflict, notFound } from '../errors.ts';
import { compareUnderDraft, type ImpactReport, type ImpactSubject } from '../../domain/criteria/impact.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { criteriaSetOf } from './index.ts';

export type ImpactRound = { id: number; name: string; year: number; setCode: string; setVersion: number; communes: number };

export type CriteriaImpact = {
	draft: { id: number; code: string; version: number; name: string };
	/** Rounds to choose from, latest first. */
	rounds: ImpactRound[];
	/** The round compared (the chosen one, else the latest), null when there is no round. */
	round: ImpactRound | null;
	report: ImpactReport | null;
};

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

type SubjectRow = {
	id: number;
	category: CommuneCategory;
	commune_code: string;
	commune_name: string;
	set_id: number;
	set_status: 'draft' | 'active' | 'retired';
	set_updated_at: Date;
	set_confirmed_at: Date | null;
	answers: { indicator_code: string; answer: unknown }[];
};

/** The impact of draft `setId` on round `roundId` (default: the latest round). */
export async function criteriaImpact(db: DB, setId: number, roundId?: number): Promise<CriteriaImpact> {
	const row = await db
		.selectFrom('criteria_set')
		.select(['id', 'code', 'version', 'name', 'status', 'updated_at', 'confirmed_at'])
		.where('id', '=', setId)
		.executeTakeFirst();
	if (!row) throw notFound(NOT_FOUND);
	if (row.status !== 'draft')
		throw conflict(
			`Chỉ xem trước tác động được với bộ tiêu chí ở trạng thái dự thảo; ${row.code}@${row.version} ${
				row.status === 'active' ? 'đang được áp dụng' : 'đã ngừng áp dụng'
			}.`
		);
	const draft = await criteriaSetOf(db, {
		id: row.id,
		status: row.status,
		updatedAt: row.updated_at,
		confirmedAt: null,
		confirmedBy: null
	});
	const rounds: ImpactRound[] = (
		await db
			.selectFrom('round as r')
			.innerJoin('criteria_set as s', 's.id', 'r.criteria_set_id')
			.select([
				'r.id',
				'r.name',
				'r.year',
				's.code',
				's.version',
				(eb) =>
					eb
						.selectFrom('assessment as a')
						.whereRef('a.round_id', '=', 'r.id')
						.select((e) => e.fn.countAll<number>().as('n'))
						.as('communes')
			])
			.orderBy('r.id', 'desc')
			.limit(200)
			.execute()
	).map((r) => ({ id: r.id, name: r.name, year: r.year, setCode: r.code, setVersion: r.version, communes: Number(r.communes) }));
	const head = { id: row.id, code: row.code, version: row.version, name: row.name };
	const round = roundId === undefined ? rounds[0] : rounds.find((r) => r.id === roundId);
	if (roundId !== undefined && !round) throw notFound('Không tìm thấy đợt đánh giá.');
	if (!round) return { draft: head, rounds, round: null, report: null };

	const subjects = await sql<SubjectRow>`
		select a.id, a.category, c.code as commune_code, c.name as commune_name,
			s.id as set_id, s.status as set_status, s.updated_at as set_updated_at, s.confirmed_at as set_confirmed_at,
			coalesce((select json_agg(json_build_object('indicator_code', x.indicator_code, 'answer', x.answer))
				from assessment_answer x where x.assessment_id = a.id), '[]') as answers
		from assessment a
		join admin_unit c on c.id = a.commune_id
		join criteria_set s on s.id = a.criteria_set_id
		where a.round_id = ${round.id}
		order by c.code, a.id`.execute(db);

	const sets = new Map<number, CriteriaSet>();
	for (const r of subjects.rows)
		if (!sets.has(r.set_id))
			sets.set(
				r.set_id,
				await criteriaSetOf(db, {
					id: r.set_id,
					status: r.set_status,
					updatedAt: r.set_updated_at,
					confirmedAt: r.set_confirmed_at,
					confirmedBy: null
				})
			);
	const input: ImpactSubject[] = subjects.rows.map((r) => ({
		assessmentId: r.id,
		communeCode: r.commune_code,
		communeName: r.commune_name,
		category: r.category,
		set: sets.get(r.set_id)!,
		// as the dossier read model stores them: a cleared answer is null
		stored: Object.fromEntries(r.answers.map((x) => [x.indicator_code, x.answer ?? null]))
	}));
	return { draft: head, rounds, round, report: compareUnderDraft(draft, input) };
}
