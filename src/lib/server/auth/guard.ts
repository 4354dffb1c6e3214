/**
 * The guard every `load`, form action and endpoint calls itself (a layout never stands guard
 * alone): `authorize` (the role may perform the action at all), `authorizeUnit` (and the object's
 * commune lies in the actor's area) and `authorizeAssessment` (the same for one assessment, loaded
 * here). Refusals are AppErrors: not signed in, forbidden, or not found, the last one also for an
 * object outside the actor's area, so that one commune cannot learn what exists in another.
 */
import { z } from 'zod';
import type { RawBuilder } from 'kysely';
import { canOnUnit, scopeOf, type Action, type Actor, type UnitPlace } from '../../domain/access.ts';
import type { DB } from '../db/index.ts';
import { AppError, notFound } from '../errors.ts';
import {
	loadAssessment,
	loadAssessmentDossier,
	loadChangeInputs,
	placeOf,
	type AssessmentInfo,
	type ChangeRead,
	type Dossier
} from '../dossier/index.ts';

export const SIGN_IN_MESSAGE = 'Vui lòng đăng nhập để tiếp tục.';
export const FORBIDDEN_MESSAGE = 'Bạn không có quyền thực hiện thao tác này.';

/** The actor if its role may perform `action`; otherwise "not signed in" or "forbidden". */
export function authorize(actor: Actor | null, action: Action): Actor {
	if (!actor) throw new AppError('unauthenticated', SIGN_IN_MESSAGE);
	if (!scopeOf(actor.role, action)) throw new AppError('forbidden', FORBIDDEN_MESSAGE);
	return actor;
}

/** As `authorize`, and the object's commune must lie within the actor's scope (404 otherwise). */
export function authorizeUnit(
	actor: Actor | null,
	action: Action,
	place: UnitPlace | undefined | null,
	message = 'Không tìm thấy.'
): Actor {
	const a = authorize(actor, action);
	if (!place || !canOnUnit(a, action, place)) throw notFound(message);
	return a;
}

/** Whether the actor may perform `action` on the unit at `place` (no refusal: for showing or hiding a button). */
export function allowedOn(actor: Actor, action: Action, place: UnitPlace): boolean {
	return canOnUnit(actor, action, place);
}

export const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/** Parses a route's id parameter (a positive 32-bit integer) or refuses with "not found". */
export function parseId(raw: string | null | undefined, message = 'Không tìm thấy.'): number {
	const id = idParam.safeParse(raw);
	if (!id.success) throw notFound(message);
	return id.data;
}

export const ASSESSMENT_NOT_FOUND = 'Không tìm thấy hồ sơ đánh giá.';

/**
 * The assessment `rawId` if the actor may perform `action` on it; "not found" otherwise (also
 * when it belongs to a commune outside the actor's scope).
 */
export async function authorizeAssessment(
	db: DB,
	actor: Actor | null,
	action: Action,
	rawId: string
): Promise<{ actor: Actor; assessment: AssessmentInfo }> {
	const a = authorize(actor, action);
	const id = idParam.safeParse(rawId);
	const assessment = id.success ? await loadAssessment(db, id.data) : undefined;
	if (!assessment || !canOnUnit(a, action, placeOf(assessment))) throw notFound(ASSESSMENT_NOT_FOUND);
	return { actor: a, assessment };
}

/**
 * As `authorizeAssessment`, with the assessment's whole dossier read in the same query (for the
 * pages that show a dossier: one round trip fewer). Nothing of the dossier leaves here unless the
 * actor may perform `action` on its commune; another commune's dossier is "not found" as above.
 */
export async function authorizeDossier<T = null>(
	db: DB,
	actor: Actor | null,
	action: Action,
	rawId: string,
	/** what else the page needs about the assessment, read in the same query (see `loadAssessmentDossier`) */
	beside?: RawBuilder<T>
): Promise<{ actor: Actor; assessment: AssessmentInfo; dossier: Dossier; beside: T }> {
	const a = authorize(actor, action);
	const id = idParam.safeParse(rawId);
	const found = id.success ? await loadAssessmentDossier(db, id.data, beside) : undefined;
	if (!found || !canOnUnit(a, action, placeOf(found.assessment))) throw notFound(ASSESSMENT_NOT_FOUND);
	return { actor: a, ...found };
}

/**
 * As `authorizeAssessment`, with what a change of the dossier reads first (what its figures come
 * from, the head of its commune's audit chain) read in the same query: the autosave's first read
 * is this one (see answers' `saveAnswer`). Nothing of it leaves here unless the actor may perform
 * `action` on the commune.
 */
export async function authorizeChange(
	db: DB,
	actor: Actor | null,
	action: Action,
	rawId: string
): Promise<{ actor: Actor; assessment: AssessmentInfo; read: ChangeRead }> {
	const a = authorize(actor, action);
	const id = idParam.safeParse(rawId);
	const found = id.success ? await loadChangeInputs(db, id.data) : undefined;
	if (!found || !canOnUnit(a, action, placeOf(found.assessment))) throw notFound(ASSESSMENT_NOT_FOUND);
	return { actor: a, assessment: found.assessment, read: { inputs: found.inputs, head: found.head } };
}
