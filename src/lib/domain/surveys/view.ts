/**
 * What the pages show of a survey campaign (the officer's, the reviewer's): the shape the server
 * module fills (`surveyCampaign`) and the components read. Types only.
 */
import type { SurveyGroup, SurveyTemplate } from './templates.ts';
import type { SurveyChannel, SurveyFlag, SurveyResults } from './results.ts';

export type FlaggedResponse = {
	id: number;
	group: SurveyGroup;
	groupLabel: string;
	channel: SurveyChannel;
	channelLabel: string;
	/** dd/mm/yyyy hh:mm (Vietnam). */
	submittedAt: string;
	flag: SurveyFlag;
	flagLabel: string;
	accepted: boolean;
	answers: Record<string, number>;
	ageGroup: string | null;
	sex: string | null;
};

export type SurveyCampaignView = {
	id: number;
	assessmentId: number;
	communeName: string;
	roundName: string;
	state: 'open' | 'closed';
	stateLabel: string;
	/** 'YYYY-MM-DD' (pages show them as dd/mm/yyyy). */
	opensOn: string;
	closesOn: string;
	openedAt: Date;
	openedBy: string;
	closedAt: Date | null;
	closedBy: string | null;
	/** Answers accepted now (open, and today within the dates). */
	acceptingNow: boolean;
	targets: { children: number; residents: number };
	/** The product's suggestion (not a regulation): children from the base counts' under16. */
	suggested: { children: number; residents: number };
	sampleRule: string;
	/** The open link's token (only for those who manage the campaign; null when the open link is off). */
	openToken: string | null;
	templates: { group: SurveyGroup; label: string; template: SurveyTemplate }[];
	/** Whether a questionnaire in use is provisional, and the notice to show. */
	provisionalNotice: string | null;
	slips: { group: SurveyGroup; label: string; issued: number; used: number }[];
	responses: { total: number; counted: number; byChannel: Record<SurveyChannel, number>; flagged: number; excluded: number };
	results: SurveyResults;
	/** Flagged responses, newest first: shown to the officer and the reviewer. */
	flagged: FlaggedResponse[];
	/** The actor may issue slips, enter paper forms, accept flags and close. */
	mayManage: boolean;
};
