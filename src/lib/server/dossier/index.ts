/**
 * The dossier read model: one assessment as the application understands it. `loadDossier` reads
 * the assessment with its round, commune and criteria set, the stored answers (with who saved
 * them), the base counts, the documents with their evidence codes, the review items, and derives
 * everything else through the domain's `assessDossier` (self and reviewed scores, blockers,
 * flagged indicators) and `dossierCriteria` (the per-criterion view). Every page, document, board
 * row and workflow check reads a dossier through this module, so what each of them says about one
 * dossier agrees by construction.
 *
 * `refreshFigures` keeps the figures stored on the assessment's row (totals, verdicts, number of
 * blockers: what the boards and reports read) in step: every change of answers, evidence or
 * review items calls it in its own transaction.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/index.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import type { CommuneCategory } from '../../domain/units.ts';
import type { UnitPlace } from '../../domain/access.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { readStoredAnswers, type Answer, type AnswersInput, type Verdict } from '../../domain/scoring/index.ts';
import { toBaseCounts, type BaseCounts } from '../../domain/base-counts.ts';
import {
	assessDossier,
	dossierCriteria,
	type CriterionView,
	type DossierFacts,
	type DossierFigures,
	type ReviewMark,
	type Stored
} from '../../domain/dossier.ts';
import { evidenceCodes } from '../../domain/evidence.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import type { EvidenceKind } from '../../domain/workflow.ts';
import type { ReviewItem } from '../../domain/review.ts';
import { criteriaSetOf } from '../criteria/index.ts';
import { unitHeadRow, type LockedHead } from '../audit/index.ts';

/**
 * The version of the rules behind the stored figures: raise it when scoring or the blockers
 * change, and start-up recomputes the figures of every assessment stored under an older one.
 * 2: a rate's numerator above a zero denominator is invalid, not full points (zeroDenominator).
 * 3: an upload did not write them (a dossier document or an item's evidence lifts a blocker), so
 *    a dossier's stored blockers could lag its documents until its next save: written again.
 */
export const FIGURES_REV = 3;

export type AssessmentInfo = {
	id: number;
	state: AssessmentState;
	stateVersion: number;
	category: CommuneCategory;
	reopenedUntil: string | null;
	submittedAt: Date | null;
	round: { id: number; name: string; year: number; opensOn: string; closesOn: string };
	commune: { id: number; code: string; name: string; districtId: number | null; provinceId: number | null };
	criteriaSet: {
		id: number;
		status: 'draft' | 'active' | 'retired';
		updatedAt: Date;
		confirmedAt: Date | null;
		confirmedBy: string | null;
	};
	/** As stored on the row (see refreshFigures). */
	figures: DossierFigures;
};

/** Where the assessment's commune lies (what the authorization rules compare). */
export const placeOf = (a: Pick<AssessmentInfo, 'commune'>): UnitPlace => ({
	id: a.commune.id,
	districtId: a.commune.districtId,
	provinceId: a.commune.provinceId
});

/** The query of an assessment's row as AssessmentInfo reads it (its round, commune and criteria set joined). */
const assessmentQuery = (db: DB) =>
	db
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.innerJoin('criteria_set as s', 's.id', 'a.criteria_set_id')
		.leftJoin('account as sc', 'sc.id', 's.confirmed_by')
		.select([
			'a.id',
			'a.state',
			'a.state_version',
			'a.category',
			'a.reopened_until',
			'a.submitted_at',
			'a.self_total',
			'a.self_verdict',
			'a.reviewed_total',
			'a.reviewed_verdict',
			'a.blockers',
			'r.id as round_id',
			'r.name as round_name',
			'r.year',
			'r.opens_on',
			'r.closes_on',
			'c.id as commune_id',
			'c.code as commune_code',
			'c.name as commune_name',
			'c.district_id',
			'c.province_id',
			's.id as set_id',
			's.status as set_status',
			's.updated_at as set_updated_at',
			's.confirmed_at as set_confirmed_at',
			'sc.full_name as set_confirmed_by'
		]);

type AssessmentRow = NonNullable<Awaited<ReturnType<ReturnType<typeof assessmentQuery>['executeTakeFirst']>>>;

function toAssessmentInfo(r: AssessmentRow): AssessmentInfo {
	return {
		id: r.id,
		state: r.state,
		stateVersion: r.state_version,
		category: r.category,
		reopenedUntil: r.reopened_until,
		submittedAt: r.submitted_at,
		round: { id: r.round_id, name: r.round_name, year: r.year, opensOn: r.opens_on, closesOn: r.closes_on },
		commune: { id: r.commune_id, code: r.commune_code, name: r.commune_name, districtId: r.district_id, provinceId: r.province_id },
		criteriaSet: {
			id: r.set_id,
			status: r.set_status,
			updatedAt: r.set_updated_at,
			confirmedAt: r.set_confirmed_at,
			confirmedBy: r.set_confirmed_by
		},
		figures: {
			selfTotal: r.self_total,
			selfVerdict: r.self_verdict as Verdict,
			reviewedTotal: r.reviewed_total,
			reviewedVerdict: r.reviewed_verdict as Verdict,
			blockers: r.blockers
		}
	};
}

export async function loadAssessment(db: DB, id: number): Promise<AssessmentInfo | undefined> {
	const r = await assessmentQuery(db).where('a.id', '=', id).executeTakeFirst();
	return r && toAssessmentInfo(r);
}

/** The criteria set an assessment is scored against (the version it was created with). */
export function assessmentCriteriaSet(db: DB, a: Pick<AssessmentInfo, 'criteriaSet'>): Promise<CriteriaSet> {
	return criteriaSetOf(db, a.criteriaSet);
}

// ---------------------------------------------------------------------------------------------
// The parts of a dossier
// ---------------------------------------------------------------------------------------------

const iso = (d: Date | string | null | undefined): string | null =>
	d === null || d === undefined ? null : (d instanceof Date ? d : new Date(d)).toISOString();
/** A timestamp as a Date (the JSON aggregates of `loadDossier` give them as strings). */
const date = (d: Date | string): Date => (d instanceof Date ? d : new Date(d));

// Row shapes, as the single-purpose queries below and the JSON aggregates of `loadDossier` give them.
type AnswerRow = {
	indicator_code: string;
	answer: unknown;
	revision: number;
	updated_at: Date | string | null;
	updated_by: number | null;
	full_name: string | null;
};
type BaseRow = {
	base_counts: unknown;
	base_revision: number;
	base_updated_at: Date | string | null;
	base_updated_by: number | null;
	base_updated_by_name: string | null;
};
type EvidenceRow = {
	id: number;
	kind: EvidenceKind;
	original_name: string;
	doc_number: string | null;
	issued_on: string | null;
	issuer: string | null;
	summary: string | null;
	uploaded_at: Date | string;
	removed_at: Date | string | null;
	size: number | string;
	mime: string;
	ext: string;
	sha256: string;
	uploader_id: number;
	uploader_name: string;
	codes: string[] | null;
};
type ReviewRow = {
	indicator_code: string;
	points: number | null;
	reason: string;
	status: ReviewItem['status'];
	request: string;
	revision: number;
	updated_at: Date | string;
	full_name: string;
};

const toStoredAnswers = (rows: AnswerRow[]): Record<string, Stored<Answer>> =>
	Object.fromEntries(
		rows.map((r) => [
			r.indicator_code,
			{
				value: (r.answer ?? null) as Answer | null,
				revision: r.revision,
				updatedAt: iso(r.updated_at),
				updatedBy: r.updated_by === null ? null : { id: r.updated_by, name: r.full_name ?? '' }
			}
		])
	);

const toStoredBase = (r: BaseRow): Stored<BaseCounts> => ({
	value: toBaseCounts(r.base_counts),
	revision: r.base_revision,
	updatedAt: iso(r.base_updated_at),
	updatedBy: r.base_updated_by === null ? null : { id: r.base_updated_by, name: r.base_updated_by_name ?? '' }
});

/** The documents not removed, with their evidence codes (numbered over the removed ones too). */
function toEvidence(rows: EvidenceRow[], set: CriteriaSet): EvidenceItem[] {
	const codes = evidenceCodes(
		rows.map((r) => ({ id: r.id, kind: r.kind, uploadedAt: date(r.uploaded_at), indicatorCodes: r.codes ?? [] })),
		set
	);
	const index = criteriaIndex(set);
	return rows
		.filter((r) => r.removed_at === null)
		.map((r) => ({
			id: r.id,
			code: codes.get(r.id) ?? null,
			kind: r.kind,
			originalName: r.original_name,
			docNumber: r.doc_number,
			issuedOn: r.issued_on,
			issuer: r.issuer,
			summary: r.summary,
			size: Number(r.size),
			mime: r.mime,
			ext: r.ext,
			sha256: r.sha256,
			indicatorCodes: index.sortCodes(r.codes ?? []),
			uploadedAt: date(r.uploaded_at),
			uploadedBy: { id: r.uploader_id, name: r.uploader_name }
		}));
}

const toReviewItems = (rows: ReviewRow[]): Map<string, StoredReviewItem> =>
	new Map(
		rows.map((r) => [
			r.indicator_code,
			{
				indicatorCode: r.indicator_code,
				points: r.points,
				reason: r.reason,
				status: r.status,
				request: r.request,
				revision: r.revision,
				updatedAt: date(r.updated_at),
				updatedBy: r.full_name
			}
		])
	);

/** Stored answers of an assessment (cleared ones included, with value null), by indicator code. */
export async function loadStoredAnswers(db: DB, assessmentId: number, codes?: readonly string[]): Promise<Record<string, Stored<Answer>>> {
	let q = db
		.selectFrom('assessment_answer as x')
		.leftJoin('account as u', 'u.id', 'x.updated_by')
		.select(['x.indicator_code', 'x.answer', 'x.revision', 'x.updated_at', 'x.updated_by', 'u.full_name'])
		.where('x.assessment_id', '=', assessmentId);
	if (codes) {
		if (codes.length === 0) return {};
		q = q.where('x.indicator_code', 'in', codes);
	}
	return toStoredAnswers(await q.execute());
}

/** The stored base counts with their revision and who saved them last. */
export async function loadBaseCounts(db: DB, assessmentId: number): Promise<Stored<BaseCounts>> {
	const a = await db
		.selectFrom('assessment as a')
		.leftJoin('account as u', 'u.id', 'a.base_updated_by')
		.select(['a.base_counts', 'a.base_revision', 'a.base_updated_at', 'a.base_updated_by', 'u.full_name as base_updated_by_name'])
		.where('a.id', '=', assessmentId)
		.executeTakeFirstOrThrow();
	return toStoredBase(a);
}

export type EvidenceItem = {
	id: number;
	code: string | null;
	kind: EvidenceKind;
	originalName: string;
	docNumber: string | null;
	issuedOn: string | null;
	issuer: string | null;
	summary: string | null;
	size: number;
	mime: string;
	ext: string;
	sha256: string;
	/** Linked indicators, in the set's order. */
	indicatorCodes: string[];
	uploadedAt: Date;
	uploadedBy: { id: number; name: string };
};

/** The columns of one document row (removed ones included: they keep their place in the numbering). */
const EVIDENCE_COLUMNS = sql`e.id, e.kind, e.original_name, e.doc_number, e.issued_on, e.issuer, e.summary, e.uploaded_at,
	e.removed_at, f.size, f.mime, f.ext, f.sha256, u.id as uploader_id, u.full_name as uploader_name,
	(select coalesce(array_agg(l.indicator_code), '{}') from evidence_link l where l.evidence_id = e.id) as codes`;
const EVIDENCE_FROM = sql`evidence e join stored_file f on f.id = e.file_id join account u on u.id = e.uploaded_by`;

/**
 * The documents of an assessment that are not removed, in upload order, with their file,
 * uploader, linked indicators and evidence code (numbered over removed ones too, see
 * domain/evidence.ts). One query.
 */
export async function listEvidence(db: DB, assessmentId: number, set: CriteriaSet): Promise<EvidenceItem[]> {
	const rows = await sql<EvidenceRow>`
		select ${EVIDENCE_COLUMNS} from ${EVIDENCE_FROM}
		where e.assessment_id = ${assessmentId} order by e.uploaded_at, e.id`.execute(db);
	return toEvidence(rows.rows, set);
}

export type StoredReviewItem = ReviewItem & { revision: number; updatedBy: string; updatedAt: Date };

const REVIEW_COLUMNS = sql`r.indicator_code, r.points, r.reason, r.status, r.request, r.revision, r.updated_at, u.full_name`;

export async function loadReviewItems(db: DB, assessmentId: number): Promise<Map<string, StoredReviewItem>> {
	const rows = await sql<ReviewRow>`
		select ${REVIEW_COLUMNS} from review_item r join account u on u.id = r.updated_by
		where r.assessment_id = ${assessmentId}`.execute(db);
	return toReviewItems(rows.rows);
}

/** Indicators the reviewing level flagged "needs supplement" (what a returned dossier may change). */
export async function flaggedIndicators(db: DB, assessmentId: number): Promise<Set<string>> {
	const rows = await db
		.selectFrom('review_item')
		.select('indicator_code')
		.where('assessment_id', '=', assessmentId)
		.where('status', '=', 'needs_supplement')
		.execute();
	return new Set(rows.map((r) => r.indicator_code));
}

// ---------------------------------------------------------------------------------------------
// The dossier
// ---------------------------------------------------------------------------------------------

export type Dossier = DossierFacts & {
	assessment: AssessmentInfo;
	set: CriteriaSet;
	/** The answers as stored, with their revision and who saved them (the data-entry forms). */
	stored: Record<string, Stored<Answer>>;
	/** The answers as read (readStoredAnswers): what every score of this dossier is computed from. */
	answers: AnswersInput;
	baseCounts: Stored<BaseCounts>;
	/** Documents not removed, with their evidence codes. */
	evidence: EvidenceItem[];
	reviewItems: Map<string, StoredReviewItem>;
	/** The per-criterion view (answers, self and reviewed points, evidence, blockers). */
	criteria: CriterionView[];
};

type FactsRow = BaseRow & { answers: AnswerRow[]; evidence: EvidenceRow[]; review: ReviewRow[] };

/** The dossier's facts beside an assessment's row `a`: its answers, documents and review items as JSON aggregates. */
const ANSWERS_JSON = sql<AnswerRow[]>`coalesce((select json_agg(x) from (
	select x.indicator_code, x.answer, x.revision, x.updated_at, x.updated_by, u.full_name
	from assessment_answer x left join account u on u.id = x.updated_by where x.assessment_id = a.id) x), '[]')`;
const EVIDENCE_JSON = sql<EvidenceRow[]>`coalesce((select json_agg(e order by e.uploaded_at, e.id) from (
	select ${EVIDENCE_COLUMNS} from ${EVIDENCE_FROM} where e.assessment_id = a.id) e), '[]')`;
const REVIEW_JSON = sql<ReviewRow[]>`coalesce((select json_agg(r) from (
	select ${REVIEW_COLUMNS} from review_item r join account u on u.id = r.updated_by where r.assessment_id = a.id) r), '[]')`;
/** The dossier's facts as the columns of a query of `assessment as a` joined with its base counts' saver (`account as bu`). */
const FACTS_SELECT = [
	'a.base_counts',
	'a.base_revision',
	'a.base_updated_at',
	'a.base_updated_by',
	'bu.full_name as base_updated_by_name',
	ANSWERS_JSON.as('answers'),
	EVIDENCE_JSON.as('evidence'),
	REVIEW_JSON.as('review')
] as const;

/** The dossier of `assessment` from its facts (pure, but for the criteria set's cache). */
async function dossierOf(db: DB, assessment: AssessmentInfo, facts: FactsRow, set?: CriteriaSet): Promise<Dossier> {
	set ??= await assessmentCriteriaSet(db, assessment);
	const stored = toStoredAnswers(facts.answers);
	const baseCounts = toStoredBase(facts);
	const evidence = toEvidence(facts.evidence, set);
	const reviewItems = toReviewItems(facts.review);
	const answers = readStoredAnswers(set, Object.fromEntries(Object.entries(stored).map(([code, s]) => [code, s.value])));
	const derived = assessDossier({ set, category: assessment.category, answers, evidence, reviewItems: [...reviewItems.values()] });
	return {
		...derived,
		assessment,
		set,
		stored,
		answers,
		baseCounts,
		evidence,
		reviewItems,
		criteria: dossierCriteria(set, derived, evidence)
	};
}

/**
 * Loads a dossier: one query (answers, base counts, documents and review items as JSON
 * aggregates beside the assessment's row), the criteria set from its cache.
 */
export async function loadDossier(db: DB, assessment: AssessmentInfo): Promise<Dossier> {
	const [set, facts] = await Promise.all([
		assessmentCriteriaSet(db, assessment),
		db
			.selectFrom('assessment as a')
			.leftJoin('account as bu', 'bu.id', 'a.base_updated_by')
			.select(FACTS_SELECT)
			.where('a.id', '=', assessment.id)
			.executeTakeFirst()
	]);
	if (!facts) throw new Error(`assessment ${assessment.id} is missing`);
	return dossierOf(db, assessment, facts, set);
}

/**
 * The assessment and its dossier in one query (its row as `loadAssessment` reads it, with the
 * facts `loadDossier` reads): for a page that reads a whole dossier, one round trip instead of
 * two. Undefined when there is no such assessment. The caller authorizes on the assessment before
 * using anything of the dossier (see the guard's `authorizeDossier`).
 */
export async function loadAssessmentDossier<T = null>(
	db: DB,
	id: number,
	/** an expression on the row (`a`) the page also needs, read in the same query */
	beside?: RawBuilder<T>
): Promise<{ assessment: AssessmentInfo; dossier: Dossier; beside: T } | undefined> {
	const r = await assessmentQuery(db)
		.leftJoin('account as bu', 'bu.id', 'a.base_updated_by')
		.select(FACTS_SELECT)
		.select((beside ?? sql<T>`null`).as('beside'))
		.where('a.id', '=', id)
		.executeTakeFirst();
	if (!r) return undefined;
	const assessment = toAssessmentInfo(r);
	return { assessment, dossier: await dossierOf(db, assessment, r), beside: r.beside as T };
}

/** The assessment, then its dossier; undefined when there is no such assessment. */
export async function loadDossierById(db: DB, id: number): Promise<Dossier | undefined> {
	const a = await loadAssessment(db, id);
	return a ? loadDossier(db, a) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The figures stored on the assessment's row
// ---------------------------------------------------------------------------------------------

type FiguresInputRow = {
	state: AssessmentState;
	figures_seq: number;
	head: LockedHead | null;
	category: CommuneCategory;
	base_counts: unknown;
	base_revision: number;
	set_id: number;
	set_status: AssessmentInfo['criteriaSet']['status'];
	set_updated_at: Date;
	answers: Record<string, unknown>;
	evidence: { kind: EvidenceKind; indicatorCodes: string[] }[];
	review: ReviewMark[];
};

/** What an assessment's figures are computed from, as stored now (see `figureInputs`). */
export type FigureInputs = {
	state: AssessmentState;
	/** The row's count of figure writes when read: any change of the inputs moves it (see `figuresUpdate`). */
	figuresSeq: number;
	category: CommuneCategory;
	/** The criteria set's row (`set` is its definition). */
	setId: number;
	baseCounts: unknown;
	baseRevision: number;
	set: CriteriaSet;
	/** The stored answers as raw JSON, by indicator code (cleared ones: null). */
	answers: Record<string, unknown>;
	evidence: { kind: EvidenceKind; indicatorCodes: string[] }[];
	review: ReviewMark[];
};

// What the figures are computed from, beside an assessment `a`'s row: its answers (raw JSON by
// indicator), its documents' kinds and links, its review items' points and statuses.
const INPUT_ANSWERS = sql<
	Record<string, unknown>
>`coalesce((select json_object_agg(x.indicator_code, x.answer) from assessment_answer x where x.assessment_id = a.id), '{}')`;
const INPUT_EVIDENCE = sql<FigureInputs['evidence']>`coalesce((select json_agg(json_build_object('kind', e.kind, 'indicatorCodes',
	coalesce((select json_agg(l.indicator_code) from evidence_link l where l.evidence_id = e.id), '[]')))
	from evidence e where e.assessment_id = a.id and e.removed_at is null), '[]')`;
const INPUT_REVIEW = sql<
	ReviewMark[]
>`coalesce((select json_agg(json_build_object('indicatorCode', v.indicator_code, 'points', v.points, 'status', v.status))
	from review_item v where v.assessment_id = a.id), '[]')`;

/**
 * Reads what an assessment's figures are computed from (its state and base counts too), in one
 * query. To change a dossier, lock its row first in a statement of its own (see answers'
 * lockEditable): under READ COMMITTED a statement that waited for the lock still reads the rows
 * of its own snapshot, from before the change it waited for.
 */
export async function figureInputs(trx: DB, assessmentId: number): Promise<FigureInputs | undefined> {
	return (await changeInputs(trx, assessmentId, sql`null`))?.inputs;
}

/** What a change of a dossier reads first: what its figures come from, and the head of its commune's audit chain (null before its first record). */
export type ChangeRead = { inputs: FigureInputs; head: LockedHead | null };

/** `figureInputs` with the head of the chain `chain` (`headRow`), in one statement. */
export async function changeInputs(trx: DB, assessmentId: number, head: RawBuilder<LockedHead | null>): Promise<ChangeRead | undefined> {
	const r = (
		await sql<FiguresInputRow>`
			select a.state, a.figures_seq, a.category, a.base_counts, a.base_revision, s.id as set_id, s.status as set_status, s.updated_at as set_updated_at,
				${INPUT_ANSWERS} as answers, ${INPUT_EVIDENCE} as evidence, ${INPUT_REVIEW} as review, ${head} as head
			from assessment a join criteria_set s on s.id = a.criteria_set_id
			where a.id = ${assessmentId}`.execute(trx)
	).rows[0];
	if (!r) return undefined;
	const set = await criteriaSetOf(trx, {
		id: r.set_id,
		status: r.set_status,
		updatedAt: r.set_updated_at,
		confirmedAt: null,
		confirmedBy: null
	});
	return { inputs: toFigureInputs(r, set), head: r.head };
}

function toFigureInputs(r: Omit<FiguresInputRow, 'head' | 'set_status' | 'set_updated_at'>, set: CriteriaSet): FigureInputs {
	return {
		state: r.state,
		figuresSeq: Number(r.figures_seq),
		category: r.category,
		setId: r.set_id,
		baseCounts: r.base_counts,
		baseRevision: r.base_revision,
		set,
		answers: r.answers,
		evidence: r.evidence,
		review: r.review
	};
}

/**
 * The assessment as `loadAssessment` reads it, with what its figures come from and the head of
 * its commune's audit chain: all a writer of the dossier reads before its write, in one query.
 * The caller authorizes on the assessment before using anything else (the guard's `authorizeChange`).
 */
export async function loadChangeInputs(db: DB, id: number): Promise<({ assessment: AssessmentInfo } & ChangeRead) | undefined> {
	const r = await assessmentQuery(db)
		.select([
			'a.figures_seq',
			'a.base_counts',
			'a.base_revision',
			INPUT_ANSWERS.as('answers'),
			INPUT_EVIDENCE.as('evidence'),
			INPUT_REVIEW.as('review'),
			unitHeadRow(sql.ref('a.commune_id')).as('head')
		])
		.where('a.id', '=', id)
		.executeTakeFirst();
	if (!r) return undefined;
	const assessment = toAssessmentInfo(r);
	const set = await assessmentCriteriaSet(db, assessment);
	return { assessment, inputs: toFigureInputs(r, set), head: r.head };
}

/** The figures of a dossier from its inputs (pure: the domain's assessDossier). */
export function figuresFrom(i: Pick<FigureInputs, 'set' | 'category' | 'answers' | 'evidence' | 'review'>): DossierFigures {
	return assessDossier({
		set: i.set,
		category: i.category,
		answers: readStoredAnswers(i.set, i.answers),
		evidence: i.evidence,
		reviewItems: i.review
	}).figures;
}

/** The assessment's columns that hold `f`. */
export const figuresColumns = (f: DossierFigures) => ({
	self_total: f.selfTotal,
	self_verdict: f.selfVerdict,
	reviewed_total: f.reviewedTotal,
	reviewed_verdict: f.reviewedVerdict,
	blockers: f.blockers,
	figures_rev: FIGURES_REV
});

/**
 * Recomputes the figures of one assessment from what is stored now and writes them on its row.
 * Call it inside the transaction that changed the evidence or the review items, after the
 * change (one query to read, one to write).
 */
export async function refreshFigures(trx: DB, assessmentId: number): Promise<DossierFigures> {
	const inputs = await figureInputs(trx, assessmentId);
	if (!inputs) throw new Error(`assessment ${assessmentId} is missing`);
	const figures = figuresFrom(inputs);
	await writeFigures(trx, assessmentId, figures);
	return figures;
}

/** The update of an assessment's row that stores `f`, counting the write (`figures_seq`: see the dashboard). */
export const figuresUpdate = (f: DossierFigures) => ({ ...figuresColumns(f), figures_seq: sql<number>`figures_seq + 1` });

export async function writeFigures(db: DB, assessmentId: number, f: DossierFigures): Promise<void> {
	await db.updateTable('assessment').set(figuresUpdate(f)).where('id', '=', assessmentId).execute();
}

/** Assessments whose stored figures come from older rules (or none yet), for start-up. */
export async function staleFigures(db: DB, limit: number): Promise<number[]> {
	const rows = await db.selectFrom('assessment').select('id').where('figures_rev', '<', FIGURES_REV).orderBy('id').limit(limit).execute();
	return rows.map((r) => r.id);
}
