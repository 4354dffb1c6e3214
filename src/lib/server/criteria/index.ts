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
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { can } from '../../domain/access.ts';
import {
	changedItems,
	diffCriteriaSets,
	listUnverifiedItems,
	markVerified,
	withFourEyes,
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

/** What the row of set `id` says beside its definition, or undefined when there is no such set. */
export async function criteriaSetStamp(db: DB, id: number): Promise<CriteriaSetStamp | undefined> {
	const r = await db
		.selectFrom('criteria_set as s')
		.leftJoin('account as c', 'c.id', 's.confirmed_by')
		.select(['s.id', 's.status', 's.updated_at', 's.confirmed_at', 'c.full_name'])
		.where('s.id', '=', id)
		.executeTakeFirst();
	return r && { id: r.id, status: r.status, updatedAt: r.updated_at, confirmedAt: r.confirmed_at, confirmedBy: r.full_name };
}

/** The set of one id (its row and, from the cache, its definition); throws when there is none. */
export async function criteriaSetById(db: DB, id: number): Promise<CriteriaSet> {
	const stamp = await criteriaSetStamp(db, id);
	if (!stamp) throw new Error(`no criteria set ${id}`);
	return criteriaSetOf(db, stamp);
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

/** The set of `id` for a page about it: its row and definition, or not found (in Vietnamese). */
export async function criteriaSetPage(db: DB, id: number): Promise<{ row: CriteriaSetRow; set: CriteriaSet }> {
	const found = await findCriteriaSet(db, id);
	if (!found) throw notFound('Không tìm thấy bộ tiêu chí.');
	return found;
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
			/**
			 * Items the file says were checked against the gazetted text that are new or changed
			 * since the version compared with: imported by an administrator, they wait for another
			 * administrator's confirmation (four eyes) and are stored unverified.
			 */
			awaiting: string[];
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
		unverified: listUnverifiedItems(set),
		awaiting: withFourEyes(set, base?.set ?? null).awaiting
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
	return db.transaction().execute((trx) => importWithin(trx, input, actor));
}

/** `importCriteriaSet` inside the caller's transaction (the editor's save checks and writes in one). */
export async function importWithin(trx: DB, input: unknown, actor: Actor | SystemActor): Promise<ImportResult> {
	{
		const preview = await previewImport(trx, input);
		if (!preview.ok) return preview;
		if (preview.outcome === 'refused') return { ok: false, errors: [{ path: 'version', location: 'version', message: preview.reason! }] };
		if (preview.outcome === 'unchanged') {
			const id = (await findCriteriaSet(trx, `${preview.set.code}@${preview.set.version}`))!.row.id;
			return { ok: true, id, outcome: 'unchanged', preview };
		}
		// four eyes: an administrator's claims of "checked against the gazetted text" on new or
		// changed items wait for another administrator; the deployment's own files are trusted
		const base = preview.against ? await findCriteriaSet(trx, preview.against.id) : undefined;
		const set = actor.id === null ? preview.set : withFourEyes(preview.set, base?.set ?? null).stored;
		const values = {
			name: set.name,
			definition: JSON.stringify({ ...set, status: 'draft', confirmation: null }),
			total_points: totalMaxPoints(set),
			unverified_items: listUnverifiedItems(set).length,
			edited_by: actor.id,
			updated_at: new Date()
		};
		let id: number;
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
			// a confirmation holds for the content confirmed: changed items lose theirs
			const changed = base ? changedItems(base.set, set) : [];
			if (changed.length)
				await trx.deleteFrom('criteria_item_check').where('criteria_set_id', '=', id).where('item_code', 'in', changed).execute();
		} else {
			const r = await trx
				.insertInto('criteria_set')
				.values({ ...values, code: set.code, version: set.version, status: 'draft', created_by: actor.id })
				.returning('id')
				.executeTakeFirstOrThrow();
			id = r.id;
		}
		if (actor.id !== null && preview.awaiting.length) {
			const now = new Date();
			await trx
				.insertInto('criteria_item_check')
				.values(preview.awaiting.map((code) => ({ criteria_set_id: id, item_code: code, claimed_by: actor.id, claimed_at: now })))
				.onConflict((oc) =>
					oc
						.columns(['criteria_set_id', 'item_code'])
						.doUpdateSet({ claimed_by: actor.id, claimed_at: now, confirmed_by: null, confirmed_at: null })
				)
				.execute();
		}
		await recordAudit(trx, {
			...by(actor),
			action: preview.outcome === 'create' ? 'criteria.import' : 'criteria.replace_draft',
			objectType: 'criteria_set',
			objectId: id,
			details: { code: set.code, version: set.version, changes: preview.diff?.messages.slice(0, 200) ?? [] }
		});
		return { ok: true, id, outcome: preview.outcome, preview };
	}
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

export type ItemCheck = {
	code: string;
	claimedBy: string | null;
	claimedAt: Date | null;
	confirmedBy: string | null;
	confirmedAt: Date | null;
};

/** The four-eyes state of a set: who last edited it, and each item's claim and confirmation. */
export async function itemChecks(db: DB, id: number): Promise<{ editedBy: { id: number; name: string } | null; items: ItemCheck[] }> {
	const s = await db
		.selectFrom('criteria_set as s')
		.leftJoin('account as a', 'a.id', 's.edited_by')
		.select(['s.edited_by', 'a.full_name'])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!s) throw notFound('Không tìm thấy bộ tiêu chí.');
	const rows = await db
		.selectFrom('criteria_item_check as k')
		.leftJoin('account as c', 'c.id', 'k.claimed_by')
		.leftJoin('account as f', 'f.id', 'k.confirmed_by')
		.select(['k.item_code', 'k.claimed_at', 'k.confirmed_at', 'c.full_name as claimer', 'f.full_name as confirmer'])
		.where('k.criteria_set_id', '=', id)
		.execute();
	return {
		editedBy: s.edited_by === null ? null : { id: s.edited_by, name: s.full_name ?? '' },
		items: rows.map((r) => ({
			code: r.item_code,
			claimedBy: r.claimer,
			claimedAt: r.claimed_at,
			confirmedBy: r.confirmer,
			confirmedAt: r.confirmed_at
		}))
	};
}

/**
 * Four eyes (issue 14): an administrator other than the one who last edited the set confirms
 * that items match the gazetted text, item by item or all the unverified ones at once. Each
 * confirmed item is recorded (who, when) and marked verified in the set; the set's count of
 * unverified items follows, and with it the provisional notice. Scoring is not touched, so an
 * active version may be confirmed too. Returns the codes confirmed.
 */
export async function confirmItems(db: DB, id: number, codes: string[] | 'all', actor: Actor): Promise<string[]> {
	if (!can(actor.role, 'criteria.confirm')) throw forbidden();
	return db.transaction().execute(async (trx) => {
		const s = await trx
			.selectFrom('criteria_set')
			.select(['id', 'code', 'version', 'status', 'edited_by', 'updated_at'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!s) throw notFound('Không tìm thấy bộ tiêu chí.');
		if (s.status === 'retired') throw conflict('Phiên bản đã ngừng áp dụng: không xác nhận thêm.');
		if (s.edited_by === actor.id)
			throw forbidden('Bạn là người sửa bộ tiêu chí này gần nhất: cần một quản trị viên khác đối chiếu và xác nhận (nguyên tắc bốn mắt).');
		const d = await trx.selectFrom('criteria_set').select('definition').where('id', '=', id).executeTakeFirstOrThrow();
		const set = d.definition as CriteriaSet;
		const unverified = listUnverifiedItems(set);
		const chosen = codes === 'all' ? unverified : [...new Set(codes)];
		const unknown = chosen.filter((c) => !unverified.includes(c));
		if (unknown.length) throw invalid(`Không có mục chưa đối chiếu nào mang mã: ${unknown.join(', ')}.`);
		if (chosen.length === 0) throw invalid('Chọn ít nhất một mục để xác nhận.');
		const next = markVerified(set, new Set(chosen));
		const now = new Date();
		await trx
			.updateTable('criteria_set')
			.set({ definition: JSON.stringify(next), unverified_items: listUnverifiedItems(next).length, updated_at: now })
			.where('id', '=', id)
			.execute();
		await trx
			.insertInto('criteria_item_check')
			.values(chosen.map((code) => ({ criteria_set_id: id, item_code: code, confirmed_by: actor.id, confirmed_at: now })))
			.onConflict((oc) => oc.columns(['criteria_set_id', 'item_code']).doUpdateSet({ confirmed_by: actor.id, confirmed_at: now }))
			.execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'criteria.verify_items',
			objectType: 'criteria_set',
			objectId: id,
			details: { code: s.code, version: s.version, items: chosen, remaining: listUnverifiedItems(next).length }
		});
		return chosen;
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
