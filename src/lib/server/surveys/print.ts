/**
 * The data of the survey's printed matter (survey-print.ts) from the campaign as the officer's
 * page reads it: the slips of a batch, the poster of the open link, the paper questionnaire.
 * Pure (no database): the routes fetch the campaign, authorized, and pass it here.
 */
import { vnDate } from '../../domain/dates.ts';
import { SEX_OPTIONS, type SurveyGroup } from '../../domain/surveys/templates.ts';
import { SURVEY_GROUP_LABELS } from '../../domain/surveys/templates.ts';
import type { SurveyCampaignView } from './index.ts';
import type { SurveyPaperFormDocument, SurveyPosterDocument, SurveySlipsDocument } from '../documents/types.ts';

/** The public page of a token ("https://…/khao-sat/<token>"). */
export const surveyLink = (origin: string, token: string): string => `${origin.replace(/\/+$/, '')}/khao-sat/${token}`;

export function slipsData(
	origin: string,
	campaign: Pick<SurveyCampaignView, 'communeName' | 'closesOn'>,
	batch: { group: SurveyGroup; codes: string[] }
): SurveySlipsDocument {
	return {
		kind: 'survey_slips',
		date: vnDate(),
		commune: campaign.communeName,
		groupLabel: SURVEY_GROUP_LABELS[batch.group],
		slips: batch.codes.map((code) => ({ code, url: surveyLink(origin, code) })),
		manualUrl: `${origin.replace(/\/+$/, '')}/khao-sat`,
		closesOn: campaign.closesOn
	};
}

export function posterData(origin: string, campaign: SurveyCampaignView, openToken: string): SurveyPosterDocument {
	return {
		kind: 'survey_poster',
		date: vnDate(),
		commune: campaign.communeName,
		url: surveyLink(origin, openToken),
		opensOn: campaign.opensOn,
		closesOn: campaign.closesOn,
		groups: campaign.templates.map((t) => t.label)
	};
}

export function paperFormData(campaign: SurveyCampaignView): SurveyPaperFormDocument {
	return {
		kind: 'survey_paper_form',
		date: vnDate(),
		commune: campaign.communeName,
		round: campaign.roundName,
		provisionalNotice: campaign.provisionalNotice,
		forms: campaign.templates.map(({ label, template }) => ({
			group: label,
			name: template.name,
			intro: template.intro,
			questions: template.questions.map((q) => ({ code: q.code, text: q.text, options: q.scale.map((o) => `${o.value}. ${o.label}`) })),
			ageGroups: (template.profile.ageGroups ?? []).map((a) => a.label),
			sex: template.profile.sex ? SEX_OPTIONS.map((s) => s.label) : []
		}))
	};
}
