/**
 * Four eyes on criteria sets (issue 14): an administrator's claim that items were checked
 * against the gazetted text waits for another administrator; the last editor cannot confirm;
 * confirmations are recorded per item, clear the provisional notice, and are lost when the item
 * changes. Citations travel with the set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '#lib/domain/access.ts';
import { QD06_2019, canIssueDecisions, listUnverifiedItems, type CriteriaSet } from '#lib/domain/criteria/index.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { confirmItems, findCriteriaSet, importCriteriaSet, itemChecks } from '#lib/server/criteria/index.ts';
import { isAppError } from '#lib/server/errors.ts';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { someActor } from '../helpers/fixtures.ts';

let t: TestDb;
let A: Actor;
let B: Actor;
let REVIEWER: Actor;

async function account(email: string, role: 'admin'): Promise<Actor> {
	const a = await createAccount(
		t.db,
		t.config,
		{ email, fullName: email.split('@')[0], role, password: 'mat-khau-du-dai' },
		{ id: null, email: 'test' }
	);
	return (await loadActor(t.db, a.id))!;
}

beforeAll(async () => {
	t = await freshDb();
	A = await account('qtv.a@test.vn', 'admin');
	B = await account('qtv.b@test.vn', 'admin');
	REVIEWER = someActor(999_999, 'thamdinh@test.vn', 'reviewer');
}, 120_000);
afterAll(async () => t?.drop());

/** Version 5 of the default set, its TC02 and TC02.1 said checked, with citations. */
function transcribed(): CriteriaSet {
	const s: CriteriaSet = JSON.parse(JSON.stringify(QD06_2019));
	s.version = 5;
	const tc02 = s.criteria[1];
	tc02.verified = true;
	tc02.citation = { article: 'Điều 2', clause: 'khoản 2', page: 4 };
	tc02.indicators[0].verified = true;
	tc02.indicators[0].citation = { point: 'điểm a', page: 4 };
	return s;
}

const refusal = async (p: Promise<unknown>) => {
	try {
		await p;
	} catch (e) {
		if (isAppError(e)) return { kind: e.kind, message: e.message };
		throw e;
	}
	throw new Error('expected a refusal');
};

const auditCount = async (action: string) =>
	Number(
		(
			await t.db
				.selectFrom('audit_log')
				.select((eb) => eb.fn.countAll().as('n'))
				.where('action', '=', action)
				.executeTakeFirstOrThrow()
		).n
	);

describe(`four eyes on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	let id: number;

	it("stores an administrator's claims unverified, waiting for another administrator, with the citations", async () => {
		const r = await importCriteriaSet(t.db, transcribed(), A);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		id = r.id;
		expect(r.preview.awaiting).toEqual(['TC02', 'TC02.1']);
		const found = (await findCriteriaSet(t.db, id))!;
		expect(listUnverifiedItems(found.set)).toEqual(listUnverifiedItems(QD06_2019));
		expect(found.row.unverifiedItems).toBe(listUnverifiedItems(QD06_2019).length);
		expect(found.set.criteria[1].citation).toEqual({ article: 'Điều 2', clause: 'khoản 2', page: 4 });
		const checks = await itemChecks(t.db, id);
		expect(checks.editedBy?.id).toBe(A.id);
		expect(checks.items.map((k) => [k.code, k.claimedBy, k.confirmedBy])).toEqual([
			['TC02', 'qtv.a', null],
			['TC02.1', 'qtv.a', null]
		]);
	});

	it('refuses the last editor and a non-administrator, and writes nothing', async () => {
		const before = await auditCount('criteria.verify_items');
		expect(await refusal(confirmItems(t.db, id, ['TC02'], A))).toMatchObject({
			kind: 'forbidden',
			message: expect.stringMatching(/bốn mắt/)
		});
		expect(await refusal(confirmItems(t.db, id, 'all', REVIEWER))).toMatchObject({ kind: 'forbidden' });
		expect(await refusal(confirmItems(t.db, id, ['TC99'], B))).toMatchObject({ kind: 'invalid' });
		expect(await auditCount('criteria.verify_items')).toBe(before);
		expect((await findCriteriaSet(t.db, id))!.set.criteria[1].verified).toBe(false);
	});

	it('another administrator confirms item by item, then all at once; the notice goes when none is left', async () => {
		const n0 = (await findCriteriaSet(t.db, id))!.row.unverifiedItems;
		expect(await confirmItems(t.db, id, ['TC02', 'TC02.1'], B)).toEqual(['TC02', 'TC02.1']);
		let found = (await findCriteriaSet(t.db, id))!;
		expect(found.row.unverifiedItems).toBe(n0 - 2);
		expect(found.set.criteria[1].verified).toBe(true);
		expect(found.set.criteria[1].indicators[0].verified).toBe(true);
		const checks = await itemChecks(t.db, id);
		expect(checks.items.find((k) => k.code === 'TC02')).toMatchObject({ claimedBy: 'qtv.a', confirmedBy: 'qtv.b' });
		expect(canIssueDecisions(found.set, null)).toBe(false);

		const all = await confirmItems(t.db, id, 'all', B);
		expect(all).toHaveLength(n0 - 2);
		found = (await findCriteriaSet(t.db, id))!;
		expect(found.row.unverifiedItems).toBe(0);
		expect(listUnverifiedItems(found.set)).toEqual([]);
		expect(canIssueDecisions(found.set, null)).toBe(true);
		const audit = await t.db
			.selectFrom('audit_log')
			.select(['actor_id', 'details'])
			.where('action', '=', 'criteria.verify_items')
			.orderBy('id')
			.execute();
		expect(audit.map((a) => a.actor_id)).toEqual([B.id, B.id]);
		expect((audit[0].details as { items: string[] }).items).toEqual(['TC02', 'TC02.1']);
		expect(await refusal(confirmItems(t.db, id, 'all', B))).toMatchObject({ kind: 'invalid' });
	});

	it('an edit of the draft takes the confirmation of the changed item away, and the editor changes', async () => {
		const edited: CriteriaSet = JSON.parse(JSON.stringify((await findCriteriaSet(t.db, id))!.set));
		edited.status = 'draft';
		edited.criteria[1].indicators[0].guidance = 'Hướng dẫn đã sửa sau khi đối chiếu.';
		const r = await importCriteriaSet(t.db, edited, B);
		expect(r.ok && r.outcome).toBe('replace-draft');
		expect(r.ok && r.preview.awaiting).toEqual(['TC02.1']);
		const found = (await findCriteriaSet(t.db, id))!;
		expect(listUnverifiedItems(found.set)).toEqual(['TC02.1']);
		const checks = await itemChecks(t.db, id);
		expect(checks.editedBy?.id).toBe(B.id);
		expect(checks.items.find((k) => k.code === 'TC02.1')).toMatchObject({ claimedBy: 'qtv.b', confirmedBy: null });
		expect(checks.items.find((k) => k.code === 'TC02')).toMatchObject({ confirmedBy: 'qtv.b' });
		// now A, not the last editor any more, may confirm it
		expect(await confirmItems(t.db, id, ['TC02.1'], A)).toEqual(['TC02.1']);
	});

	it("the deployment's own files (command line, shipped sets) are taken as they are", async () => {
		const s = transcribed();
		s.version = 6;
		const r = await importCriteriaSet(t.db, s, { id: null, email: 'cli:test' });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const found = (await findCriteriaSet(t.db, r.id))!;
		expect(found.set.criteria[1].verified).toBe(true);
		expect((await itemChecks(t.db, r.id)).items).toEqual([]);
	});
});
