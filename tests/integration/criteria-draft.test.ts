/**
 * Drafts edited in the app (issue 14): starting a draft copies any version as the next version of
 * its code; saving names the `updated_at` it was edited on (optimistic concurrency), refuses a
 * stale one, an invalid set and a version that is not a draft without writing anything, and is
 * audited through the import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '#lib/domain/access.ts';
import { AppError } from '#lib/server/errors.ts';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { findCriteriaSet } from '#lib/server/criteria/index.ts';
import { draftBase, draftUpdatedAt, saveDraft, startBlankDraft, startDraft } from '#lib/server/criteria/draft.ts';
import { validateCriteriaSet } from '#lib/domain/criteria/index.ts';
import { diffCriteriaSets, type CriteriaSet } from '#lib/domain/criteria/index.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';

let t: TestDb;
let ADMIN: Actor;
let activeId: number;

beforeAll(async () => {
	t = await freshDb();
	const a = await createAccount(
		t.db,
		t.config,
		{ email: 'admin@test.vn', fullName: 'Quản trị', role: 'admin', password: 'mat-khau-quan-tri' },
		{ id: null, email: 'test' }
	);
	ADMIN = (await loadActor(t.db, a.id))!;
	activeId = (await findCriteriaSet(t.db, 'QD06-2019@1'))!.row.id;
}, 120_000);
afterAll(async () => t?.drop());

const audits = (id: number) =>
	t.db
		.selectFrom('audit_log')
		.select(['action', 'details'])
		.where('object_type', '=', 'criteria_set')
		.where('object_id', '=', String(id))
		.execute();

async function refusal(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

/** TC07.1's top band (the draft's edit in these tests). */
function withTopBand(set: CriteriaSet, points: number, min?: number): CriteriaSet {
	const s = structuredClone(set);
	const ind = s.criteria.find((c) => c.code === 'TC07')!.indicators[0];
	if (ind.kind !== 'rate') throw new Error('TC07.1 should be a rate');
	ind.bands[ind.bands.length - 1].points = points;
	if (min !== undefined) ind.bands[ind.bands.length - 1].min = min;
	return s;
}

describe(`criteria drafts on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	let draftId = 0;

	it('starts a draft from the active version as version max+1 with the same content, audited', async () => {
		const r = await startDraft(t.db, activeId, ADMIN);
		expect(r.version).toBe(2);
		draftId = r.id;
		const draft = (await findCriteriaSet(t.db, r.id))!;
		const active = (await findCriteriaSet(t.db, activeId))!;
		expect(draft.row).toMatchObject({ code: 'QD06-2019', version: 2, status: 'draft' });
		expect(active.row.status).toBe('active');
		const d = diffCriteriaSets(active.set, draft.set);
		expect(d.criteria.changed.length + d.indicators.changed.length + d.criteria.added.length + d.indicators.added.length).toBe(0);
		expect(d.set.map((c) => c.field).sort()).toEqual(['status', 'version']);
		expect((await audits(r.id)).map((a) => a.action)).toEqual(['criteria.import']);
		// the editor compares it with the active version
		expect((await draftBase(t.db, r.id))?.version).toBe(1);
		// a draft started from the draft takes the next number again
		const again = await startDraft(t.db, r.id, ADMIN);
		expect(again.version).toBe(3);
		expect((await draftBase(t.db, again.id))?.version).toBe(1);
	});

	it('saves a valid edit on the current updated_at, returns the new one, and audits the change', async () => {
		const before = await draftUpdatedAt(t.db, draftId);
		const draft = (await findCriteriaSet(t.db, draftId))!;
		const edited = withTopBand(draft.set, 50, 97);
		const saved = await saveDraft(t.db, draftId, edited, before, ADMIN);
		expect(saved.outcome).toBe('replace-draft');
		expect(new Date(saved.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
		expect(saved.updatedAt).not.toBe(before);
		expect(await draftUpdatedAt(t.db, draftId)).toBe(saved.updatedAt);
		const stored = (await findCriteriaSet(t.db, draftId))!.set;
		const tc071 = stored.criteria.find((c) => c.code === 'TC07')!.indicators[0];
		expect(tc071.kind === 'rate' && tc071.bands.at(-1)!.min).toBe(97);
		const log = await audits(draftId);
		expect(log.map((a) => a.action)).toEqual(['criteria.import', 'criteria.replace_draft']);
		expect(JSON.stringify(log[1].details)).toContain('TC07.1');
		// the next save names the new updated_at and is audited again
		const second = await saveDraft(t.db, draftId, { ...withTopBand(stored, 50, 96), name: 'Bộ tiêu chí sửa thử' }, saved.updatedAt, ADMIN);
		expect((await audits(draftId)).filter((a) => a.action === 'criteria.replace_draft')).toHaveLength(2);
		expect((await findCriteriaSet(t.db, draftId))!.set.name).toBe('Bộ tiêu chí sửa thử');
		expect(second.updatedAt).not.toBe(saved.updatedAt);
	});

	it('refuses a save on a stale updated_at (someone else saved in between) and writes nothing', async () => {
		const current = await draftUpdatedAt(t.db, draftId);
		const stale = new Date(new Date(current).getTime() - 60_000).toISOString();
		const stored = (await findCriteriaSet(t.db, draftId))!.set;
		const auditsBefore = (await audits(draftId)).length;
		const e = await refusal(saveDraft(t.db, draftId, withTopBand(stored, 50, 99), stale, ADMIN));
		expect(e.kind).toBe('conflict');
		expect(e.details).toMatchObject({ conflict: true, updatedAt: current });
		expect(e.message).toMatch(/người khác lưu/);
		expect(await draftUpdatedAt(t.db, draftId)).toBe(current);
		expect((await findCriteriaSet(t.db, draftId))!.set).toEqual(stored);
		expect((await audits(draftId)).length).toBe(auditsBefore);
	});

	it('refuses an invalid set with errors at their path and writes nothing', async () => {
		const current = await draftUpdatedAt(t.db, draftId);
		const stored = (await findCriteriaSet(t.db, draftId))!.set;
		const auditsBefore = (await audits(draftId)).length;
		const e = await refusal(saveDraft(t.db, draftId, withTopBand(stored, 60), current, ADMIN));
		expect(e.kind).toBe('invalid');
		const errors = e.details.errors as { path: string; message: string }[];
		expect(errors.map((x) => x.path)).toContain('criteria[6].indicators[0].bands[3].points');
		expect(errors.find((x) => x.path === 'criteria[6].indicators[0].bands[3].points')?.message).toMatch(/vượt điểm tối đa/);
		expect(await draftUpdatedAt(t.db, draftId)).toBe(current);
		expect((await findCriteriaSet(t.db, draftId))!.set).toEqual(stored);
		expect((await audits(draftId)).length).toBe(auditsBefore);
	});

	it('keeps the draft code and version whatever the saved set says', async () => {
		const current = await draftUpdatedAt(t.db, draftId);
		const stored = (await findCriteriaSet(t.db, draftId))!.set;
		await saveDraft(t.db, draftId, { ...stored, code: 'KHAC', version: 1, status: 'active', name: 'Tên mới' }, current, ADMIN);
		const after = (await findCriteriaSet(t.db, draftId))!;
		expect(after.row).toMatchObject({ code: 'QD06-2019', version: 2, status: 'draft', name: 'Tên mới' });
		expect(await findCriteriaSet(t.db, 'KHAC@1')).toBeUndefined();
		expect((await findCriteriaSet(t.db, activeId))!.set.name).not.toBe('Tên mới');
	});

	it('refuses to save over the active version and writes nothing', async () => {
		const active = (await findCriteriaSet(t.db, activeId))!;
		const current = await draftUpdatedAt(t.db, activeId);
		const auditsBefore = (await audits(activeId)).length;
		const e = await refusal(saveDraft(t.db, activeId, withTopBand(active.set, 50, 97), current, ADMIN));
		expect(e.kind).toBe('conflict');
		expect(e.message).toMatch(/không phải bản nháp/);
		expect((await findCriteriaSet(t.db, activeId))!.set).toEqual(active.set);
		expect(await draftUpdatedAt(t.db, activeId)).toBe(current);
		expect((await audits(activeId)).length).toBe(auditsBefore);
	});
});

describe(`a criteria set from scratch on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('creates version 1 as a draft with one placeholder criterion TC01 and check indicator TC01.1, audited', async () => {
		const r = await startBlankDraft(t.db, { code: ' thu-2026 ', name: 'Bộ tiêu chí thử', legalReference: 'Quyết định thử' }, ADMIN);
		expect(r.version).toBe(1);
		const found = (await findCriteriaSet(t.db, r.id))!;
		expect(found.row).toMatchObject({ code: 'THU-2026', version: 1, status: 'draft', name: 'Bộ tiêu chí thử' });
		expect(found.set.legalReference).toBe('Quyết định thử');
		expect(found.set.passRule.thresholds).toEqual({ urban_ward: 0, disadvantaged: 0, standard: 0 });
		expect(found.set.criteria.map((c) => c.code)).toEqual(['TC01']);
		const [ind] = found.set.criteria[0].indicators;
		expect(found.set.criteria[0].indicators).toHaveLength(1);
		expect(ind).toMatchObject({ kind: 'check', code: 'TC01.1', verified: false });
		expect(found.set.criteria[0].verified).toBe(false);
		expect(ind.title).toMatch(/Chưa nhập/);
		expect(validateCriteriaSet(found.set).ok).toBe(true);
		expect((await audits(r.id)).map((a) => a.action)).toEqual(['criteria.import']);
		// nothing to compare with, and the editor can save it
		expect(await draftBase(t.db, r.id)).toBeNull();
		const edited = structuredClone(found.set);
		edited.criteria[0].title = 'Tiêu chí đã chép';
		await saveDraft(t.db, r.id, edited, await draftUpdatedAt(t.db, r.id), ADMIN);
		expect((await findCriteriaSet(t.db, r.id))!.set.criteria[0].title).toBe('Tiêu chí đã chép');
	});

	it('refuses a code that exists (any version) and a code against the schema rule, writing nothing', async () => {
		const count = async () =>
			Number(
				(
					await t.db
						.selectFrom('criteria_set')
						.select((eb) => eb.fn.countAll().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		const before = await count();
		for (const code of ['THU-2026', 'QD06-2019']) {
			const e = await refusal(startBlankDraft(t.db, { code, name: 'Trùng', legalReference: 'Căn cứ' }, ADMIN));
			expect(e.kind).toBe('invalid');
			expect(e.message).toContain(`Mã bộ tiêu chí ${code} đã có`);
			expect(e.fieldErrors.code).toBeTruthy();
		}
		const bad = await refusal(startBlankDraft(t.db, { code: 'Bộ mới', name: 'Tên', legalReference: 'Căn cứ' }, ADMIN));
		expect(bad.kind).toBe('invalid');
		expect(bad.fieldErrors.code).toMatch(/Mã bộ tiêu chí chỉ gồm chữ in hoa không dấu/);
		const empty = await refusal(startBlankDraft(t.db, { code: 'MOI-1', name: '  ', legalReference: '' }, ADMIN));
		expect(empty.fieldErrors.name).toBe('Vui lòng nhập tên bộ tiêu chí.');
		expect(empty.fieldErrors.legalReference).toBe('Vui lòng nhập căn cứ pháp lý.');
		expect(await count()).toBe(before);
		expect(await findCriteriaSet(t.db, 'MOI-1@1')).toBeUndefined();
	});
});
