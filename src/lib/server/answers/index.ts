/**
 * Saving a commune's figures: one indicator's answer at a time, and the base counts (số trẻ em
 * dùng chung), with optimistic concurrency.
 *
 * Every save names the revision it was based on (`expectedRevision`, 0 = "nothing stored yet").
 * When the stored revision differs, nothing is written: the caller gets a conflict with BOTH
 * values (theirs and the stored one, who saved it and when) so the user chooses; a save never
 * silently overwrites another. Clearing (answer `null`) keeps the row as a tombstone (`answer` =
 * JSON null) so that revisions only grow. Each save runs in one transaction with the dossier's
 * stored figures and its audit record, and only while the assessment is editable by the commune
 * (checked under a row lock, so a submission cannot slip in between).
 *
 * Routes authorize (`authorizeAssessment(db, actor, 'assessment.edit', id)`), parse the JSON body
 * with `SaveRequestSchema`, then call `saveAnswer` or `saveBaseCounts`.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { parseAnswers, type Answer, type AnswersInput } from '../../domain/scoring/answers.ts';
import { toValidationErrors, viErrorMap, type CriteriaSet, type ValidationError } from '../../domain/criteria/schema.ts';
import { parseBaseCounts, toBaseCounts, type BaseCounts } from '../../domain/base-counts.ts';
import { isCommuneEditable, STATE_LABELS, type AssessmentState } from '../../domain/workflow.ts';
import { communeMayChange, NOT_FLAGGED_MESSAGE } from '../../domain/review.ts';
import { flaggedCodes, type Blocker, type EvidenceSummary, type Stored } from '../../domain/dossier.ts';
import { canOnUnit } from '../../domain/access.ts';
import { appendToChain, assertHeadMoved, by, chainOf, headHeld, headLock, headRow, recordAudit } from '../audit/index.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { criteriaSetOf, criteriaSetStamp } from '../criteria/index.ts';
import { keepCriteriaSet, type CriteriaSetRef } from '../../criteria-set-ref.ts';
import {
	assessmentCriteriaSet,
	changeInputs,
	figureInputs,
	figuresFrom,
	figuresUpdate,
	loadStoredAnswers,
	placeOf,
	type AssessmentInfo,
	type ChangeRead,
	type Dossier,
	type FigureInputs
} from '../dossier/index.ts';

export const ANSWER_SAVE_ACTION = 'assessment.answer_save';
export const BASE_COUNTS_SAVE_ACTION = 'assessment.base_counts_save';

export const CONFLICT_MESSAGE = 'Số liệu đã được thay đổi sau khi bạn mở trang: hãy so sánh và chọn giá trị cần giữ.';

export function notEditableMessage(state: AssessmentState): string {
	return `Hồ sơ đang ở trạng thái «${STATE_LABELS[state]}»: không thể sửa số liệu. Chỉ sửa được khi hồ sơ đang lập hoặc được yêu cầu bổ sung.`;
}

const invalidFigures = (errors: ValidationError[], message = 'Số liệu không hợp lệ.') =>
	new AppError('invalid', message, { details: { errors } });

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

// ---------------------------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------------------------

/** Largest request body accepted (one answer with a long justification fits many times over). */
export const MAX_SAVE_BYTES = 64 * 1024;

const revision = z
	.number({ error: 'expectedRevision phải là số nguyên không âm (0 khi chưa có giá trị nào được lưu)' })
	.int({ error: 'expectedRevision phải là số nguyên' })
	.min(0, { error: 'expectedRevision không được âm' })
	.max(2_147_483_647, { error: 'expectedRevision quá lớn' });

const AnswerBody = z.strictObject({
	indicator: z.string().max(50, { error: 'Mã chỉ số quá dài' }),
	answer: z.unknown().refine((v) => v !== undefined, { error: 'Thiếu trường answer (dùng null để xóa câu trả lời)' }),
	expectedRevision: revision
});
const BaseCountsBody = z.strictObject({ baseCounts: z.unknown(), expectedRevision: revision });

export type SaveRequest =
	| { kind: 'answer'; indicator: string; answer: unknown; expectedRevision: number }
	| { kind: 'baseCounts'; baseCounts: unknown; expectedRevision: number };

/** Validates the shape of a save request `{ indicator, answer, expectedRevision }` or `{ baseCounts, expectedRevision }`. */
export function parseSaveRequest(body: unknown): SaveRequest {
	const bodyErrors = (issues: z.ZodError['issues']) =>
		toValidationErrors(issues as Parameters<typeof toValidationErrors>[0], (path) =>
			path.length ? path.map(String).join('.') : '(toàn bộ dữ liệu)'
		);
	if (body !== null && typeof body === 'object' && 'baseCounts' in body) {
		const parsed = BaseCountsBody.safeParse(body, { error: viErrorMap });
		if (!parsed.success) throw invalidFigures(bodyErrors(parsed.error.issues), 'Dữ liệu không hợp lệ.');
		return { kind: 'baseCounts', baseCounts: parsed.data.baseCounts, expectedRevision: parsed.data.expectedRevision };
	}
	const parsed = AnswerBody.safeParse(body, { error: viErrorMap });
	if (!parsed.success) throw invalidFigures(bodyErrors(parsed.error.issues), 'Dữ liệu không hợp lệ.');
	return { kind: 'answer', ...parsed.data };
}

/** Drops empty `source`/`period` strings (after trimming) so that "nothing" is stored as absent. */
function withoutEmptyMeta(answer: Answer): Answer {
	const out = { ...answer } as Answer & { source?: string; period?: string };
	if (out.source === '') delete out.source;
	if (out.period === '') delete out.period;
	return out;
}

/**
 * Validates one indicator's answer against the set (the domain `parseAnswers` for that single
 * code): unknown codes, wrong kinds, negatives, text in numbers… are refused with Vietnamese
 * reasons. `null` (or `{}`) means "clear".
 */
export function validateOneAnswer(set: CriteriaSet, indicator: string, answer: unknown): Answer | null {
	const empty = answer === null || (typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer as object).length === 0);
	const parsed = parseAnswers(set, { [indicator]: empty ? null : answer });
	if (!parsed.ok) throw invalidFigures(parsed.errors);
	const value = parsed.value[indicator];
	return value === undefined ? null : withoutEmptyMeta(value);
}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/** Handles one validated-in-shape save request for an actor already authorized for `assessment.edit`. */
export async function save(
	db: DB,
	actor: Actor,
	assessment: AssessmentInfo,
	request: SaveRequest,
	/** the first read of an answer's save, made with the authorization (`authorizeChange`) */
	first?: ChangeRead
): Promise<{ ok: true; saved: Stored<unknown> }> {
	if (request.kind === 'baseCounts') {
		const counts = parseBaseCounts(request.baseCounts);
		if (!counts.ok) throw invalidFigures(counts.errors.map((e) => ({ ...e, path: e.path ? `baseCounts.${e.path}` : 'baseCounts' })));
		return saveBaseCounts(db, actor, assessment, { baseCounts: counts.value, expectedRevision: request.expectedRevision });
	}
	const set = await assessmentCriteriaSet(db, assessment);
	const answer = validateOneAnswer(set, request.indicator, request.answer);
	return saveAnswer(db, actor, assessment, { indicator: request.indicator, answer, expectedRevision: request.expectedRevision }, first);
}

/** Refuses unless the commune may change `indicators` of a dossier in this state (with these review marks) now. */
function assertEditable(a: Pick<FigureInputs, 'state' | 'review'>, indicators: readonly string[]): void {
	// `conflict: false`: nothing to choose between, the page locks its inputs (see EntryAutosave)
	if (!isCommuneEditable(a.state)) throw conflict(notEditableMessage(a.state), { conflict: false });
	if (!communeMayChange(a.state, flaggedCodes(a.review), indicators)) throw conflict(NOT_FLAGGED_MESSAGE, { conflict: false });
}

/**
 * Locks the assessment row (FOR NO KEY UPDATE), in a statement of its own: a statement that
 * waited for the lock would read from before the change it waited for. The lock holds off a
 * concurrent state change (a submission) and every other change of the dossier until commit:
 * each save rewrites the figures stored on the row from every answer, so two saves at once would
 * each miss the other's (and a shared lock upgraded to write deadlocks). With `chain`, the same
 * statement then locks the head of that audit chain (after the row, as every writer does),
 * creating it for a chain not yet written.
 */
async function lockRow(trx: DB, assessmentId: number, chain?: string): Promise<void> {
	const locked = chain
		? (
				await sql<{ seq: number }>`
					with a as (select id from assessment where id = ${assessmentId} for no key update), h as (${headLock(chain, 'a')})
					select seq from h`.execute(trx)
			).rows[0]
		: await trx.selectFrom('assessment').select('id').where('id', '=', assessmentId).forNoKeyUpdate().executeTakeFirst();
	if (!locked) throw new Error(`assessment ${assessmentId} is missing`);
}

/** Locks the assessment row (`lockRow`), reads what its figures are computed from, and refuses unless the commune may change these indicators now. */
async function lockEditable(trx: DB, assessmentId: number, indicators: readonly string[]): Promise<FigureInputs> {
	await lockRow(trx, assessmentId);
	const a = (await figureInputs(trx, assessmentId))!;
	assertEditable(a, indicators);
	return a;
}

/** Reads and writes that found the dossier or its audit chain moved in between, before a save takes its locks first. */
const SAVE_ATTEMPTS = 4;

/**
 * Saves one indicator's answer if the stored revision is still `expectedRevision`.
 * `answer` must already be validated (see `validateOneAnswer`); null clears it.
 *
 * Two statements and no transaction around them (a save is the most frequent request: each
 * round trip to the database counts):
 * 1. what the figures are computed from, with the row's count of figure writes (`figures_seq`)
 *    and the head of the commune's audit chain (`headRow`), without locks; the autosave's route
 *    makes this read with its authorization (`first`, from `authorizeChange`);
 * 2. one statement that locks the row only if its count, state, category and criteria set are
 *    still those read, then the head only if it is still the one read (`headHeld`), and only then
 *    writes the answer (at its revision), the figures computed from what was read, the audit
 *    record, and moves the head. Every change of the answers, documents or review items writes
 *    the figures and so moves the count: nothing the figures come from changed in between.
 * If the row or the head moved in between, nothing is written and the save reads again; after
 * `SAVE_ATTEMPTS`, or for a chain with no head yet, it locks first (`lockRow`, in a
 * transaction) and then runs the same two statements, which cannot miss under its locks.
 */
export async function saveAnswer(
	db: DB,
	actor: Actor,
	assessment: AssessmentInfo,
	input: { indicator: string; answer: Answer | null; expectedRevision: number },
	/** the first read, when the caller made it with its authorization (`authorizeChange`) */
	first?: ChangeRead
): Promise<{ ok: true; saved: Stored<Answer> }> {
	const json = JSON.stringify(input.answer);
	const entry = {
		...by(actor),
		action: ANSWER_SAVE_ACTION,
		objectType: 'assessment',
		objectId: assessment.id,
		unitId: assessment.commune.id,
		// the revision this save writes (the write below refuses any other)
		details: { indicator: input.indicator, revision: input.expectedRevision + 1 }
	};
	const chain = chainOf(entry);
	/**
	 * Read, then write if nothing moved: the revision and time written; null if the stored
	 * revision differs; 'moved' if the row or the head moved in between; 'unchained' for a chain
	 * with no head yet.
	 */
	const attempt = async (conn: DB, given?: ChangeRead) => {
		const read = given ?? (await changeInputs(conn, assessment.id, headRow(chain)));
		if (!read) throw new Error(`assessment ${assessment.id} is missing`);
		const { inputs } = read;
		assertEditable(inputs, [input.indicator]);
		if (!read.head) return 'unchained' as const;
		if (read.head.chain !== chain) throw new Error(`assessment ${assessment.id}: read the head of ${read.head.chain}, not of ${chain}`);
		const head = { chain, seq: Number(read.head.seq), hash: read.head.hash };
		const figures = figuresUpdate(figuresFrom({ ...inputs, answers: { ...inputs.answers, [input.indicator]: input.answer } }));
		const held = sql`exists (select 1 from h)`;
		const write =
			input.expectedRevision === 0
				? sql`insert into assessment_answer (assessment_id, indicator_code, answer, revision, updated_by, updated_at)
						select ${assessment.id}::int, ${input.indicator}::text, ${json}::jsonb, 1, ${actor.id}::int, now() where ${held}
						on conflict (assessment_id, indicator_code) do nothing
						returning revision, updated_at`
				: sql`update assessment_answer set answer = ${json}::jsonb, revision = revision + 1, updated_by = ${actor.id}, updated_at = now()
						where assessment_id = ${assessment.id} and indicator_code = ${input.indicator} and revision = ${input.expectedRevision} and ${held}
						returning revision, updated_at`;
		const append = appendToChain(head, entry, { record: 'r', when: 'w' });
		const r = (
			await sql<{ held: number; revision: number | null; updated_at: Date | null; moved: number }>`
				with a as (
					select id from assessment
					where id = ${assessment.id} and figures_seq = ${inputs.figuresSeq} and state = ${inputs.state}
						and category = ${inputs.category} and criteria_set_id = ${inputs.setId}
					for no key update),
				h as (${headHeld(head, 'a')}),
				w as (${write}),
				f as (${conn
					.updateTable('assessment')
					.set(figures)
					.where('id', '=', assessment.id)
					.where(sql<boolean>`exists (select 1 from w)`)}),
				r as (${append.record}),
				m as (${append.move})
				select (select count(*) from h)::int as held, w.revision, w.updated_at, (select count(*) from m)::int as moved
				from (select 1) one left join w on true`.execute(conn)
		).rows[0];
		if (!r.held) return 'moved' as const;
		if (r.revision === null) return null;
		assertHeadMoved(chain, r.moved);
		return { revision: r.revision, updatedAt: r.updated_at! };
	};
	let written: Awaited<ReturnType<typeof attempt>> = 'moved';
	for (let i = 0; i < SAVE_ATTEMPTS && written === 'moved'; i++) written = await attempt(db, i === 0 ? first : undefined);
	if (written === 'moved' || written === 'unchained') {
		// the locks first (creating the chain's head), then the same read (and checks) and write
		written = await db.transaction().execute(async (trx) => {
			await lockRow(trx, assessment.id, chain);
			return attempt(trx);
		});
		if (written === 'moved' || written === 'unchained') throw new Error(`assessment ${assessment.id}: moved under its lock`);
	}
	if (!written) {
		const found = await loadStoredAnswers(db, assessment.id, [input.indicator]);
		const stored = found[input.indicator] ?? { value: null, revision: 0, updatedAt: null, updatedBy: null };
		throw conflict(CONFLICT_MESSAGE, { conflict: true, yours: input.answer, stored });
	}
	return {
		ok: true,
		saved: {
			value: input.answer,
			revision: written.revision,
			updatedAt: iso(written.updatedAt),
			updatedBy: { id: actor.id, name: actor.name }
		}
	} as const;
}

/** Saves the base counts (the whole object; missing keys are cleared) if `base_revision` is still `expectedRevision`. */
export async function saveBaseCounts(
	db: DB,
	actor: Actor,
	assessment: AssessmentInfo,
	input: { baseCounts: BaseCounts; expectedRevision: number }
): Promise<{ ok: true; saved: Stored<BaseCounts> }> {
	return db.transaction().execute(async (trx) => {
		const a = await lockEditable(trx, assessment.id, []);
		if (a.state !== 'draft') {
			throw conflict('Hồ sơ đang được yêu cầu bổ sung: số trẻ em dùng chung không sửa được; hãy sửa số liệu ở các chỉ số được đánh dấu.', {
				conflict: false
			});
		}
		if (a.baseRevision !== input.expectedRevision) {
			const who = await trx
				.selectFrom('assessment as a')
				.leftJoin('account as u', 'u.id', 'a.base_updated_by')
				.select(['a.base_updated_at', 'a.base_updated_by', 'u.full_name'])
				.where('a.id', '=', assessment.id)
				.executeTakeFirstOrThrow();
			const stored: Stored<BaseCounts> = {
				value: toBaseCounts(a.baseCounts),
				revision: a.baseRevision,
				updatedAt: who.base_updated_at ? iso(who.base_updated_at) : null,
				updatedBy: who.base_updated_by === null ? null : { id: who.base_updated_by, name: who.full_name ?? '' }
			};
			throw conflict(CONFLICT_MESSAGE, { conflict: true, yours: input.baseCounts, stored });
		}
		const written = await trx
			.updateTable('assessment')
			.set({
				base_counts: JSON.stringify(input.baseCounts),
				base_revision: sql<number>`base_revision + 1`,
				base_updated_by: actor.id,
				base_updated_at: sql<Date>`now()`,
				updated_at: sql<Date>`now()`
			})
			.where('id', '=', assessment.id)
			.returning(['base_revision', 'base_updated_at'])
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			...by(actor),
			action: BASE_COUNTS_SAVE_ACTION,
			objectType: 'assessment',
			objectId: assessment.id,
			unitId: assessment.commune.id,
			details: { revision: written.base_revision, baseCounts: input.baseCounts }
		});
		return {
			ok: true,
			saved: {
				value: input.baseCounts,
				revision: written.base_revision,
				updatedAt: iso(written.base_updated_at!),
				updatedBy: { id: actor.id, name: actor.name }
			}
		} as const;
	});
}

// ---------------------------------------------------------------------------------------------
// What the data-entry pages show
// ---------------------------------------------------------------------------------------------

type SetStamp = Dossier['assessment']['criteriaSet'];

/**
 * The set as the data-entry pages read it: once an administrator confirmed it against the
 * gazetted text, every item counts as checked.
 */
function entryCriteriaSet(set: CriteriaSet): CriteriaSet {
	if (!set.confirmation) return set;
	const checked = { verified: true };
	return {
		...set,
		criteria: set.criteria.map((c) => ({ ...c, ...checked, indicators: c.indicators.map((i) => ({ ...i, ...checked })) }))
	};
}

type EntrySet = { set: CriteriaSet; ref: CriteriaSetRef; json: string; gzip?: Buffer };
const entrySets = new Map<string, EntrySet>();

/**
 * The data-entry set of a set version, status and confirmation, built once (the same object each
 * time, with its JSON and the reference the pages carry: see $lib/criteria-set-ref.ts). Not to be
 * changed by callers.
 */
function entrySetOf(stamp: SetStamp, set: CriteriaSet): EntrySet {
	const time = (d: Date | string | null) => (d === null ? '' : new Date(d).getTime());
	const key = `${stamp.id}@${time(stamp.updatedAt)}:${stamp.status}:${time(stamp.confirmedAt)}:${stamp.confirmedBy ?? ''}`;
	let e = entrySets.get(key);
	if (!e) {
		const entrySet = entryCriteriaSet(set);
		const json = JSON.stringify(entrySet);
		const v = crypto.createHash('sha256').update(json).digest('base64url').slice(0, 22);
		e = { set: entrySet, ref: { id: stamp.id, v }, json };
		if (entrySets.size >= 200) entrySets.clear();
		entrySets.set(key, e);
	}
	// kept for the page's universal load in this process (see $lib/criteria-set-ref.ts)
	keepCriteriaSet(e.ref, e.set);
	return e;
}

/**
 * The data-entry set of criteria set `id` as a file for the browser: its JSON (and that JSON
 * gzipped, made once per version) and reference (the page asked for version `v`; another `v`
 * means the set changed since).
 */
export async function entryCriteriaSetFile(db: DB, id: number): Promise<{ json: string; gzip: Buffer; ref: CriteriaSetRef }> {
	const stamp = await criteriaSetStamp(db, id);
	if (!stamp) throw notFound('Không tìm thấy bộ tiêu chí.');
	const e = entrySetOf(stamp, await criteriaSetOf(db, stamp));
	e.gzip ??= zlib.gzipSync(e.json, { level: 9 });
	return { json: e.json, gzip: e.gzip, ref: e.ref };
}

export type EntryView = {
	assessment: {
		id: number;
		state: AssessmentState;
		stateLabel: string;
		category: AssessmentInfo['category'];
		communeName: string;
		roundName: string;
		roundYear: number;
	};
	set: CriteriaSet;
	/** The reference of `set` that the pages carry instead of the set itself. */
	setRef: CriteriaSetRef;
	stored: Record<string, Stored<Answer>>;
	/** The answers as read (the dossier's single reading of the stored ones): what the live score starts from. */
	answers: AnswersInput;
	baseCounts: Stored<BaseCounts>;
	/** The documents as the live blockers need them (kind and linked indicators). */
	evidence: { kind: EvidenceSummary['kind']; indicatorCodes: string[] }[];
	/** The dossier's blockers as stored now (the page recomputes them live as figures are typed). */
	blockers: Blocker[];
	/** The actor may change the figures now. */
	editable: boolean;
	/** Why not (Vietnamese), when not editable. */
	readOnlyReason: string | null;
	/** While returned for correction: the only indicators that may change (null: all, or none if not editable). */
	editableIndicators: string[] | null;
	/** The base counts may change (only while a draft). */
	baseCountsEditable: boolean;
};

/**
 * Everything the data-entry pages need, from the dossier, for an actor already authorized to read
 * the assessment. The pages carry `setRef`, not `set` (see $lib/criteria-set-ref.ts).
 */
export function entryView(dossier: Dossier, actor: Actor): EntryView {
	const { assessment } = dossier;
	const entrySet = entrySetOf(assessment.criteriaSet, dossier.set);
	const mayEdit = canOnUnit(actor, 'assessment.edit', placeOf(assessment));
	const editable = mayEdit && isCommuneEditable(assessment.state);
	const flagged = assessment.state === 'returned' ? dossier.flagged : null;
	return {
		assessment: {
			id: assessment.id,
			state: assessment.state,
			stateLabel: STATE_LABELS[assessment.state],
			category: assessment.category,
			communeName: assessment.commune.name,
			roundName: assessment.round.name,
			roundYear: assessment.round.year
		},
		set: entrySet.set,
		setRef: entrySet.ref,
		stored: dossier.stored,
		answers: dossier.answers,
		baseCounts: dossier.baseCounts,
		evidence: dossier.evidence.map((e) => ({ kind: e.kind, indicatorCodes: e.indicatorCodes })),
		blockers: dossier.blockers,
		editable,
		readOnlyReason: editable
			? flagged
				? `Hồ sơ đang được yêu cầu bổ sung: chỉ sửa được ${flagged.length ? flagged.join(', ') : 'các chỉ số được đánh dấu'}.`
				: null
			: mayEdit
				? notEditableMessage(assessment.state)
				: 'Bạn chỉ có quyền xem số liệu của hồ sơ này.',
		editableIndicators: editable ? flagged : null,
		baseCountsEditable: editable && assessment.state === 'draft'
	};
}
