/**
 * Criteria sets in the database: versioned, validated on the way in, frozen once active.
 *
 * Editing rule: importing `code@version` again replaces that version only while it is a draft
 * (never activated, so no assessment can have used it); an active or retired version never
 * changes; changes make a new version. At most one version of a code is active.
 */
import { sql, type Kysely } from 'kysely';
import type { Actor, SystemActor } from '../../domain/access.ts';
import type { DB } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { by, recordAudit } from '../audit/index.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import {
	diffCriteriaSets,
	listUnverifiedItems,
	QD06_2019,
	totalMaxPoints,
	validateCriteriaSet,
	type CriteriaSet,
	type CriteriaSetDiff,
	type ValidationError
} from '../../domain/criteria/index.ts';

export type CriteriaSetRow = {
	id: number;
	code: string;
	version: number;
	name: string;
	status: 'draft' | 'active' | 'retired';
	totalPoints: number;
	unverifiedItems: number;
	confirmedBy: string | null;
	confirmedAt: Date | null;
	createdAt: Date;
};

const listColumns = [
	's.id',
	's.code',
	's.version',
	's.name',
	's.status',
	's.total_points',
	's.unverified_items',
	's.confirmed_at',
	's.created_at',
	'c.full_name as confirmed_by_name'
] as const;

function toRow(r: {
	id: number;
	code: string;
	version: number;
	name: string;
	status: 'draft' | 'active' | 'retired';
	total_points: number;
	unverified_items: number;
	confirmed_at: Date | null;
	created_at: Date;
	confirmed_by_name: string | null;
}): CriteriaSetRow {
	return {
		id: r.id,
		code: r.code,
		version: r.version,
		name: r.name,
		status: r.status,
		totalPoints: r.total_points,
		unverifiedItems: r.unverified_items,
		confirmedBy: r.confirmed_by_name,
		confirmedAt: r.confirmed_at,
		createdAt: r.created_at
	};
}

export async function listCriteriaSets(db: DB): Promise<CriteriaSetRow[]> {
	const rows = await db
		.selectFrom('criteria_set as s')
		.leftJoin('account as c', 'c.id', 's.confirmed_by')
		.select(listColumns)
		.orderBy('s.code')
		.orderBy('s.version', 'desc')
		.execute();
	return rows.map(toRow);
}

/**
 * Parsed definitions by id and last change: a set's definition only changes while it is a draft
 * (re-import), which moves `updated_at`; so the 27 KB JSON is read and parsed once per version,
 * not on every request that scores an assessment. The one cache of criteria sets.
 */
const definitions = new Map<string, CriteriaSet>();

/** What a criteria-set row says beside its definition (read with the assessment that uses it). */
export type CriteriaSetStamp = {
	id: number;
	status: CriteriaSetRow['status'];
	updatedAt: Date;
	confirmedAt: Date | null;
	confirmedBy: string | null;
};

/** The set of a row: the cached definition (read once per version) with the row's status and confirmation. */
export async function criteriaSetOf(db: DB, stamp: CriteriaSetStamp): Promise<CriteriaSet> {
	const key = `${stamp.id}@${new Date(stamp.updatedAt).getTime()}`;
	let set = definitions.get(key);
	if (!set) {
		const d = await db.selectFrom('criteria_set').select('definition').where('id', '=', stamp.id).executeTakeFirstOrThrow();
		set = d.definition as CriteriaSet;
		if (definitions.size > 100) definitions.clear();
		definitions.set(key, set);
	}
	return {
		...set,
		status: stamp.status,
		confirmation: stamp.confirmedAt ? { by: stamp.confirmedBy ?? '', at: new Date(stamp.confirmedAt).toISOString() } : null
	};
}

/** The set of one id (its row and, from the cache, its definition); throws when there is none. */
export async function criteriaSetById(db: DB, id: number): Promise<CriteriaSet> {
	const r = await db
		.selectFrom('criteria_set as s')
		.leftJoin('account as c', 'c.id', 's.confirmed_by')
		.select(['s.id', 's.status', 's.updated_at', 's.confirmed_at', 'c.full_name'])
		.where('s.id', '=', id)
		.executeTakeFirstOrThrow();
	return criteriaSetOf(db, { id: r.id, status: r.status, updatedAt: r.updated_at, confirmedAt: r.confirmed_at, confirmedBy: r.full_name });
}

/** `id` (digits) or `code@version`. */
export async function findCriteriaSet(db: DB, ref: string | number): Promise<{ row: CriteriaSetRow; set: CriteriaSet } | undefined> {
	let q = db
		.selectFrom('criteria_set as s')
		.leftJoin('account as c', 'c.id', 's.confirmed_by')
		.select([...listColumns, 's.updated_at']);
	const text = String(ref).trim();
	if (/^\d{1,9}$/.test(text)) q = q.where('s.id', '=', Number(text));
	else {
		const m = /^([A-Z0-9._-]+)@(\d{1,9})$/.exec(text);
		if (!m) throw invalid(`Tham chiếu bộ tiêu chí không hợp lệ: "${text}" (dùng số id hoặc MÃ@phiên_bản, ví dụ QD06-2019@1).`);
		q = q.where('s.code', '=', m[1]).where('s.version', '=', Number(m[2]));
	}
	const r = await q.executeTakeFirst();
	if (!r) return undefined;
	const row = toRow(r);
	const set = await criteriaSetOf(db, {
		id: r.id,
		status: r.status,
		updatedAt: r.updated_at,
		confirmedAt: r.confirmed_at,
		confirmedBy: r.confirmed_by_name
	});
	return { row, set };
}

/** The active versions (what a new round may use). */
export async function activeCriteriaSets(db: DB) {
	return db.selectFrom('criteria_set').select(['id', 'code', 'version']).where('status', '=', 'active').execute();
}

export async function activeCriteriaSet(db: DB, code: string) {
	const r = await db.selectFrom('criteria_set').select('id').where('code', '=', code).where('status', '=', 'active').executeTakeFirst();
	return r ? findCriteriaSet(db, r.id) : undefined;
}

/** The version a new import is compared with: the active one of its code, else the latest. */
async function baseline(db: DB, code: string) {
	const r = await db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', code)
		.orderBy(sql`case when status = 'active' then 0 else 1 end`)
		.orderBy('version', 'desc')
		.executeTakeFirst();
	return r ? findCriteriaSet(db, r.id) : undefined;
}

export type ImportPreview =
	| { ok: false; errors: ValidationError[] }
	| {
			ok: true;
			set: CriteriaSet;
			/** what an import would do with this code@version */
			outcome: 'create' | 'replace-draft' | 'unchanged' | 'refused';
			reason?: string;
			against: { id: number; code: string; version: number; status: string } | null;
			diff: CriteriaSetDiff | null;
			unverified: string[];
	  };

export async function previewImport(db: DB, input: unknown): Promise<ImportPreview> {
	const v = validateCriteriaSet(input);
	if (!v.ok) return { ok: false, errors: v.errors };
	const set = v.value;
	const same = await findCriteriaSet(db, `${set.code}@${set.version}`);
	const base = same ?? (await baseline(db, set.code));
	const diff = base ? diffCriteriaSets(base.set, set) : null;
	let outcome: 'create' | 'replace-draft' | 'unchanged' | 'refused' = 'create';
	let reason: string | undefined;
	if (same) {
		if (diff?.identical) outcome = 'unchanged';
		else if (same.row.status === 'draft') outcome = 'replace-draft';
		else {
			outcome = 'refused';
			const next =
				(
					await db
						.selectFrom('criteria_set')
						.select((eb) => eb.fn.max('version').as('v'))
						.where('code', '=', set.code)
						.executeTakeFirst()
				)?.v ?? set.version;
			reason = `Phiên bản ${set.code}@${set.version} đã ${same.row.status === 'active' ? 'được áp dụng' : 'ngừng áp dụng'} nên không sửa được; hãy đặt "version": ${Number(next) + 1} để tạo phiên bản mới.`;
		}
	}
	return {
		ok: true,
		set,
		outcome,
		reason,
		against: base ? { id: base.row.id, code: base.row.code, version: base.row.version, status: base.row.status } : null,
		diff,
		unverified: listUnverifiedItems(set)
	};
}

export type ImportResult =
	| { ok: false; errors: ValidationError[] }
	| { ok: true; id: number; outcome: 'create' | 'replace-draft' | 'unchanged'; preview: Extract<ImportPreview, { ok: true }> };

/**
 * Import a criteria set from parsed JSON. A file's `status` is not trusted: a new version
 * arrives as a draft; activation and confirmation are separate, audited steps.
 */
export async function importCriteriaSet(db: DB, input: unknown, actor: Actor | SystemActor): Promise<ImportResult> {
	return db.transaction().execute(async (trx) => {
		const preview = await previewImport(trx, input);
		if (!preview.ok) return preview;
		if (preview.outcome === 'refused') return { ok: false, errors: [{ path: 'version', location: 'version', message: preview.reason! }] };
		const { set } = preview;
		const values = {
			name: set.name,
			definition: JSON.stringify({ ...set, status: 'draft', confirmation: null }),
			total_points: totalMaxPoints(set),
			unverified_items: preview.unverified.length,
			updated_at: new Date()
		};
		let id: number;
		if (preview.outcome === 'unchanged') {
			id = (await findCriteriaSet(trx, `${set.code}@${set.version}`))!.row.id;
			return { ok: true, id, outcome: 'unchanged', preview };
		}
		if (preview.outcome === 'replace-draft') {
			const r = await trx
				.updateTable('criteria_set')
				.set(values)
				.where('code', '=', set.code)
				.where('version', '=', set.version)
				.where('status', '=', 'draft')
				.returning('id')
				.executeTakeFirstOrThrow();
			id = r.id;
		} else {
			const r = await trx
				.insertInto('criteria_set')
				.values({ ...values, code: set.code, version: set.version, status: 'draft', created_by: actor.id })
				.returning('id')
				.executeTakeFirstOrThrow();
			id = r.id;
		}
		await recordAudit(trx, {
			...by(actor),
			action: preview.outcome === 'create' ? 'criteria.import' : 'criteria.replace_draft',
			objectType: 'criteria_set',
			objectId: id,
			details: { code: set.code, version: set.version, changes: preview.diff?.messages.slice(0, 200) ?? [] }
		});
		return { ok: true, id, outcome: preview.outcome, preview };
	});
}

/** Make a version the active one of its code; the previously active version is retired. */
export async function activateCriteriaSet(db: DB, id: number, actor: Actor | SystemActor): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const s = await trx
			.selectFrom('criteria_set')
			.select(['id', 'code', 'version', 'status'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!s) throw notFound('Không tìm thấy bộ tiêu chí.');
		if (s.status === 'active') return;
		if (s.status === 'retired') throw conflict('Phiên bản đã ngừng áp dụng không thể áp dụng lại; hãy nhập nó thành phiên bản mới.');
		const previous = await trx
			.updateTable('criteria_set')
			.set({ status: 'retired', updated_at: new Date() })
			.where('code', '=', s.code)
			.where('status', '=', 'active')
			.returning('version')
			.execute();
		await trx.updateTable('criteria_set').set({ status: 'active', updated_at: new Date() }).where('id', '=', id).execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'criteria.activate',
			objectType: 'criteria_set',
			objectId: id,
			details: { code: s.code, version: s.version, retired: previous.map((p) => p.version) }
		});
	});
}

/** An administrator confirms that the set matches the gazetted text (who and when recorded). */
export async function confirmCriteriaSet(db: DB, id: number, actor: Actor, note: string): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const s = await trx
			.selectFrom('criteria_set')
			.select(['id', 'code', 'version', 'confirmed_at', 'unverified_items'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!s) throw notFound('Không tìm thấy bộ tiêu chí.');
		if (s.confirmed_at) throw conflict('Bộ tiêu chí này đã được xác nhận.');
		await trx
			.updateTable('criteria_set')
			.set({ confirmed_by: actor.id, confirmed_at: new Date(), updated_at: new Date() })
			.where('id', '=', id)
			.execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'criteria.confirm',
			objectType: 'criteria_set',
			objectId: id,
			details: { code: s.code, version: s.version, unverifiedItems: s.unverified_items, note }
		});
	});
}

/** The interchange form of a stored set (status and confirmation as stored). */
export function exportCriteriaSet(found: { set: CriteriaSet }): CriteriaSet {
	return found.set;
}

/** The shipped default set, present in every deployment (active, not confirmed). */
const SYSTEM: SystemActor = { id: null, email: 'system' };

export async function ensureDefaultCriteriaSet(db: Kysely<Database>): Promise<void> {
	const exists = await db.selectFrom('criteria_set').select('id').where('code', '=', QD06_2019.code).executeTakeFirst();
	if (exists) return;
	const r = await importCriteriaSet(db, QD06_2019, SYSTEM);
	if (!r.ok) throw new Error(`Bộ tiêu chí mặc định không hợp lệ: ${r.errors.map((e) => `${e.location}: ${e.message}`).join('; ')}`);
	await activateCriteriaSet(db, r.id, SYSTEM);
}
