/**
 * Security headers for every response, and the refusal of cross-site requests that change data
 * (SvelteKit checks the origin of form posts only; JSON endpoints are covered here).
 * Pages get their Content-Security-Policy (with nonces) from SvelteKit (vite.config.ts); other
 * responses (files, JSON) get a strict one unless they set their own.
 */
export const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a request must be refused as cross-site, or null. */
export function crossSiteRefusal(method: string, url: URL, headers: Headers): string | null {
	if (SAFE_METHODS.has(method)) return null;
	const site = headers.get('sec-fetch-site');
	if (site && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
	const origin = headers.get('origin');
	if (origin && origin !== url.origin) return `Origin: ${origin}`;
	return null;
}

export const NUL_MESSAGE = 'Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL).';
export const NO_SUCH_ACTION_MESSAGE = 'Không có thao tác này.';

/** A NUL character, raw or percent-encoded: PostgreSQL text cannot hold it, and no user types it. */
export const hasNul = (s: string): boolean => s.includes('\0') || /%00/i.test(s);

/**
 * What the address itself makes unacceptable, before any route sees it: a NUL character in the
 * path or the query (400), or the form action named "default", which SvelteKit reserves and
 * answers with an exception (404, as for any action the page does not have).
 */
export function addressRefusal(method: string, url: URL): { status: number; message: string } | null {
	if (hasNul(url.pathname) || hasNul(url.search)) return { status: 400, message: NUL_MESSAGE };
	if (method === 'POST') {
		for (const [key] of url.searchParams) {
			if (key.startsWith('/')) return key === '/default' ? { status: 404, message: NO_SUCH_ACTION_MESSAGE } : null;
		}
	}
	return null;
}

/** Adds the headers every response carries (keeping any a route set itself). */
export function applySecurityHeaders(response: Response, opts: { https: boolean; signedIn: boolean }): Response {
	const h = response.headers;
	const setIfAbsent = (name: string, value: string) => {
		if (!h.has(name)) h.set(name, value);
	};
	setIfAbsent('X-Content-Type-Options', 'nosniff');
	setIfAbsent('Referrer-Policy', 'same-origin');
	setIfAbsent('X-Frame-Options', 'DENY');
	setIfAbsent('Cross-Origin-Opener-Policy', 'same-origin');
	setIfAbsent('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
	setIfAbsent('Content-Security-Policy', STRICT_CSP);
	if (opts.https) setIfAbsent('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	// signed-in pages and every download are never stored by a browser or a proxy, except what a
	// route marks as content-addressed and the same for everyone (`private, …, immutable`: the
	// data-entry pages' criteria set, see $lib/criteria-set-ref.ts), which this browser may keep
	const keepable = /^private, max-age=\d+, immutable$/.test(h.get('cache-control') ?? '') && !h.has('content-disposition');
	if ((opts.signedIn || (h.get('content-disposition') ?? '').length > 0) && !keepable) h.set('Cache-Control', 'no-store');
	return response;
}
