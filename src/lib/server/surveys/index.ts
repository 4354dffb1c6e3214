/**
 * Satisfaction surveys for criterion 13 (issue 15): one campaign per assessment, opened by the
 * commune's officer; children and residents answer on a phone without an account (a single-use
 * slip code, or the campaign's open link) or on paper (typed in by the officer); closing the
 * campaign writes the TC13 answers through the normal save path and attaches the survey report.
 *
 * Nothing identifying is asked or stored: a response holds its group, channel, template, answers,
 * optional age group and sex, the time, its flag and whether the officer accepted it. Duplicates
 * and bursts are flagged from the answers alone (domain/surveys/flags.ts) and left out of the
 * figures until the officer accepts them.
 *
 * Authorization: every entry taking an actor checks the exact object (the campaign's assessment,
 * hence its commune): `survey.manage` (the commune's officer and chair, on their commune) to
 * change, `assessment.read` to read; anything outside the actor's area is "not found". The public
 * entries (`publicSurvey`, `submitPublicResponse`) take only a token. Every change is audited.
 *
 * Plain Node module: takes `db`, no `$app/*`, throws AppError.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import { canOnUnit, type Actor } from '../../domain/access.ts';
import { isCommuneEditable } from '../../domain/workflow.ts';
import { vnDate, viDate, vnDateTime } from '../../domain/dates.ts';
import { toBaseCounts } from '../../domain/base-counts.ts';
import {
	PROVISIONAL_SURVEY_SOURCE,
	SEX_OPTIONS,
	SURVEY_GROUP_LABELS,
	SURVEY_GROUPS,
	validateResponse,
	type SurveyGroup,
	type SurveyTemplate
} from '../../domain/surveys/templates.ts';
import {
	CHANNEL_LABELS,
	FLAG_LABELS,
	isCounted,
	surveyResults,
	type ResponseRecord,
	type SurveyChannel,
	type SurveyFlag,
	type SurveyResults
} from '../../domain/surveys/results.ts';
import { SAMPLE_RULE_TEXT, suggestedSamples } from '../../domain/surveys/sample.ts';
import { FLAG_RULES, flagFor } from '../../domain/surveys/flags.ts';
import { authorize, authorizeUnit, ASSESSMENT_NOT_FOUND } from '../auth/guard.ts';
import { onAssessment, recordAudit } from '../audit/index.ts';
import { AppError, conflict, invalid, notFound, parseInput } from '../errors.ts';
import { assessmentCriteriaSet, loadAssessment, loadStoredAnswers, placeOf, type AssessmentInfo } from '../dossier/index.ts';
import { saveAnswer, validateOneAnswer } from '../answers/index.ts';
import { addEvidence } from '../evidence/index.ts';
import type { FileStore } from '../storage/index.ts';
import { committeeIssuer } from '../documents/data.ts';
import { renderInPool } from '../documents/pool.ts';
import type { SurveyReportDocument } from '../documents/types.ts';
import { activeSurveyTemplates, pinnedSurveyTemplates } from './templates.ts';

export { ensureShippedSurveyTemplates, activeSurveyTemplates } from './templates.ts';

export const SURVEY_AUDIT = {
	open: 'survey.open',
	slips: 'survey.slips_issue',
	response: 'survey.response',
	paper: 'survey.paper_enter',
	accept: 'survey.flag_accept',
	close: 'survey.close'
} as const;

export const CAMPAIGN_NOT_FOUND = 'Không tìm thấy đợt khảo sát.';
export const TOKEN_NOT_FOUND = 'Mã phiếu hoặc đường dẫn khảo sát không đúng.';
export const SLIP_USED_MESSAGE = 'Mã phiếu này đã được dùng. Mỗi mã chỉ trả lời được một lần.';
export const CAMPAIGN_CLOSED_MESSAGE = 'Đợt khảo sát đã kết thúc: không nhận thêm phiếu trả lời.';
export const MAX_SLIPS = 2000;
export const MAX_PAPER_ROWS = 2000;

/** Slip codes: 8 characters from an alphabet without 0/O/1/I (easy to read and type). */
export const SLIP_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SLIP_LENGTH = 8;
const SLIP_PATTERN = new RegExp(`^[${SLIP_ALPHABET}]{${SLIP_LENGTH}}$`);

export const CAMPAIGN_STATE_LABELS = { open: 'Đang khảo sát', closed: 'Đã kết thúc' } as const;

/** A random code from SLIP_ALPHABET (32 letters: one byte's low 5 bits, no bias). */
export function newSlipCode(): string {
	const bytes = crypto.randomBytes(SLIP_LENGTH);
	return [...bytes].map((b) => SLIP_ALPHABET[b & 31]).join('');
}

/** What a respondent types: spaces and dashes dropped, upper case ("abcd-efgh" → "ABCDEFGH"). */
export function normalizeToken(token: string): string {
	const t = token.normalize('NFC').trim();
	const compact = t.replace(/[\s-]/g, '').toUpperCase();
	return SLIP_PATTERN.test(compact) ? compact : t;
}

// ---------------------------------------------------------------------------------------------
// Loading and authorizing a campaign
// ---------------------------------------------------------------------------------------------

type CampaignRow = {
	id: number;
	assessment_id: number;
	commune_id: number;
	opened_by: number;
	opened_at: Date;
	opens_on: string;
	closes_on: string;
	target_children: number;
	target_residents: number;
	templates: Partial<Record<SurveyGroup, { code: string; version: number }>>;
	open_token: string | null;
	state: 'open' | 'closed';
	closed_at: Date | null;
	closed_by: number | null;
};

const CAMPAIGN_COLUMNS = [
	'id',
	'assessment_id',
	'commune_id',
	'opened_by',
	'opened_at',
	'opens_on',
	'closes_on',
	'target_children',
	'target_residents',
	'templates',
	'open_token',
	'state',
	'closed_at',
	'closed_by'
] as const;

async function campaignRow(db: DB, where: { id: number } | { assessmentId: number }): Promise<CampaignRow | undefined> {
	let q = db.selectFrom('survey_campaign').select(CAMPAIGN_COLUMNS);
	q = 'id' in where ? q.where('id', '=', where.id) : q.where('assessment_id', '=', where.assessmentId);
	return (await q.executeTakeFirst()) as CampaignRow | undefined;
}

const positiveId = z.number().int().positive().max(2_147_483_647);

/** The campaign and its assessment if the actor may perform `action` on it; "not found" otherwise (also outside the actor's area). */
async function authorizeCampaign(
	db: DB,
	actor: Actor | null,
	action: 'survey.manage' | 'assessment.read',
	campaignId: number
): Promise<{ actor: Actor; campaign: CampaignRow; assessment: AssessmentInfo }> {
	const a = authorize(actor, action);
	const campaign = positiveId.safeParse(campaignId).success ? await campaignRow(db, { id: campaignId }) : undefined;
	const assessment = campaign ? await loadAssessment(db, campaign.assessment_id) : undefined;
	if (!campaign || !assessment || !canOnUnit(a, action, placeOf(assessment))) throw notFound(CAMPAIGN_NOT_FOUND);
	return { actor: a, campaign, assessment };
}

async function authorizeAssessmentId(db: DB, actor: Actor | null, action: 'survey.manage' | 'assessment.read', assessmentId: number) {
	const a = authorize(actor, action);
	const assessment = positiveId.safeParse(assessmentId).success ? await loadAssessment(db, assessmentId) : undefined;
	if (!assessment || !canOnUnit(a, action, placeOf(assessment))) throw notFound(ASSESSMENT_NOT_FOUND);
	return { actor: a, assessment };
}

function assertOpen(campaign: Pick<CampaignRow, 'state'>): void {
	if (campaign.state !== 'open') throw conflict('Đợt khảo sát đã kết thúc: không thay đổi được nữa.');
}

// ---------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------

const isoDate = (label: string) =>
	z
		.string({ error: `${label}: phải là ngày` })
		.regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label}: ngày không hợp lệ` })
		.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
			error: `${label}: ngày không hợp lệ`
		});
const target = (label: string) =>
	z
		.number({ error: `${label}: phải là số` })
		.int({ error: `${label}: phải là số nguyên` })
		.min(0, { error: `${label}: không được âm` })
		.max(100_000, { error: `${label}: không được lớn hơn 100.000` });

const OpenInput = z
	.strictObject({
		assessmentId: positiveId,
		opensOn: isoDate('Ngày bắt đầu'),
		closesOn: isoDate('Ngày kết thúc'),
		targetChildren: target('Số phiếu trẻ em cần thu'),
		targetResidents: target('Số phiếu người dân cần thu'),
		openLink: z.boolean({ error: 'Chọn có hay không dùng đường dẫn mở' })
	})
	.refine((v) => v.closesOn >= v.opensOn, { path: ['closesOn'], error: 'Ngày kết thúc không được trước ngày bắt đầu' })
	.refine((v) => v.targetChildren + v.targetResidents > 0, { path: ['targetChildren'], error: 'Cần ít nhất một phiếu mục tiêu' });

/**
 * Opens the satisfaction survey of an assessment (one per assessment), only while the dossier is
 * editable by the commune. Pins the active template of each group; with `openLink` a random open
 * token for the open link (otherwise answers come through slips and paper only).
 */
export async function openCampaign(
	db: DB,
	actor: Actor,
	input: { assessmentId: number; opensOn: string; closesOn: string; targetChildren: number; targetResidents: number; openLink: boolean }
): Promise<{ id: number }> {
	const v = parseInput(OpenInput, input);
	const { assessment } = await authorizeAssessmentId(db, actor, 'survey.manage', v.assessmentId);
	const templates = await activeSurveyTemplates(db);
	const pinned = Object.fromEntries(
		SURVEY_GROUPS.filter((g) => templates[g]).map((g) => [g, { code: templates[g]!.code, version: templates[g]!.version }])
	);
	if (!Object.keys(pinned).length) throw conflict('Chưa có bảng hỏi nào đang áp dụng: liên hệ quản trị hệ thống.');
	return db.transaction().execute(async (trx) => {
		const a = await trx
			.selectFrom('assessment')
			.select(['state'])
			.where('id', '=', assessment.id)
			.forNoKeyUpdate()
			.executeTakeFirstOrThrow();
		if (!isCommuneEditable(a.state)) throw conflict('Hồ sơ không còn ở trạng thái xã được sửa: không mở được đợt khảo sát.');
		const row = await trx
			.insertInto('survey_campaign')
			.values({
				assessment_id: assessment.id,
				commune_id: assessment.commune.id,
				opened_by: actor.id,
				opens_on: v.opensOn,
				closes_on: v.closesOn,
				target_children: v.targetChildren,
				target_residents: v.targetResidents,
				templates: JSON.stringify(pinned),
				open_token: v.openLink ? crypto.randomBytes(18).toString('base64url') : null
			})
			.onConflict((oc) => oc.column('assessment_id').doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!row) throw conflict('Hồ sơ này đã có đợt khảo sát.');
		await recordAudit(
			trx,
			onAssessment(actor, assessment, SURVEY_AUDIT.open, {
				campaignId: row.id,
				opensOn: v.opensOn,
				closesOn: v.closesOn,
				targetChildren: v.targetChildren,
				targetResidents: v.targetResidents,
				openLink: v.openLink,
				templates: pinned
			})
		);
		return { id: row.id };
	});
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export type { FlaggedResponse, SurveyCampaignView } from '../../domain/surveys/view.ts';
import type { FlaggedResponse, SurveyCampaignView } from '../../domain/surveys/view.ts';

async function responseRecords(db: DB, campaignId: number): Promise<ResponseRecord[]> {
	const rows = await db
		.selectFrom('survey_response')
		.select(['id', 'group', 'channel', 'answers', 'age_group', 'sex', 'submitted_at', 'flag', 'accepted'])
		.where('campaign_id', '=', campaignId)
		.orderBy('submitted_at')
		.orderBy('id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		group: r.group,
		channel: r.channel,
		answers: r.answers,
		ageGroup: r.age_group,
		sex: r.sex,
		submittedAt: new Date(r.submitted_at),
		flag: r.flag,
		accepted: r.accepted
	}));
}

function provisionalNoticeOf(templates: Partial<Record<SurveyGroup, SurveyTemplate>>): string | null {
	const provisional = SURVEY_GROUPS.some((g) => templates[g]?.provisional);
	return provisional ? `BẢNG HỎI TẠM THỜI: ${PROVISIONAL_SURVEY_SOURCE}.` : null;
}

const accepting = (c: Pick<CampaignRow, 'state' | 'opens_on' | 'closes_on'>, now: Date) => {
	const today = vnDate(now);
	return c.state === 'open' && today >= c.opens_on && today <= c.closes_on;
};

/**
 * The survey of an assessment as the officer's and the reviewer's pages show it (null when none
 * was opened): the campaign, its templates, suggested and target samples, slips, counts, results
 * and flagged responses. `assessment.read` on the assessment.
 */
export async function surveyCampaign(db: DB, actor: Actor, of: number | AssessmentInfo): Promise<SurveyCampaignView | null> {
	// an assessment the caller read in this request is authorized on its row, not read again
	let assessment: AssessmentInfo;
	if (typeof of === 'number') ({ assessment } = await authorizeAssessmentId(db, actor, 'assessment.read', of));
	else {
		authorizeUnit(actor, 'assessment.read', placeOf(of), ASSESSMENT_NOT_FOUND);
		assessment = of;
	}
	const campaign = await campaignRow(db, { assessmentId: assessment.id });
	if (!campaign) return null;
	const [templates, responses, slipRows, base, people] = await Promise.all([
		pinnedSurveyTemplates(db, campaign.templates),
		responseRecords(db, campaign.id),
		db
			.selectFrom('survey_slip')
			.select(['group', sql<number>`count(*)::int`.as('issued'), sql<number>`count(used_at)::int`.as('used')])
			.where('campaign_id', '=', campaign.id)
			.groupBy('group')
			.execute(),
		db.selectFrom('assessment').select('base_counts').where('id', '=', assessment.id).executeTakeFirstOrThrow(),
		db
			.selectFrom('account')
			.select(['id', 'full_name'])
			.where('id', 'in', [campaign.opened_by, campaign.closed_by ?? campaign.opened_by])
			.execute()
	]);
	const nameOf = (id: number | null) => (id === null ? null : (people.find((p) => p.id === id)?.full_name ?? ''));
	const mayManage = canOnUnit(actor, 'survey.manage', placeOf(assessment));
	const results = surveyResults(templates, responses, { children: campaign.target_children, residents: campaign.target_residents });
	const byChannel: Record<SurveyChannel, number> = { slip: 0, open: 0, paper: 0 };
	for (const r of responses) byChannel[r.channel]++;
	const flagged = responses.filter((r) => r.flag !== null);
	return {
		id: campaign.id,
		assessmentId: assessment.id,
		communeName: assessment.commune.name,
		roundName: assessment.round.name,
		state: campaign.state,
		stateLabel: CAMPAIGN_STATE_LABELS[campaign.state],
		opensOn: campaign.opens_on,
		closesOn: campaign.closes_on,
		openedAt: campaign.opened_at,
		openedBy: nameOf(campaign.opened_by) ?? '',
		closedAt: campaign.closed_at,
		closedBy: nameOf(campaign.closed_by),
		acceptingNow: accepting(campaign, new Date()),
		targets: { children: campaign.target_children, residents: campaign.target_residents },
		suggested: suggestedSamples(toBaseCounts(base.base_counts)),
		sampleRule: SAMPLE_RULE_TEXT,
		openToken: mayManage ? campaign.open_token : null,
		templates: SURVEY_GROUPS.filter((g) => templates[g]).map((g) => ({ group: g, label: SURVEY_GROUP_LABELS[g], template: templates[g]! })),
		provisionalNotice: provisionalNoticeOf(templates),
		slips: SURVEY_GROUPS.filter((g) => templates[g]).map((g) => {
			const s = slipRows.find((x) => x.group === g);
			return { group: g, label: SURVEY_GROUP_LABELS[g], issued: Number(s?.issued ?? 0), used: Number(s?.used ?? 0) };
		}),
		responses: {
			total: responses.length,
			counted: responses.filter(isCounted).length,
			byChannel,
			flagged: flagged.length,
			excluded: responses.filter((r) => !isCounted(r)).length
		},
		results,
		flagged: flagged.reverse().map((r) => ({
			id: r.id,
			group: r.group,
			groupLabel: SURVEY_GROUP_LABELS[r.group],
			channel: r.channel,
			channelLabel: CHANNEL_LABELS[r.channel],
			submittedAt: vnDateTime(r.submittedAt),
			flag: r.flag!,
			flagLabel: FLAG_LABELS[r.flag!],
			accepted: r.accepted,
			answers: r.answers,
			ageGroup: r.ageGroup,
			sex: r.sex
		})),
		mayManage
	};
}

/**
 * Every response of the campaign, anonymised as stored (no identity exists), oldest first: what
 * the reviewer opens and the export lists. `assessment.read` on the campaign's assessment.
 */
export async function surveyResponses(db: DB, actor: Actor, campaignId: number): Promise<(ResponseRecord & { counted: boolean })[]> {
	const { campaign } = await authorizeCampaign(db, actor, 'assessment.read', campaignId);
	return (await responseRecords(db, campaign.id)).map((r) => ({ ...r, counted: isCounted(r) }));
}

// ---------------------------------------------------------------------------------------------
// Slips
// ---------------------------------------------------------------------------------------------

const GroupSchema = z.enum(SURVEY_GROUPS, { error: 'Nhóm khảo sát không hợp lệ' });

const SlipsInput = z.strictObject({
	group: GroupSchema,
	count: z
		.number({ error: 'Số phiếu phải là số' })
		.int({ error: 'Số phiếu phải là số nguyên' })
		.min(1, { error: 'Cần ít nhất 1 phiếu' })
		.max(MAX_SLIPS, { error: `Mỗi lần in tối đa ${MAX_SLIPS.toLocaleString('vi-VN')} phiếu` })
});

/** Issues `count` (≤ 2,000) single-use slip codes for a group of an open campaign. */
export async function issueSlips(
	db: DB,
	actor: Actor,
	campaignId: number,
	input: { group: 'children' | 'children_young' | 'residents'; count: number }
): Promise<{ codes: string[] }> {
	const v = parseInput(SlipsInput, input);
	const { campaign, assessment } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	if (!campaign.templates[v.group]) throw invalid('Đợt khảo sát không có bảng hỏi cho nhóm này.', { group: 'Nhóm không có bảng hỏi' });
	return db.transaction().execute(async (trx) => {
		const locked = await trx
			.selectFrom('survey_campaign')
			.select('state')
			.where('id', '=', campaign.id)
			.forUpdate()
			.executeTakeFirstOrThrow();
		assertOpen(locked);
		const codes: string[] = [];
		for (let attempt = 0; codes.length < v.count && attempt < 5; attempt++) {
			const wanted = new Set<string>();
			while (wanted.size < v.count - codes.length) wanted.add(newSlipCode());
			const rows = await trx
				.insertInto('survey_slip')
				.values([...wanted].map((code) => ({ campaign_id: campaign.id, code, group: v.group })))
				.onConflict((oc) => oc.column('code').doNothing())
				.returning('code')
				.execute();
			codes.push(...rows.map((r) => r.code));
		}
		if (codes.length < v.count) throw new Error('could not draw unique slip codes');
		await recordAudit(
			trx,
			onAssessment(actor, assessment, SURVEY_AUDIT.slips, { campaignId: campaign.id, group: v.group, count: codes.length })
		);
		return { codes };
	});
}

// ---------------------------------------------------------------------------------------------
// The public side: no account
// ---------------------------------------------------------------------------------------------

export type PublicSurvey = {
	communeName: string;
	channel: 'slip' | 'open';
	/** The group(s) to choose from and their questionnaires (a slip: its one group). */
	groups: { group: SurveyGroup; label: string; template: SurveyTemplate }[];
	/** Answers are accepted now. */
	open: boolean;
	/** Why not, in Vietnamese (not yet open, ended, slip already used); null when open. */
	reason: string | null;
};

type TokenHit = { campaign: CampaignRow; communeName: string; slip: { id: number; group: SurveyGroup; used: boolean } | null };

async function findToken(db: DB, raw: string, lock = false): Promise<TokenHit | null> {
	const token = normalizeToken(raw);
	if (!token || token.length > 100) return null;
	let slip: TokenHit['slip'] = null;
	let campaignId: number | null = null;
	if (SLIP_PATTERN.test(token)) {
		let q = db.selectFrom('survey_slip').select(['id', 'campaign_id', 'group', 'used_at']).where('code', '=', token);
		if (lock) q = q.forUpdate();
		const s = await q.executeTakeFirst();
		if (s) {
			slip = { id: s.id, group: s.group, used: s.used_at !== null };
			campaignId = s.campaign_id;
		}
	}
	let q = db.selectFrom('survey_campaign').select(CAMPAIGN_COLUMNS);
	q = campaignId !== null ? q.where('id', '=', campaignId) : q.where('open_token', '=', token);
	if (lock) q = q.forUpdate();
	const campaign = (await q.executeTakeFirst()) as CampaignRow | undefined;
	if (!campaign) return null;
	const unit = await db.selectFrom('admin_unit').select('name').where('id', '=', campaign.commune_id).executeTakeFirstOrThrow();
	return { campaign, communeName: unit.name, slip };
}

function closedReason(c: Pick<CampaignRow, 'state' | 'opens_on' | 'closes_on'>, now: Date): string | null {
	if (c.state !== 'open') return CAMPAIGN_CLOSED_MESSAGE;
	const today = vnDate(now);
	if (today < c.opens_on) return `Đợt khảo sát chưa bắt đầu: bắt đầu từ ngày ${viDate(c.opens_on)}.`;
	if (today > c.closes_on) return `Đợt khảo sát đã kết thúc ngày ${viDate(c.closes_on)}: không nhận thêm phiếu trả lời.`;
	return null;
}

/** The groups a token may answer: a slip its own group; the open link every group of the campaign. */
function groupsOf(hit: TokenHit): SurveyGroup[] {
	return hit.slip ? [hit.slip.group] : SURVEY_GROUPS.filter((g) => hit.campaign.templates[g]);
}

/**
 * What the public page shows for a token (a slip code, or the campaign's open token): the
 * commune's name, the group(s) and questionnaire(s), whether it is open. Nothing else. Null when
 * the token is unknown (or the open link is off).
 */
export async function publicSurvey(db: DB, token: string, now: Date = new Date()): Promise<PublicSurvey | null> {
	if (typeof token !== 'string') return null;
	const hit = await findToken(db, token);
	if (!hit) return null;
	const templates = await pinnedSurveyTemplates(db, hit.campaign.templates);
	const reason = closedReason(hit.campaign, now) ?? (hit.slip?.used ? SLIP_USED_MESSAGE : null);
	return {
		communeName: hit.communeName,
		channel: hit.slip ? 'slip' : 'open',
		groups: groupsOf(hit)
			.filter((g) => templates[g])
			.map((g) => ({ group: g, label: SURVEY_GROUP_LABELS[g], template: templates[g]! })),
		open: reason === null,
		reason
	};
}

const PublicInput = z.strictObject({
	token: z.string({ error: 'Thiếu mã phiếu' }).min(1, { error: 'Thiếu mã phiếu' }).max(100, { error: TOKEN_NOT_FOUND }),
	group: GroupSchema,
	answers: z.record(z.string().max(40), z.unknown(), { error: 'Phiếu trả lời không hợp lệ' }),
	ageGroup: z.string().max(40).nullish(),
	sex: z.string().max(40).nullish(),
	now: z.date().optional()
});

/** Refuses with the first field's message and every field's message (`answers.C1`, `ageGroup`…). */
function invalidResponse(fieldErrors: Record<string, string>, prefix = ''): AppError {
	const entries = Object.entries(fieldErrors);
	return invalid(
		`${prefix}${entries[0]?.[1] ?? 'Phiếu trả lời không hợp lệ.'}`,
		Object.fromEntries(entries.map(([k, m]) => [`${prefix ? prefix.replace(/\W+$/, '') + '.' : ''}${k}`, m]))
	);
}

/**
 * Records one answer from a phone, without an account. The token is a slip code (single-use: a
 * used one is refused as a conflict) or the open token. Refused when the campaign is closed or
 * not open today, when the group is not the slip's, or when the answers do not fit the template
 * (a Vietnamese message per bad field). The flag is computed from the answers before it through
 * the same channel (the campaign row is locked, so flags see every earlier answer). Atomic: the
 * slip is marked used in the same transaction as the response is stored.
 */
export async function submitPublicResponse(
	db: DB,
	input: {
		token: string;
		group: 'children' | 'children_young' | 'residents';
		answers: Record<string, number>;
		ageGroup?: string;
		sex?: string;
		now?: Date;
	}
): Promise<{ ok: true }> {
	const v = parseInput(PublicInput, input);
	const now = v.now ?? new Date();
	return db.transaction().execute(async (trx) => {
		const hit = await findToken(trx, v.token, true);
		if (!hit) throw notFound(TOKEN_NOT_FOUND);
		const { campaign } = hit;
		const reason = closedReason(campaign, now);
		if (reason) throw conflict(reason);
		if (hit.slip?.used) throw conflict(SLIP_USED_MESSAGE);
		if (!groupsOf(hit).includes(v.group))
			throw invalid('Mã phiếu này không dành cho nhóm đã chọn.', { group: 'Nhóm không đúng với mã phiếu' });
		const templates = await pinnedSurveyTemplates(trx, campaign.templates);
		const template = templates[v.group];
		if (!template) throw invalid('Đợt khảo sát không có bảng hỏi cho nhóm này.', { group: 'Nhóm không có bảng hỏi' });
		const checked = validateResponse(template, { answers: v.answers, ageGroup: v.ageGroup, sex: v.sex });
		if (!checked.ok) throw invalidResponse(checked.fieldErrors);
		const channel: SurveyChannel = hit.slip ? 'slip' : 'open';
		const windowSeconds = Math.max(FLAG_RULES.duplicateWindowSeconds, FLAG_RULES.burst.windowSeconds);
		const recent = await trx
			.selectFrom('survey_response')
			.select(['group', 'channel', 'answers', 'age_group', 'sex', 'submitted_at'])
			.where('campaign_id', '=', campaign.id)
			.where('channel', '=', channel)
			.where('submitted_at', '>=', new Date(now.getTime() - windowSeconds * 1000))
			.where('submitted_at', '<=', now)
			.execute();
		const flag = flagFor(
			{
				group: v.group,
				channel,
				answers: checked.value.answers,
				ageGroup: checked.value.ageGroup,
				sex: checked.value.sex,
				submittedAt: now
			},
			recent.map((r) => ({
				group: r.group,
				channel: r.channel,
				answers: r.answers,
				ageGroup: r.age_group,
				sex: r.sex,
				submittedAt: new Date(r.submitted_at)
			}))
		);
		if (hit.slip) {
			const used = await trx
				.updateTable('survey_slip')
				// the day only: an exact time would tie the printed code to its answer's submitted_at
				.set({ used_at: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) })
				.where('id', '=', hit.slip.id)
				.where('used_at', 'is', null)
				.returning('id')
				.executeTakeFirst();
			if (!used) throw conflict(SLIP_USED_MESSAGE);
		}
		await trx
			.insertInto('survey_response')
			.values({
				campaign_id: campaign.id,
				group: v.group,
				channel,
				template_code: template.code,
				template_version: template.version,
				answers: JSON.stringify(checked.value.answers),
				age_group: checked.value.ageGroup,
				sex: checked.value.sex,
				submitted_at: now,
				flag
			})
			.execute();
		// no identity to record: the public acts; the details say what arrived, not who sent it
		await recordAudit(trx, {
			actorId: null,
			actorLabel: 'public',
			action: SURVEY_AUDIT.response,
			objectType: 'survey_campaign',
			objectId: campaign.id,
			unitId: campaign.commune_id,
			details: { group: v.group, channel, flag }
		});
		return { ok: true } as const;
	});
}

// ---------------------------------------------------------------------------------------------
// Paper forms, flags
// ---------------------------------------------------------------------------------------------

const PaperRows = z
	.array(z.unknown(), { error: 'Danh sách phiếu giấy không hợp lệ' })
	.min(1, { error: 'Chưa có phiếu giấy nào' })
	.max(MAX_PAPER_ROWS, { error: `Mỗi lần nhập tối đa ${MAX_PAPER_ROWS.toLocaleString('vi-VN')} phiếu` });
const PaperRow = z.strictObject({
	group: GroupSchema,
	answers: z.record(z.string().max(40), z.unknown(), { error: 'Phiếu trả lời không hợp lệ' }),
	ageGroup: z.string().max(40).nullish(),
	sex: z.string().max(40).nullish()
});

/**
 * Records paper forms typed in by the commune's officer (channel 'paper', `entered_by` the
 * officer): all or none; a Vietnamese message per bad field, keyed `rows.<n>.answers.C1` (n from 1).
 */
export async function enterPaperResponses(
	db: DB,
	actor: Actor,
	campaignId: number,
	rows: { group: 'children' | 'children_young' | 'residents'; answers: Record<string, number>; ageGroup?: string; sex?: string }[]
): Promise<{ added: number }> {
	const list = parseInput(PaperRows, rows);
	const { campaign, assessment } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	const templates = await pinnedSurveyTemplates(db, campaign.templates);
	const values = list.map((raw, i) => {
		const prefix = `Phiếu giấy số ${i + 1}: `;
		const row = PaperRow.safeParse(raw);
		if (!row.success)
			throw invalid(`${prefix}${row.error.issues[0]?.message ?? 'không hợp lệ'}`, { [`rows.${i + 1}`]: 'Phiếu không hợp lệ' });
		const template = templates[row.data.group];
		if (!template)
			throw invalid(`${prefix}đợt khảo sát không có bảng hỏi cho nhóm này.`, { [`rows.${i + 1}.group`]: 'Nhóm không có bảng hỏi' });
		const checked = validateResponse(template, { answers: row.data.answers, ageGroup: row.data.ageGroup, sex: row.data.sex });
		if (!checked.ok) {
			const errors = Object.entries(checked.fieldErrors);
			throw invalid(`${prefix}${errors[0]![1]}`, Object.fromEntries(errors.map(([k, m]) => [`rows.${i + 1}.${k}`, m])));
		}
		return {
			campaign_id: campaign.id,
			group: row.data.group,
			channel: 'paper' as const,
			template_code: template.code,
			template_version: template.version,
			answers: JSON.stringify(checked.value.answers),
			age_group: checked.value.ageGroup,
			sex: checked.value.sex,
			flag: null,
			entered_by: actor.id
		};
	});
	return db.transaction().execute(async (trx) => {
		const locked = await trx
			.selectFrom('survey_campaign')
			.select('state')
			.where('id', '=', campaign.id)
			.forUpdate()
			.executeTakeFirstOrThrow();
		assertOpen(locked);
		for (let i = 0; i < values.length; i += 500)
			await trx
				.insertInto('survey_response')
				.values(values.slice(i, i + 500))
				.execute();
		const byGroup = Object.fromEntries(SURVEY_GROUPS.map((g) => [g, values.filter((x) => x.group === g).length]).filter(([, n]) => n));
		await recordAudit(trx, onAssessment(actor, assessment, SURVEY_AUDIT.paper, { campaignId: campaign.id, added: values.length, byGroup }));
		return { added: values.length };
	});
}

const AcceptInput = z.strictObject({
	responseIds: z.array(positiveId, { error: 'Danh sách phiếu không hợp lệ' }).min(1, { error: 'Chưa chọn phiếu nào' }).max(5000),
	accept: z.boolean()
});

/**
 * Accepts (counts) or un-accepts flagged responses of an open campaign. Only flagged responses of
 * this campaign change; returns how many did.
 */
export async function acceptFlagged(
	db: DB,
	actor: Actor,
	campaignId: number,
	responseIds: number[],
	accept: boolean
): Promise<{ changed: number }> {
	const v = parseInput(AcceptInput, { responseIds, accept });
	const { campaign, assessment } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	return db.transaction().execute(async (trx) => {
		const locked = await trx
			.selectFrom('survey_campaign')
			.select('state')
			.where('id', '=', campaign.id)
			.forUpdate()
			.executeTakeFirstOrThrow();
		assertOpen(locked);
		const changed = await trx
			.updateTable('survey_response')
			.set({ accepted: v.accept })
			.where('campaign_id', '=', campaign.id)
			.where('id', 'in', v.responseIds)
			.where('flag', 'is not', null)
			.where('accepted', '=', !v.accept)
			.returning('id')
			.execute();
		await recordAudit(
			trx,
			onAssessment(actor, assessment, SURVEY_AUDIT.accept, {
				campaignId: campaign.id,
				accept: v.accept,
				responseIds: changed.map((r) => r.id).sort((a, b) => a - b)
			})
		);
		return { changed: changed.length };
	});
}

// ---------------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------------

const INDICATOR_TITLES: Record<'TC13.1' | 'TC13.2', string> = {
	'TC13.1': 'Tỷ lệ trẻ em hài lòng về việc thực hiện quyền trẻ em',
	'TC13.2': 'Tỷ lệ người dân hài lòng về việc thực hiện quyền trẻ em'
};

const pct = (p: number | null) =>
	p === null ? '–' : `${p.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;

/** The survey report's data from the campaign as closed. */
async function reportData(
	db: DB,
	assessment: AssessmentInfo,
	campaign: CampaignRow,
	templates: Partial<Record<SurveyGroup, SurveyTemplate>>,
	responses: ResponseRecord[],
	results: SurveyResults
): Promise<SurveyReportDocument> {
	const [province, chair, base] = await Promise.all([
		assessment.commune.provinceId === null
			? undefined
			: db.selectFrom('admin_unit').select('name').where('id', '=', assessment.commune.provinceId).executeTakeFirst(),
		db
			.selectFrom('account')
			.select('full_name')
			.where('unit_id', '=', assessment.commune.id)
			.where('role', '=', 'commune_chair')
			.where('active', '=', true)
			.orderBy('id')
			.executeTakeFirst(),
		db.selectFrom('assessment').select('base_counts').where('id', '=', assessment.id).executeTakeFirstOrThrow()
	]);
	const suggested = suggestedSamples(toBaseCounts(base.base_counts));
	const flagged = responses.filter((r) => r.flag !== null);
	const channels: SurveyChannel[] = ['slip', 'open', 'paper'];
	return {
		kind: 'survey_report',
		marks: { preview: false, provisional: false },
		issuer: committeeIssuer(assessment.commune.name, province?.name ?? ''),
		date: vnDate(),
		commune: assessment.commune.name,
		round: assessment.round.name,
		opensOn: campaign.opens_on,
		closesOn: campaign.closes_on,
		method: [
			'Khảo sát trên phần mềm, không ghi tên và không thu thập thông tin cá nhân của người trả lời. Trẻ em trả lời bằng mã phiếu dùng một lần (in trên phiếu phát tại trường học, buổi họp) hoặc trên phiếu giấy; trẻ em nhỏ trả lời với sự giúp đỡ của người lớn; người dân trả lời qua mã phiếu, đường dẫn mở hoặc phiếu giấy. Phiếu giấy do cán bộ xã nhập lại vào phần mềm.',
			'Một người trả lời được tính là hài lòng khi điểm trung bình các câu trả lời của người đó đạt ngưỡng của bảng hỏi (thang 5 mức: từ 4 «Hài lòng» trở lên; thang 3 khuôn mặt: từ 2,5 trở lên). Tỷ lệ hài lòng = số người hài lòng / số phiếu hợp lệ × 100, làm tròn 2 chữ số thập phân. Chỉ số TC13.1 tính chung hai nhóm trẻ em; TC13.2 tính nhóm người dân.'
		],
		provisionalNotice: provisionalNoticeOf(templates),
		sampleRule: SAMPLE_RULE_TEXT,
		figures: (['TC13.1', 'TC13.2'] as const).map((code) => {
			const f = results.tc13[code];
			return {
				indicator: code,
				title: INDICATOR_TITLES[code],
				base: f.base,
				satisfied: f.satisfied,
				percent: pct(f.percent),
				target: code === 'TC13.1' ? campaign.target_children : campaign.target_residents,
				suggested: code === 'TC13.1' ? suggested.children : suggested.residents
			};
		}),
		groups: results.groups.map((g) => {
			const t = templates[g.group]!;
			return {
				label: SURVEY_GROUP_LABELS[g.group],
				template: `${t.name} (${t.code}, phiên bản ${t.version}${t.provisional ? ', bảng hỏi tạm thời' : ''})`,
				base: g.base,
				satisfied: g.satisfied,
				percent: pct(g.percent),
				byChannel: channels.map((c) => ({ label: CHANNEL_LABELS[c], count: g.byChannel[c] })),
				excluded: g.excluded,
				questions: g.questions.map((q) => ({
					code: q.code,
					text: q.text,
					counts: q.counts.map((c) => ({ label: c.label, count: c.count })),
					satisfiedPercent: pct(q.satisfiedPercent)
				})),
				breakdowns: [
					{ title: 'Nhóm tuổi', rows: g.byAgeGroup.map((r) => ({ label: r.label, base: r.base, percent: pct(r.percent) })) },
					{ title: 'Giới tính', rows: g.bySex.map((r) => ({ label: r.label, base: r.base, percent: pct(r.percent) })) }
				]
			};
		}),
		flags: (['duplicate', 'burst'] as const).map((f) => {
			const these = flagged.filter((r) => r.flag === f);
			const acceptedCount = these.filter((r) => r.accepted).length;
			return { label: FLAG_LABELS[f], flagged: these.length, accepted: acceptedCount, excluded: these.length - acceptedCount };
		}),
		flagRule:
			`Phần mềm tự đánh dấu, chỉ dựa trên câu trả lời (không lưu địa chỉ mạng hay thông tin thiết bị): phiếu trùng lặp là phiếu có cùng câu trả lời với một phiếu gửi qua đường dẫn mở trong vòng ${FLAG_RULES.duplicateWindowSeconds} giây trước đó; ` +
			`phiếu gửi dồn dập là phiếu đến khi đã có từ ${FLAG_RULES.burst.max} phiếu trở lên qua đường dẫn mở trong ${FLAG_RULES.burst.windowSeconds} giây trước đó. ` +
			'Phiếu bị đánh dấu không được tính vào kết quả, trừ khi cán bộ xã xem xét và chấp nhận.',
		signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: chair?.full_name ?? '' },
		recipients: ['Cấp thẩm định;', 'Lưu: VT.']
	};
}

/**
 * Closes the campaign (refused when already closed): computes the figures from the counted
 * responses, writes TC13.1 (both children's groups) and TC13.2 (residents) through the normal
 * save path (`saveAnswer`: audited, optimistic concurrency on the current revision) for each
 * indicator with at least one valid response, generates the survey report PDF and attaches it as
 * evidence linked to those indicators (`addEvidence`). The campaign is marked closed first (so no
 * answer arrives while closing, and a second close is refused); if a later step fails it is
 * reopened and the error rethrown (an answer already saved stays, as any saved answer does).
 */
export async function closeCampaign(
	db: DB,
	store: FileStore,
	actor: Actor,
	campaignId: number,
	opts: { tmpDir: string }
): Promise<{ tc13: Record<string, number> }> {
	const { campaign, assessment } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	if (!isCommuneEditable(assessment.state)) throw conflict('Hồ sơ không còn ở trạng thái xã được sửa: không kết thúc được đợt khảo sát.');
	const closed = await db
		.updateTable('survey_campaign')
		.set({ state: 'closed', closed_at: sql<Date>`now()`, closed_by: actor.id })
		.where('id', '=', campaign.id)
		.where('state', '=', 'open')
		.returning('id')
		.executeTakeFirst();
	if (!closed) throw conflict('Đợt khảo sát đã kết thúc trước đó.');
	let tmpFile: string | null = null;
	try {
		const [templates, responses, set] = await Promise.all([
			pinnedSurveyTemplates(db, campaign.templates),
			responseRecords(db, campaign.id),
			assessmentCriteriaSet(db, assessment)
		]);
		const results = surveyResults(templates, responses, { children: campaign.target_children, residents: campaign.target_residents });
		const inSet = new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.code)));
		const written = (['TC13.1', 'TC13.2'] as const).filter((code) => results.tc13[code].base > 0 && inSet.has(code));
		if (!written.length) throw invalid('Chưa có phiếu trả lời hợp lệ nào: chưa thể kết thúc đợt khảo sát.');
		const period = `${viDate(campaign.opens_on)} – ${viDate(campaign.closes_on)}`;
		const tc13: Record<string, number> = {};
		for (const code of written) {
			const f = results.tc13[code];
			const answer = validateOneAnswer(set, code, { percent: f.percent!, source: `Khảo sát trên phần mềm (n = ${f.base})`, period });
			const stored = await loadStoredAnswers(db, assessment.id, [code]);
			await saveAnswer(db, actor, assessment, { indicator: code, answer, expectedRevision: stored[code]?.revision ?? 0 });
			tc13[code] = f.percent!;
		}
		const data = await reportData(db, assessment, { ...campaign, state: 'closed' }, templates, responses, results);
		const pdf = await renderInPool(data);
		const sha256 = crypto.createHash('sha256').update(pdf).digest('hex');
		await fs.mkdir(opts.tmpDir, { recursive: true });
		tmpFile = path.join(opts.tmpDir, `survey-${campaign.id}-${crypto.randomBytes(6).toString('hex')}.pdf`);
		await fs.writeFile(tmpFile, pdf);
		const added = await addEvidence(db, store, set, {
			assessment,
			actor,
			meta: {
				kind: 'evidence',
				indicatorCodes: [...written],
				docNumber: null,
				issuedOn: vnDate(),
				issuer: `UBND ${assessment.commune.name}`,
				summary: `Báo cáo kết quả khảo sát mức độ hài lòng (${written.map((c) => `${c}: ${pct(results.tc13[c].percent)}, n = ${results.tc13[c].base}`).join('; ')})`
			},
			file: {
				tempPath: tmpFile,
				sha256,
				size: pdf.length,
				mime: 'application/pdf',
				ext: 'pdf',
				originalName: `Báo cáo khảo sát mức độ hài lòng - ${assessment.commune.name}.pdf`
			}
		});
		await recordAudit(
			db,
			onAssessment(actor, assessment, SURVEY_AUDIT.close, {
				campaignId: campaign.id,
				tc13: Object.fromEntries(written.map((c) => [c, { percent: results.tc13[c].percent, base: results.tc13[c].base }])),
				responses: responses.length,
				counted: responses.filter(isCounted).length,
				evidenceId: added.id
			})
		);
		return { tc13 };
	} catch (e) {
		await db
			.updateTable('survey_campaign')
			.set({ state: 'open', closed_at: null, closed_by: null })
			.where('id', '=', campaign.id)
			.execute();
		throw e;
	} finally {
		if (tmpFile) await fs.rm(tmpFile, { force: true });
	}
}

/** The age groups and sexes a template offers (for pages and exports): label by code. */
export function profileLabels(template: SurveyTemplate): { ageGroups: Record<string, string>; sex: Record<string, string> } {
	return {
		ageGroups: Object.fromEntries((template.profile.ageGroups ?? []).map((a) => [a.code, a.label])),
		sex: template.profile.sex ? Object.fromEntries(SEX_OPTIONS.map((s) => [s.code, s.label])) : {}
	};
}

// ---------------------------------------------------------------------------------------------
// Slip batches (added with the pages: printing a batch again)
// ---------------------------------------------------------------------------------------------

export type SlipBatch = { batch: number; group: SurveyGroup; label: string; count: number; used: number; issuedAt: string };

/**
 * The slip batches of a campaign, newest first: one `issueSlips` call is one batch (its slips
 * share their `created_at`, the transaction's time), named by its first slip's id.
 * `survey.manage` on the campaign (the codes are the commune's to hand out, not the reviewer's).
 */
export async function slipBatches(db: DB, actor: Actor, campaignId: number): Promise<SlipBatch[]> {
	const { campaign } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	const rows = await db
		.selectFrom('survey_slip')
		.select([
			'group',
			'created_at',
			sql<number>`min(id)::int`.as('batch'),
			sql<number>`count(*)::int`.as('count'),
			sql<number>`count(used_at)::int`.as('used')
		])
		.where('campaign_id', '=', campaign.id)
		.groupBy(['group', 'created_at'])
		.orderBy('batch', 'desc')
		.execute();
	return rows.map((r) => ({
		batch: Number(r.batch),
		group: r.group,
		label: SURVEY_GROUP_LABELS[r.group],
		count: Number(r.count),
		used: Number(r.used),
		issuedAt: vnDateTime(new Date(r.created_at))
	}));
}

/** The codes of one batch (see `slipBatches`), in issue order, for printing; "not found" for a batch of another campaign. */
export async function slipBatchCodes(
	db: DB,
	actor: Actor,
	campaignId: number,
	batch: number
): Promise<{ group: SurveyGroup; codes: string[]; communeName: string }> {
	const { campaign, assessment } = await authorizeCampaign(db, actor, 'survey.manage', campaignId);
	const first = positiveId.safeParse(batch).success
		? await db
				.selectFrom('survey_slip')
				.select(['group', 'created_at'])
				.where('id', '=', batch)
				.where('campaign_id', '=', campaign.id)
				.executeTakeFirst()
		: undefined;
	if (!first) throw notFound('Không tìm thấy lần in phiếu này.');
	const rows = await db
		.selectFrom('survey_slip')
		.select('code')
		.where('campaign_id', '=', campaign.id)
		.where('group', '=', first.group)
		.where('created_at', '=', first.created_at)
		.where('id', '>=', batch)
		.orderBy('id')
		.execute();
	return { group: first.group, codes: rows.map((r) => r.code), communeName: assessment.commune.name };
}

/**
 * What the officer's page shows before a campaign is opened: the suggested minimum samples from
 * the assessment's base counts and the rule behind them. `assessment.read` on the assessment.
 */
export async function surveySuggestion(
	db: DB,
	actor: Actor,
	assessmentId: number
): Promise<{ suggested: { children: number; residents: number }; sampleRule: string }> {
	const { assessment } = await authorizeAssessmentId(db, actor, 'assessment.read', assessmentId);
	const base = await db.selectFrom('assessment').select('base_counts').where('id', '=', assessment.id).executeTakeFirstOrThrow();
	return { suggested: suggestedSamples(toBaseCounts(base.base_counts)), sampleRule: SAMPLE_RULE_TEXT };
}
