/**
 * Limits and odd input against the built server (issue 12): parallel password guesses never get
 * more checks than the limit, on sign-in and on the change of password; chunked bodies stop at
 * each route's own limit (413) without growing the server; a NUL character anywhere in the
 * address or a form answers 400 with a Vietnamese message, never 500; the reserved action name
 * "default" answers 404, never 500.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie, startServer, type RunningServer } from '../helpers/server.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

let server: RunningServer;

beforeAll(async () => {
	server = await startServer({ LOGIN_MAX_ATTEMPTS: '5' });
});
afterAll(async () => server?.stop());

const form = (fields: Record<string, string>) => ({
	method: 'POST',
	headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
	body: new URLSearchParams(fields),
	redirect: 'manual' as const
});

/** A body sent chunked (no Content-Length) of `bytes` bytes in 64 KiB pieces, made as it is read. */
function chunked(bytes: number, prefix = ''): ReadableStream<Uint8Array> {
	let sent = 0;
	const piece = new Uint8Array(64 * 1024).fill(0x61); // 'a'
	return new ReadableStream({
		pull(c) {
			if (sent === 0 && prefix) {
				const p = new TextEncoder().encode(prefix);
				sent += p.length;
				c.enqueue(p);
				return;
			}
			if (sent >= bytes) return c.close();
			const n = Math.min(piece.length, bytes - sent);
			sent += n;
			c.enqueue(piece.subarray(0, n));
		}
	});
}

async function postChunked(path: string, bytes: number, headers: Record<string, string>, prefix = '') {
	try {
		const res = await fetch(`${server.url}${path}`, {
			method: path.includes('/answers') ? 'PUT' : 'POST',
			headers: { origin: server.url, ...headers },
			body: chunked(bytes, prefix),
			duplex: 'half',
			redirect: 'manual'
		} as RequestInit);
		return { status: res.status, text: await res.text() };
	} catch (e) {
		// the server may close the connection after answering, while the client is still sending
		return { status: 0, text: String((e as Error).cause ?? e) };
	}
}

const rssMb = () => {
	const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.process.pid}/status`, 'utf8'));
	return Number(m![1]) / 1024;
};

describe('limits and odd input on the built server', () => {
	it('sign-in: 20 wrong passwords at once get 5 checks and 15 refusals (429); then the right one is refused too', async () => {
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) => fetch(`${server.url}/login`, form({ email: 'lanhdao@demo.vn', password: `sai-${i}-mat-khau` })))
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses.filter((s) => s === 400)).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(15);
		const right = await fetch(`${server.url}/login`, form({ email: 'lanhdao@demo.vn', password: DEMO_PASSWORD }));
		expect(right.status).toBe(429);
		expect(right.headers.get('set-cookie') ?? '').not.toMatch(/session=[^;]+;/);
		expect(await right.text()).toContain('Đăng nhập sai quá nhiều lần');
	});

	it('sign-in: 19 wrong and the right one at once check at most 5 passwords', async () => {
		const results = await Promise.all([
			...Array.from({ length: 19 }, (_, i) =>
				fetch(`${server.url}/login`, form({ email: 'chutich.xa@demo.vn', password: `sai-${i}-mat-khau` }))
			),
			fetch(`${server.url}/login`, form({ email: 'chutich.xa@demo.vn', password: DEMO_PASSWORD }))
		]);
		const checked = results.filter((r) => r.status !== 429);
		expect(checked.length).toBeLessThanOrEqual(5);
		expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
	});

	it('change of password: 8 guesses of the current one at once get 5 checks, then even the right one is refused', async () => {
		const cookie = await sessionCookie(server.url, 'thamdinh@demo.vn');
		const attempt = (current: string) =>
			fetch(`${server.url}/account/password`, {
				...form({ current, next: 'mat-khau-moi-2026', confirm: 'mat-khau-moi-2026' }),
				headers: { ...form({}).headers, cookie }
			});
		const results = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`sai-${i}-mat-khau`)));
		const statuses = results.map((r) => r.status);
		expect(statuses.filter((s) => s === 400)).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(3);
		const right = await attempt(DEMO_PASSWORD);
		expect(right.status).toBe(429);
		expect(await right.text()).toContain('Nhập sai mật khẩu hiện tại quá nhiều lần');
		// the password did not change: the account still signs in with the old one
		expect(await sessionCookie(server.url, 'thamdinh@demo.vn')).toMatch(/^session=/);
	});

	it('chunked bodies stop at the route’s limit with 413, and eight 45 MB ones do not grow the server', async () => {
		const rssBefore = rssMb();
		const login = await Promise.all(
			Array.from({ length: 8 }, () =>
				postChunked('/login', 45 * 1024 * 1024, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, 'email=')
			)
		);
		// each is answered 413; a client still sending when the server closes the connection may see
		// the reset before it reads that answer (the server does not read the rest: that is the point)
		for (const r of login) {
			expect([413, 0], r.text).toContain(r.status);
			if (r.status === 0) expect(r.text).toMatch(/ECONNRESET|EPIPE|closed/i);
		}
		const rssAfter = rssMb();
		expect(rssAfter - rssBefore, `server RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`).toBeLessThan(120);

		// a body the client finishes sending before the server closes (3 MB fit the socket's buffers)
		// reads the 413 every time; with 45 MB the reset may come first on a loaded machine, so the
		// answer itself is checked here, not among the eight
		const small = await postChunked(
			'/login',
			3 * 1024 * 1024,
			{ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			'email='
		);
		expect(small.status).toBe(413);
		const verify = await postChunked('/verify', 3 * 1024 * 1024, { 'content-type': 'application/x-www-form-urlencoded' }, 'code=');
		expect(verify.status).toBe(413);

		// the save endpoint's own limit is 64 KB: 200 KB chunked is refused before any JSON is parsed
		const cookie = await sessionCookie(server.url, 'canbo.xa@demo.vn');
		const home = await (await fetch(`${server.url}/assessments`, { headers: { cookie } })).text();
		const id = /\/assessments\/(\d+)/.exec(home)![1];
		const save = await postChunked(
			`/assessments/${id}/answers`,
			200 * 1024,
			{ cookie, 'content-type': 'application/json', accept: 'application/json' },
			'{"answers":{"x":"'
		);
		expect(save.status).toBe(413);
		expect(save.text).toContain('quá lớn');
		// and the server is still answering
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});

	it('a NUL character in the address or a form answers 400 with a Vietnamese message, never 500', async () => {
		const admin = await sessionCookie(server.url, 'quantri@demo.vn');
		const officer = await sessionCookie(server.url, 'canbo.xa@demo.vn');
		const gets = [
			{ path: '/admin/audit?action=%00', cookie: admin },
			{ path: '/admin/accounts?q=%00', cookie: admin },
			{ path: '/units?q=a%00b', cookie: officer },
			{ path: '/verify/AB%00CD', cookie: '' }
		];
		for (const g of gets) {
			const res = await fetch(`${server.url}${g.path}`, { headers: { cookie: g.cookie }, redirect: 'manual' });
			expect(res.status, g.path).toBe(400);
			expect(await res.text(), g.path).toContain('ký tự không hợp lệ');
		}
		const posts = [
			{ path: '/login', body: 'email=a%00b&password=x', cookie: '' },
			{ path: '/verify', body: 'code=AB%00CD', cookie: '' },
			{
				path: '/admin/accounts?/create',
				body: 'email=x%40y.vn&fullName=T%00n&role=reviewer&unitCode=46&password=mat-khau-dai-1',
				cookie: admin
			}
		];
		for (const p of posts) {
			const res = await fetch(`${server.url}${p.path}`, {
				method: 'POST',
				headers: { origin: server.url, cookie: p.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: p.body,
				redirect: 'manual'
			});
			expect(res.status, p.path).toBe(400);
			expect(await res.text(), p.path).toContain('ký tự không hợp lệ');
		}
		const home = await (await fetch(`${server.url}/assessments`, { headers: { cookie: officer } })).text();
		const id = /\/assessments\/(\d+)/.exec(home)![1];
		const json = await fetch(`${server.url}/assessments/${id}/answers`, {
			method: 'PUT',
			headers: { origin: server.url, cookie: officer, 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ answers: { 'TC01.1': { value: 'a\u0000b' } } })
		});
		expect(json.status).toBe(400);
		expect(((await json.json()) as { message: string }).message).toContain('ký tự không hợp lệ');
	});

	it('the reserved action name "default" answers 404, never 500', async () => {
		const cookie = await sessionCookie(server.url, 'canbo.xa@demo.vn');
		for (const path of ['/login?/default', '/verify?/default', '/logout?/default', '/account/password?/default']) {
			const res = await fetch(`${server.url}${path}`, {
				method: 'POST',
				headers: { origin: server.url, cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: 'email=a&password=b',
				redirect: 'manual'
			});
			expect(res.status, path).toBe(404);
			expect(await res.text(), path).toContain('Không có thao tác này');
		}
	});
});
