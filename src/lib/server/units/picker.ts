/**
 * Choosing a unit from the lists (the account forms' unit picker): the provinces of an era, and
 * the communes (or districts) of one province whose name matches a search typed without
 * diacritics ("phu my" finds "Xã Phú Mỹ") or whose code starts with the digits typed. The search
 * runs in the database on `admin_unit.search_name` (domain/text.ts `fold`), a page at a time.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { escapeLike, fold } from '../../domain/text.ts';
import type { UnitEra } from '../../domain/units.ts';
import type { DB } from '../db/index.ts';

/** The most units one search returns (the picker says how many more there are). */
export const UNIT_SEARCH_MAX = 50;

export const provinceCodeSchema = z.string().regex(/^\d{2}$/, { error: 'Tỉnh, thành phố không hợp lệ.' });

/** What the picker sends to search (query string of the JSON endpoint, or the form). */
export const unitSearchSchema = z.object({
	province: provinceCodeSchema,
	level: z.enum(['commune', 'district'], { error: 'Cấp đơn vị không hợp lệ.' }).default('commune'),
	q: z.string().trim().max(100, { error: 'Từ khóa tìm kiếm quá dài (tối đa 100 ký tự).' }).default(''),
	limit: z.coerce.number().int().min(1).max(UNIT_SEARCH_MAX).default(UNIT_SEARCH_MAX)
});
export type UnitSearch = z.infer<typeof unitSearchSchema>;

export type UnitOption = { code: string; name: string; kind: string };
export type UnitSearchResult = { items: UnitOption[]; total: number; limit: number };

/** The unit kinds as typed without diacritics (longest first: "thi xa" before "xa"). */
const KIND_WORDS = ['thanh pho', 'thi tran', 'thi xa', 'dac khu', 'phuong', 'huyen', 'quan', 'xa'];

export type SearchCondition =
	| { code: string }
	/** `words`: a word of the name (its kind left out) starts with the text; `kind`: or the text began with a kind ("xa phu") and the rest does so within units of that kind. */
	| { words: string; kind: { name: string; words: string } | null };

/**
 * How a typed search is matched: digits only → the code starts with them; otherwise, without
 * diacritics, the text starts a word of the name, the kind left out ("phu" finds "Phường Phú Xuân"
 * and "Phường Phong Phú", not every "Phường"), or it begins with the kind ("xa phu" finds the xã
 * whose name has a word starting with "phu"). LIKE patterns, their wildcards escaped. Null: no condition.
 */
export function searchCondition(q: string): SearchCondition | null {
	const needle = fold(q);
	if (!needle) return null;
	if (/^\d+$/.test(needle)) return { code: `${needle}%` };
	const kind = KIND_WORDS.find((k) => needle === k || needle.startsWith(`${k} `));
	return {
		words: `% ${escapeLike(needle)}%`,
		kind: kind ? { name: `${kind} %`, words: `% ${escapeLike(needle.slice(kind.length).trim())}%` } : null
	};
}

/** The provinces of `era`, in Vietnamese alphabetical order. */
export async function listProvinces(db: DB, era: UnitEra): Promise<UnitOption[]> {
	return db
		.selectFrom('admin_unit')
		.select(['code', 'name', 'kind'])
		.where('era', '=', era)
		.where('level', '=', 'province')
		.orderBy('sort_key')
		.orderBy('code')
		.execute();
}

/** Units of `level` in the province `search.province` of `era` matching `search.q`: the first `limit`, and how many match. */
export async function searchUnits(db: DB, era: UnitEra, search: UnitSearch): Promise<UnitSearchResult> {
	const limit = Math.min(search.limit, UNIT_SEARCH_MAX);
	const province = await db
		.selectFrom('admin_unit')
		.select('id')
		.where('era', '=', era)
		.where('level', '=', 'province')
		.where('code', '=', search.province)
		.executeTakeFirst();
	if (!province) return { items: [], total: 0, limit };
	let base = db.selectFrom('admin_unit').where('era', '=', era).where('level', '=', search.level).where('province_id', '=', province.id);
	const cond = searchCondition(search.q);
	if (cond && 'code' in cond) base = base.where('code', 'like', cond.code);
	else if (cond) {
		// the folded name without its kind ("phuong phu xuan" → " phu xuan"), words led by a space
		const rest = sql<string>`' ' || substr(search_name, char_length(kind) + 2)`;
		const { words, kind } = cond;
		base = base.where((eb) =>
			eb.or([eb(rest, 'like', words), ...(kind ? [eb.and([eb('search_name', 'like', kind.name), eb(rest, 'like', kind.words)])] : [])])
		);
	}
	const items = await base.select(['code', 'name', 'kind']).orderBy('sort_key').orderBy('code').limit(limit).execute();
	const count = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
	return { items, total: Number(count.n), limit };
}

/** The unit of `code` in the list, for showing a choice already made (null when there is none). */
export async function unitOption(db: DB, era: UnitEra, level: 'province' | 'district' | 'commune', code: string | null) {
	if (!code) return null;
	return (
		(await db
			.selectFrom('admin_unit')
			.select(['code', 'name', 'kind'])
			.where('era', '=', era)
			.where('level', '=', level)
			.where('code', '=', code)
			.executeTakeFirst()) ?? null
	);
}
