/** Hand-written table types for Kysely (one interface per table, columns in snake_case). */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CommuneCategory, UnitEra, UnitLevel } from '../../domain/units.ts';
import type { Role } from '../../domain/access.ts';
import type { DecisionOutcome, Recommendation, ReviewItemStatus, SubmissionSnapshot } from '../../domain/review.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AdminUnitTable {
	id: Generated<number>;
	era: UnitEra;
	level: UnitLevel;
	code: string;
	name: string;
	kind: string;
	parent_id: number | null;
	province_id: number | null;
	district_id: number | null;
	category: CommuneCategory | null;
	category_source: 'derived' | 'set' | null;
	/** The name's key in Vietnamese alphabetical order (domain/text.ts sortKey); filled at import. */
	sort_key: string | null;
	/** The name without diacritics, lower case (domain/text.ts fold); filled at import. */
	search_name: string | null;
}

export interface UnitLineageTable {
	unit_id: number;
	old_unit_id: number;
	share: 'full' | 'partial';
}

export interface AccountTable {
	id: Generated<number>;
	email: string;
	full_name: string;
	role: Role;
	unit_id: number | null;
	password_hash: string;
	active: Generated<boolean>;
	created_at: Timestamp;
	updated_at: Timestamp;
}

export interface SessionTable {
	id: string;
	account_id: number;
	secret_hash: Uint8Array;
	created_at: Timestamp;
	last_seen_at: Timestamp;
}

export interface LoginAttemptTable {
	id: Generated<number>;
	key: string;
	at: Timestamp;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: Timestamp;
	actor_id: number | null;
	actor_label: string | null;
	action: string;
	object_type: string | null;
	object_id: string | null;
	unit_id: number | null;
	ip: string | null;
	details: ColumnType<unknown, string, never>;
	/** `unit:<id>`, `account:<id>` or `anon:<0-f>` (see src/lib/server/audit/chain.ts). */
	chain: string;
	/** 1, 2, 3… within the chain. */
	seq: number;
	prev_hash: string;
	hash: string;
}

/** The head (last record) of every audit chain, and of the chain of anchors (`anchor`). */
export interface AuditChainHeadTable {
	chain: string;
	seq: Generated<number>;
	hash: Generated<string>;
}

/** The heads as of the last anchor (what the next anchor's delta is computed against). */
export interface AuditAnchoredHeadTable {
	chain: string;
	seq: number;
	hash: string;
}

/** Anchors over every chain's head, themselves chained (append-only). */
export interface AuditAnchorTable {
	seq: number;
	at: Timestamp;
	chains: number;
	records: number;
	root: string;
	/** [chain, seq, hash] of the heads changed since the previous anchor. */
	delta: ColumnType<[string, number, string][], string, never>;
	details: ColumnType<Record<string, unknown>, string, never>;
	prev_hash: string;
	hash: string;
}

export interface CriteriaSetTable {
	id: Generated<number>;
	code: string;
	version: number;
	name: string;
	status: 'draft' | 'active' | 'retired';
	definition: ColumnType<unknown, string, string>;
	total_points: number;
	unverified_items: number;
	confirmed_by: number | null;
	confirmed_at: Date | null;
	created_by: number | null;
	/** Who last edited the set (imported it, or saved the draft): not the one to confirm its items. */
	edited_by: number | null;
	/** The official text (a PDF) attached to the version. */
	official_text_file_id: number | null;
	created_at: Timestamp;
	updated_at: Timestamp;
}

/** Four eyes per item of a set: who said it was checked against the gazetted text, who confirmed it. */
export interface CriteriaItemCheckTable {
	criteria_set_id: number;
	item_code: string;
	claimed_by: number | null;
	claimed_at: Date | null;
	confirmed_by: number | null;
	confirmed_at: Date | null;
}

export type AssessmentState = import('../../domain/workflow.ts').AssessmentState;
export type EvidenceKind = import('../../domain/workflow.ts').EvidenceKind;

export interface RoundTable {
	id: Generated<number>;
	name: string;
	year: number;
	criteria_set_id: number;
	era: UnitEra;
	/** 'YYYY-MM-DD' */
	opens_on: string;
	/** 'YYYY-MM-DD' */
	closes_on: string;
	created_by: number | null;
	created_at: Timestamp;
}

export interface AssessmentTable {
	id: Generated<number>;
	round_id: number;
	commune_id: number;
	/** The commune's province and district, set by a trigger from admin_unit (for the boards' indexes). */
	province_id: ColumnType<number | null, never, never>;
	district_id: ColumnType<number | null, never, never>;
	criteria_set_id: number;
	category: CommuneCategory;
	state: Generated<AssessmentState>;
	state_version: Generated<number>;
	base_counts: ColumnType<Record<string, number>, string | undefined, string>;
	base_revision: Generated<number>;
	reopened_until: string | null;
	submitted_at: Date | null;
	submitted_by: number | null;
	created_at: Timestamp;
	updated_at: Timestamp;
	/** The dossier's figures (see dossier/refreshFigures), kept by every save. */
	self_total: Generated<number>;
	self_verdict: Generated<'pass' | 'fail' | 'incomplete'>;
	reviewed_total: Generated<number>;
	reviewed_verdict: Generated<'pass' | 'fail' | 'incomplete'>;
	blockers: Generated<number>;
	figures_rev: Generated<number>;
	/** How many times the figures were written: moves with every change of what they are computed from. */
	figures_seq: Generated<number>;
	/** Who last saved the base counts, and when. */
	base_updated_by: number | null;
	base_updated_at: Date | null;
}

export interface ReviewParticipantTable {
	assessment_id: number;
	account_id: number;
	first_at: Generated<Date>;
	last_at: Generated<Date>;
}

export interface CertificatePrintTable {
	id: Generated<number>;
	certificate_id: number;
	printed_by: number;
	printed_at: Generated<Date>;
	/** The reason given for a reprint (null for the first print). */
	reason: string | null;
}

export interface AssessmentAnswerTable {
	assessment_id: number;
	indicator_code: string;
	answer: ColumnType<unknown, string, string>;
	revision: Generated<number>;
	updated_by: number | null;
	updated_at: Timestamp;
}

export interface StoredFileTable {
	id: Generated<number>;
	sha256: string;
	size: number;
	mime: string;
	ext: string;
	storage_key: string;
	created_at: Timestamp;
}

export interface EvidenceTable {
	id: Generated<number>;
	assessment_id: number;
	file_id: number;
	kind: EvidenceKind;
	original_name: string;
	doc_number: string | null;
	/** 'YYYY-MM-DD' */
	issued_on: string | null;
	issuer: string | null;
	summary: string | null;
	uploaded_by: number;
	uploaded_at: Timestamp;
	removed_at: Date | null;
}

export interface EvidenceLinkTable {
	evidence_id: number;
	indicator_code: string;
}

export interface ReviewItemTable {
	assessment_id: number;
	indicator_code: string;
	points: number | null;
	reason: string | null;
	status: Generated<ReviewItemStatus>;
	request: string | null;
	revision: Generated<number>;
	updated_by: number;
	updated_at: Timestamp;
}

export interface ReviewCommentTable {
	id: Generated<number>;
	assessment_id: number;
	indicator_code: string;
	author_id: number;
	body: string;
	created_at: Timestamp;
}

export interface SubmissionTable {
	id: Generated<number>;
	assessment_id: number;
	seq: number;
	submitted_by: number;
	submitted_at: Timestamp;
	snapshot: ColumnType<SubmissionSnapshot, string, never>;
	total: number;
	verdict: string;
}

export type CorrectionItem = { indicatorCode: string; title: string; request: string };

export interface CorrectionRequestTable {
	id: Generated<number>;
	assessment_id: number;
	created_by: number;
	created_at: Timestamp;
	message: string;
	items: ColumnType<CorrectionItem[], string, never>;
}

export type AppraisedCriterion = { code: string; title: string; maxPoints: number; selfPoints: number; reviewedPoints: number };

export interface AppraisalTable {
	id: Generated<number>;
	assessment_id: number;
	reviewer_id: number;
	recommendation: Recommendation;
	self_total: number;
	reviewed_total: number;
	reviewed_verdict: string;
	criteria: ColumnType<AppraisedCriterion[], string, never>;
	remarks: string;
	created_at: Timestamp;
}

export interface DecisionTable {
	id: Generated<number>;
	number: string;
	issuing_unit_id: number;
	outcome: DecisionOutcome;
	/** 'YYYY-MM-DD' */
	issued_on: string;
	signer_name: string;
	signer_title: string;
	round_id: number;
	issued_by: number;
	created_at: Timestamp;
}

export interface DecisionItemTable {
	id: Generated<number>;
	decision_id: number;
	assessment_id: number;
	commune_id: number;
	category: string;
	reviewed_total: number;
	valid_from: string | null;
	valid_until: string | null;
}

export interface RevocationTable {
	id: Generated<number>;
	decision_item_id: number;
	reason: string;
	revoked_by: number;
	revoked_at: Timestamp;
}

export interface NotificationTable {
	id: Generated<number>;
	account_id: number;
	assessment_id: number | null;
	kind: string;
	message: string;
	link: string;
	created_at: Timestamp;
	read_at: Date | null;
}

export interface CertificateTable {
	id: Generated<number>;
	decision_item_id: number;
	serial: string;
	code: string;
	payload: string;
	key_id: string;
	file_id: number;
	pdf_sha256: string;
	issued_by: number;
	issued_at: Timestamp;
}

export interface DocumentJobTable {
	id: Generated<number>;
	kind: string;
	decision_id: number;
	total: number;
	done: Generated<number>;
	status: Generated<'running' | 'done' | 'failed'>;
	error: string | null;
	created_by: number;
	created_at: Timestamp;
	finished_at: Date | null;
	/** Written by the running job every few seconds (the database's clock); a stale one means the job died. */
	heartbeat_at: Timestamp;
}

export type SurveyGroupColumn = 'children' | 'children_young' | 'residents';

/** A survey questionnaire (issue 15): versioned data, `definition` as domain/surveys/templates.ts's SurveyTemplate. */
export interface SurveyTemplateTable {
	id: Generated<number>;
	code: string;
	version: number;
	group: SurveyGroupColumn;
	status: Generated<'draft' | 'active' | 'retired'>;
	definition: ColumnType<unknown, string, string>;
	created_at: Timestamp;
}

/** One satisfaction survey per assessment. Dates as 'YYYY-MM-DD' strings. */
export interface SurveyCampaignTable {
	id: Generated<number>;
	assessment_id: number;
	commune_id: number;
	opened_by: number;
	opened_at: Timestamp;
	opens_on: ColumnType<string, string, string>;
	closes_on: ColumnType<string, string, string>;
	target_children: number;
	target_residents: number;
	/** The pinned templates: { group: { code, version } }. */
	templates: ColumnType<Partial<Record<SurveyGroupColumn, { code: string; version: number }>>, string, string>;
	open_token: string | null;
	state: Generated<'open' | 'closed'>;
	closed_at: Date | null;
	closed_by: number | null;
}

/** A single-use code printed on a slip. */
export interface SurveySlipTable {
	id: Generated<number>;
	campaign_id: number;
	code: string;
	group: SurveyGroupColumn;
	created_at: Timestamp;
	used_at: Date | null;
}

/** One respondent's answers: nothing that identifies anyone. */
export interface SurveyResponseTable {
	id: Generated<number>;
	campaign_id: number;
	group: SurveyGroupColumn;
	channel: 'slip' | 'open' | 'paper';
	template_code: string;
	template_version: number;
	answers: ColumnType<Record<string, number>, string, string>;
	age_group: string | null;
	sex: string | null;
	submitted_at: Timestamp;
	flag: 'duplicate' | 'burst' | null;
	accepted: Generated<boolean>;
	entered_by: number | null;
}

export interface Database {
	survey_template: SurveyTemplateTable;
	survey_campaign: SurveyCampaignTable;
	survey_slip: SurveySlipTable;
	survey_response: SurveyResponseTable;
	certificate: CertificateTable;
	certificate_print: CertificatePrintTable;
	review_participant: ReviewParticipantTable;
	document_job: DocumentJobTable;
	review_item: ReviewItemTable;
	review_comment: ReviewCommentTable;
	submission: SubmissionTable;
	correction_request: CorrectionRequestTable;
	appraisal: AppraisalTable;
	decision: DecisionTable;
	decision_item: DecisionItemTable;
	revocation: RevocationTable;
	notification: NotificationTable;
	round: RoundTable;
	assessment: AssessmentTable;
	assessment_answer: AssessmentAnswerTable;
	stored_file: StoredFileTable;
	evidence: EvidenceTable;
	evidence_link: EvidenceLinkTable;
	criteria_set: CriteriaSetTable;
	criteria_item_check: CriteriaItemCheckTable;
	admin_unit: AdminUnitTable;
	unit_lineage: UnitLineageTable;
	account: AccountTable;
	session: SessionTable;
	login_attempt: LoginAttemptTable;
	audit_log: AuditLogTable;
	audit_chain_head: AuditChainHeadTable;
	audit_anchored_head: AuditAnchoredHeadTable;
	audit_anchor: AuditAnchorTable;
}

export type AdminUnit = Selectable<AdminUnitTable>;
export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
