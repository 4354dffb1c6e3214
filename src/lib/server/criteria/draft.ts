/**
 * Drafts edited in the app (issue 14, "an editor in the app"): an administrator starts a draft
 * from any version (a copy as the next version of its code) and the editor saves the whole set as
 * it goes. Every write goes through `importCriteriaSet`, so validation, the editing rules and the
 * audit stay in one place; this module adds the copy and optimistic concurrency (a save names the
 * `updated_at` it was edited on; someone else's save in between is a conflict, never overwritten).
 */
import type { Actor } from '../../domain/access.ts';
import type { DB } from '../db/index.ts';
import { z } from 'zod';
import { conflict, invalid, notFound, parseInput } from '../errors.ts';
import { CriteriaSetSchema, validateCriteriaSet, type CriteriaSet } from '../../domain/criteria/index.ts';
import { findCriteriaSet, importCriteriaSet, importWithin } from './index.ts';

const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';
export const NOT_A_DRAFT = 'Phiên bản này không phải bản nháp nên không sửa được; hãy tạo bản nháp mới từ phiên bản này.';
export const STALE_DRAFT = 'Bản nháp vừa được người khác lưu sau khi bạn mở trang. Hãy tải lại trang để xem bản mới nhất.';

/**
 * A draft copy of version `fromId` as `code@(max version of the code + 1)`; returns its id and version.
 * The copy is recorded (audited) by the import as a new version.
 */
export async function startDraft(db: DB, fromId: number, actor: Actor): Promise<{ id: number; version: number }> {
	const from = await findCriteriaSet(db, fromId);
	if (!from) throw notFound(NOT_FOUND);
	const max = await db
		.selectFrom('criteria_set')
		.select((eb) => eb.fn.max('version').as('v'))
		.where('code', '=', from.row.code)
		.executeTakeFirst();
	const version = Number(max?.v ?? from.row.version) + 1;
	const copy: CriteriaSet = { ...structuredClone(from.set), version, status: 'draft', confirmation: null };
	const r = await importCriteriaSet(db, copy, actor);
	if (!r.ok)
		throw invalid('Không tạo được bản nháp: ' + r.errors.map((e) => `${e.location}: ${e.message}`).join('; '), {}, { errors: r.errors });
	return { id: r.id, version };
}

/** What "Tạo bộ tiêu chí mới" asks for: the code (the schema's own rule), the name and the legal reference. */
export const BlankDraftInput = z.object({
	code: z.string({ error: 'Vui lòng nhập mã bộ tiêu chí.' }).trim().toUpperCase().pipe(CriteriaSetSchema.shape.code),
	name: z
		.string({ error: 'Vui lòng nhập tên bộ tiêu chí.' })
		.normalize('NFC')
		.trim()
		.min(1, 'Vui lòng nhập tên bộ tiêu chí.')
		.max(500, 'Tên quá dài.'),
	legalReference: z
		.string({ error: 'Vui lòng nhập căn cứ pháp lý.' })
		.normalize('NFC')
		.trim()
		.min(1, 'Vui lòng nhập căn cứ pháp lý.')
		.max(1000, 'Căn cứ pháp lý quá dài.')
});

/** Placeholder texts of a set started from scratch: the administrator replaces them in the editor. */
const PLACEHOLDER = '(Chưa nhập — hãy chép từ văn bản gốc)';

/** The blank set "Tạo bộ tiêu chí mới" creates: one criterion TC01 with one Có/Không indicator TC01.1, nothing verified. */
export function blankCriteriaSet(input: { code: string; name: string; legalReference: string }): CriteriaSet {
	return {
		code: input.code,
		name: input.name,
		legalReference: input.legalReference,
		version: 1,
		status: 'draft',
		confirmation: null,
		passRule: { thresholds: { urban_ward: 0, disadvantaged: 0, standard: 0 }, requireAllCriteriaMet: false, forbidZeroCriterion: false },
		criteria: [
			{
				code: 'TC01',
				title: PLACEHOLDER,
				maxPoints: 1,
				guidance: PLACEHOLDER,
				metRule: { kind: 'positive' },
				source: PLACEHOLDER,
				verified: false,
				indicators: [
					{
						kind: 'check',
						code: 'TC01.1',
						title: PLACEHOLDER,
						measure: PLACEHOLDER,
						guidance: PLACEHOLDER,
						maxPoints: 1,
						source: PLACEHOLDER,
						verified: false
					}
				]
			}
		]
	};
}

/**
 * A new criteria set from scratch: version 1 of a code not used yet, as a draft holding one
 * placeholder criterion and indicator, created (validated and audited) by the import. A code that
 * already exists is refused: start a draft from one of its versions instead.
 */
export async function startBlankDraft(db: DB, input: unknown, actor: Actor): Promise<{ id: number; version: number }> {
	const form = parseInput(BlankDraftInput, input);
	const taken = await db.selectFrom('criteria_set').select('id').where('code', '=', form.code).executeTakeFirst();
	if (taken)
		throw invalid(
			`Mã bộ tiêu chí ${form.code} đã có; hãy chọn mã khác, hoặc mở bộ tiêu chí đó và tạo bản nháp mới từ một phiên bản của nó.`,
			{ code: `Mã ${form.code} đã được dùng.` }
		);
	const r = await importCriteriaSet(db, blankCriteriaSet(form), actor);
	if (!r.ok)
		throw invalid('Không tạo được bộ tiêu chí: ' + r.errors.map((e) => `${e.location}: ${e.message}`).join('; '), {}, { errors: r.errors });
	return { id: r.id, version: 1 };
}

export type SavedDraft = { id: number; updatedAt: string; outcome: 'replace-draft' | 'unchanged' };

/**
 * Saves the whole set of draft `id`, edited on the version saved at `expectedUpdatedAt` (ISO).
 * Refused (nothing written): a version that is not a draft; a stale `expectedUpdatedAt` (conflict,
 * details `{ conflict: true, updatedAt }`); an invalid set (details `{ errors }`, each with its path).
 * The set keeps the draft's code and version whatever the input says. Returns the new `updated_at`.
 */
export async function saveDraft(db: DB, id: number, input: unknown, expectedUpdatedAt: string, actor: Actor): Promise<SavedDraft> {
	const expected = new Date(expectedUpdatedAt);
	if (Number.isNaN(expected.getTime())) throw invalid('Thiếu thời điểm lưu của bản nháp đang sửa; hãy tải lại trang.');
	const row = await db
		.selectFrom('criteria_set')
		.select(['id', 'code', 'version', 'status', 'updated_at'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row) throw notFound(NOT_FOUND);
	if (row.status !== 'draft') throw conflict(NOT_A_DRAFT, { notDraft: true });
	if (new Date(row.updated_at).getTime() !== expected.getTime())
		throw conflict(STALE_DRAFT, { conflict: true, updatedAt: new Date(row.updated_at).toISOString() });
	const set = input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : input;
	if (set !== null && typeof set === 'object') Object.assign(set, { code: row.code, version: row.version, status: 'draft' });
	const v = validateCriteriaSet(set);
	if (!v.ok) throw invalid(`Bộ tiêu chí chưa hợp lệ (${v.errors.length} lỗi) nên chưa được lưu.`, {}, { errors: v.errors });

	// One transaction: still a draft, still the version the editor started from, then the import
	return db.transaction().execute(async (trx) => {
		const current = await trx
			.selectFrom('criteria_set')
			.select(['status', 'updated_at'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!current) throw notFound(NOT_FOUND);
		if (current.status !== 'draft') throw conflict(NOT_A_DRAFT, { notDraft: true });
		if (new Date(current.updated_at).getTime() !== expected.getTime())
			throw conflict(STALE_DRAFT, { conflict: true, updatedAt: new Date(current.updated_at).toISOString() });
		const r = await importWithin(trx, v.value, actor);
		if (!r.ok) throw invalid(`Bộ tiêu chí chưa hợp lệ (${r.errors.length} lỗi) nên chưa được lưu.`, {}, { errors: r.errors });
		if (r.outcome === 'create') throw conflict(NOT_A_DRAFT); // unreachable: the draft exists with this code@version
		const after = await trx.selectFrom('criteria_set').select('updated_at').where('id', '=', id).executeTakeFirstOrThrow();
		return { id, updatedAt: new Date(after.updated_at).toISOString(), outcome: r.outcome };
	});
}

/**
 * The version a draft is compared with in the editor ("Xem thay đổi"): the active version of its
 * code, else the latest earlier version; null for a first version.
 */
export async function draftBase(db: DB, id: number): Promise<{ id: number; version: number; set: CriteriaSet } | null> {
	const row = await db.selectFrom('criteria_set').select(['code', 'version']).where('id', '=', id).executeTakeFirst();
	if (!row) throw notFound(NOT_FOUND);
	const active = await db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', row.code)
		.where('status', '=', 'active')
		.where('id', '!=', id)
		.executeTakeFirst();
	const earlier =
		active ??
		(await db
			.selectFrom('criteria_set')
			.select('id')
			.where('code', '=', row.code)
			.where('version', '<', row.version)
			.orderBy('version', 'desc')
			.executeTakeFirst());
	if (!earlier) return null;
	const found = await findCriteriaSet(db, earlier.id);
	return found ? { id: found.row.id, version: found.row.version, set: found.set } : null;
}

/** The draft's `updated_at` (ISO), what the editor's first save names. */
export async function draftUpdatedAt(db: DB, id: number): Promise<string> {
	const r = await db.selectFrom('criteria_set').select('updated_at').where('id', '=', id).executeTakeFirst();
	if (!r) throw notFound(NOT_FOUND);
	return new Date(r.updated_at).toISOString();
}
