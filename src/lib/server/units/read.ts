/** Reading units within an account's scope. */
import { sql } from 'kysely';
import type { Action, RuleActor, UnitPlace } from '../../domain/access.ts';
import { scopeOf } from '../../domain/access.ts';
import type { UnitEra } from '../../domain/units.ts';
import { escapeLike } from '../../domain/text.ts';
import type { DB } from '../db/index.ts';

export async function unitPlace(db: DB, unitId: number): Promise<(UnitPlace & { level: string }) | undefined> {
	const u = await db
		.selectFrom('admin_unit')
		.select(['id', 'district_id', 'province_id', 'level'])
		.where('id', '=', unitId)
		.executeTakeFirst();
	return u ? { id: u.id, districtId: u.district_id, provinceId: u.province_id, level: u.level } : undefined;
}

export async function getCommune(db: DB, id: number) {
	return db
		.selectFrom('admin_unit as c')
		.leftJoin('admin_unit as d', 'd.id', 'c.district_id')
		.leftJoin('admin_unit as p', 'p.id', 'c.province_id')
		.select([
			'c.id',
			'c.code',
			'c.name',
			'c.kind',
			'c.era',
			'c.category',
			'c.category_source',
			'c.district_id',
			'c.province_id',
			'd.name as district_name',
			'p.name as province_name'
		])
		.where('c.id', '=', id)
		.where('c.level', '=', 'commune')
		.executeTakeFirst();
}

export async function lineageOf(db: DB, unitId: number) {
	return db
		.selectFrom('unit_lineage as l')
		.innerJoin('admin_unit as o', 'o.id', 'l.old_unit_id')
		.select(['o.id', 'o.code', 'o.name', 'o.level', 'l.share'])
		.where('l.unit_id', '=', unitId)
		.orderBy('o.code')
		.execute();
}

/**
 * The condition an actor's scope puts on communes for `action`: none visible, all, or those
 * whose `id` / `district_id` / `province_id` equals the actor's unit. One rule for every list.
 */
export type CommuneScope =
	{ kind: 'none' } | { kind: 'all' } | { kind: 'match'; column: 'id' | 'district_id' | 'province_id'; value: number };

export function communeScope(actor: RuleActor, action: Action): CommuneScope {
	const scope = scopeOf(actor.role, action);
	if (!scope || scope === 'self') return { kind: 'none' };
	if (scope === 'all') return { kind: 'all' };
	if (!actor.unit) return { kind: 'none' };
	const u = actor.unit;
	if (scope === 'unit' || u.level === 'commune') return { kind: 'match', column: 'id', value: u.id };
	return { kind: 'match', column: u.level === 'district' ? 'district_id' : 'province_id', value: u.id };
}

/** Communes the actor may see for `action`, in the era of the deployment, paged. */
export async function listCommunesInScope(
	db: DB,
	actor: RuleActor,
	action: Action,
	era: UnitEra,
	opts: { q?: string; limit?: number; offset?: number } = {}
) {
	const scope = communeScope(actor, action);
	if (scope.kind === 'none') return [];
	let query = db
		.selectFrom('admin_unit as c')
		.leftJoin('admin_unit as d', 'd.id', 'c.district_id')
		.select(['c.id', 'c.code', 'c.name', 'c.category', 'd.name as district_name'])
		.where('c.level', '=', 'commune')
		.where('c.era', '=', era);
	if (scope.kind === 'match') query = query.where(`c.${scope.column}`, '=', scope.value);
	if (opts.q) query = query.where(sql<boolean>`c.name ilike ${'%' + escapeLike(opts.q) + '%'}`);
	return query
		.orderBy('c.code')
		.limit(opts.limit ?? 50)
		.offset(opts.offset ?? 0)
		.execute();
}
