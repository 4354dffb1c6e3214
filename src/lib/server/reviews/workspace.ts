/**
 * Everything the review page shows for one assessment, from its dossier: each criterion and
 * indicator with the commune's answer and points, the reviewer's points, status and reasons, the
 * evidence backing it, the comment thread and whether it changed since the previous submission;
 * the totals and verdicts (self and reviewed); the correction request, the changes and the
 * appraisal.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Dossier } from '../dossier/index.ts';
import { VIEWABLE_TYPES } from '../../domain/evidence.ts';
import { answerSource, answerSummary } from '../../domain/dossier.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { VERDICT_LABELS } from '../../domain/scoring/index.ts';
import { submissionChanges, toSubmission, type SubmissionRow } from '../assessments/submissions.ts';
import {
	isUndecided,
	toAppraisal,
	toComment,
	toCorrectionRequest,
	type AppraisalRow,
	type CommentRow,
	type CorrectionRequestRow
} from './index.ts';

type DecisionRow = {
	decision_id: number;
	number: string;
	issued_on: string;
	outcome: 'recognise' | 'not_recognise';
	signer_name: string;
	signer_title: string;
	id: number;
	valid_from: string | null;
	valid_until: string | null;
	revoked_reason: string | null;
	revoked_at: string | Date | null;
};

type FactsRow = {
	comments: CommentRow[];
	request: CorrectionRequestRow | null;
	submissions: SubmissionRow[];
	appraisal: AppraisalRow | null;
	decision: DecisionRow | null;
	survey_campaign_id: number | null;
};

/**
 * What the reviewing level discussed and decided about the assessment whose id is `id` (an SQL
 * expression), as one JSON value: the comments, the latest correction request, the last two
 * submissions, the appraisal and the decision; and whether the commune ran its survey in the
 * product (the page then reads it, and only then).
 */
const factsOf = (id: RawBuilder<number> | ReturnType<typeof sql.ref>) => sql<FactsRow>`json_build_object(
	'comments', coalesce((select json_agg(c order by c.id) from (
		select c.id, c.indicator_code, u.full_name, u.role, c.body, c.created_at
		from review_comment c join account u on u.id = c.author_id where c.assessment_id = ${id}) c), '[]'),
	'request', (select row_to_json(r) from (
		select r.id, r.created_at, u.full_name, r.message, r.items
		from correction_request r join account u on u.id = r.created_by
		where r.assessment_id = ${id} order by r.id desc limit 1) r),
	'submissions', coalesce((select json_agg(s order by s.seq) from (
		select s.seq, s.submitted_at, u.full_name, s.total, s.verdict, s.snapshot
		from submission s join account u on u.id = s.submitted_by
		where s.assessment_id = ${id} order by s.seq desc limit 2) s), '[]'),
	'appraisal', (select row_to_json(p) from (
		select p.*, u.full_name from appraisal p join account u on u.id = p.reviewer_id where p.assessment_id = ${id}) p),
	'decision', (select row_to_json(d) from (
		select d.id as decision_id, d.number, d.issued_on, d.outcome, d.signer_name, d.signer_title, i.id, i.valid_from,
			i.valid_until, v.reason as revoked_reason, v.revoked_at
		from decision_item i join decision d on d.id = i.decision_id left join revocation v on v.decision_item_id = i.id
		where i.assessment_id = ${id}) d),
	'survey_campaign_id', (select c.id from survey_campaign c where c.assessment_id = ${id}))`;

/** The review facts beside a dossier's row (`a`): for `authorizeDossier`, the review page's one query. */
export const REVIEW_FACTS = factsOf(sql.ref('a.id'));

/** The facts (see `factsOf`) as the page uses them, each mapped as its own module maps it. */
function reviewFacts(r: FactsRow) {
	const comments = r.comments.map(toComment);
	const [previous, latest] = r.submissions.map(toSubmission);
	return {
		comments,
		request: r.request ? toCorrectionRequest(r.request) : null,
		changes: latest ? submissionChanges(previous, latest, comments) : null,
		appraisal: r.appraisal ? toAppraisal(r.appraisal) : null,
		decision: r.decision ? { ...r.decision, revoked_at: r.decision.revoked_at === null ? null : new Date(r.decision.revoked_at) } : null,
		surveyCampaignId: r.survey_campaign_id
	};
}

/** The review page's data from the dossier and its facts (read beside it: `REVIEW_FACTS`, else read here). */
export async function reviewWorkspace(db: DB, dossier: Dossier, facts?: FactsRow) {
	const a = dossier.assessment;
	facts ??= (await sql<{ facts: FactsRow }>`select ${factsOf(sql`${a.id}::int`)} as facts`.execute(db)).rows[0].facts;
	const { comments, request, changes, appraisal, decision, surveyCampaignId } = reviewFacts(facts);
	const changed = new Set(changes?.diff.indicators ?? []);
	// one object per document, however many indicators it backs: the page's data then carries it
	// once (the serializer writes a repeated object as a reference)
	const evidenceById = new Map(
		dossier.evidence.map((e) => [
			e.id,
			{
				id: e.id,
				code: e.code,
				name: e.originalName,
				mime: e.mime,
				size: e.size,
				viewable: VIEWABLE_TYPES.has(e.mime),
				// the document's details as the commune entered them, shown beside the file
				docNumber: e.docNumber,
				issuedOn: e.issuedOn,
				issuer: e.issuer,
				summary: e.summary
			}
		])
	);
	const criteria = dossier.criteria.map((c) => ({
		code: c.code,
		title: c.title,
		maxPoints: c.maxPoints,
		selfPoints: c.selfPoints,
		reviewedPoints: c.reviewedPoints,
		// what a bulk accept of this criterion covers, with the revision the reviewer sees (0 = no item)
		undecided: c.indicators
			.filter((i) => isUndecided(dossier.reviewItems.get(i.code)))
			.map((i) => ({ code: i.code, revision: dossier.reviewItems.get(i.code)?.revision ?? 0 })),
		indicators: c.indicators.map((i) => {
			const item = dossier.reviewItems.get(i.code) ?? null;
			return {
				code: i.code,
				title: i.title,
				maxPoints: i.maxPoints,
				answer: i.summary,
				source: i.source,
				selfPoints: i.selfPoints,
				reviewedPoints: i.reviewedPoints,
				item: item && {
					points: item.points,
					reason: item.reason,
					status: item.status,
					request: item.request,
					revision: item.revision,
					updatedBy: item.updatedBy
				},
				evidence: i.evidenceIds.map((id) => evidenceById.get(id)!),
				comments: comments.filter((m) => m.indicatorCode === i.code),
				changed: changed.has(i.code)
			};
		})
	}));
	const { self, reviewed } = dossier;
	return {
		criteria,
		totals: {
			threshold: self.threshold,
			maxTotal: self.maxTotal,
			self: self.total,
			selfVerdict: VERDICT_LABELS[self.verdict],
			reviewed: reviewed.total,
			reviewedVerdict: VERDICT_LABELS[reviewed.verdict],
			reviewedPass: reviewed.verdict === 'pass',
			reasons: reviewed.reasons,
			unverified: reviewed.unverified
		},
		blockers: dossier.blockers,
		documents: dossier.evidence
			.filter((e) => e.kind !== 'evidence')
			.map((e) => ({ id: e.id, kind: e.kind, name: e.originalName, mime: e.mime, viewable: VIEWABLE_TYPES.has(e.mime) })),
		flagged: dossier.flagged,
		pending: criteria.reduce((n, c) => n + c.indicators.filter((i) => !i.item || i.item.status === 'pending').length, 0),
		// pending, but with points of the reviewer's: a bulk accept leaves them to be saved one by one
		scoredPending: criteria.flatMap((c) =>
			c.indicators.filter((i) => i.item?.status === 'pending' && i.item.points !== null).map((i) => i.code)
		),
		request,
		// what each changed figure was and is now, in words (not only which indicators changed)
		changes: changes && {
			...changes,
			diff: {
				...changes.diff,
				answers: changes.diff.answers.map((d) => {
					const ind = criteriaIndex(dossier.set).indicator(d.indicatorCode);
					const say = (v: unknown) =>
						ind ? [answerSummary(ind, v, null), answerSource(v)].filter(Boolean).join(' · ') : v === null ? 'Chưa nhập' : '…';
					return { ...d, beforeText: say(d.before), afterText: say(d.after) };
				})
			}
		},
		appraisal,
		decision,
		/** the TC13 survey the commune ran in the product (issue 15), if any */
		surveyCampaignId
	};
}
