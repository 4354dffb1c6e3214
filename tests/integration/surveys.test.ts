/**
 * Satisfaction surveys for criterion 13 (issue 15): a campaign with slips, phone answers and
 * paper answers; used slips, closed campaigns, flags; closing writes the TC13 answers through
 * the save path and attaches the survey report (read back with pdftotext); another commune's
 * officer sees and changes nothing; the response table has no identifying column. Runs on
 * PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { actorOf, seedRound } from '../helpers/fixtures.ts';
import type { Actor } from '#lib/domain/access.ts';
import { isAppError } from '#lib/server/errors.ts';
import { loadDossierById, loadStoredAnswers } from '#lib/server/dossier/index.ts';
import { localFileStore, type FileStore } from '#lib/server/storage/index.ts';
import { closePool } from '#lib/server/documents/pool.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import {
	acceptFlagged,
	activeSurveyTemplates,
	ensureShippedSurveyTemplates,
	closeCampaign,
	enterPaperResponses,
	issueSlips,
	openCampaign,
	publicSurvey,
	submitPublicResponse,
	surveyCampaign,
	surveyResponses
} from '#lib/server/surveys/index.ts';
import { CHILDREN_TEMPLATE, RESIDENTS_TEMPLATE, YOUNG_CHILDREN_TEMPLATE } from '#lib/domain/surveys/templates.ts';
import { FLAG_RULES } from '#lib/domain/surveys/flags.ts';

let t: TestDb;
let ids: Awaited<ReturnType<typeof seedRound>>;
let officerA: Actor;
let officerB: Actor;
let reviewer: Actor;
let store: FileStore;
let root: string;
let campaignId: number;
let openToken: string;

const all = (codes: string[], v: number) => Object.fromEntries(codes.map((c) => [c, v]));
const C = CHILDREN_TEMPLATE.questions.map((q) => q.code);
const Y = YOUNG_CHILDREN_TEMPLATE.questions.map((q) => q.code);
const D = RESIDENTS_TEMPLATE.questions.map((q) => q.code);
const today = () => new Date().toISOString().slice(0, 10);

async function refusal(p: Promise<unknown>): Promise<{ kind: string; message: string; fieldErrors: Record<string, string> }> {
	try {
		await p;
	} catch (e) {
		if (isAppError(e)) return { kind: e.kind, message: e.message, fieldErrors: e.fieldErrors };
		throw e;
	}
	throw new Error('expected a refusal');
}

beforeAll(async () => {
	t = await freshDb();
	ids = await seedRound(t);
	officerA = await actorOf(t, ids.officerA);
	officerB = await actorOf(t, ids.officerB);
	reviewer = await actorOf(t, ids.reviewer);
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-surveys-'));
	store = localFileStore(path.join(root, 'files'));
	await t.db
		.updateTable('assessment')
		.set({ base_counts: JSON.stringify({ under16: 1000 }) })
		.where('id', '=', ids.assessmentA)
		.execute();
}, 180_000);
afterAll(async () => {
	await closePool();
	await t?.drop();
	if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('satisfaction survey of a commune', () => {
	it('installs the shipped provisional templates on first use, active (a new deployment stays empty for restore)', async () => {
		expect(await t.db.selectFrom('survey_template').select('id').execute()).toEqual([]);
		await activeSurveyTemplates(t.db);
		await ensureShippedSurveyTemplates(t.db); // idempotent
		const rows = await t.db.selectFrom('survey_template').select(['code', 'version', 'status', 'group']).orderBy('code').execute();
		expect(rows.map((r) => [r.code, r.status])).toEqual([
			['KS-NGUOI-DAN', 'active'],
			['KS-TRE-EM', 'active'],
			['KS-TRE-NHO', 'active']
		]);
	});

	it('opens one campaign per assessment, for the commune only', async () => {
		const input = {
			assessmentId: ids.assessmentA,
			opensOn: '2026-01-01',
			closesOn: '2099-12-31',
			targetChildren: 5,
			targetResidents: 4,
			openLink: true
		};
		expect((await refusal(openCampaign(t.db, officerB, input))).kind).toBe('not_found');
		expect((await refusal(openCampaign(t.db, reviewer, input))).kind).toBe('forbidden');
		const bad = await refusal(openCampaign(t.db, officerA, { ...input, closesOn: '2025-12-31' }));
		expect(bad.kind).toBe('invalid');
		expect(bad.fieldErrors.closesOn).toBe('Ngày kết thúc không được trước ngày bắt đầu');
		campaignId = (await openCampaign(t.db, officerA, input)).id;
		expect((await refusal(openCampaign(t.db, officerA, input))).kind).toBe('conflict');
		const view = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		expect(view.id).toBe(campaignId);
		expect(view.suggested).toEqual({ children: 88, residents: 100 });
		expect(view.provisionalNotice).toContain('chưa phải bảng hỏi chính thức');
		expect(view.templates.map((x) => x.group)).toEqual(['children', 'children_young', 'residents']);
		openToken = view.openToken!;
		expect(openToken.length).toBeGreaterThan(20);
		const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'survey.open').execute();
		expect(audit).toHaveLength(1);
	});

	it('answers on phones through slips and the open link, and on paper', async () => {
		const { codes } = await issueSlips(t.db, officerA, campaignId, { group: 'children', count: 4 });
		expect(codes).toHaveLength(4);
		for (const c of codes) expect(c).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
		expect((await refusal(issueSlips(t.db, officerA, campaignId, { group: 'children', count: 2001 }))).kind).toBe('invalid');

		const pub = (await publicSurvey(t.db, codes[0]!.toLowerCase().replace(/(.{4})/, '$1-')))!;
		expect(pub).toEqual({
			communeName: expect.any(String),
			channel: 'slip',
			groups: [{ group: 'children', label: expect.any(String), template: expect.objectContaining({ code: 'KS-TRE-EM' }) }],
			open: true,
			reason: null
		});
		expect(Object.keys(pub).sort()).toEqual(['channel', 'communeName', 'groups', 'open', 'reason']);
		expect(await publicSurvey(t.db, 'ZZZZZZZZ')).toBeNull();

		// children: 5,5 satisfied; 3 not; one more satisfied (3 of 4 through slips)
		await submitPublicResponse(t.db, { token: codes[0]!, group: 'children', answers: all(C, 5), ageGroup: '10-12', sex: 'female' });
		await submitPublicResponse(t.db, { token: codes[1]!, group: 'children', answers: all(C, 3), ageGroup: '13-15', sex: 'male' });
		await submitPublicResponse(t.db, { token: codes[2]!, group: 'children', answers: { ...all(C, 4), C1: 3, C2: 5 } });

		// a bad answer: one message per bad field, nothing stored, the slip still unused
		const bad = await refusal(submitPublicResponse(t.db, { token: codes[3]!, group: 'children', answers: { ...all(C, 4), C2: 7 } }));
		expect(bad.kind).toBe('invalid');
		expect(bad.fieldErrors['answers.C2']).toBe('Câu C2: câu trả lời không hợp lệ.');
		// a slip is for its group only
		expect((await refusal(submitPublicResponse(t.db, { token: codes[3]!, group: 'residents', answers: all(D, 4) }))).kind).toBe('invalid');

		// a used slip code is refused
		const used = await refusal(submitPublicResponse(t.db, { token: codes[0]!, group: 'children', answers: all(C, 5) }));
		expect(used.kind).toBe('conflict');
		expect(used.message).toContain('đã được dùng');
		expect((await publicSurvey(t.db, codes[0]!))!.open).toBe(false);

		// residents on the open link
		const open = (await publicSurvey(t.db, openToken))!;
		expect(open.channel).toBe('open');
		expect(open.groups.map((g) => g.group)).toEqual(['children', 'children_young', 'residents']);
		const base = Date.now() - 3600_000;
		await submitPublicResponse(t.db, { token: openToken, group: 'residents', answers: all(D, 4), now: new Date(base) });
		await submitPublicResponse(t.db, { token: openToken, group: 'residents', answers: all(D, 2), now: new Date(base + 1000) });
		// the same answers again 30 s later through the same link: a duplicate
		await submitPublicResponse(t.db, { token: openToken, group: 'residents', answers: all(D, 4), now: new Date(base + 30_000) });

		// paper forms, typed in by the officer
		const paperBad = await refusal(
			enterPaperResponses(t.db, officerA, campaignId, [
				{ group: 'children_young', answers: all(Y, 3) },
				{ group: 'children_young', answers: { ...all(Y, 3), N4: 5 } }
			])
		);
		expect(paperBad.kind).toBe('invalid');
		expect(paperBad.message).toBe('Phiếu giấy số 2: Câu N4: câu trả lời không hợp lệ.');
		const paper = await enterPaperResponses(t.db, officerA, campaignId, [
			{ group: 'children_young', answers: all(Y, 3), ageGroup: '6-9' },
			{ group: 'children_young', answers: all(Y, 1) },
			{ group: 'residents', answers: all(D, 5), sex: 'undisclosed' }
		]);
		expect(paper.added).toBe(3);
		const entered = await t.db.selectFrom('survey_response').select(['entered_by']).where('channel', '=', 'paper').execute();
		expect(entered.every((r) => r.entered_by === ids.officerA)).toBe(true);
		const phone = await t.db.selectFrom('survey_response').select(['entered_by']).where('channel', '!=', 'paper').execute();
		expect(phone.every((r) => r.entered_by === null)).toBe(true);
	});

	it('flags a burst and a duplicate, excluded from the figures until accepted', async () => {
		// a burst on the open link: more than the maximum within the window, varied answers
		const start = Date.now() - 1800_000;
		const n = FLAG_RULES.burst.max + 2;
		for (let i = 0; i < n; i++) {
			await submitPublicResponse(t.db, {
				token: openToken,
				group: 'residents',
				answers: { ...all(D, 1), D1: (i % 5) + 1, D2: (Math.floor(i / 5) % 5) + 1 },
				now: new Date(start + i * 100)
			});
		}
		const rows = await t.db.selectFrom('survey_response').select(['id', 'flag']).where('flag', 'is not', null).orderBy('id').execute();
		expect(rows.filter((r) => r.flag === 'duplicate')).toHaveLength(1);
		expect(rows.filter((r) => r.flag === 'burst')).toHaveLength(2);

		let view = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		expect(view.flagged).toHaveLength(3);
		expect(view.responses.excluded).toBe(3);
		// residents counted: 4 (open, satisfied), 2 (open), 5 (paper) and the burst's first `max`
		const residents = view.results.groups.find((g) => g.group === 'residents')!;
		expect(residents.base).toBe(3 + FLAG_RULES.burst.max);
		expect(residents.excluded).toBe(3);
		// the reviewer sees the flags too, without the open token
		const forReviewer = (await surveyCampaign(t.db, reviewer, ids.assessmentA))!;
		expect(forReviewer.flagged).toHaveLength(3);
		expect(forReviewer.openToken).toBeNull();
		expect(forReviewer.mayManage).toBe(false);
		expect((await refusal(acceptFlagged(t.db, reviewer, campaignId, [rows[0]!.id], true))).kind).toBe('forbidden');

		// the officer accepts the duplicate (e.g. two members of one family answering alike)
		const dup = rows.find((r) => r.flag === 'duplicate')!;
		expect(await acceptFlagged(t.db, officerA, campaignId, [dup.id], true)).toEqual({ changed: 1 });
		view = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		expect(view.results.groups.find((g) => g.group === 'residents')!.base).toBe(4 + FLAG_RULES.burst.max);
		expect(view.responses.excluded).toBe(2);
		expect(view.flagged.find((f) => f.id === dup.id)!.accepted).toBe(true);
	});

	it("another commune's officer sees and changes nothing of it", async () => {
		expect((await refusal(surveyCampaign(t.db, officerB, ids.assessmentA))).kind).toBe('not_found');
		expect((await refusal(surveyResponses(t.db, officerB, campaignId))).kind).toBe('not_found');
		expect((await refusal(issueSlips(t.db, officerB, campaignId, { group: 'children', count: 1 }))).kind).toBe('not_found');
		expect((await refusal(enterPaperResponses(t.db, officerB, campaignId, [{ group: 'residents', answers: all(D, 5) }]))).kind).toBe(
			'not_found'
		);
		expect((await refusal(acceptFlagged(t.db, officerB, campaignId, [1], true))).kind).toBe('not_found');
		expect((await refusal(closeCampaign(t.db, store, officerB, campaignId, { tmpDir: path.join(root, 'tmp') }))).kind).toBe('not_found');
		// its own assessment has no campaign
		expect(await surveyCampaign(t.db, officerB, ids.assessmentB)).toBeNull();
		const state = await t.db.selectFrom('survey_campaign').select('state').where('id', '=', campaignId).executeTakeFirstOrThrow();
		expect(state.state).toBe('open');
	});

	it('closing writes the TC13 answers through the save path and attaches the survey report', async () => {
		const before = (await loadDossierById(t.db, ids.assessmentA))!;
		const view = (await surveyCampaign(t.db, officerA, ids.assessmentA))!;
		const tc131 = view.results.tc13['TC13.1'];
		const tc132 = view.results.tc13['TC13.2'];
		// children: slips 5 (sat), 3 (not), mean 4 (sat); young: 3 (sat), 1 (not) → 3 of 5
		expect(tc131).toMatchObject({ base: 5, satisfied: 3, percent: 60 });
		const residentsSatisfied = tc132.satisfied;
		expect(tc132.base).toBe(4 + FLAG_RULES.burst.max);

		const r = await closeCampaign(t.db, store, officerA, campaignId, { tmpDir: path.join(root, 'tmp') });
		expect(r.tc13).toEqual({ 'TC13.1': 60, 'TC13.2': tc132.percent });

		const stored = await loadStoredAnswers(t.db, ids.assessmentA, ['TC13.1', 'TC13.2']);
		expect(stored['TC13.1']!.value).toEqual({ percent: 60, source: 'Khảo sát trên phần mềm (n = 5)', period: '01/01/2026 – 31/12/2099' });
		expect(stored['TC13.1']!.revision).toBe(1);
		expect(stored['TC13.2']!.value).toMatchObject({ percent: tc132.percent, source: `Khảo sát trên phần mềm (n = ${tc132.base})` });
		const saves = await t.db
			.selectFrom('audit_log')
			.select(['details'])
			.where('action', '=', 'assessment.answer_save')
			.where('object_id', '=', String(ids.assessmentA))
			.execute();
		expect(saves.map((s) => (s.details as { indicator: string }).indicator).sort()).toEqual(['TC13.1', 'TC13.2']);

		// the dossier's score: TC13.1 at 60% → the 50% band (15 points, provisional)
		const after = (await loadDossierById(t.db, ids.assessmentA))!;
		const points = (d: typeof after, code: string) => d.criteria.flatMap((c) => c.indicators).find((i) => i.code === code)!.selfPoints;
		expect(points(after, 'TC13.1')).toBe(15);
		expect(points(before, 'TC13.1') ?? 0).toBe(0);
		expect(after.assessment.figures.selfTotal).toBeGreaterThan(before.assessment.figures.selfTotal);

		// the report, as evidence of both indicators
		const ev = after.evidence.find((e) => e.indicatorCodes.includes('TC13.1'))!;
		expect(ev).toBeDefined();
		expect(ev.indicatorCodes.sort()).toEqual(['TC13.1', 'TC13.2']);
		const file = await t.db
			.selectFrom('evidence as e')
			.innerJoin('stored_file as f', 'f.id', 'e.file_id')
			.select(['f.storage_key', 'f.mime'])
			.where('e.id', '=', ev.id)
			.executeTakeFirstOrThrow();
		expect(file.mime).toBe('application/pdf');
		const pdfPath = path.join(root, 'files', ...file.storage_key.split('/'));
		const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).normalize('NFC').replace(/\s+/g, ' ');
		expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
		expect(text).toContain('Kết quả khảo sát mức độ hài lòng');
		expect(text).toContain('BẢNG HỎI TẠM THỜI');
		expect(text).toContain('chưa phải bảng hỏi chính thức');
		expect(text).toContain('từ ngày 01/01/2026 đến ngày 31/12/2099');
		expect(text).toMatch(/TC13\.1 .*88 5 5 3 60,00%/);
		expect(text).toContain(`${tc132.base} ${residentsSatisfied}`);
		expect(text).toContain('Trùng lặp');
		expect(text).toContain('Gửi dồn dập');

		// closed: no more answers, no second close, nothing changes
		const slips = await issueSlips(t.db, officerA, campaignId, { group: 'children', count: 1 }).catch((e) => e);
		expect(isAppError(slips) && slips.kind).toBe('conflict');
		const late = await refusal(submitPublicResponse(t.db, { token: openToken, group: 'residents', answers: all(D, 5) }));
		expect(late.kind).toBe('conflict');
		expect(late.message).toContain('đã kết thúc');
		expect((await publicSurvey(t.db, openToken))!.open).toBe(false);
		expect((await refusal(closeCampaign(t.db, store, officerA, campaignId, { tmpDir: path.join(root, 'tmp') }))).kind).toBe('conflict');
		expect((await refusal(enterPaperResponses(t.db, officerA, campaignId, [{ group: 'residents', answers: all(D, 5) }]))).kind).toBe(
			'conflict'
		);
		const audits = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'survey.%').execute();
		const actions = new Set(audits.map((a) => a.action));
		for (const a of ['survey.open', 'survey.slips_issue', 'survey.response', 'survey.paper_enter', 'survey.flag_accept', 'survey.close'])
			expect(actions.has(a), a).toBe(true);
		expect((await verifyAuditChain(t.db)).ok).toBe(true);
	}, 120_000);

	it('a campaign not open yet refuses answers', async () => {
		// commune B opens one starting tomorrow
		const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
		const { id } = await openCampaign(t.db, officerB, {
			assessmentId: ids.assessmentB,
			opensOn: tomorrow,
			closesOn: '2099-12-31',
			targetChildren: 10,
			targetResidents: 0,
			openLink: false
		});
		const { codes } = await issueSlips(t.db, officerB, id, { group: 'children', count: 1 });
		const early = await refusal(submitPublicResponse(t.db, { token: codes[0]!, group: 'children', answers: all(C, 5) }));
		expect(early.kind).toBe('conflict');
		expect(early.message).toContain('chưa bắt đầu');
		expect(today() < tomorrow).toBe(true);
		const slip = await t.db.selectFrom('survey_slip').select('used_at').where('code', '=', codes[0]!).executeTakeFirstOrThrow();
		expect(slip.used_at).toBeNull();
		// officer A sees nothing of commune B's campaign
		expect((await refusal(surveyCampaign(t.db, officerA, ids.assessmentB))).kind).toBe('not_found');
	});

	it('stores nothing that identifies a respondent', async () => {
		const cols = await sql<{ table_name: string; column_name: string }>`
			select table_name, column_name from information_schema.columns
			where table_schema = current_schema() and table_name in ('survey_response', 'survey_slip') order by table_name, ordinal_position`.execute(
			t.db
		);
		const response = cols.rows.filter((c) => c.table_name === 'survey_response').map((c) => c.column_name);
		expect(response.sort()).toEqual(
			[
				'id',
				'campaign_id',
				'group',
				'channel',
				'template_code',
				'template_version',
				'answers',
				'age_group',
				'sex',
				'submitted_at',
				'flag',
				'accepted',
				'entered_by'
			].sort()
		);
		const all = cols.rows.map((c) => c.column_name).join(' ');
		expect(all).not.toMatch(/ip|addr|agent|name|email|phone|device/i);
		// the audit records of public answers carry no identity either
		const pub = await t.db.selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'survey.response').execute();
		expect(pub.length).toBeGreaterThan(0);
		for (const p of pub) {
			expect(p.actor_id).toBeNull();
			expect(Object.keys(p.details as object).sort()).toEqual(['channel', 'flag', 'group']);
		}
	});
});
