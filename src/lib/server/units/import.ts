/**
 * Import of the official lists of administrative units (GSO codes): the three-level list of
 * 01/03/2025 and the two-level list in force since 01/07/2025 with the units each new commune
 * was formed from. One transaction per file: a bad file writes nothing.
 */
import { AppError } from '../errors.ts';
import { fold, sortKey } from '../../domain/text.ts';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { z } from 'zod';
import { deriveCommuneCategory, type UnitEra, type UnitLevel } from '../../domain/units.ts';
import type { DB } from '../db/index.ts';

const nameSchema = z
	.string()
	.trim()
	.min(1)
	.transform((s) => s.normalize('NFC'));
const pre2025Schema = z.object({
	data: z
		.array(
			z.object({
				level1_id: z.string().regex(/^\d{2}$/),
				name: nameSchema,
				type: nameSchema,
				level2s: z.array(
					z.object({
						level2_id: z.string().regex(/^\d{3}$/),
						name: nameSchema,
						type: nameSchema,
						level3s: z.array(z.object({ level3_id: z.string().regex(/^\d{5}$/), name: nameSchema, type: nameSchema }))
					})
				)
			})
		)
		.min(1)
});
const mergeSchema = z.object({ old_id: z.string().regex(/^\d{2,5}$/), name: z.string(), type: z.enum(['full', 'partial']) });
const post2025Schema = z.object({
	data: z
		.array(
			z.object({
				level1_id: z.string().regex(/^\d{2}$/),
				name: nameSchema,
				merges: z.array(mergeSchema).default([]),
				level2s: z.array(z.object({ level2_id: z.string().regex(/^\d{5}$/), name: nameSchema, merges: z.array(mergeSchema) }))
			})
		)
		.min(1)
});

export type UnitFile = { era: 'pre2025'; data: z.infer<typeof pre2025Schema> } | { era: 'post2025'; data: z.infer<typeof post2025Schema> };

/** A unit file that does not validate: the message lists the first problems. */
function unitImportError(message: string, details: string[] = []): AppError {
	return new AppError('invalid', details.length ? `${message}\n${details.slice(0, 10).join('\n')}` : message, {
		details: { problems: details }
	});
}

/** The two official files, shipped (gzip) with the application in this folder. When this
 * module runs bundled (the built server), the folder is found from the working directory. */
function dataDir(): string {
	const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
	return fs.existsSync(beside) ? beside : path.resolve('src/lib/server/units/data');
}
export const BUNDLED_UNIT_FILES = {
	get pre2025() {
		return path.join(dataDir(), 'dvhc-2025-03.json.gz');
	},
	get post2025() {
		return path.join(dataDir(), 'dvhc-2025-07-merges.json.gz');
	}
};

export function readUnitFile(file: string): UnitFile {
	let raw: unknown;
	try {
		const buf = fs.readFileSync(file);
		const text = (file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
		raw = JSON.parse(text);
	} catch (e) {
		throw unitImportError(`Không đọc được tệp ${file} (cần JSON, có thể nén .gz): ${(e as Error).message}`);
	}
	return parseUnitFile(raw);
}

export function parseUnitFile(raw: unknown): UnitFile {
	const first = (raw as { data?: { level2s?: Record<string, unknown>[] }[] })?.data?.[0]?.level2s?.[0];
	const schema = first && 'level3s' in first ? pre2025Schema : first && 'merges' in first ? post2025Schema : null;
	if (!schema) {
		throw unitImportError(
			'Tệp không đúng định dạng danh mục đơn vị hành chính: cần {"data": [tỉnh có "level2s"]} theo danh mục 01/03/2025 hoặc danh mục sáp nhập 07/2025.'
		);
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success) {
		throw unitImportError(
			'Tệp danh mục đơn vị hành chính có lỗi:',
			parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`)
		);
	}
	return schema === pre2025Schema
		? { era: 'pre2025', data: parsed.data as z.infer<typeof pre2025Schema> }
		: { era: 'post2025', data: parsed.data as z.infer<typeof post2025Schema> };
}

type UnitRow = {
	era: UnitEra;
	level: UnitLevel;
	code: string;
	name: string;
	kind: string;
	parent_id: number | null;
	province_id: number | null;
	district_id: number | null;
	category: ReturnType<typeof deriveCommuneCategory> | null;
	category_source: 'derived' | null;
};

async function upsertUnits(db: DB, rows: UnitRow[]): Promise<Map<string, number>> {
	const ids = new Map<string, number>();
	for (let i = 0; i < rows.length; i += 1000) {
		const batch = rows.slice(i, i + 1000).map((r) => ({ ...r, sort_key: sortKey(r.name), search_name: fold(r.name) }));
		const out = await db
			.insertInto('admin_unit')
			.values(batch)
			.onConflict((oc) =>
				oc.columns(['era', 'level', 'code']).doUpdateSet({
					name: (eb) => eb.ref('excluded.name'),
					sort_key: (eb) => eb.ref('excluded.sort_key'),
					search_name: (eb) => eb.ref('excluded.search_name'),
					kind: (eb) => eb.ref('excluded.kind'),
					parent_id: (eb) => eb.ref('excluded.parent_id'),
					province_id: (eb) => eb.ref('excluded.province_id'),
					district_id: (eb) => eb.ref('excluded.district_id'),
					// a category an administrator set is kept; a derived one is refreshed
					category: sql`case when admin_unit.category_source = 'set' then admin_unit.category else excluded.category end`,
					category_source: sql`case when admin_unit.category_source = 'set' then 'set' else excluded.category_source end`
				})
			)
			.returning(['id', 'code'])
			.execute();
		for (const r of out) ids.set(r.code, r.id);
	}
	return ids;
}

const prefixKind = (name: string, kinds: string[]) => kinds.find((k) => name.startsWith(`${k} `)) ?? kinds[0];

export type ImportReport = {
	era: UnitEra;
	provinces: number;
	districts: number;
	communes: number;
	lineageLinks: number;
	unresolvedLinks: number;
};

/** Import one parsed file. Only the given province codes when `onlyProvinces` is set (demo). */
export async function importUnits(db: DB, file: UnitFile, onlyProvinces?: string[]): Promise<ImportReport> {
	const keep = (code: string) => !onlyProvinces || onlyProvinces.includes(code);
	return db.transaction().execute(async (trx) => {
		const report: ImportReport = { era: file.era, provinces: 0, districts: 0, communes: 0, lineageLinks: 0, unresolvedLinks: 0 };
		if (file.era === 'pre2025') {
			const provinces = file.data.data.filter((p) => keep(p.level1_id));
			const provIds = await upsertUnits(
				trx,
				provinces.map((p) => ({
					era: 'pre2025',
					level: 'province',
					code: p.level1_id,
					name: p.name,
					kind: p.type,
					parent_id: null,
					province_id: null,
					district_id: null,
					category: null,
					category_source: null
				}))
			);
			const districts: UnitRow[] = [];
			for (const p of provinces)
				for (const d of p.level2s)
					districts.push({
						era: 'pre2025',
						level: 'district',
						code: d.level2_id,
						name: d.name,
						kind: d.type,
						parent_id: provIds.get(p.level1_id)!,
						province_id: provIds.get(p.level1_id)!,
						district_id: null,
						category: null,
						category_source: null
					});
			const distIds = await upsertUnits(trx, districts);
			const communes: UnitRow[] = [];
			for (const p of provinces)
				for (const d of p.level2s)
					for (const c of d.level3s)
						communes.push({
							era: 'pre2025',
							level: 'commune',
							code: c.level3_id,
							name: c.name,
							kind: c.type,
							parent_id: distIds.get(d.level2_id)!,
							province_id: provIds.get(p.level1_id)!,
							district_id: distIds.get(d.level2_id)!,
							category: deriveCommuneCategory(c.type, p.type),
							category_source: 'derived'
						});
			await upsertUnits(trx, communes);
			Object.assign(report, { provinces: provinces.length, districts: districts.length, communes: communes.length });
			return report;
		}
		const provinces = file.data.data.filter((p) => keep(p.level1_id));
		const provinceKind = (name: string) => (name.startsWith('Thành phố ') ? 'Thành phố Trung ương' : 'Tỉnh');
		const provIds = await upsertUnits(
			trx,
			provinces.map((p) => ({
				era: 'post2025',
				level: 'province',
				code: p.level1_id,
				name: p.name,
				kind: provinceKind(p.name),
				parent_id: null,
				province_id: null,
				district_id: null,
				category: null,
				category_source: null
			}))
		);
		const communes: UnitRow[] = [];
		for (const p of provinces)
			for (const c of p.level2s) {
				const kind = prefixKind(c.name, ['Xã', 'Phường', 'Đặc khu']);
				communes.push({
					era: 'post2025',
					level: 'commune',
					code: c.level2_id,
					name: c.name,
					kind,
					parent_id: provIds.get(p.level1_id)!,
					province_id: provIds.get(p.level1_id)!,
					district_id: null,
					category: deriveCommuneCategory(kind, provinceKind(p.name)),
					category_source: 'derived'
				});
			}
		const communeIds = await upsertUnits(trx, communes);
		Object.assign(report, { provinces: provinces.length, communes: communes.length });

		// Lineage: each new unit → the pre-2025 units it was formed from (when those are imported).
		const old = await trx.selectFrom('admin_unit').select(['id', 'code', 'level']).where('era', '=', 'pre2025').execute();
		const oldByKey = new Map(old.map((u) => [`${u.level}:${u.code}`, u.id]));
		const levelOf = (code: string): UnitLevel => (code.length === 2 ? 'province' : code.length === 3 ? 'district' : 'commune');
		const links: { unit_id: number; old_unit_id: number; share: 'full' | 'partial' }[] = [];
		const addLinks = (unitId: number, merges: z.infer<typeof mergeSchema>[]) => {
			for (const m of merges) {
				const oldId = oldByKey.get(`${levelOf(m.old_id)}:${m.old_id}`);
				if (oldId === undefined) report.unresolvedLinks++;
				else links.push({ unit_id: unitId, old_unit_id: oldId, share: m.type });
			}
		};
		for (const p of provinces) {
			addLinks(provIds.get(p.level1_id)!, p.merges);
			for (const c of p.level2s) addLinks(communeIds.get(c.level2_id)!, c.merges);
		}
		for (let i = 0; i < links.length; i += 2000) {
			await trx
				.insertInto('unit_lineage')
				.values(links.slice(i, i + 2000))
				.onConflict((oc) => oc.columns(['unit_id', 'old_unit_id']).doUpdateSet({ share: (eb) => eb.ref('excluded.share') }))
				.execute();
		}
		report.lineageLinks = links.length;
		return report;
	});
}

/** Fills the sort and search keys of units imported before they existed (start-up; idempotent). */
export async function fillUnitNameKeys(db: DB): Promise<number> {
	let done = 0;
	for (;;) {
		const rows = await db.selectFrom('admin_unit').select(['id', 'name']).where('sort_key', 'is', null).orderBy('id').limit(2000).execute();
		if (rows.length === 0) return done;
		await db.transaction().execute(async (trx) => {
			for (const r of rows)
				await trx
					.updateTable('admin_unit')
					.set({ sort_key: sortKey(r.name), search_name: fold(r.name) })
					.where('id', '=', r.id)
					.execute();
		});
		done += rows.length;
	}
}
