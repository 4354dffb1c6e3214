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
	const rows = (await q.execute()).reverse();
	return rows.map((r) => ({
		seq: r.seq,
		submittedAt: r.submitted_at,
		submittedBy: r.full_name,
		total: r.total,
		verdict: r.verdict,
		snapshot: r.snapshot
	}));
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
	const strip = ({ snapshot: _s, ...info }: SubmissionInfo & { snapshot: SubmissionSnapshot }): SubmissionInfo => info;
	return {
		previous: strip(previous),
		latest: strip(latest),
		diff: diffSubmissions(previous.snapshot, latest.snapshot),
		comments: comments.map((c) => ({ indicatorCode: c.indicator_code, author: c.full_name, body: c.body, createdAt: c.created_at }))
	};
}
