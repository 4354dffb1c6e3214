import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { sessionCookie } from '../helpers/server.ts';

const env = useBrowserServer();

const HOME_TITLES: Record<string, string> = {
	commune_officer: 'Trang của cán bộ xã',
	commune_chair: 'Trang của Chủ tịch UBND xã',
	reviewer: 'Trang của cán bộ thẩm định',
	approver: 'Trang của lãnh đạo ra quyết định',
	province_officer: 'Trang của cán bộ cấp tỉnh',
	ministry_officer: 'Trang của cán bộ Bộ',
	admin: 'Trang quản trị'
};

/** Starts from `/`, which sends a signed-out visitor to the login page. */
async function signIn(email: string, password: string) {
	const page = await env.signIn(email, { password, from: '/' });
	return { context: page.context(), page };
}

describe('signing in and out in Chromium against the built server', () => {
	for (const account of DEMO_ACCOUNTS) {
		it(`signs in as ${account.role} and lands on that role's home page`, async () => {
			const { context, page } = await signIn(account.email, DEMO_PASSWORD);
			await page.waitForURL((u) => u.pathname === '/');
			await page.getByRole('heading', { level: 1, name: HOME_TITLES[account.role] }).waitFor();
			expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(HOME_TITLES[account.role]);
			expect(await page.locator('header').textContent()).toContain(account.fullName);
			expect(
				await page
					.getByRole('navigation', { name: 'Điều hướng chính' })
					.getByRole('link', { name: 'Trang chủ' })
					.getAttribute('aria-current')
			).toBe('page');
			await context.close();
		});
	}

	it('shows a Vietnamese error for a wrong password and keeps the email', async () => {
		const { context, page } = await signIn('canbo.xa@demo.vn', 'sai-mat-khau-roi');
		const alert = page.getByRole('alert');
		await alert.waitFor();
		expect(await alert.textContent()).toBe('Email hoặc mật khẩu không đúng.');
		expect(await page.getByLabel('Email').inputValue()).toBe('canbo.xa@demo.vn');
		expect(new URL(page.url()).pathname).toBe('/login');
		await context.close();
	});

	it('signing out ends the session: the old cookie no longer works', async () => {
		const { context, page } = await signIn('thamdinh@demo.vn', DEMO_PASSWORD);
		await page.getByRole('heading', { name: HOME_TITLES.reviewer }).waitFor();
		const cookie = (await context.cookies()).find((c) => c.name === 'session');
		expect(cookie?.httpOnly).toBe(true);
		expect(cookie?.sameSite).toBe('Lax');
		const before = await fetch(`${env.server.url}/`, { headers: { cookie: `session=${cookie!.value}` }, redirect: 'manual' });
		expect(before.status).toBe(200);
		await page.getByRole('button', { name: 'Đăng xuất' }).click();
		await page.waitForURL(/\/login/);
		const after = await fetch(`${env.server.url}/`, { headers: { cookie: `session=${cookie!.value}` }, redirect: 'manual' });
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toMatch(/^\/login/);
		await context.close();
	});
});

describe('HTTP guards of the built server', () => {
	const cookieFor = (email: string) => sessionCookie(env.server.url, email);

	it("an officer of one commune gets 404 for another commune's page", async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const list = await (await fetch(`${env.server.url}/units`, { headers: { cookie } })).text();
		const own = [...list.matchAll(/href="\/units\/(\d+)"/g)].map((m) => Number(m[1]));
		expect(own).toHaveLength(1);
		expect((await fetch(`${env.server.url}/units/${own[0]}`, { headers: { cookie } })).status).toBe(200);
		const reviewerCookie = await cookieFor('thamdinh@demo.vn');
		const area = await (await fetch(`${env.server.url}/units`, { headers: { cookie: reviewerCookie } })).text();
		const other = [...area.matchAll(/href="\/units\/(\d+)"/g)].map((m) => Number(m[1])).find((id) => id !== own[0]);
		expect(other).toBeDefined();
		expect((await fetch(`${env.server.url}/units/${other}`, { headers: { cookie: reviewerCookie } })).status).toBe(200);
		expect((await fetch(`${env.server.url}/units/${other}`, { headers: { cookie } })).status).toBe(404);
	});

	it('answers malformed posts and ids with 4xx, never 500', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const junk = await fetch(`${env.server.url}/login`, {
			method: 'POST',
			headers: { origin: env.server.url, 'content-type': 'multipart/form-data; boundary=x' },
			body: 'garbage'
		});
		expect(junk.status).toBeGreaterThanOrEqual(400);
		expect(junk.status).toBeLessThan(500);
		const empty = await fetch(`${env.server.url}/login`, {
			method: 'POST',
			headers: { origin: env.server.url, 'content-type': 'application/x-www-form-urlencoded' },
			body: ''
		});
		expect(empty.status).toBe(400);
		for (const id of ['abc', '-1', '99999999999', '0']) {
			expect((await fetch(`${env.server.url}/units/${id}`, { headers: { cookie } })).status).toBe(404);
		}
		const crossSite = await fetch(`${env.server.url}/login`, {
			method: 'POST',
			headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'email=a&password=b'
		});
		expect(crossSite.status).toBe(403);
		const pw = await fetch(`${env.server.url}/account/password`, {
			method: 'POST',
			headers: { origin: env.server.url, cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: 'current=x&next=short&confirm=short'
		});
		expect(pw.status).toBe(400);
		expect(await pw.text()).toContain('Mật khẩu cần ít nhất 10 ký tự.');
	});

	it('answers malformed posts to every form action with 4xx, never 500', async () => {
		const cookie = await cookieFor('quantri@demo.vn');
		const targets = [
			'/account/password',
			'/criteria/1?/confirm',
			'/criteria/import?/preview',
			'/criteria/import?/import',
			'/rounds?/open',
			'/rounds/1?/extend',
			'/rounds/1?/reopen',
			'/admin/accounts?/create',
			'/admin/accounts/2?/role',
			'/admin/accounts/2?/password',
			'/assessments/1?/submit',
			'/assessments/999999?/submit'
		];
		const bodies: [string, string][] = [
			['multipart/form-data; boundary=x', 'garbage'],
			['application/x-www-form-urlencoded', ''],
			['application/x-www-form-urlencoded', 'year=abc&closesOn=31/12/2026&role=king&assessmentId=-1&json=%7B']
		];
		for (const target of targets)
			for (const [type, body] of bodies) {
				const res = await fetch(`${env.server.url}${target}`, {
					method: 'POST',
					headers: { origin: env.server.url, cookie, 'content-type': type, accept: 'application/json' },
					body
				});
				expect(res.status, `${target} with ${type} ${body}`).toBeGreaterThanOrEqual(400);
				expect(res.status, `${target} with ${type} ${body}`).toBeLessThan(500);
			}
	});

	it('sends signed-in pages with no-store and security headers', async () => {
		const cookie = await cookieFor('tinh@demo.vn');
		const res = await fetch(`${env.server.url}/`, { headers: { cookie } });
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('x-frame-options')).toBe('DENY');
	});
});
