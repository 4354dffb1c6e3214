import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { addressRefusal, applySecurityHeaders, crossSiteRefusal } from '#lib/server/http/security.ts';
import { log, requestId } from '#lib/server/http/log.ts';
import { closePool } from '#lib/server/documents/pool.ts';
import { appConfig, closeApp, db, openApp } from '#lib/server/app.ts';
import { cookieExpiry, SESSION_COOKIE, validateSession } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { sweepTemp } from '#lib/server/storage/index.ts';
import { pruneAttempts } from '#lib/server/auth/rate-limit.ts';
import { writeAnchor } from '#lib/server/audit/index.ts';
import { MAX_BODY_BYTES, TOO_LARGE_MESSAGE } from '#lib/edge/index.ts';

export const init: ServerInit = async () => {
	await openApp();
	// temporary files of uploads cut off by a crash or restart: all of them on the embedded
	// database (the data directory's lock file means no other process is uploading into it);
	// with PostgreSQL other instances may share the directory, so only those older than 15 min
	await sweepTemp(appConfig().databaseUrl ? { olderThanMs: 15 * 60_000 } : { olderThanMs: 0 });
	setInterval(() => {
		void sweepTemp().catch(() => {});
		// sign-in and verification attempts older than their window are of no use
		const cfg = appConfig();
		void pruneAttempts(db(), { maxAttempts: cfg.loginMaxAttempts, windowMs: cfg.loginWindowMs }).catch(() => {});
		// an anchor over every audit chain's head (nothing is written when no chain moved)
		void writeAnchor(db(), { by: 'server' }).catch((e) => log('warn', 'audit anchor failed', { error: String(e) }));
	}, 3_600_000).unref();
	let closing = false;
	const shutdown = async () => {
		if (closing) return;
		closing = true;
		log('info', 'shutdown: requests finished, closing the database');
		await closePool();
		await closeApp();
	};
	// adapter-node emits this after it stopped accepting requests and finished the open ones.
	process.once('sveltekit:shutdown' as NodeJS.Signals, shutdown);
};

export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const id = requestId(event.request.headers);
	event.locals.requestId = id;
	const response = await handleRequest({ event, resolve });
	response.headers.set('X-Request-Id', id);
	// a refused body was not read to its end: close the connection after answering, instead of
	// reading the rest (keep-alive would have to)
	if (response.status === 413) response.headers.set('Connection', 'close');
	applySecurityHeaders(response, { https: event.url.protocol === 'https:', signedIn: event.locals.actor !== null });
	log('info', 'request', {
		id,
		method: event.request.method,
		path: event.url.pathname,
		status: response.status,
		ms: Math.round(performance.now() - started),
		account: event.locals.actor?.id ?? null
	});
	return response;
};

// Errors our code did not expect are logged with the request id, which the user sees too; the
// errors thrown on purpose (404, 403 …) keep their own Vietnamese message.
export const handleError: HandleServerError = (input) => {
	if (input.kind !== 'unknown') return;
	const id = input.event.locals.requestId ?? null;
	const e = input.error;
	log('error', 'unhandled error', { id, path: input.event.url.pathname, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
	return { message: `Đã có lỗi xảy ra. Mã yêu cầu: ${id ?? 'không có'}.` };
};

const handleRequest: Handle = async ({ event, resolve }) => {
	event.locals.actor = null;
	event.locals.sessionId = null;
	event.locals.unread = 0;
	const plain = (status: number, message: string) => {
		const wantsJson = /json/.test(`${event.request.headers.get('content-type') ?? ''} ${event.request.headers.get('accept') ?? ''}`);
		return wantsJson
			? Response.json({ message }, { status })
			: new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	};
	const refusal = crossSiteRefusal(event.request.method, event.url, event.request.headers);
	if (refusal) {
		log('warn', 'cross-site request refused', { id: event.locals.requestId, path: event.url.pathname, why: refusal });
		return plain(403, 'Yêu cầu từ trang web khác bị từ chối.');
	}
	const bad = addressRefusal(event.request.method, event.url);
	if (bad) return plain(bad.status, bad.message);
	// a declared length over the limit is refused before reading; a chunked body is read by the
	// routes only through #lib/edge's readers, which stop at their limit whatever the framing
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES && !event.url.pathname.endsWith('/evidence/upload')) return plain(413, TOO_LARGE_MESSAGE);
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const cfg = appConfig();
		const policy = { idleMs: cfg.sessionIdleMs, maxMs: cfg.sessionMaxMs };
		const session = await validateSession(db(), token, policy);
		if (session) {
			event.locals.actor = session.actor;
			event.locals.sessionId = session.id;
			event.locals.unread = session.unread;
			if (session.renewed)
				event.cookies.set(SESSION_COOKIE, token, { ...sessionCookieOptions(event.url), expires: cookieExpiry(session, policy) });
		} else {
			event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event.url));
		}
	}
	return resolve(event);
};
