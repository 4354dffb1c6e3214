/**
 * HTTP at the edge: the one place where the server modules' refusals (AppError) become HTTP
 * responses, and where request bodies are read within a size limit. Routes wrap their handlers:
 *
 *   export const load: PageServerLoad = (event) => page(event, async (actor) => { … });
 *   export const actions = { save: (event) => action(event, async (actor) => { … }) };
 *   export const PUT: RequestHandler = (event) => endpoint(event, async (actor) => { … });
 *
 * `page` and `endpoint` answer a refusal with SvelteKit's error page (or JSON for an endpoint),
 * `action` with `fail(status, { message, fieldErrors, …details })` so that the form shows it where
 * the user is looking; "not signed in" redirects to the sign-in page and back. An action refused
 * as forbidden or not found answers with the error page too: `fail` would render the page again
 * with its data, and whoever may not act on an object learns nothing more about it that way.
 */
import { error, fail, json, redirect, type ActionFailure } from '@sveltejs/kit';
import type { Actor } from '#lib/domain/access.ts';
import { AppError, isAppError, type AppErrorKind } from '#lib/server/errors.ts';
import { NUL_MESSAGE } from '#lib/server/http/security.ts';

type EventLike = { locals: App.Locals; url: URL };

const STATUS: Record<AppErrorKind, number> = {
	invalid: 400,
	unauthenticated: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	too_large: 413,
	unsupported: 415,
	rate_limited: 429
};

export const httpStatus = (e: AppError): number => STATUS[e.kind];

function signIn(event: EventLike): never {
	redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
}

/** A page's `load` (or a GET that answers with a document): refusals become error pages. */
export async function page<T>(event: EventLike, fn: (actor: Actor | null) => Promise<T>): Promise<T> {
	try {
		return await fn(event.locals.actor);
	} catch (e) {
		if (!isAppError(e)) throw e;
		if (e.kind === 'unauthenticated') signIn(event);
		error(httpStatus(e), { message: e.message });
	}
}

/** An action's refusal that shows no page at all: signed out, forbidden, not found. */
function refuseOutright(event: EventLike, e: AppError): void {
	if (e.kind === 'unauthenticated') signIn(event);
	if (e.kind === 'forbidden' || e.kind === 'not_found') error(httpStatus(e), { message: e.message });
}

/** A form action: refusals become `fail(status, { message, fieldErrors, …details })`. */
export async function action<T>(
	event: EventLike,
	fn: (actor: Actor | null) => Promise<T>
): Promise<T | ActionFailure<{ message: string; fieldErrors: Record<string, string> }>> {
	try {
		return await fn(event.locals.actor);
	} catch (e) {
		if (!isAppError(e)) throw e;
		refuseOutright(event, e);
		return fail(httpStatus(e), { ...e.details, message: e.message, fieldErrors: e.fieldErrors });
	}
}

/** A JSON endpoint: refusals become `{ ok: false, message, fieldErrors?, …details }` with their status. */
export async function endpoint(event: EventLike, fn: (actor: Actor | null) => Promise<Response>): Promise<Response> {
	try {
		return await fn(event.locals.actor);
	} catch (e) {
		if (!isAppError(e)) throw e;
		if (e.kind === 'unauthenticated') signIn(event);
		const body = {
			ok: false,
			...e.details,
			message: e.message,
			...(Object.keys(e.fieldErrors).length ? { fieldErrors: e.fieldErrors } : {})
		};
		return json(body, { status: httpStatus(e), headers: { 'Cache-Control': 'no-store' } });
	}
}

/**
 * In a form action, the failure for a refusal with more for the page to show beside its message
 * (what was typed, which form on the page it concerns), typed for the page; anything that is not
 * an AppError is thrown on.
 */
export function refusal<E extends Record<string, unknown>>(
	e: unknown,
	extra: E
): ActionFailure<{ message: string; fieldErrors: Record<string, string> } & E> {
	if (!isAppError(e)) throw e;
	if (e.kind === 'unauthenticated' || e.kind === 'forbidden' || e.kind === 'not_found') throw e; // the action's wrapper answers these
	return fail(httpStatus(e), { ...e.details, ...extra, message: e.message, fieldErrors: e.fieldErrors });
}

/** Largest body a form or JSON request may send (the streamed evidence upload has its own limit). */
export const MAX_BODY_BYTES = 1_000_000;

export const TOO_LARGE_MESSAGE = 'Dữ liệu gửi lên quá lớn.';

/**
 * Reads a request body, stopping at `maxBytes` whatever its framing (Content-Length or chunked):
 * a larger body is refused with "too large" without reading the rest.
 */
export async function readBody(request: Request, maxBytes: number = MAX_BODY_BYTES): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > maxBytes) throw new AppError('too_large', TOO_LARGE_MESSAGE);
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			// stop reading, but do not cancel: cancelling resets the connection before the client
			// sees the answer; the response closes the connection instead (hooks: Connection: close)
			reader.releaseLock();
			throw new AppError('too_large', TOO_LARGE_MESSAGE);
		}
		chunks.push(value);
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}

/** A JSON body (Content-Type application/json, within `maxBytes`), parsed but not yet validated. */
export async function readJson(request: Request, maxBytes: number = MAX_BODY_BYTES): Promise<unknown> {
	if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
		throw new AppError('unsupported', 'Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json).');
	}
	const bytes = await readBody(request, maxBytes);
	const text = new TextDecoder().decode(bytes);
	// a NUL, raw or escaped, can never be stored (PostgreSQL text) and no one types it
	if (text.includes('\0') || /\\u0000/i.test(text)) throw new AppError('invalid', NUL_MESSAGE);
	try {
		return JSON.parse(text);
	} catch {
		throw new AppError('invalid', 'Dữ liệu không hợp lệ.', {
			details: { errors: [{ path: '', location: '(toàn bộ dữ liệu)', message: 'Dữ liệu gửi lên không phải JSON hợp lệ' }] }
		});
	}
}

/** A form body (url-encoded or multipart, within `maxBytes`); null when it cannot be read as a form. */
export async function readForm(request: Request, maxBytes: number = MAX_BODY_BYTES): Promise<FormData | null> {
	const bytes = await readBody(request, maxBytes);
	let form: FormData;
	try {
		form = await new Request(request.url, {
			method: 'POST',
			headers: { 'content-type': request.headers.get('content-type') ?? '' },
			body: bytes as BodyInit
		}).formData();
	} catch {
		return null;
	}
	// a NUL in any field (or field name) is refused here, once for every form
	for (const [key, value] of form) {
		if (key.includes('\0') || (typeof value === 'string' ? value.includes('\0') : value.name.includes('\0')))
			throw new AppError('invalid', NUL_MESSAGE);
	}
	return form;
}

/**
 * Cross-site JSON writes are refused: SvelteKit's CSRF check covers form submissions only. A
 * browser always sends `Origin` on a PUT/POST fetch; it must be this site's.
 */
export function isSameOrigin(request: Request, url: URL): boolean {
	return request.headers.get('origin') === url.origin;
}

/** The client's address, or null behind a proxy that did not say. */
export function clientAddress(event: { getClientAddress: () => string }): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
