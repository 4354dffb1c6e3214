/**
 * Saving answers and base counts: optimistic concurrency, validation, clearing, audit, scope and
 * workflow state. Runs on PGlite, or PostgreSQL with TEST_DATABASE_URL (where the two concurrent
 * saves really race on two connections).
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { COMMUNE_A, COMMUNE_B, seedRound } from '../helpers/fixtures.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import { authorizeAssessment, authorizeChange } from '#lib/server/auth/guard.ts';
import {
	assessmentCriteriaSet,
	loadBaseCounts,
	loadDossier,
	loadDossierById,
	loadStoredAnswers,
	type AssessmentInfo
} from '#lib/server/dossier/index.ts';
import type { Action, Actor } from '#lib/domain/access.ts';
import { by, chainOf, recordAudit, verifyAuditChain } from '#lib/server/audit/index.ts';
import { entryCriteriaSetFile, entryView, MAX_SAVE_BYTES, parseSaveRequest, save } from '#lib/server/answers/index.ts';
import { endpoint, httpStatus, isSameOrigin, readJson } from '#lib/edge/index.ts';
import { isAppError } from '#lib/server/errors.ts';
import { parseAnswers } from '#lib/domain/scoring/answers.ts';
import { score, findIndicatorResult } from '#lib/domain/scoring/score.ts';

let t: TestDb;
let ids: Awaited<ReturnType<typeof seedRound>>;

beforeAll(async () => {
	t = await freshDb();
	ids = await seedRound(t);
}, 120_000);
afterAll(async () => t?.drop());

type EditContext = { actor: Actor; assessment: AssessmentInfo };
type EndpointResult = { status: number; body: Record<string, any> };

/** What the route does: the guard, with the signed-in account of `accountId`. */
async function authorizeAs(accountId: number, action: Action, assessmentId: number | string): Promise<EditContext> {
	return authorizeAssessment(t.db, await loadActor(t.db, accountId), action, String(assessmentId));
}

/** The HTTP status the edge answers a refusal with (200 when nothing is refused). */
async function httpStatusOf(p: Promise<unknown>): Promise<number> {
	try {
		await p;
	} catch (e) {
		if (isAppError(e)) return httpStatus(e);
		throw e;
	}
	return 200;
}

/** What the answers endpoint does with a request: the edge reads it within its limit, the module saves. */
async function respond(ctx: EditContext, work: () => Promise<unknown>): Promise<EndpointResult> {
	const event = {
		locals: { actor: ctx.actor, sessionId: null, requestId: 'test', unread: 0 },
		url: new URL('http://127.0.0.1/assessments/1/answers')
	};
	const res = await endpoint(event, async () => Response.json(await work()));
	return { status: res.status, body: await res.json() };
}
const saveFromJson = (db: TestDb['db'], ctx: EditContext, json: unknown) =>
	respond(ctx, () => save(db, ctx.actor, ctx.assessment, parseSaveRequest(json)));
const saveFromRequest = (db: TestDb['db'], ctx: EditContext, request: Request) =>
	respond(ctx, async () => save(db, ctx.actor, ctx.assessment, parseSaveRequest(await readJson(request, MAX_SAVE_BYTES))));
const loadEntryView = async (db: TestDb['db'], ctx: EditContext) => entryView(await loadDossier(db, ctx.assessment), ctx.actor);

const body = (r: EndpointResult) => r.body;

async function auditRecords(action: string, objectId: number) {
	return t.db
		.selectFrom('audit_log')
		.select(['actor_id', 'action', 'unit_id', 'details'])
		.where('action', '=', action)
		.where('object_id', '=', String(objectId))
		.orderBy('id')
		.execute();
}

const figuresSeq = async (id: number) =>
	(await t.db.selectFrom('assessment').select('figures_seq').where('id', '=', id).executeTakeFirstOrThrow()).figures_seq;

describe(`saving answers on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('saves one indicator with revision 1, then 2; each save has its audit record', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const seqBefore = await figuresSeq(ids.assessmentA);
		const first = await saveFromJson(t.db, ctx, {
			indicator: 'TC07.1',
			answer: { numerator: 96, denominator: 100, source: ' Trạm y tế xã ', period: '2025' },
			expectedRevision: 0
		});
		expect(first.status).toBe(200);
		expect(body(first).saved).toMatchObject({
			value: { numerator: 96, denominator: 100, source: 'Trạm y tế xã', period: '2025' },
			revision: 1,
			updatedBy: { id: ids.officerA, name: expect.any(String) }
		});

		const second = await saveFromJson(t.db, ctx, {
			indicator: 'TC07.1',
			answer: { numerator: 98, denominator: 100, source: 'Trạm y tế xã', period: '' },
			expectedRevision: 1
		});
		expect(second.status).toBe(200);
		expect(body(second).saved.revision).toBe(2);
		expect(body(second).saved.value).toEqual({ numerator: 98, denominator: 100, source: 'Trạm y tế xã' }); // empty period dropped

		const stored = await loadStoredAnswers(t.db, ids.assessmentA);
		expect(stored['TC07.1']).toMatchObject({ value: { numerator: 98, denominator: 100 }, revision: 2 });
		expect(stored['TC07.1'].updatedBy?.id).toBe(ids.officerA);

		const audit = await auditRecords('assessment.answer_save', ids.assessmentA);
		expect(audit.map((r) => r.details)).toEqual([
			{ indicator: 'TC07.1', revision: 1 },
			{ indicator: 'TC07.1', revision: 2 }
		]);
		expect(audit.every((r) => r.actor_id === ids.officerA)).toBe(true);
		const commune = await t.db.selectFrom('assessment').select('commune_id').where('id', '=', ids.assessmentA).executeTakeFirstOrThrow();
		expect(audit.every((r) => r.unit_id === commune.commune_id)).toBe(true);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
		// each save wrote the dossier's figures once (what the dashboard's kept points follow)
		expect(await figuresSeq(ids.assessmentA)).toBe(seqBefore + 2);
	});

	it('two saves with the same expectedRevision: exactly one wins, the other gets both values', async () => {
		const officer = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const chair = await authorizeAs(ids.chairA, 'assessment.edit', ids.assessmentA);
		const base = await saveFromJson(t.db, officer, {
			indicator: 'TC09.1',
			answer: { numerator: 80, denominator: 100 },
			expectedRevision: 0
		});
		expect(base.status).toBe(200);
		const seqBase = await figuresSeq(ids.assessmentA);
		const mine = { numerator: 90, denominator: 100 };
		const theirs = { numerator: 95, denominator: 100 };
		const results = await Promise.all([
			saveFromJson(t.db, officer, { indicator: 'TC09.1', answer: mine, expectedRevision: 1 }),
			saveFromJson(t.db, chair, { indicator: 'TC09.1', answer: theirs, expectedRevision: 1 })
		]);
		const won = results.filter((r) => r.status === 200);
		const lost = results.filter((r) => r.status === 409);
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(1);
		const winner = body(won[0]).saved;
		const conflict = body(lost[0]);
		expect(winner.revision).toBe(2);
		expect(conflict.conflict).toBe(true);
		expect(conflict.message).toMatch(/đã được thay đổi/);
		// both values: the loser's own, and what is stored now (who saved it and when)
		expect(conflict.yours).toEqual(winner.value.numerator === mine.numerator ? theirs : mine);
		expect(conflict.stored).toEqual({ value: winner.value, revision: 2, updatedAt: winner.updatedAt, updatedBy: winner.updatedBy });
		expect(conflict.stored.updatedBy.name).not.toBe('');
		expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC09.1']).toMatchObject({ value: winner.value, revision: 2 });
		// only the winning save is in the audit trail, and only it wrote the figures
		const audit = (await auditRecords('assessment.answer_save', ids.assessmentA)).filter(
			(r) => (r.details as { indicator: string }).indicator === 'TC09.1'
		);
		expect(audit).toHaveLength(2);
		expect(await figuresSeq(ids.assessmentA)).toBe(seqBase + 1);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);

		// the loser keeps their value by re-saving on the stored revision
		const kept = await saveFromJson(t.db, results[0] === lost[0] ? officer : chair, {
			indicator: 'TC09.1',
			answer: conflict.yours,
			expectedRevision: conflict.stored.revision
		});
		expect(kept.status).toBe(200);
		expect(body(kept).saved.revision).toBe(3);
	});

	it('many concurrent saves on one revision, several rounds: one winner each time, revisions never skip', async () => {
		const officer = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const chair = await authorizeAs(ids.chairA, 'assessment.edit', ids.assessmentA);
		let rev = 0;
		for (let round = 0; round < 5; round++) {
			const results = await Promise.all(
				[0, 1, 2, 3, 4, 5].map((k) =>
					saveFromJson(t.db, k % 2 ? chair : officer, {
						indicator: 'TC10.1',
						answer: { numerator: 10 * round + k, denominator: 100 },
						expectedRevision: rev
					})
				)
			);
			expect(results.filter((r) => r.status === 200)).toHaveLength(1);
			expect(results.filter((r) => r.status === 409)).toHaveLength(5);
			rev += 1;
			expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC10.1'].revision).toBe(rev);
		}
	});

	it('concurrent saves of different indicators of one dossier all win, and the stored figures count every one', async () => {
		const officer = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const chair = await authorizeAs(ids.chairA, 'assessment.edit', ids.assessmentA);
		const set = await assessmentCriteriaSet(t.db, officer.assessment);
		const indicators = set.criteria
			.filter((c) => c.code === 'TC11')
			.flatMap((c) => c.indicators)
			.filter((i) => i.kind === 'check' || i.kind === 'rate');
		expect(indicators.length).toBeGreaterThanOrEqual(2);
		const answerOf = (i: (typeof indicators)[number]) => (i.kind === 'check' ? { value: true } : { numerator: 100, denominator: 100 });
		const before = (await loadDossierById(t.db, ids.assessmentA))!.figures;
		const results = await Promise.all(
			indicators.map((i, k) => saveFromJson(t.db, k % 2 ? chair : officer, { indicator: i.code, answer: answerOf(i), expectedRevision: 0 }))
		);
		expect(results.map((r) => r.status)).toEqual(indicators.map(() => 200));
		const after = (await loadDossierById(t.db, ids.assessmentA))!;
		// what is stored on the row (written by each save) is what the rows give now: no save missed another
		expect(after.assessment.figures).toEqual(after.figures);
		expect(after.figures.selfTotal).toBeGreaterThan(before.selfTotal);
	});

	it('a first save when someone already saved (expectedRevision 0) is a conflict, never an overwrite', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const r = await saveFromJson(t.db, ctx, { indicator: 'TC07.1', answer: { numerator: 10, denominator: 100 }, expectedRevision: 0 });
		expect(r.status).toBe(409);
		expect(body(r).stored).toMatchObject({ value: { numerator: 98, denominator: 100 }, revision: 2 });
		const stale = await saveFromJson(t.db, ctx, { indicator: 'TC07.1', answer: { numerator: 10, denominator: 100 }, expectedRevision: 1 });
		expect(stale.status).toBe(409);
		expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC07.1'].value).toEqual({
			numerator: 98,
			denominator: 100,
			source: 'Trạm y tế xã'
		});
	});

	it('refuses invalid answers with 400 and Vietnamese reasons, saving nothing', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const cases: [unknown, string, RegExp][] = [
			[
				{ indicator: 'TC99.1', answer: { value: true }, expectedRevision: 0 },
				'TC99.1',
				/Mã chỉ số TC99\.1 không có trong bộ tiêu chí QD06-2019/
			],
			[{ indicator: 'TC07.1', answer: { value: true }, expectedRevision: 0 }, 'TC07.1', /không phù hợp: TC07\.1 là chỉ số «Tỷ lệ \(%\)»/],
			[{ indicator: 'TC03.1', answer: { count: -1, population: 2000 }, expectedRevision: 0 }, 'TC03.1.count', /Không được âm/],
			[
				{ indicator: 'TC03.1', answer: { count: 'ba', population: 2000 }, expectedRevision: 0 },
				'TC03.1.count',
				/Phải là số, không phải chuỗi ký tự "ba"/
			],
			[{ indicator: 'TC03.1', answer: { count: 1.5, population: 2000 }, expectedRevision: 0 }, 'TC03.1.count', /số nguyên/],
			[{ indicator: 'TC13.1', answer: { percent: 120 }, expectedRevision: 0 }, 'TC13.1.percent', /từ 0 đến 100/],
			[{ indicator: 'TC12.1', answer: { level: 'golden' }, expectedRevision: 0 }, 'TC12.1.level', /Mức «golden» không có/],
			[{ indicator: 'TC07.1', answer: { numerator: 1, denominator: 2 }, expectedRevision: -1 }, 'expectedRevision', /không được âm/],
			[
				{ indicator: 'TC07.1', answer: { numerator: 1, denominator: 2 } },
				'expectedRevision',
				/expectedRevision phải là số nguyên không âm/
			],
			[{ indicator: 'TC07.1', expectedRevision: 0 }, 'answer', /Thiếu trường answer/],
			[{ indicator: 'TC07.1', answer: null, expectedRevision: 0, extra: 1 }, 'extra', /Trường không được phép/],
			['TC07.1=1', '(toàn bộ dữ liệu)', /Phải là đối tượng/]
		];
		for (const [input, location, message] of cases) {
			const r = await saveFromJson(t.db, ctx, input);
			expect(r.status, JSON.stringify(input)).toBe(400);
			const errors = body(r).errors as { location: string; message: string }[];
			const hit = errors.find((e) => e.location.replace(' › ', '.') === location);
			expect(hit, `${JSON.stringify(input)} → ${JSON.stringify(errors)}`).toBeDefined();
			expect(hit!.message).toMatch(message);
		}
		expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC03.1']).toBeUndefined();
	});

	it('checks the request itself: JSON content type, valid JSON, same origin', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const url = 'http://127.0.0.1:3000/assessments/1/answers';
		const form = await saveFromRequest(
			t.db,
			ctx,
			new Request(url, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })
		);
		expect(form.status).toBe(415);
		const broken = await saveFromRequest(
			t.db,
			ctx,
			new Request(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"indicator":' })
		);
		expect(broken.status).toBe(400);
		expect(body(broken).errors[0].message).toBe('Dữ liệu gửi lên không phải JSON hợp lệ');
		const ok = await saveFromRequest(
			t.db,
			ctx,
			new Request(url, {
				method: 'PUT',
				headers: { 'content-type': 'application/json; charset=utf-8' },
				body: JSON.stringify({ indicator: 'TC01.1', answer: { value: true }, expectedRevision: 0 })
			})
		);
		expect(ok.status).toBe(200);

		const here = new URL(url);
		expect(isSameOrigin(new Request(url, { method: 'PUT', headers: { origin: 'http://127.0.0.1:3000' } }), here)).toBe(true);
		expect(isSameOrigin(new Request(url, { method: 'PUT', headers: { origin: 'https://evil.example' } }), here)).toBe(false);
		expect(isSameOrigin(new Request(url, { method: 'PUT' }), here)).toBe(false);
	});

	it('saving an empty answer clears it: unanswered, not 0 points; the revision keeps growing', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const saved = await saveFromJson(t.db, ctx, { indicator: 'TC02.1', answer: { numerator: 0, denominator: 40 }, expectedRevision: 0 });
		expect(saved.status).toBe(200);
		const cleared = await saveFromJson(t.db, ctx, { indicator: 'TC02.1', answer: null, expectedRevision: 1 });
		expect(cleared.status).toBe(200);
		expect(body(cleared).saved).toMatchObject({ value: null, revision: 2 });
		const again = await saveFromJson(t.db, ctx, { indicator: 'TC02.1', answer: {}, expectedRevision: 2 });
		expect(body(again).saved).toMatchObject({ value: null, revision: 3 });

		// the scoring engine sees it as not answered
		const assessment = ctx.assessment;
		const set = await assessmentCriteriaSet(t.db, assessment);
		const raw = Object.fromEntries(Object.entries(await loadStoredAnswers(t.db, assessment.id)).map(([k, v]) => [k, v.value]));
		const parsed = parseAnswers(set, raw);
		expect(parsed.ok).toBe(true);
		const result = score(set, assessment.category, parsed.ok ? parsed.value : {});
		expect(findIndicatorResult(result, 'TC02.1')).toMatchObject({ status: 'unanswered', points: null });
		expect(result.unanswered).toContain('TC02.1');

		// a stale client that still thinks nothing was ever saved gets a conflict with the cleared value
		const stale = await saveFromJson(t.db, ctx, { indicator: 'TC02.1', answer: { numerator: 1, denominator: 40 }, expectedRevision: 0 });
		expect(stale.status).toBe(409);
		expect(body(stale).stored).toMatchObject({ value: null, revision: 3 });
	});

	it('an officer of commune B cannot save into A (404); a reviewer may read but not edit', async () => {
		expect(await httpStatusOf(authorizeAs(ids.officerB, 'assessment.edit', ids.assessmentA))).toBe(404);
		expect(await httpStatusOf(authorizeAs(ids.officerB, 'assessment.read', ids.assessmentA))).toBe(404);
		expect(await httpStatusOf(authorizeAs(ids.officerB, 'assessment.edit', ids.assessmentB))).toBe(200);
		expect(await httpStatusOf(authorizeAs(ids.reviewer, 'assessment.edit', ids.assessmentA))).toBe(403);
		expect(await httpStatusOf(authorizeAs(ids.reviewer, 'assessment.read', ids.assessmentA))).toBe(200);
		expect(await httpStatusOf(authorizeAs(ids.officerA, 'assessment.edit', 'abc'))).toBe(404);
		expect(await httpStatusOf(authorizeAs(ids.officerA, 'assessment.edit', 999_999))).toBe(404);

		// B's own save lands in B only
		const ctxB = await authorizeAs(ids.officerB, 'assessment.edit', ids.assessmentB);
		expect(
			(await saveFromJson(t.db, ctxB, { indicator: 'TC07.1', answer: { numerator: 1, denominator: 2 }, expectedRevision: 0 })).status
		).toBe(200);
		expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC07.1'].value).toMatchObject({ numerator: 98 });
	});

	it('refuses saving outside the editable states (409, Vietnamese), and accepts it again once returned', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		await t.db.updateTable('assessment').set({ state: 'submitted' }).where('id', '=', ids.assessmentA).execute();
		const r = await saveFromJson(t.db, ctx, { indicator: 'TC01.2', answer: { value: true }, expectedRevision: 0 });
		expect(r.status).toBe(409);
		expect(body(r)).toMatchObject({ conflict: false });
		expect(body(r).message).toBe(
			'Hồ sơ đang ở trạng thái «Đã gửi»: không thể sửa số liệu. Chỉ sửa được khi hồ sơ đang lập hoặc được yêu cầu bổ sung.'
		);
		const base = await saveFromJson(t.db, ctx, { baseCounts: { under1: 1 }, expectedRevision: 0 });
		expect(base.status).toBe(409);
		expect((await loadStoredAnswers(t.db, ids.assessmentA))['TC01.2']).toBeUndefined();

		// returned for correction: only the flagged indicators change, the base counts do not
		await t.db.updateTable('assessment').set({ state: 'returned' }).where('id', '=', ids.assessmentA).execute();
		try {
			const unflagged = await saveFromJson(t.db, ctx, { indicator: 'TC01.2', answer: { value: true }, expectedRevision: 0 });
			expect(unflagged.status).toBe(409);
			expect(body(unflagged).message).toMatch(/chỉ sửa được các chỉ số mà cấp thẩm định đã đánh dấu/);
			await t.db
				.insertInto('review_item')
				.values({
					assessment_id: ids.assessmentA,
					indicator_code: 'TC01.2',
					status: 'needs_supplement',
					request: 'Bổ sung',
					updated_by: ids.officerA
				})
				.execute();
			expect((await saveFromJson(t.db, ctx, { indicator: 'TC01.2', answer: { value: true }, expectedRevision: 0 })).status).toBe(200);
			expect((await saveFromJson(t.db, ctx, { baseCounts: { under1: 1 }, expectedRevision: 0 })).status).toBe(409);
		} finally {
			await t.db.deleteFrom('review_item').where('assessment_id', '=', ids.assessmentA).execute();
			await t.db.updateTable('assessment').set({ state: 'draft' }).where('id', '=', ids.assessmentA).execute();
		}
	});
});

describe('what the data-entry pages load', () => {
	it('answers with revisions and savers, base counts, who may edit, and the set by reference (the file the browser gets is that set)', async () => {
		const officer = await authorizeAs(ids.officerA, 'assessment.read', ids.assessmentA);
		const view = await loadEntryView(t.db, officer);
		expect(view.editable).toBe(true);
		expect(view.readOnlyReason).toBeNull();
		expect(view.assessment).toMatchObject({ id: ids.assessmentA, state: 'draft', stateLabel: 'Đang lập' });
		expect(view.stored['TC07.1']).toMatchObject({ revision: 2, updatedBy: { id: ids.officerA } });
		// the whole set, long texts included (the browser downloads it once per version)
		const tc03 = view.set.criteria.find((c) => c.code === 'TC03')!;
		expect(tc03.indicators[0].guidance).not.toBe('');
		expect(tc03.indicators[0]).toMatchObject({ kind: 'incidence', baseCount: 'under16', maxPoints: 100 });
		// one object per version for every page and request, named by a hash of its content
		const again = await loadEntryView(t.db, officer);
		expect(again.set).toBe(view.set);
		expect(again.setRef).toEqual(view.setRef);
		expect(view.setRef.id).toBe(officer.assessment.criteriaSet.id);
		const file = await entryCriteriaSetFile(t.db, view.setRef.id);
		expect(file.ref).toEqual(view.setRef);
		expect(JSON.parse(file.json)).toEqual(view.set);
		expect(view.setRef.v).toBe(crypto.createHash('sha256').update(file.json).digest('base64url').slice(0, 22));
		// it scores exactly like the set the server scores with
		const full = await assessmentCriteriaSet(t.db, officer.assessment);
		const answers = Object.fromEntries(
			Object.entries(view.stored)
				.filter(([, s]) => s.value !== null)
				.map(([k, s]) => [k, s.value])
		);
		expect(score(view.set, 'standard', answers).total).toBe(score(full, 'standard', answers).total);

		const reviewer = await loadEntryView(t.db, await authorizeAs(ids.reviewer, 'assessment.read', ids.assessmentA));
		expect(reviewer).toMatchObject({ editable: false, readOnlyReason: 'Bạn chỉ có quyền xem số liệu của hồ sơ này.' });

		await t.db.updateTable('assessment').set({ state: 'under_review' }).where('id', '=', ids.assessmentA).execute();
		const locked = await loadEntryView(t.db, await authorizeAs(ids.officerA, 'assessment.read', ids.assessmentA));
		expect(locked.editable).toBe(false);
		expect(locked.readOnlyReason).toMatch(/«Đang thẩm định»: không thể sửa số liệu/);
		await t.db.updateTable('assessment').set({ state: 'draft' }).where('id', '=', ids.assessmentA).execute();
	});
});

describe('saving base counts', () => {
	it('saves with base_revision, refuses a stale revision with both values and who saved them', async () => {
		const officer = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const chair = await authorizeAs(ids.chairA, 'assessment.edit', ids.assessmentA);
		const first = await saveFromJson(t.db, officer, { baseCounts: { under1: 100, under5: 480, under16: 2400 }, expectedRevision: 0 });
		expect(first.status).toBe(200);
		expect(body(first).saved).toMatchObject({ value: { under1: 100, under5: 480, under16: 2400 }, revision: 1 });

		const stale = await saveFromJson(t.db, chair, { baseCounts: { under1: 90 }, expectedRevision: 0 });
		expect(stale.status).toBe(409);
		expect(body(stale).yours).toEqual({ under1: 90 });
		expect(body(stale).stored).toMatchObject({
			value: { under1: 100, under5: 480, under16: 2400 },
			revision: 1,
			updatedBy: { id: ids.officerA }
		});
		expect(body(stale).stored.updatedAt).toEqual(expect.any(String));

		const cleared = await saveFromJson(t.db, chair, { baseCounts: { under1: 100, under5: null, under16: 2400 }, expectedRevision: 1 });
		expect(body(cleared).saved).toMatchObject({ value: { under1: 100, under16: 2400 }, revision: 2 });
		expect(await loadBaseCounts(t.db, ids.assessmentA)).toMatchObject({
			value: { under1: 100, under16: 2400 },
			revision: 2,
			updatedBy: { id: ids.chairA }
		});

		const audit = await auditRecords('assessment.base_counts_save', ids.assessmentA);
		expect(audit.map((r) => (r.details as { revision: number }).revision)).toEqual([1, 2]);
	});

	it('refuses invalid base counts with 400 naming the field', async () => {
		const ctx = await authorizeAs(ids.officerA, 'assessment.edit', ids.assessmentA);
		const r = await saveFromJson(t.db, ctx, { baseCounts: { under1: -5, under5: '4OO' }, expectedRevision: 2 });
		expect(r.status).toBe(400);
		expect(body(r).errors).toEqual([
			{ path: 'baseCounts.under1', location: 'Số trẻ em dưới 1 tuổi', message: 'Không được âm' },
			{ path: 'baseCounts.under5', location: 'Số trẻ em dưới 5 tuổi', message: 'Phải là số, không phải chuỗi ký tự "4OO"' }
		]);
		expect((await loadBaseCounts(t.db, ids.assessmentA)).revision).toBe(2);
	});
});

describe(`a save reads, then writes only if nothing moved, on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	// a commune no one has acted on yet: a round of its own (the round's record is the
	// administrator's), and two accounts acting as its officer and its chair
	let assessmentId: number;
	let officerC: EditContext;
	let chairC: EditContext;
	beforeAll(async () => {
		const commune = await t.db
			.selectFrom('admin_unit')
			.select(['id', 'code', 'name', 'district_id', 'province_id'])
			.where('level', '=', 'commune')
			.where('era', '=', 'post2025')
			.where('code', 'not in', [COMMUNE_A, COMMUNE_B])
			.orderBy('code')
			.executeTakeFirstOrThrow();
		const setId = (
			await t.db.selectFrom('assessment').select('criteria_set_id').where('id', '=', ids.assessmentA).executeTakeFirstOrThrow()
		).criteria_set_id;
		const { roundId } = await openRound(
			t.db,
			'post2025',
			{
				name: 'Đợt riêng của một xã',
				year: 2026,
				criteriaSetId: setId,
				opensOn: '2026-01-01',
				closesOn: '2099-12-31',
				communeCodes: [commune.code]
			},
			{ id: null, email: 'fixture' }
		);
		assessmentId = (await t.db.selectFrom('assessment').select('id').where('round_id', '=', roundId).executeTakeFirstOrThrow()).id;
		const unit = {
			id: commune.id,
			code: commune.code,
			name: commune.name,
			level: 'commune' as const,
			provinceId: commune.province_id,
			districtId: commune.district_id
		};
		const asC = async (accountId: number) =>
			authorizeAssessment(t.db, { ...(await loadActor(t.db, accountId))!, unit }, 'assessment.edit', String(assessmentId));
		officerC = await asC(ids.officerB);
		chairC = await asC(ids.chairA);
	});

	/** Someone else writes the dossier's figures (only its count of figure writes moves). */
	const writeFigures = () =>
		t.db
			.updateTable('assessment')
			.set({ figures_seq: sql<number>`figures_seq + 1` })
			.where('id', '=', assessmentId)
			.execute();
	/** A handle whose save runs `between(n)` right after its n-th read of the dossier (the read a save makes before its write). */
	const afterReads = (between: (n: number) => Promise<unknown>) => {
		const counted = { reads: 0 };
		const db = t.db.withPlugin({
			transformQuery: (a) => a.node,
			transformResult: async (a) => {
				const row = a.result.rows[0] as Record<string, unknown> | undefined;
				if (row && 'figures_seq' in row && 'head' in row) await between(++counted.reads);
				return a.result;
			}
		});
		return Object.assign(counted, { db });
	};

	it("a commune's first audited action is a save: it starts the commune's audit chain under its locks, the next save appends", async () => {
		const ctx = officerC;
		const head = async () =>
			(
				await t.db
					.selectFrom('audit_chain_head')
					.select('seq')
					.where('chain', '=', chainOf({ unitId: ctx.assessment.commune.id }))
					.executeTakeFirst()
			)?.seq;
		expect(await head()).toBeUndefined();
		const first = await saveFromJson(t.db, ctx, { indicator: 'TC07.1', answer: { numerator: 1, denominator: 2 }, expectedRevision: 0 });
		expect(first.status).toBe(200);
		expect(Number(await head())).toBe(1);
		const second = await saveFromJson(t.db, ctx, { indicator: 'TC07.1', answer: { numerator: 2, denominator: 2 }, expectedRevision: 1 });
		expect(second.status).toBe(200);
		expect(Number(await head())).toBe(2);
		expect((await auditRecords('assessment.answer_save', assessmentId)).map((r) => r.details)).toEqual([
			{ indicator: 'TC07.1', revision: 1 },
			{ indicator: 'TC07.1', revision: 2 }
		]);
		const after = (await loadDossierById(t.db, assessmentId))!;
		expect(after.assessment.figures).toEqual(after.figures);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});

	it('the autosave reads with its authorization (one query for both), then writes in one statement; another commune is "not found"', async () => {
		let statements = 0;
		const counted = t.db.withPlugin({
			transformQuery: (a) => a.node,
			transformResult: async (a) => {
				statements++;
				return a.result;
			}
		});
		const officer = { ...(await loadActor(t.db, officerC.actor.id))!, unit: officerC.actor.unit };
		const { actor, assessment, read } = await authorizeChange(counted, officer, 'assessment.edit', String(assessmentId));
		expect(statements).toBe(1);
		expect(read.head?.chain).toBe(chainOf({ unitId: assessment.commune.id }));
		const answered = await loadStoredAnswers(t.db, assessmentId);
		const free = (await assessmentCriteriaSet(t.db, assessment)).criteria
			.flatMap((c) => c.indicators)
			.find((i) => i.kind === 'check' && !Object.hasOwn(answered, i.code))!;
		statements = 0;
		const r = await save(
			counted,
			actor,
			assessment,
			parseSaveRequest({ indicator: free.code, answer: { value: true }, expectedRevision: 0 }),
			read
		);
		expect(r.saved.revision).toBe(1);
		expect(statements).toBe(1);
		const after = (await loadDossierById(t.db, assessmentId))!;
		expect(after.assessment.figures).toEqual(after.figures);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
		// commune B's officer, a malformed id, an unknown one: all "not found", nothing read leaves
		for (const [who, id] of [
			[await loadActor(t.db, ids.officerB), String(assessmentId)],
			[officer, 'abc'],
			[officer, '2147483647']
		] as const) {
			const e = await authorizeChange(t.db, who, 'assessment.edit', id).catch((x: unknown) => x);
			expect(isAppError(e) && e.kind).toBe('not_found');
		}
	});

	// between the officer's read and write: the chair saves another indicator (the dossier's count
	// of figure writes and the commune's audit head both move); or only the count moves; or only the head
	it.each([
		['another save', 'save'],
		['a write of the figures alone', 'figures'],
		["another record of the commune's audit chain alone", 'audit']
	] as const)(
		'a save whose dossier moves between its read and its write (%s) reads again: the figures and the trail hold every change',
		async (_, other) => {
			const set = await assessmentCriteriaSet(t.db, officerC.assessment);
			// two yes/no indicators not answered yet
			const answered = await loadStoredAnswers(t.db, assessmentId);
			const [mine, theirs] = set.criteria
				.flatMap((c) => c.indicators)
				.filter((i) => i.kind === 'check' && !Object.hasOwn(answered, i.code));
			const seqBefore = await figuresSeq(assessmentId);
			const interleaved = afterReads(async (n) => {
				if (n !== 1) return;
				if (other === 'save') {
					const r = await saveFromJson(t.db, chairC, { indicator: theirs.code, answer: { value: true }, expectedRevision: 0 });
					expect(r.status).toBe(200);
				} else if (other === 'audit') {
					await recordAudit(t.db, {
						...by(chairC.actor),
						action: 'evidence.download',
						objectType: 'assessment',
						objectId: assessmentId,
						unitId: officerC.assessment.commune.id
					});
				} else await writeFigures();
			});
			const r = await saveFromJson(interleaved.db, officerC, { indicator: mine.code, answer: { value: true }, expectedRevision: 0 });
			expect(r.status).toBe(200);
			// read, found the dossier moved at its write (nothing written), read again, wrote
			expect(interleaved.reads).toBe(2);
			expect(await figuresSeq(assessmentId)).toBe(seqBefore + (other === 'audit' ? 1 : 2));
			const after = (await loadDossierById(t.db, assessmentId))!;
			expect(after.assessment.figures).toEqual(after.figures);
			const stored = await loadStoredAnswers(t.db, assessmentId);
			expect(stored[mine.code].revision).toBe(1);
			expect(stored[theirs.code]?.revision).toBe(other === 'save' ? 1 : undefined);
			const trail = (await auditRecords('assessment.answer_save', assessmentId)).map((x) => (x.details as { indicator: string }).indicator);
			expect(trail.filter((c) => c === mine.code || c === theirs.code)).toEqual(other === 'save' ? [theirs.code, mine.code] : [mine.code]);
			expect((await verifyAuditChain(t.db)).ok).toBe(true);
		}
	);

	it('a save that finds its dossier moved at each of its four tries takes the locks first, then reads and writes once more', async () => {
		const set = await assessmentCriteriaSet(t.db, officerC.assessment);
		const answered = await loadStoredAnswers(t.db, assessmentId);
		const free = set.criteria.flatMap((c) => c.indicators).find((i) => i.kind === 'check' && !Object.hasOwn(answered, i.code))!;
		const seqBefore = await figuresSeq(assessmentId);
		// the figures are written by someone else after each of the first four reads (none after the fifth, made under the locks)
		const busy = afterReads(async (n) => n <= 4 && writeFigures());
		const r = await saveFromJson(busy.db, officerC, { indicator: free.code, answer: { value: true }, expectedRevision: 0 });
		expect(r.status).toBe(200);
		expect(busy.reads).toBe(5);
		expect(await figuresSeq(assessmentId)).toBe(seqBefore + 5);
		const after = (await loadDossierById(t.db, assessmentId))!;
		expect(after.assessment.figures).toEqual(after.figures);
		expect((await loadStoredAnswers(t.db, assessmentId))[free.code].revision).toBe(1);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});
});
