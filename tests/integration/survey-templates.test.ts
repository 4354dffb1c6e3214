/**
 * Replacing a survey questionnaire (issue 15): an administrator imports a new version of the
 * residents' questionnaire with one question reworded; the preview lists the change; it arrives
 * as a draft; activating it retires the old version; a campaign opened before keeps answering
 * with the old version, one opened after uses the new one. An active version cannot be replaced;
 * a non-administrator is refused; every step is audited. Runs on PGlite, or PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { actorOf, seedRound } from '../helpers/fixtures.ts';
import type { Actor } from '#lib/domain/access.ts';
import { isAppError } from '#lib/server/errors.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import { enterPaperResponses, openCampaign, surveyCampaign, surveyResponses } from '#lib/server/surveys/index.ts';
import {
	activateSurveyTemplate,
	findSurveyTemplate,
	importSurveyTemplate,
	listSurveyTemplates,
	previewSurveyTemplateImport
} from '#lib/server/surveys/templates.ts';
import { PROVISIONAL_SURVEY_SOURCE, RESIDENTS_TEMPLATE, type SurveyTemplate } from '#lib/domain/surveys/templates.ts';

let t: TestDb;
let ids: Awaited<ReturnType<typeof seedRound>>;
let admin: Actor;
let officerA: Actor;
let officerB: Actor;
let newId: number;
let oldId: number;
let campaignBefore: number;

const REWORDED = 'Trẻ em trên địa bàn được đến trường đầy đủ, không bỏ học giữa chừng.';
const today = () => new Date().toISOString().slice(0, 10);
const D = RESIDENTS_TEMPLATE.questions.map((q) => q.code);
const all = (v: number) => Object.fromEntries(D.map((c) => [c, v]));

function version2(): SurveyTemplate {
	const v = structuredClone(RESIDENTS_TEMPLATE);
	v.version = 2;
	v.questions[2].text = REWORDED;
	return v;
}

/** The template code@version each stored response of a campaign says it answered. */
async function stored(campaignId: number): Promise<string[]> {
	const rows = await t.db
		.selectFrom('survey_response')
		.select(['template_code', 'template_version'])
		.where('campaign_id', '=', campaignId)
		.orderBy('id')
		.execute();
	return rows.map((r) => `${r.template_code}@${r.template_version}`);
}

async function refusal(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
	try {
		await p;
	} catch (e) {
		if (isAppError(e)) return { kind: e.kind, message: e.message };
		throw e;
	}
	throw new Error('expected a refusal');
}

const campaignInput = (assessmentId: number) => ({
	assessmentId,
	opensOn: today(),
	closesOn: '2099-12-31',
	targetChildren: 10,
	targetResidents: 10,
	openLink: false
});

beforeAll(async () => {
	t = await freshDb();
	ids = await seedRound(t);
	admin = await actorOf(t, ids.admin);
	officerA = await actorOf(t, ids.officerA);
	officerB = await actorOf(t, ids.officerB);
}, 180_000);
afterAll(async () => t?.drop());

describe('replacing the residents questionnaire', () => {
	it('lists the shipped provisional templates, one active per group', async () => {
		const rows = await listSurveyTemplates(t.db, admin);
		expect(rows.map((r) => `${r.group} ${r.code}@${r.version} ${r.status}`)).toEqual([
			'children KS-TRE-EM@1 active',
			'children_young KS-TRE-NHO@1 active',
			'residents KS-NGUOI-DAN@1 active'
		]);
		expect(rows.every((r) => r.provisional)).toBe(true);
		oldId = rows.find((r) => r.code === 'KS-NGUOI-DAN')!.id;
	});

	it('a campaign opened before the change pins version 1', async () => {
		campaignBefore = (await openCampaign(t.db, officerA, campaignInput(ids.assessmentA))).id;
		const view = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		expect(view.templates.find((x) => x.group === 'residents')!.template.version).toBe(1);
	});

	it('previews a reworded question against the active version, then imports it as a draft', async () => {
		const p = await previewSurveyTemplateImport(t.db, admin, version2());
		if (!p.ok) throw new Error(JSON.stringify(p.errors));
		expect(p.outcome).toBe('create');
		expect(p.against).toMatchObject({ id: oldId, code: 'KS-NGUOI-DAN', version: 1, status: 'active' });
		expect(p.diff!.questions.reworded).toEqual(['D3']);
		expect(p.diff!.messages).toContain(`Sửa lời câu D3: «Trẻ em được đi học đầy đủ.» → «${REWORDED}».`);
		// nothing written by a preview
		expect((await listSurveyTemplates(t.db, admin)).length).toBe(3);

		// a file's status is not trusted: "active" in the file still makes a draft
		const r = await importSurveyTemplate(t.db, { ...version2(), status: 'active' }, admin);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.outcome).toBe('create');
		newId = r.id;
		const found = await findSurveyTemplate(t.db, admin, newId);
		expect(found.row.status).toBe('draft');
		expect(found.template.questions[2].text).toBe(REWORDED);
		expect((await findSurveyTemplate(t.db, admin, oldId)).row.status).toBe('active');

		// importing the same file again changes nothing; a changed draft is replaced in place
		const again = await importSurveyTemplate(t.db, version2(), admin);
		expect(again).toMatchObject({ ok: true, outcome: 'unchanged', id: newId });
		const changed = { ...version2(), intro: 'Lời dẫn đã sửa.' };
		const replaced = await importSurveyTemplate(t.db, changed, admin);
		expect(replaced).toMatchObject({ ok: true, outcome: 'replace-draft', id: newId });
		expect((await findSurveyTemplate(t.db, admin, newId)).template.intro).toBe('Lời dẫn đã sửa.');
		const back = await importSurveyTemplate(t.db, version2(), admin);
		expect(back).toMatchObject({ ok: true, outcome: 'replace-draft', id: newId });
	});

	it('reports invalid files in Vietnamese with their location', async () => {
		const bad = version2() as unknown as Record<string, unknown>;
		(bad.questions as { text: string }[])[1].text = '';
		const p = await previewSurveyTemplateImport(t.db, admin, bad);
		expect(p).toEqual({ ok: false, errors: [{ location: 'Câu hỏi thứ 2 (text)', message: 'Không được để trống' }] });
		// an official questionnaire must not carry the provisional source, a provisional one must
		const official = await previewSurveyTemplateImport(t.db, admin, { ...version2(), provisional: false });
		expect(official.ok).toBe(false);
		if (!official.ok) expect(official.errors[0].location).toBe('source');
		const unmarked = await previewSurveyTemplateImport(t.db, admin, { ...version2(), source: 'Văn bản XYZ' });
		expect(unmarked.ok).toBe(false);
		const ok = await previewSurveyTemplateImport(t.db, admin, { ...version2(), version: 3, provisional: false, source: 'Văn bản XYZ' });
		expect(ok.ok).toBe(true);
		expect(PROVISIONAL_SURVEY_SOURCE).not.toBe('Văn bản XYZ');
		// a code belongs to one group
		const moved = await previewSurveyTemplateImport(t.db, admin, { ...version2(), version: 4, group: 'children' });
		expect(moved).toMatchObject({ ok: true, outcome: 'refused' });
	});

	it('a non-administrator is refused everywhere', async () => {
		expect((await refusal(listSurveyTemplates(t.db, officerA))).kind).toBe('forbidden');
		expect((await refusal(findSurveyTemplate(t.db, officerA, newId))).kind).toBe('forbidden');
		expect((await refusal(previewSurveyTemplateImport(t.db, officerA, version2()))).kind).toBe('forbidden');
		expect((await refusal(importSurveyTemplate(t.db, { ...version2(), version: 9 }, officerA))).kind).toBe('forbidden');
		expect((await refusal(activateSurveyTemplate(t.db, newId, officerA))).kind).toBe('forbidden');
		expect((await findSurveyTemplate(t.db, admin, newId)).row.status).toBe('draft');
	});

	it('activating retires the old version; the open campaign keeps it, a new campaign takes the new one', async () => {
		const r = await activateSurveyTemplate(t.db, newId, admin);
		expect(r.retired).toEqual([{ code: 'KS-NGUOI-DAN', version: 1 }]);
		const rows = await listSurveyTemplates(t.db, admin);
		expect(rows.filter((x) => x.group === 'residents').map((x) => `${x.version} ${x.status}`)).toEqual(['2 active', '1 retired']);
		expect(rows.filter((x) => x.status === 'active').length).toBe(3);

		// the campaign opened before still answers with version 1
		const before = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		const residentsBefore = before.templates.find((x) => x.group === 'residents')!.template;
		expect(residentsBefore.version).toBe(1);
		expect(residentsBefore.questions[2].text).toBe('Trẻ em được đi học đầy đủ.');
		await enterPaperResponses(t.db, officerA, campaignBefore, [{ group: 'residents', answers: all(5) }]);
		expect(await stored(campaignBefore)).toEqual(['KS-NGUOI-DAN@1']);
		expect((await surveyResponses(t.db, officerA, campaignBefore)).length).toBe(1);

		// a campaign opened after uses version 2
		const after = (await openCampaign(t.db, officerB, campaignInput(ids.assessmentB))).id;
		const view = (await surveyCampaign(t.db, officerB, ids.assessmentB))!;
		const residentsAfter = view.templates.find((x) => x.group === 'residents')!.template;
		expect(residentsAfter.version).toBe(2);
		expect(residentsAfter.questions[2].text).toBe(REWORDED);
		await enterPaperResponses(t.db, officerB, after, [{ group: 'residents', answers: all(4) }]);
		expect(await stored(after)).toEqual(['KS-NGUOI-DAN@2']);

		// activating again changes nothing; the retired version cannot come back
		expect(await activateSurveyTemplate(t.db, newId, admin)).toEqual({ retired: [] });
		expect((await refusal(activateSurveyTemplate(t.db, oldId, admin))).kind).toBe('conflict');
	});

	it('an active (or retired) version cannot be replaced', async () => {
		const p = await previewSurveyTemplateImport(t.db, admin, { ...version2(), intro: 'Sửa bản đang áp dụng.' });
		expect(p).toMatchObject({ ok: true, outcome: 'refused' });
		if (p.ok)
			expect(p.reason).toBe('Phiên bản KS-NGUOI-DAN@2 đã được áp dụng nên không sửa được; hãy đặt "version": 3 để tạo phiên bản mới.');
		const r = await importSurveyTemplate(t.db, { ...version2(), intro: 'Sửa bản đang áp dụng.' }, admin);
		expect(r.ok).toBe(false);
		const old = await importSurveyTemplate(t.db, { ...RESIDENTS_TEMPLATE, intro: 'Sửa bản cũ.' }, admin);
		expect(old.ok).toBe(false);
		if (!old.ok) expect(old.errors[0].message).toContain('ngừng áp dụng');
		expect((await findSurveyTemplate(t.db, admin, newId)).template.intro).toBe(RESIDENTS_TEMPLATE.intro);
	});

	it('audits every import, replacement and activation', async () => {
		const rows = await t.db
			.selectFrom('audit_log')
			.select(['action', 'actor_id', 'object_id', 'details'])
			.where('object_type', '=', 'survey_template')
			.orderBy('id')
			.execute();
		expect(rows.map((r) => r.action)).toEqual([
			'survey_template.import',
			'survey_template.replace_draft',
			'survey_template.replace_draft',
			'survey_template.activate'
		]);
		expect(rows.every((r) => r.actor_id === admin.id && r.object_id === String(newId))).toBe(true);
		expect((rows[0].details as { changes: string[] }).changes).toContain(`Sửa lời câu D3: «Trẻ em được đi học đầy đủ.» → «${REWORDED}».`);
		expect(rows[3].details).toMatchObject({ code: 'KS-NGUOI-DAN', version: 2, group: 'residents', retired: ['KS-NGUOI-DAN@1'] });
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	});
});
