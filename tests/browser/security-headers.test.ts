/**
 * Hardening, on the built server: every route (found from src/routes, parameters filled with
 * real ids), requested anonymously and as each kind of account, answers with the security
 * headers: a Content-Security-Policy (pages: a fresh nonce on every script, no inline script
 * without it, frame-ancestors 'none'), nosniff, a Referrer-Policy, a request id, no-store on
 * signed-in pages and downloads; HSTS only over HTTPS. Requests that change data from another
 * site are refused, JSON endpoints included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import { sessionCookie, startServer } from '../helpers/server.ts';
import { prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';

const routesDir = path.resolve(import.meta.dirname, '../../src/routes');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-headers-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir);
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Route ids of every page and endpoint, e.g. '/assessments/[id]/criteria/[code]'. */
function routeIds(dir = routesDir, prefix = ''): string[] {
	const out: string[] = [];
	const entries = fs.readdirSync(dir, { withFileTypes: true });
	if (entries.some((e) => /^\+(page\.svelte|server\.ts)$/.test(e.name))) out.push(prefix || '/');
	for (const e of entries) {
		if (!e.isDirectory()) continue;
		const seg = /^\(.*\)$/.test(e.name) ? '' : `/${e.name}`;
		out.push(...routeIds(path.join(dir, e.name), prefix + seg));
	}
	return out;
}

function urlFor(id: string): string {
	const first = id.split('/')[1];
	return id
		.replace('[id]', String(first === 'decisions' ? s.decisionId : first === 'assessments' || first === 'review' ? s.assessmentA : 1))
		.replace('[code]', first === 'verify' ? 'AAAAA-AAAAA' : 'TC01')
		.replace('[evidenceId]', '1')
		.replace('[itemId]', String(s.decisionItemId));
}

const cookieFor = (email: string) => sessionCookie(env.server.url, email);

describe('security headers on every route', () => {
	it('every response of every route, for every kind of visitor, carries them', async () => {
		const ids = routeIds();
		expect(ids.length).toBeGreaterThan(30);
		const visitors: [string, string | null][] = [['anonymous', null]];
		for (const email of ['canbo.xa@demo.vn', 'thamdinh@demo.vn', 'lanhdao@demo.vn', 'quantri@demo.vn'])
			visitors.push([email, await cookieFor(email)]);
		let pages = 0;
		for (const [who, cookie] of visitors) {
			for (const id of ids) {
				if (id === '/logout') continue; // would end the session
				const url = urlFor(id);
				const res = await fetch(`${env.server.url}${url}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
				const where = `${who} GET ${url} (${res.status})`;
				const h = res.headers;
				const body = await res.text();
				expect(h.get('x-content-type-options'), where).toBe('nosniff');
				expect(h.get('referrer-policy'), where).toBeTruthy();
				expect(h.get('x-request-id'), where).toMatch(/^[\w.-]{8,}$/);
				expect(h.get('strict-transport-security'), where).toBeNull(); // plain HTTP here
				const csp = h.get('content-security-policy') ?? '';
				expect(csp, where).not.toBe('');
				expect(csp, where).toContain("frame-ancestors 'none'");
				if (cookie && res.status !== 303) expect(h.get('cache-control'), where).toBe('no-store');
				if (h.get('content-disposition')) expect(h.get('cache-control'), where).toBe('no-store');
				if ((h.get('content-type') ?? '').startsWith('text/html')) {
					pages++;
					const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(csp)?.[1];
					expect(nonce, `${where}: script nonce in CSP`).toBeTruthy();
					for (const tag of body.match(/<script\b[^>]*>/g) ?? []) expect(tag, where).toContain(`nonce="${nonce}"`);
					expect(body, where).not.toMatch(/\son(click|load|error|submit)=/i);
				}
			}
		}
		expect(pages).toBeGreaterThan(50);
	}, 180_000);

	it('nonces differ between two loads of the same page', async () => {
		const a = (await fetch(`${env.server.url}/login`)).headers.get('content-security-policy');
		const b = (await fetch(`${env.server.url}/login`)).headers.get('content-security-policy');
		expect(a).not.toBe(b);
	});

	it('requests that change data from another site are refused, JSON endpoints included', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const put = (headers: Record<string, string>) =>
			fetch(`${env.server.url}/assessments/${s.assessmentA}/answers`, {
				method: 'PUT',
				headers: { cookie, 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ indicator: 'TC01.1', answer: { value: true }, expectedRevision: 0 })
			});
		expect((await put({ origin: 'https://evil.example' })).status).toBe(403);
		expect((await put({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		expect((await put({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
		// same origin reaches the route (which then refuses for its own reason: the dossier is submitted)
		const same = await put({ origin: env.server.url, 'sec-fetch-site': 'same-origin' });
		expect(same.status).toBe(409);
		const form = await fetch(`${env.server.url}/review/${s.assessmentA}?/start`, {
			method: 'POST',
			headers: {
				cookie: await cookieFor('thamdinh@demo.vn'),
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: 'version=1'
		});
		expect(form.status).toBe(403);
	});

	it('HSTS is sent when the app is served over HTTPS behind a proxy', async () => {
		const server = await startServer({ PROTOCOL_HEADER: 'x-forwarded-proto' });
		try {
			const https = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
			expect(https.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
			const http = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-proto': 'http', 'x-request-id': 'proxy-req-12345' } });
			expect(http.headers.get('strict-transport-security')).toBeNull();
			// structured logs: one JSON line per request, with the proxy's request id
			expect(http.headers.get('x-request-id')).toBe('proxy-req-12345');
			await expect
				.poll(() =>
					server
						.log()
						.split('\n')
						.filter((l) => l.startsWith('{'))
						.map((l) => JSON.parse(l))
						.find((e) => e.id === 'proxy-req-12345')
				)
				.toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) });
		} finally {
			await server.stop();
		}
	}, 120_000);
});
