/**
 * What the account forms' unit picker needs from the server: the provinces of the deployment's
 * era, which unit level each role is bound to, and (the form's search without JavaScript, or a
 * refused form shown again) the units matching what was typed, with the one already chosen.
 */
import { ROLES, type Role } from '../../domain/access.ts';
import { eraForReviewLevel, type UnitLevel } from '../../domain/units.ts';
import type { Config } from '../config.ts';
import type { DB } from '../db/index.ts';
import {
	listProvinces,
	searchUnits,
	unitOption,
	unitSearchSchema,
	UNIT_SEARCH_MAX,
	type UnitOption,
	type UnitSearchResult
} from '../units/picker.ts';
import { unitLevelForRole } from './index.ts';

export type PickerData = {
	provinces: UnitOption[];
	/** The unit level each role chooses (null: no unit). */
	levels: Record<Role, UnitLevel | null>;
	searchMax: number;
};

export async function pickerData(db: DB, cfg: Pick<Config, 'reviewLevel'>): Promise<PickerData> {
	const levels = Object.fromEntries(ROLES.map((r) => [r, unitLevelForRole(r, cfg.reviewLevel)])) as Record<Role, UnitLevel | null>;
	return { provinces: await listProvinces(db, eraForReviewLevel(cfg.reviewLevel)), levels, searchMax: UNIT_SEARCH_MAX };
}

export type PickerValues = { provinceCode: string; unitCode: string; unitQuery: string };

/** The picker's fields of a submitted form (as typed: the form shows them again). */
export function pickerValues(data: FormData | null): PickerValues {
	const get = (k: string) => (typeof data?.get(k) === 'string' ? (data!.get(k) as string).trim() : '');
	return { provinceCode: get('provinceCode'), unitCode: get('unitCode'), unitQuery: get('unitQuery').slice(0, 100) };
}

export type PickerSearch = UnitSearchResult & { province: string; q: string; selected: UnitOption | null };

/**
 * The units of the chosen province matching the typed search, at the level `role` needs; null
 * when the role chooses no commune or district, or no valid province is chosen.
 */
export async function pickerSearch(
	db: DB,
	cfg: Pick<Config, 'reviewLevel'>,
	values: PickerValues & { role: string }
): Promise<PickerSearch | null> {
	const role = (ROLES as readonly string[]).includes(values.role) ? (values.role as Role) : 'commune_officer';
	const level = unitLevelForRole(role, cfg.reviewLevel);
	if (level !== 'commune' && level !== 'district') return null;
	const search = unitSearchSchema.safeParse({ province: values.provinceCode, level, q: values.unitQuery });
	if (!search.success) return null;
	const era = eraForReviewLevel(cfg.reviewLevel);
	const result = await searchUnits(db, era, search.data);
	const selected = /^\d{3,5}$/.test(values.unitCode) ? await unitOption(db, era, level, values.unitCode) : null;
	return { ...result, province: search.data.province, q: search.data.q, selected };
}
