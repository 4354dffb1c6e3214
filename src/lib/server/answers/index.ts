/**
 * Saving a commune's figures: one indicator's answer at a time, and the base counts (số trẻ em
 * dùng chung), with optimistic concurrency.
 *
 * Every save names the revision it was based on (`expectedRevision`, 0 = "nothing stored yet").
 * When the stored revision differs, nothing is written: the caller gets 409 with BOTH values
 * (theirs and the stored one, who saved it and when) so the user chooses; a save never silently
 * overwrites another. Clearing (answer `null`) keeps the row as a tombstone (`answer` = JSON
 * null) so that revisions only grow. Each save runs in one transaction with its audit record, and
 * only while the assessment is editable by the commune (checked under a row lock, so a
 * submission cannot slip in between).
 *
 * Routes call `authorizeAssessment(event, db(), 'assessment.edit', id)` themselves, then
 * `saveFromRequest`.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { SessionAccount } from '../accounts/index.ts';
import type { AssessmentInfo } from '../assessments/index.ts';
import { assessmentCriteriaSet } from '../assessments/index.ts';
import { recordAudit } from '../audit/index.ts';
import { parseAnswers, type Answer } from '../../domain/scoring/answers.ts';
import { toValidationErrors, viErrorMap, type CriteriaSet, type ValidationError } from '../../domain/criteria/schema.ts';
import { parseBaseCounts, type BaseCounts } from '../../domain/base-counts.ts';
import { isCommuneEditable, STATE_LABELS, type AssessmentState } from '../../domain/workflow.ts';
import { canOnUnit } from '../../domain/access.ts';
import { actorOf } from '../auth/guard.ts';
import { communeMayChange, NOT_FLAGGED_MESSAGE } from '../../domain/review.ts';
import { flaggedIndicators } from '../reviews/flags.ts';

export const ANSWER_SAVE_ACTION = 'assessment.answer_save';
export const BASE_COUNTS_SAVE_ACTION = 'assessment.base_counts_save';

/** Who saved a value (null: unknown, e.g. never saved). */
export type Saver = { id: number | null; name: string } | null;

/** A stored value with its revision (0 = never saved) and who saved it when (ISO 8601). */
export type Stored<T> = { value: T | null; revision: number; updatedAt: string | null; updatedBy: Saver };

export type SaveOutcome<T> =
	| { status: 200; body: { ok: true; saved: Stored<T> } }
	| { status: 400; body: { ok: false; message: string; errors: ValidationError[] } }
	| { status: 409; body: { ok: false; conflict: true; message: string; yours: T | null; stored: Stored<T> } }
	| { status: 409; body: { ok: false; conflict: false; message: string } };

export type EditContext = { account: SessionAccount; assessment: AssessmentInfo };

export const CONFLICT_MESSAGE = 'Số liệu đã được thay đổi sau khi bạn mở trang: hãy so sánh và chọn giá trị cần giữ.';

export function notEditableMessage(state: AssessmentState): string {
	return `Hồ sơ đang ở trạng thái «${STATE_LABELS[state]}»: không thể sửa số liệu. Chỉ sửa được khi hồ sơ đang lập hoặc được yêu cầu bổ sung.`;
}

const notEditable = (state: AssessmentState) =>
	({ status: 409, body: { ok: false, conflict: false, message: notEditableMessage(state) } }) as const;

const badRequest = (errors: ValidationError[], message = 'Số liệu không hợp lệ.') =>
	({ status: 400, body: { ok: false, message, errors } }) as const;

function iso(d: Date | string | null | undefined): string | null {
	if (d === null || d === undefined) return null;
	return (d instanceof Date ? d : new Date(d)).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Stored answers of an assessment (cleared ones included, with value null), by indicator code. */
export async function loadStoredAnswers(db: DB, assessmentId: number, codes?: readonly string[]): Promise<Record<string, Stored<Answer>>> {
	let q = db
		.selectFrom('assessment_answer as x')
		.leftJoin('account as a', 'a.id', 'x.updated_by')
		.select(['x.indicator_code', 'x.answer', 'x.revision', 'x.updated_at', 'x.updated_by', 'a.full_name'])
		.where('x.assessment_id', '=', assessmentId);
	if (codes) {
		if (codes.length === 0) return {};
		q = q.where('x.indicator_code', 'in', codes);
	}
	const rows = await q.execute();
	const out: Record<string, Stored<Answer>> = {};
	for (const r of rows) {
		out[r.indicator_code] = {
			value: (r.answer ?? null) as Answer | null,
			revision: r.revision,
			updatedAt: iso(r.updated_at),
			updatedBy: r.updated_by === null ? null : { id: r.updated_by, name: r.full_name ?? '' }
		};
	}
	return out;
}

async function storedAnswer(db: DB, assessmentId: number, code: string): Promise<Stored<Answer>> {
	const found = await loadStoredAnswers(db, assessmentId, [code]);
	return found[code] ?? { value: null, revision: 0, updatedAt: null, updatedBy: null };
}

/** Who saved the base counts last, from the audit trail (the assessment row has no column for it). */
async function baseCountsSaver(db: DB, assessmentId: number): Promise<{ updatedAt: string | null; updatedBy: Saver }> {
	const r = await db
		.selectFrom('audit_log as l')
		.leftJoin('account as a', 'a.id', 'l.actor_id')
		.select(['l.at', 'l.actor_id', 'l.actor_label', 'a.full_name'])
		.where('l.object_type', '=', 'assessment')
		.where('l.object_id', '=', String(assessmentId))
		.where('l.action', '=', BASE_COUNTS_SAVE_ACTION)
		.orderBy('l.id', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!r) return { updatedAt: null, updatedBy: null };
	return { updatedAt: iso(r.at), updatedBy: { id: r.actor_id, name: r.full_name ?? r.actor_label ?? '' } };
}

/** The stored base counts with their revision and who saved them. */
export async function loadBaseCounts(db: DB, assessmentId: number): Promise<Stored<BaseCounts>> {
	const a = await db
		.selectFrom('assessment')
		.select(['base_counts', 'base_revision'])
		.where('id', '=', assessmentId)
		.executeTakeFirstOrThrow();
	const who = a.base_revision > 0 ? await baseCountsSaver(db, assessmentId) : { updatedAt: null, updatedBy: null };
	return { value: toBaseCounts(a.base_counts), revision: a.base_revision, ...who };
}

/** Stored jsonb → BaseCounts (anything malformed is dropped rather than trusted). */
export function toBaseCounts(raw: unknown): BaseCounts {
	const parsed = parseBaseCounts(raw ?? {});
	if (parsed.ok) return parsed.value;
	const out: BaseCounts = {};
	for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
		const one = parseBaseCounts({ [k]: v });
		if (one.ok) Object.assign(out, one.value);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Criteria sets (immutable once an assessment uses them) cached per connection
// ---------------------------------------------------------------------------------------------

const setCache = new WeakMap<DB, Map<number, CriteriaSet>>();

async function criteriaSetOf(db: DB, assessment: AssessmentInfo): Promise<CriteriaSet> {
	let byId = setCache.get(db);
	if (!byId) setCache.set(db, (byId = new Map()));
	let set = byId.get(assessment.criteriaSetId);
	if (!set) {
		set = await assessmentCriteriaSet(db, assessment);
		byId.set(assessment.criteriaSetId, set);
	}
	return set;
}

// ---------------------------------------------------------------------------------------------
// What the data-entry pages show
// ---------------------------------------------------------------------------------------------

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
	stored: Record<string, Stored<Answer>>;
	baseCounts: Stored<BaseCounts>;
	/** The signed-in account may change the figures now. */
	editable: boolean;
	/** Why not (Vietnamese), when not editable. */
	readOnlyReason: string | null;
	/** While returned for correction: the only indicators that may change (null: all, or none if not editable). */
	editableIndicators: string[] | null;
	/** The base counts may change (only while a draft). */
	baseCountsEditable: boolean;
};

/**
 * The set without the long texts (guidance, measure, source) of the criteria not shown, for small
 * page payloads: the browser only needs the scales to score. `keep`: the criterion on the page.
 */
export function slimCriteriaSet(set: CriteriaSet, keep: string | null): CriteriaSet {
	return {
		...set,
		criteria: set.criteria.map((c) =>
			c.code === keep
				? c
				: { ...c, guidance: '', source: '', indicators: c.indicators.map((i) => ({ ...i, guidance: '', measure: '', source: '' })) }
		)
	};
}

/**
 * Everything the data-entry pages need, for an account already authorized to read the
 * assessment. `criterion`: the one shown in full (the others are slimmed, see slimCriteriaSet).
 */
export async function loadEntryView(db: DB, ctx: EditContext, criterion: string | null = null): Promise<EntryView> {
	const { account, assessment } = ctx;
	const [full, stored, baseCounts] = await Promise.all([
		assessmentCriteriaSet(db, assessment),
		loadStoredAnswers(db, assessment.id),
		loadBaseCounts(db, assessment.id)
	]);
	const set = slimCriteriaSet(full, criterion);
	const mayEdit = canOnUnit(actorOf(account), 'assessment.edit', {
		id: assessment.commune.id,
		districtId: assessment.commune.districtId,
		provinceId: assessment.commune.provinceId
	});
	const editable = mayEdit && isCommuneEditable(assessment.state);
	const flagged = assessment.state === 'returned' ? [...(await flaggedIndicators(db, assessment.id))].sort() : null;
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
		set,
		stored,
		baseCounts,
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

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/** Drops empty `source`/`period` strings (after trimming) so that "nothing" is stored as absent. */
function withoutEmptyMeta(answer: Answer): Answer {
	const out = { ...answer } as Answer & { source?: string; period?: string };
	if (out.source === '') delete out.source;
	if (out.period === '') delete out.period;
	return out;
}

/**
 * Validates one indicator's answer against the set (the domain `parseAnswers` for that single
 * code): unknown codes, wrong kinds, negatives, text in numbers… give 400 with Vietnamese reasons.
 * `null` (or `{}`) means "clear".
 */
export function validateOneAnswer(
	set: CriteriaSet,
	indicator: string,
	answer: unknown
): { ok: true; value: Answer | null } | { ok: false; errors: ValidationError[] } {
	const empty = answer === null || (typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer as object).length === 0);
	const parsed = parseAnswers(set, { [indicator]: empty ? null : answer });
	if (!parsed.ok) return { ok: false, errors: parsed.errors };
	const value = parsed.value[indicator];
	return { ok: true, value: value === undefined ? null : withoutEmptyMeta(value) };
}

/**
 * Saves one indicator's answer if the stored revision is still `expectedRevision`.
 * `answer` must already be validated (see `validateOneAnswer`); null clears it.
 */
export async function saveAnswer(
	db: DB,
	ctx: EditContext,
	input: { indicator: string; answer: Answer | null; expectedRevision: number }
): Promise<SaveOutcome<Answer>> {
	const { account, assessment } = ctx;
	const json = JSON.stringify(input.answer);
	return db.transaction().execute(async (trx) => {
		// Lock the assessment row against a concurrent state change (submission) until we commit.
		const a = await trx.selectFrom('assessment').select(['state']).where('id', '=', assessment.id).forShare().executeTakeFirstOrThrow();
		if (!isCommuneEditable(a.state)) return notEditable(a.state);
		if (!communeMayChange(a.state, a.state === 'returned' ? await flaggedIndicators(trx, assessment.id) : new Set(), [input.indicator])) {
			return { status: 409, body: { ok: false, conflict: false, message: NOT_FLAGGED_MESSAGE } } as const;
		}

		const written =
			input.expectedRevision === 0
				? await trx
						.insertInto('assessment_answer')
						.values({
							assessment_id: assessment.id,
							indicator_code: input.indicator,
							answer: json,
							revision: 1,
							updated_by: account.id,
							updated_at: sql<Date>`now()`
						})
						.onConflict((oc) => oc.columns(['assessment_id', 'indicator_code']).doNothing())
						.returning(['revision', 'updated_at'])
						.executeTakeFirst()
				: await trx
						.updateTable('assessment_answer')
						.set({ answer: json, revision: sql<number>`revision + 1`, updated_by: account.id, updated_at: sql<Date>`now()` })
						.where('assessment_id', '=', assessment.id)
						.where('indicator_code', '=', input.indicator)
						.where('revision', '=', input.expectedRevision)
						.returning(['revision', 'updated_at'])
						.executeTakeFirst();
		if (!written) {
			const stored = await storedAnswer(trx, assessment.id, input.indicator);
			return { status: 409, body: { ok: false, conflict: true, message: CONFLICT_MESSAGE, yours: input.answer, stored } } as const;
		}
		await recordAudit(trx, {
			actorId: account.id,
			actorLabel: account.email,
			action: ANSWER_SAVE_ACTION,
			objectType: 'assessment',
			objectId: assessment.id,
			unitId: assessment.commune.id,
			details: { indicator: input.indicator, revision: written.revision }
		});
		return {
			status: 200,
			body: {
				ok: true,
				saved: {
					value: input.answer,
					revision: written.revision,
					updatedAt: iso(written.updated_at),
					updatedBy: { id: account.id, name: account.fullName }
				}
			}
		} as const;
	});
}

/** Saves the base counts (the whole object; missing keys are cleared) if `base_revision` is still `expectedRevision`. */
export async function saveBaseCounts(
	db: DB,
	ctx: EditContext,
	input: { baseCounts: BaseCounts; expectedRevision: number }
): Promise<SaveOutcome<BaseCounts>> {
	const { account, assessment } = ctx;
	return db.transaction().execute(async (trx) => {
		const a = await trx
			.selectFrom('assessment')
			.select(['state', 'base_counts', 'base_revision'])
			.where('id', '=', assessment.id)
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (!isCommuneEditable(a.state)) return notEditable(a.state);
		if (a.state !== 'draft') {
			return {
				status: 409,
				body: {
					ok: false,
					conflict: false,
					message: 'Hồ sơ đang được yêu cầu bổ sung: số trẻ em dùng chung không sửa được; hãy sửa số liệu ở các chỉ số được đánh dấu.'
				}
			} as const;
		}
		if (a.base_revision !== input.expectedRevision) {
			const who = await baseCountsSaver(trx, assessment.id);
			const stored: Stored<BaseCounts> = { value: toBaseCounts(a.base_counts), revision: a.base_revision, ...who };
			return { status: 409, body: { ok: false, conflict: true, message: CONFLICT_MESSAGE, yours: input.baseCounts, stored } } as const;
		}
		const written = await trx
			.updateTable('assessment')
			.set({ base_counts: JSON.stringify(input.baseCounts), base_revision: sql<number>`base_revision + 1`, updated_at: sql<Date>`now()` })
			.where('id', '=', assessment.id)
			.returning(['base_revision', 'updated_at'])
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			actorId: account.id,
			actorLabel: account.email,
			action: BASE_COUNTS_SAVE_ACTION,
			objectType: 'assessment',
			objectId: assessment.id,
			unitId: assessment.commune.id,
			details: { revision: written.base_revision, baseCounts: input.baseCounts }
		});
		return {
			status: 200,
			body: {
				ok: true,
				saved: {
					value: input.baseCounts,
					revision: written.base_revision,
					updatedAt: iso(written.updated_at),
					updatedBy: { id: account.id, name: account.fullName }
				}
			}
		} as const;
	});
}

// ---------------------------------------------------------------------------------------------
// The JSON endpoint
// ---------------------------------------------------------------------------------------------

/** Largest request body accepted (one answer with a long justification fits many times over). */
export const MAX_BODY_BYTES = 64 * 1024;

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

/**
 * Cross-site requests are refused: SvelteKit's CSRF check covers form submissions only, not
 * JSON. A browser always sends `Origin` on a PUT/POST fetch; it must be this site's.
 */
export function isSameOrigin(request: Request, url: URL): boolean {
	return request.headers.get('origin') === url.origin;
}

export type EndpointResult = { status: number; body: Record<string, unknown> };

/**
 * Handles one save request (already authorized for `assessment.edit`): checks the content
 * type and size, parses the JSON body `{ indicator, answer, expectedRevision }` or
 * `{ baseCounts, expectedRevision }`, validates with the domain and saves.
 */
export async function saveFromRequest(db: DB, ctx: EditContext, request: Request): Promise<EndpointResult> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\s*(;|$)/i.test(type)) {
		return { status: 415, body: { ok: false, message: 'Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json).' } };
	}
	const text = await request.text();
	if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
		return { status: 413, body: { ok: false, message: 'Dữ liệu gửi lên quá lớn.' } };
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return badRequest(
			[{ path: '', location: '(toàn bộ dữ liệu)', message: 'Dữ liệu gửi lên không phải JSON hợp lệ' }],
			'Dữ liệu không hợp lệ.'
		);
	}
	return saveFromJson(db, ctx, body);
}

/** As `saveFromRequest`, from an already parsed body. */
export async function saveFromJson(db: DB, ctx: EditContext, body: unknown): Promise<EndpointResult> {
	const isBase = body !== null && typeof body === 'object' && 'baseCounts' in body;
	if (isBase) {
		const parsed = BaseCountsBody.safeParse(body, { error: viErrorMap });
		if (!parsed.success) return badRequest(bodyErrors(parsed.error.issues), 'Dữ liệu không hợp lệ.');
		const counts = parseBaseCounts(parsed.data.baseCounts);
		if (!counts.ok) return badRequest(counts.errors.map((e) => ({ ...e, path: e.path ? `baseCounts.${e.path}` : 'baseCounts' })));
		return saveBaseCounts(db, ctx, { baseCounts: counts.value, expectedRevision: parsed.data.expectedRevision });
	}
	const parsed = AnswerBody.safeParse(body, { error: viErrorMap });
	if (!parsed.success) return badRequest(bodyErrors(parsed.error.issues), 'Dữ liệu không hợp lệ.');
	const set = await criteriaSetOf(db, ctx.assessment);
	const answer = validateOneAnswer(set, parsed.data.indicator, parsed.data.answer);
	if (!answer.ok) return badRequest(answer.errors);
	return saveAnswer(db, ctx, { indicator: parsed.data.indicator, answer: answer.value, expectedRevision: parsed.data.expectedRevision });
}

function bodyErrors(issues: z.ZodError['issues']): ValidationError[] {
	return toValidationErrors(issues as Parameters<typeof toValidationErrors>[0], (path) =>
		path.length ? path.map(String).join('.') : '(toàn bộ dữ liệu)'
	);
}
