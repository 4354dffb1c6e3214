import type { Handle, ServerInit } from '@sveltejs/kit/hooks';
import { appConfig, closeApp, db, openApp } from '#lib/server/app.ts';
import { cookieExpiry, SESSION_COOKIE, validateSession } from '#lib/server/auth/session.ts';
import { loadSessionAccount } from '#lib/server/accounts/index.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { sweepTemp } from '#lib/server/storage/index.ts';

/** Bodies above this size are refused except on the streamed evidence upload. */
const MAX_FORM_BYTES = 1_000_000;

export const init: ServerInit = async () => {
	await openApp();
	// temporary files of uploads cut off by a crash or restart
	await sweepTemp();
	setInterval(() => void sweepTemp().catch(() => {}), 3_600_000).unref();
	let closing = false;
	const shutdown = async () => {
		if (closing) return;
		closing = true;
		await closeApp();
	};
	// adapter-node emits this after it stopped accepting requests and finished the open ones.
	process.once('sveltekit:shutdown' as NodeJS.Signals, shutdown);
};

export const handle: Handle = async ({ event, resolve }) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > MAX_FORM_BYTES && !event.url.pathname.endsWith('/evidence/upload')) {
		return new Response('Dữ liệu gửi lên quá lớn.', { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	}
	event.locals.account = null;
	event.locals.sessionId = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const cfg = appConfig();
		const policy = { idleMs: cfg.sessionIdleMs, maxMs: cfg.sessionMaxMs };
		const session = await validateSession(db(), token, policy);
		const account = session ? await loadSessionAccount(db(), session.accountId) : null;
		if (session && account) {
			event.locals.account = account;
			event.locals.sessionId = session.id;
			if (session.renewed) event.cookies.set(SESSION_COOKIE, token, { ...sessionCookieOptions(event.url), expires: cookieExpiry(session, policy) });
		} else {
			event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event.url));
		}
	}
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	if (event.locals.account) response.headers.set('Cache-Control', 'no-store');
	return response;
};
