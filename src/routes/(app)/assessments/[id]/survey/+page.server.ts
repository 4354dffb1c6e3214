import QRCode from 'qrcode';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { allowedOn, authorizeAssessment } from '#lib/server/auth/guard.ts';
import { placeOf } from '#lib/server/dossier/index.ts';
import { conflict, invalid } from '#lib/server/errors.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import {
	acceptFlagged,
	closeCampaign,
	enterPaperResponses,
	issueSlips,
	openCampaign,
	slipBatches,
	surveyCampaign,
	surveySuggestion
} from '#lib/server/surveys/index.ts';
import { surveyLink } from '#lib/server/surveys/print.ts';
import { chosen, responseFromForm } from '#lib/components/survey/answers.ts';
import { vnDate } from '#lib/domain/dates.ts';
import { isCommuneEditable } from '#lib/domain/workflow.ts';
import { SURVEY_GROUPS, type SurveyGroup } from '#lib/domain/surveys/templates.ts';
import type { Actor } from '#lib/domain/access.ts';
import type { AssessmentInfo } from '#lib/server/dossier/index.ts';
import type { Actions, PageServerLoad } from './$types';

// The commune's satisfaction survey for criterion 13 (issue 15): open it, follow it (counts
// against the targets, the public link and its QR code, slips, paper forms, results, flags),
// close it (which writes TC13 and attaches the report). Reading: whoever reads the dossier;
// every change: `survey.manage` (the commune's officer and chair).

const origin = (url: URL) => appConfig().publicUrl ?? url.origin;

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const survey = await surveyCampaign(db(), a, assessment);
		const mayManage = allowedOn(a, 'survey.manage', placeOf(assessment));
		const editable = isCommuneEditable(assessment.state);
		const openUrl = survey?.openToken ? surveyLink(origin(event.url), survey.openToken) : null;
		const wanted = event.url.searchParams.get('nhap');
		const paperGroup = survey?.templates.find((t) => t.group === wanted)?.group ?? survey?.templates[0]?.group ?? null;
		return {
			assessment: { id: assessment.id, communeName: assessment.commune.name, roundName: assessment.round.name, state: assessment.state },
			survey,
			suggestion: survey ? null : await surveySuggestion(db(), a, assessment.id),
			mayManage,
			canOpenEvidence: allowedOn(a, 'evidence.read', placeOf(assessment)),
			editable,
			openUrl,
			openQr: openUrl
				? `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(openUrl, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' })).toString('base64')}`
				: null,
			batches: survey && mayManage ? await slipBatches(db(), a, survey.id) : [],
			paperGroup,
			defaults: { opensOn: vnDate(), closesOn: vnDate(Date.now() + 30 * 86_400_000) }
		};
	});

const num = (v: FormDataEntryValue | null | undefined) => {
	const s = String(v ?? '').trim();
	return /^\d{1,7}$/.test(s) ? Number(s) : s === '' ? Number.NaN : Number.NaN;
};

async function campaignOf(a: Actor, assessment: AssessmentInfo) {
	const survey = await surveyCampaign(db(), a, assessment);
	if (!survey) throw conflict('Chưa mở đợt khảo sát cho hồ sơ này.');
	return survey;
}

export const actions: Actions = {
	open: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
			const data = await readForm(event.request);
			try {
				await openCampaign(db(), a, {
					assessmentId: assessment.id,
					opensOn: String(data?.get('opensOn') ?? ''),
					closesOn: String(data?.get('closesOn') ?? ''),
					targetChildren: num(data?.get('targetChildren')),
					targetResidents: num(data?.get('targetResidents')),
					openLink: data?.get('openLink') === 'on'
				});
			} catch (e) {
				return refusal(e, { form: 'open', values: chosen(data) });
			}
			return { form: 'open', done: 'Đã mở đợt khảo sát.' };
		}),
	slips: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
			const data = await readForm(event.request);
			const group = String(data?.get('group') ?? '') as SurveyGroup;
			try {
				const survey = await campaignOf(a, assessment);
				const { codes } = await issueSlips(db(), a, survey.id, { group, count: num(data?.get('count')) });
				const batch = (await slipBatches(db(), a, survey.id)).find((b) => b.group === group);
				return { form: 'slips', done: `Đã tạo ${codes.length} mã phiếu.`, batch: batch?.batch ?? null };
			} catch (e) {
				return refusal(e, { form: 'slips', values: chosen(data) });
			}
		}),
	paper: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
			const data = await readForm(event.request);
			try {
				const survey = await campaignOf(a, assessment);
				const t = survey.templates.find((x) => x.group === String(data?.get('group') ?? ''));
				if (!t || !(SURVEY_GROUPS as readonly string[]).includes(t.group)) throw invalid('Hãy chọn nhóm của phiếu giấy.');
				await enterPaperResponses(db(), a, survey.id, [{ group: t.group, ...responseFromForm(data, t.template) }]);
				const total = survey.responses.byChannel.paper + 1;
				return { form: 'paper', done: `Đã lưu phiếu giấy (${t.label}). Tổng số phiếu giấy đã nhập: ${total}.`, group: t.group };
			} catch (e) {
				return refusal(e, { form: 'paper', values: chosen(data) });
			}
		}),
	flags: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
			const data = await readForm(event.request);
			try {
				const survey = await campaignOf(a, assessment);
				const ids = (data?.getAll('responseId') ?? []).map((v) => num(v));
				const accept = data?.get('accept') === '1';
				const { changed } = await acceptFlagged(db(), a, survey.id, ids, accept);
				return { form: 'flags', done: `${accept ? 'Đã tính' : 'Đã bỏ không tính'} ${changed} phiếu bị đánh dấu.` };
			} catch (e) {
				return refusal(e, { form: 'flags' });
			}
		}),
	close: (event) =>
		action(event, async (actor) => {
			const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'survey.manage', event.params.id);
			const data = await readForm(event.request);
			try {
				if (data?.get('confirm') !== 'on')
					throw invalid('Hãy đánh dấu ô xác nhận trước khi kết thúc khảo sát.', { confirm: 'Chưa xác nhận' });
				const survey = await campaignOf(a, assessment);
				const { tc13 } = await closeCampaign(db(), fileStore(), a, survey.id, { tmpDir: appConfig().storage.tmpDir });
				const figures = Object.entries(tc13)
					.map(([code, p]) => `${code}: ${p.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`)
					.join('; ');
				return { form: 'close', done: `Đã kết thúc khảo sát và ghi kết quả vào hồ sơ (${figures}).` };
			} catch (e) {
				return refusal(e, { form: 'close' });
			}
		})
};
