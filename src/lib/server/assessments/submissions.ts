/**
 * Submissions: what the commune sent each time it submitted (answers, base counts, the list of
 * documents with their codes and hashes), kept immutable, so that the reviewing level sees what
 * changed since the previous submission.
 */
import type { DB } from '../db/index.ts';
import type { Dossier } from '../dossier/index.ts';
import { diffSubmissions, type SubmissionDiff, type SubmissionSnapshot } from '../../domain/review.ts';

/** Records submission number n+1 with its snapshot (inside the step's transaction). */
export async function recordSubmission(trx: DB, dossier: Dossier, actorId: number): Promise<number> {
	const snapshot: SubmissionSnapshot = {
		answers: Object.fromEntries(Object.entries(dossier.stored).flatMap(([code, s]) => (s.value === null ? [] : [[code, s.value]]))),
		baseCounts: dossier.baseCounts.value ?? {},
		evidence: dossier.evidence.map((e) => ({
			id: e.id,
			code: e.code ?? '',
			name: e.originalName,
			sha256: e.sha256,
			kind: e.kind,
			indicators: e.indicatorCodes
		}))
	};
	const a = dossier.assessment;
	const last = await trx
		.selectFrom('submission')
		.select((eb) => eb.fn.max('seq').as('seq'))
		.where('assessment_id', '=', a.id)
		.executeTakeFirst();
	const seq = Number(last?.seq ?? 0) + 1;
	await trx
		.insertInto('submission')
		.values({
			assessment_id: a.id,
			seq,
			submitted_by: actorId,
			snapshot: JSON.stringify(snapshot),
			total: dossier.self.total,
			verdict: dossier.self.verdict
		})
		.execute();
	return seq;
}

export type SubmissionInfo = { seq: number; submittedAt: Date; submittedBy: string; total: number; verdict: string };

export type SubmissionChanges = {
	previous: SubmissionInfo;
	latest: SubmissionInfo;
	diff: SubmissionDiff;
	/** Comments posted between the two submissions. */
	comments: { indicatorCode: string; author: string; body: string; createdAt: Date }[];
};

export type SubmissionRow = {
	seq: number;
	submitted_at: Date | string;
	full_name: string;
	total: number;
	verdict: string;
	snapshot: SubmissionSnapshot;
};

export const toSubmission = (r: SubmissionRow): SubmissionInfo & { snapshot: SubmissionSnapshot } => ({
	seq: r.seq,
	submittedAt: new Date(r.submitted_at),
	submittedBy: r.full_name,
	total: r.total,
	verdict: r.verdict,
	snapshot: r.snapshot
});

/**
 * What changed between two submissions, with the comments (of `comments`, oldest first) posted
 * between them.
 */
export function submissionChanges(
	previous: SubmissionInfo & { snapshot: SubmissionSnapshot },
	latest: SubmissionInfo & { snapshot: SubmissionSnapshot },
	comments: readonly { indicatorCode: string; author: string; body: string; createdAt: Date }[]
): SubmissionChanges {
	const strip = ({ snapshot: _s, ...info }: SubmissionInfo & { snapshot: SubmissionSnapshot }): SubmissionInfo => info;
	return {
		previous: strip(previous),
		latest: strip(latest),
		diff: diffSubmissions(previous.snapshot, latest.snapshot),
		comments: comments
			.filter((c) => c.createdAt > previous.submittedAt && c.createdAt <= latest.submittedAt)
			.map((c) => ({ indicatorCode: c.indicatorCode, author: c.author, body: c.body, createdAt: c.createdAt }))
	};
}

/** The submissions of an assessment, oldest first (`last`: only the latest ones). */
export async function listSubmissions(
	db: DB,
	assessmentId: number,
	last?: number
): Promise<(SubmissionInfo & { snapshot: SubmissionSnapshot })[]> {
	let q = db
		.selectFrom('submission as s')
		.innerJoin('account as u', 'u.id', 's.submitted_by')
		.select(['s.seq', 's.submitted_at', 'u.full_name', 's.total', 's.verdict', 's.snapshot'])
		.where('s.assessment_id', '=', assessmentId)
		.orderBy('s.seq', 'desc');
	if (last) q = q.limit(last);
	return (await q.execute()).reverse().map(toSubmission);
}

/** What changed between the last two submissions (null before the first resubmission). */
export async function changesSincePreviousSubmission(db: DB, assessmentId: number): Promise<SubmissionChanges | null> {
	const all = await listSubmissions(db, assessmentId, 2);
	if (all.length < 2) return null;
	const latest = all[all.length - 1];
	const previous = all[all.length - 2];
	const comments = await db
		.selectFrom('review_comment as c')
		.innerJoin('account as u', 'u.id', 'c.author_id')
		.select(['c.indicator_code', 'u.full_name', 'c.body', 'c.created_at'])
		.where('c.assessment_id', '=', assessmentId)
		.where('c.created_at', '>', previous.submittedAt)
		.where('c.created_at', '<=', latest.submittedAt)
		.orderBy('c.id')
		.execute();
	return submissionChanges(
		previous,
		latest,
		comments.map((c) => ({ indicatorCode: c.indicator_code, author: c.full_name, body: c.body, createdAt: c.created_at }))
	);
}
