/**
 * The header's search (issue 13) on the embedded database or PostgreSQL (TEST_DATABASE_URL):
 * every kind of result limited to what the account may see, exactly as the pages are. Commune A
 * (Phường Phú Xuân) is appraised and recognised by decision 42/QĐ-UBND with a certificate;
 * commune B (Phường Kim Long) is a draft. An officer of B finds nothing of A; the province's
 * reviewer finds both dossiers; the approver finds the decision and the certificate; accounts
 * only for administrators. Diacritics do not matter, LIKE wildcards are plain text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { completeDossier, seedRound } from '../helpers/fixtures.ts';
import type { Actor } from '#lib/domain/access.ts';
import { loadActor } from '#lib/server/accounts/index.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { appraise, startReview } from '#lib/server/reviews/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { issueDecision } from '#lib/server/decisions/index.ts';
import { search, searchQuerySchema, searchTerms, type SearchKind, type SearchResults } from '#lib/server/search/index.ts';

const SERIAL = '2026-19753-000001';
const CODE = 'ABCDE-FGHJK';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let decisionId: number;
const actors: Record<'officerA' | 'officerB' | 'chairA' | 'reviewer' | 'approver' | 'admin', Actor> = {} as never;

const find = (who: keyof typeof actors, q: string) => search(t.db, actors[who], q, 'post2025');
const group = (r: SearchResults, kind: SearchKind) => r.groups.find((g) => g.kind === kind);
const hrefs = (r: SearchResults, kind: SearchKind) => group(r, kind)?.items.map((i) => i.href) ?? [];

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	for (const k of Object.keys(f) as (keyof typeof f)[]) {
		if (k === 'roundId' || k === 'assessmentA' || k === 'assessmentB') continue;
		actors[k] = (await loadActor(t.db, f[k]))!;
	}
	const id = f.assessmentA;
	const v = async () => (await loadAssessment(t.db, id))!.stateVersion;
	await completeDossier(t, id, f.officerA);
	await transition(t.db, actors.chairA, id, 'submit', await v());
	await startReview(t.db, actors.reviewer, id, await v());
	await appraise(t.db, actors.reviewer, id, await v(), { recommendation: 'recognise', remarks: '' });
	await confirmCriteriaSet(t.db, (await loadAssessment(t.db, id))!.criteriaSet.id, actors.admin, 'kiểm thử');
	decisionId = await issueDecision(t.db, actors.approver, {
		outcome: 'recognise',
		number: '42/QĐ-UBND',
		issuedOn: '2026-11-20',
		signerName: 'Phạm Quốc Việt',
		signerTitle: 'Chủ tịch',
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		assessments: [{ id, version: await v() }]
	});
	// the certificate's row as the job writes it (the PDF itself does not matter to the search)
	const item = await t.db.selectFrom('decision_item').select('id').where('decision_id', '=', decisionId).executeTakeFirstOrThrow();
	const file = await t.db
		.insertInto('stored_file')
		.values({ sha256: '0'.repeat(64), size: 1, mime: 'application/pdf', ext: 'pdf', storage_key: 'search-test.pdf' })
		.returning('id')
		.executeTakeFirstOrThrow();
	await t.db
		.insertInto('certificate')
		.values({
			decision_item_id: item.id,
			serial: SERIAL,
			code: CODE,
			payload: 'XP1.test',
			key_id: 'test',
			file_id: file.id,
			pdf_sha256: '0'.repeat(64),
			issued_by: f.approver
		})
		.execute();
}, 180_000);
afterAll(async () => {
	await t?.drop();
});

describe('search terms', () => {
	it('validates the text: at most 100 characters, trimmed', () => {
		expect(searchQuerySchema.safeParse({ q: 'x'.repeat(101) }).success).toBe(false);
		expect(searchQuerySchema.parse({ q: '  Phú Xuân ' }).q).toBe('Phú Xuân');
		expect(searchQuerySchema.parse({}).q).toBe('');
	});
	it('folds diacritics and normalises verification codes', () => {
		expect(searchTerms('Phú  Xuân')?.needle).toBe('phu xuan');
		expect(searchTerms('abcdefghjk')?.code).toBe(CODE);
		expect(searchTerms('42')?.digits).toBe('42');
		expect(searchTerms('   ')).toBeNull();
	});
});

describe('a commune officer sees only the own commune', () => {
	it('the officer of A finds A and its dossier by "phu xuan", linking the dossier page', async () => {
		const r = await find('officerA', 'phu xuan');
		expect(group(r, 'communes')?.items.map((i) => i.title)).toEqual(['Phường Phú Xuân']);
		expect(hrefs(r, 'assessments')).toEqual([`/assessments/${f.assessmentA}`]);
		// commune roles do not read decisions, nor manage accounts
		expect(group(r, 'decisions')).toBeUndefined();
		expect(group(r, 'accounts')).toBeUndefined();
	});
	it('the officer of B finds nothing of A, however it is typed', async () => {
		for (const q of ['phu xuan', 'Phú Xuân', '19753', 'phuong', '42', '42/QĐ-UBND', SERIAL, CODE]) {
			const r = await find('officerB', q);
			const seen = r.groups.flatMap((g) => g.items);
			const ofA = [`/assessments/${f.assessmentA}`, `/review/${f.assessmentA}`, `/decisions/${decisionId}`];
			expect(
				seen.filter((i) => i.title.includes('Phú Xuân') || ofA.includes(i.href)),
				q
			).toEqual([]);
			expect(
				seen.some((i) => i.title.includes('42/QĐ-UBND') || i.title.includes(SERIAL)),
				q
			).toBe(false);
		}
		expect((await find('officerB', 'phu xuan')).total).toBe(0);
		// the own commune still found
		expect(hrefs(await find('officerB', 'kim long'), 'assessments')).toEqual([`/assessments/${f.assessmentB}`]);
	});
	it("the officer of A finds the commune's certificate by serial or code, on the dossier", async () => {
		for (const q of [SERIAL, CODE, 'abcde fghjk'.replace(' ', '')]) {
			expect(hrefs(await find('officerA', q), 'certificates'), q).toEqual([`/assessments/${f.assessmentA}`]);
		}
	});
});

describe('the reviewing level sees its area', () => {
	it('the reviewer finds both dossiers, each linked as the boards link it', async () => {
		const r = await find('reviewer', 'phuong');
		expect(group(r, 'assessments')?.total).toBe(2);
		expect(hrefs(r, 'assessments').sort()).toEqual([`/assessments/${f.assessmentB}`, `/review/${f.assessmentA}`].sort());
		expect(hrefs(await find('reviewer', 'PHU XUAN'), 'assessments')).toEqual([`/review/${f.assessmentA}`]);
	});
	it('the approver finds the decision by its number, typed in full, folded or as the bare number', async () => {
		for (const q of ['42/QĐ-UBND', '42/qd-ubnd', '42', '42/QĐ']) {
			expect(hrefs(await find('approver', q), 'decisions'), q).toEqual([`/decisions/${decisionId}`]);
		}
		expect(hrefs(await find('approver', '4'), 'decisions')).toEqual([]);
		expect(hrefs(await find('approver', '7/QĐ-UBND'), 'decisions')).toEqual([]);
	});
	it('the approver finds the certificate by serial or verification code, on its decision', async () => {
		for (const q of [SERIAL, '19753-000001', CODE, 'abcdefghjk']) {
			expect(hrefs(await find('approver', q), 'certificates'), q).toEqual([`/decisions/${decisionId}`]);
		}
		expect(group(await find('approver', 'phu xuan'), 'certificates')).toBeUndefined();
	});
});

describe('accounts', () => {
	it('only administrators find accounts, by e-mail or by name without diacritics', async () => {
		expect(group(await find('admin', 'nguyen thi hoa'), 'accounts')?.items.map((i) => i.href)).toEqual([`/admin/accounts/${f.officerA}`]);
		expect(group(await find('admin', 'CANBO.XA'), 'accounts')?.total).toBe(2);
		expect(group(await find('admin', 'Đức'), 'accounts')?.items.map((i) => i.title)).toEqual(['Trần Văn Đức (chutich.xa@demo.vn)']);
		for (const who of ['officerA', 'reviewer', 'approver'] as const) {
			expect(group(await find(who, 'canbo.xa'), 'accounts'), who).toBeUndefined();
		}
	});
	it('the administrator sees every kind; wildcards are plain text', async () => {
		const r = await find('admin', 'phu xuan');
		expect(r.groups.map((g) => g.kind)).toEqual(['communes', 'assessments', 'accounts']);
		expect((await find('admin', '42')).groups.map((g) => g.kind)).toEqual(['communes', 'assessments', 'decisions', 'accounts']);
		expect(hrefs(r, 'assessments')).toEqual([`/review/${f.assessmentA}`]);
		expect((await find('admin', '%')).total).toBe(0);
		expect((await find('admin', '_')).total).toBe(0);
	});
});
