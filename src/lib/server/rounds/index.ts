/**
 * Assessment rounds (đợt đánh giá): an administrator or province officer opens one for a year,
 * a criteria-set version and the participating communes; each commune gets its assessment in
 * state draft, scored against that version and the commune's category at that time.
 */
import { canOnUnit, type Actor, type SystemActor } from '../../domain/access.ts';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { UnitEra } from '../../domain/units.ts';
import { by, recordAudit } from '../audit/index.ts';
import { invalid, notFound, parseInput } from '../errors.ts';
import { authorize } from '../auth/guard.ts';
import { communeScope } from '../units/read.ts';
import { criteriaSetById } from '../criteria/index.ts';
import { figuresColumns, figuresFrom } from '../dossier/index.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import type { Action } from '../../domain/access.ts';

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày phải có dạng YYYY-MM-DD.')
	.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'Ngày không hợp lệ.');

export const openRoundSchema = z
	.object({
		name: z.string().trim().min(3, 'Tên đợt cần ít nhất 3 ký tự.').max(200, 'Tên đợt quá dài.'),
		year: z.coerce.number({ error: 'Năm phải là số.' }).int().min(2019, 'Năm từ 2019.').max(2100, 'Năm không hợp lệ.'),
		criteriaSetId: z.coerce.number().int().positive({ error: 'Hãy chọn bộ tiêu chí.' }),
		opensOn: isoDate,
		closesOn: isoDate,
		/** GSO codes of the participating communes, or all communes under these province codes. */
		communeCodes: z.array(z.string().regex(/^\d{5}$/, 'Mã xã gồm 5 chữ số.')).default([]),
		provinceCodes: z.array(z.string().regex(/^\d{2}$/, 'Mã tỉnh gồm 2 chữ số.')).default([])
	})
	.refine((v) => v.closesOn >= v.opensOn, { message: 'Ngày kết thúc phải sau ngày bắt đầu.', path: ['closesOn'] })
	.refine((v) => v.communeCodes.length + v.provinceCodes.length > 0, {
		message: 'Hãy chọn ít nhất một xã hoặc một tỉnh tham gia.',
		path: ['communeCodes']
	});

export type OpenRoundInput = z.input<typeof openRoundSchema>;

const isSystem = (actor: Actor | SystemActor): actor is SystemActor => actor.id === null;

/**
 * Open a round in one transaction. An account may open it only for communes in its area for
 * 'round.manage' (a province officer: the communes of their province); the deployment itself
 * (command line, seeds) for any.
 */
export async function openRound(
	db: DB,
	era: UnitEra,
	input: OpenRoundInput,
	actor: Actor | SystemActor
): Promise<{ roundId: number; assessments: number }> {
	if (!isSystem(actor)) authorize(actor, 'round.manage');
	const v = parseInput(openRoundSchema, input);
	return db.transaction().execute(async (trx) => {
		const set = await trx.selectFrom('criteria_set').select(['id', 'status']).where('id', '=', v.criteriaSetId).executeTakeFirst();
		if (!set) throw notFound('Không tìm thấy bộ tiêu chí.');
		if (set.status !== 'active') throw invalid('Chỉ mở đợt đánh giá với bộ tiêu chí đang áp dụng.');
		let q = trx
			.selectFrom('admin_unit as c')
			.select(['c.id', 'c.code', 'c.category', 'c.district_id', 'c.province_id'])
			.where('c.era', '=', era)
			.where('c.level', '=', 'commune');
		q = q.where((eb) => {
			const ors = [];
			if (v.communeCodes.length) ors.push(eb('c.code', 'in', v.communeCodes));
			if (v.provinceCodes.length)
				ors.push(
					eb(
						'c.province_id',
						'in',
						eb
							.selectFrom('admin_unit as p')
							.select('p.id')
							.where('p.era', '=', era)
							.where('p.level', '=', 'province')
							.where('p.code', 'in', v.provinceCodes)
					)
				);
			return eb.or(ors);
		});
		const communes = await q.execute();
		const found = new Set(communes.map((c) => c.code));
		const unknown = v.communeCodes.filter((c) => !found.has(c));
		if (unknown.length) throw invalid(`Không tìm thấy xã có mã: ${unknown.join(', ')}.`);
		if (communes.length === 0) throw invalid('Không có xã nào tham gia.');
		if (
			!isSystem(actor) &&
			communes.some((c) => !canOnUnit(actor, 'round.manage', { id: c.id, districtId: c.district_id, provinceId: c.province_id }))
		) {
			throw invalid('Chỉ được mở đợt đánh giá cho các xã trong địa bàn của bạn.');
		}
		const round = await trx
			.insertInto('round')
			.values({
				name: v.name.normalize('NFC'),
				year: v.year,
				criteria_set_id: v.criteriaSetId,
				era,
				opens_on: v.opensOn,
				closes_on: v.closesOn,
				created_by: actor.id
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		// an empty dossier's figures (what blocks it, its totals) are the same for every commune of
		// a category: computed once per category and stored with the row, so that every board and
		// the home page read them from the start
		const definition = await criteriaSetById(trx, v.criteriaSetId);
		const empty = new Map<CommuneCategory, ReturnType<typeof figuresColumns>>();
		const figuresOf = (category: CommuneCategory) => {
			let f = empty.get(category);
			if (!f) {
				f = figuresColumns(figuresFrom({ set: definition, category, answers: {}, evidence: [], review: [] }));
				empty.set(category, f);
			}
			return f;
		};
		for (let i = 0; i < communes.length; i += 1000) {
			await trx
				.insertInto('assessment')
				.values(
					communes.slice(i, i + 1000).map((c) => ({
						round_id: round.id,
						commune_id: c.id,
						criteria_set_id: v.criteriaSetId,
						category: c.category ?? 'standard',
						base_counts: '{}',
						...figuresOf(c.category ?? 'standard')
					}))
				)
				.execute();
		}
		await recordAudit(trx, {
			...by(actor),
			action: 'round.open',
			objectType: 'round',
			objectId: round.id,
			details: { name: v.name, year: v.year, criteriaSetId: v.criteriaSetId, communes: communes.length }
		});
		return { roundId: round.id, assessments: communes.length };
	});
}

/**
 * Move a round's closing date later (never earlier than today's submissions could rely on). An
 * account must manage every commune of the round (authorizeRound); the deployment may always.
 */
export async function extendRound(db: DB, roundId: number, closesOn: string, actor: Actor | SystemActor): Promise<void> {
	if (!isSystem(actor)) await authorizeRound(db, actor, 'round.manage', roundId);
	const d = parseInput(isoDate, closesOn);
	await db.transaction().execute(async (trx) => {
		const r = await trx.selectFrom('round').select(['closes_on']).where('id', '=', roundId).forUpdate().executeTakeFirst();
		if (!r) throw notFound('Không tìm thấy đợt đánh giá.');
		if (d <= r.closes_on) throw invalid(`Ngày gia hạn phải sau ngày kết thúc hiện tại (${r.closes_on}).`);
		await trx.updateTable('round').set({ closes_on: d }).where('id', '=', roundId).execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'round.extend',
			objectType: 'round',
			objectId: roundId,
			details: { from: r.closes_on, to: d }
		});
	});
}

/**
 * Let one commune of round `roundId` submit after the round closed, until `until`. An account
 * must manage the commune ('round.manage' in its area); anything else is "not found".
 */
export async function reopenForCommune(
	db: DB,
	roundId: number,
	assessmentId: number,
	until: string,
	actor: Actor | SystemActor
): Promise<void> {
	if (!isSystem(actor)) authorize(actor, 'round.manage');
	const d = parseInput(isoDate, until);
	await db.transaction().execute(async (trx) => {
		const a = await trx
			.selectFrom('assessment as x')
			.innerJoin('admin_unit as c', 'c.id', 'x.commune_id')
			.select(['x.id', 'x.state', 'x.commune_id', 'c.district_id', 'c.province_id'])
			.where('x.id', '=', assessmentId)
			.where('x.round_id', '=', roundId)
			.forUpdate('x')
			.executeTakeFirst();
		const inArea =
			a &&
			(isSystem(actor) || canOnUnit(actor, 'round.manage', { id: a.commune_id, districtId: a.district_id, provinceId: a.province_id }));
		if (!a || !inArea) throw notFound('Không tìm thấy hồ sơ đánh giá.');
		await trx.updateTable('assessment').set({ reopened_until: d, updated_at: new Date() }).where('id', '=', assessmentId).execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'assessment.reopen',
			objectType: 'assessment',
			objectId: assessmentId,
			unitId: a.commune_id,
			details: { until: d }
		});
	});
}

/** The latest rounds with their criteria set and number of communes. */
export async function listRounds(db: DB) {
	return db
		.selectFrom('round as r')
		.innerJoin('criteria_set as s', 's.id', 'r.criteria_set_id')
		.select([
			'r.id',
			'r.name',
			'r.year',
			'r.opens_on',
			'r.closes_on',
			's.code as set_code',
			's.version as set_version',
			(eb) =>
				eb
					.selectFrom('assessment as a')
					.whereRef('a.round_id', '=', 'r.id')
					.select((e) => e.fn.countAll<number>().as('n'))
					.as('communes')
		])
		.orderBy('r.id', 'desc')
		.limit(100)
		.execute();
}

export type RoundRow = {
	id: number;
	name: string;
	year: number;
	criteria_set_id: number;
	era: string;
	opens_on: string;
	closes_on: string;
};

/**
 * The round `id` if the actor may perform `action` on it: with an area scope (a province
 * officer), only a round whose communes all lie in the actor's area; not found otherwise.
 */
export async function authorizeRound(db: DB, actor: Actor | null, action: Action, id: number): Promise<{ actor: Actor; round: RoundRow }> {
	const a = authorize(actor, action);
	const round = await db
		.selectFrom('round')
		.select(['id', 'name', 'year', 'criteria_set_id', 'era', 'opens_on', 'closes_on'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!round) throw notFound('Không tìm thấy đợt đánh giá.');
	const scope = communeScope(a, action);
	if (scope.kind === 'none') throw notFound('Không tìm thấy đợt đánh giá.');
	if (scope.kind === 'match') {
		const r = await db
			.selectFrom('assessment as x')
			.innerJoin('admin_unit as c', 'c.id', 'x.commune_id')
			.select([
				sql<number>`count(*) filter (where c.${sql.ref(scope.column)} = ${scope.value})::int`.as('inside'),
				sql<number>`count(*) filter (where c.${sql.ref(scope.column)} is distinct from ${scope.value})::int`.as('outside')
			])
			.where('x.round_id', '=', id)
			.executeTakeFirstOrThrow();
		if (r.inside === 0 || r.outside > 0) throw notFound('Không tìm thấy đợt đánh giá.');
	}
	return { actor: a, round };
}
