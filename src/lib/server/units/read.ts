/** Reading units within an account's scope. */
import { sql } from 'kysely';
import type { Actor, Action, UnitPlace } from '../../domain/access.ts';
import { scopeOf } from '../../domain/access.ts';
import type { UnitEra } from '../../domain/units.ts';
import type { DB } from '../db/index.ts';

export async function unitPlace(db: DB, unitId: number): Promise<(UnitPlace & { level: string }) | undefined> {
	const u = await db.selectFrom('admin_unit').select(['id', 'district_id', 'province_id', 'level']).where('id', '=', unitId).executeTakeFirst();
	return u ? { id: u.id, districtId: u.district_id, provinceId: u.province_id, level: u.level } : undefined;
}

export async function getCommune(db: DB, id: number) {
	return db
		.selectFrom('admin_unit as c')
		.leftJoin('admin_unit as d', 'd.id', 'c.district_id')
		.leftJoin('admin_unit as p', 'p.id', 'c.province_id')
		.select(['c.id', 'c.code', 'c.name', 'c.kind', 'c.era', 'c.category', 'c.category_source', 'c.district_id', 'c.province_id', 'd.name as district_name', 'p.name as province_name'])
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

/** Communes the actor may see for `action`, in the era of the deployment, paged. */
export async function listCommunesInScope(db: DB, actor: Actor, action: Action, era: UnitEra, opts: { q?: string; limit?: number; offset?: number } = {}) {
	const scope = scopeOf(actor.role, action);
	let query = db
		.selectFrom('admin_unit as c')
		.leftJoin('admin_unit as d', 'd.id', 'c.district_id')
		.select(['c.id', 'c.code', 'c.name', 'c.category', 'd.name as district_name'])
		.where('c.level', '=', 'commune')
		.where('c.era', '=', era);
	if (!scope || scope === 'self') return [];
	if (scope !== 'all') {
		if (!actor.unit) return [];
		const u = actor.unit;
		if (scope === 'unit' || u.level === 'commune') query = query.where('c.id', '=', u.id);
		else if (u.level === 'district') query = query.where('c.district_id', '=', u.id);
		else query = query.where('c.province_id', '=', u.id);
	}
	if (opts.q) query = query.where(sql<boolean>`c.name ilike ${'%' + opts.q.replace(/[%_\\]/g, (m) => '\\' + m) + '%'}`);
	return query
		.orderBy('c.code')
		.limit(opts.limit ?? 50)
		.offset(opts.offset ?? 0)
		.execute();
}
