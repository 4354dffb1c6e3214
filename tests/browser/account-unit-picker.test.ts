/**
 * Creating an account with the unit picker (all 34 provinces of the 07/2025 list loaded), in
 * Chromium on a desktop (1366×900) and a phone (390×844): a commune officer by province and a
 * commune found by typing its name without diacritics, a province officer by province alone, the
 * same without JavaScript (the "Tìm" button, and a commune outside the chosen province refused at
 * the field), axe-core clean, and the JSON search kept to administrators. Screenshots go to
 * test-results/screenshots/unit-picker-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { withDataDir } from '../helpers/db.ts';
import { DEMO_PASSWORD, seedDemo } from '#lib/server/seed/demo.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-unit-picker-'));
const env = useBrowserServer(async () => {
	await withDataDir(dataDir, async (t) => {
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025));
		await seedDemo(t.db, t.config, { withRound: false });
	});
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function signedIn(email: string, opts: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
	const context = await env.browser.newContext({ bypassCSP: true, ...opts });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return { context, page };
}

/** The whole page, and the account form alone (readable at a phone's width). */
async function screenshot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `unit-picker-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
	const form = page.locator('form[action="?/create"], form[action="?/role"]').first();
	await form.screenshot({ path: path.join(shotsDir, `unit-picker-${name}-form.png`) });
}

/** Serious and critical axe findings, and any sideways overflow of the page. */
async function problems(page: Page): Promise<string[]> {
	const found = (await axeViolations(page))
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	if (overflow > 1) found.push(`the page is ${overflow}px wider than the screen`);
	return found;
}

const createForm = (page: Page) => page.locator('form[action="?/create"]');

async function openAccountDetails(page: Page, email: string): Promise<string> {
	await page.goto(`${env.server.url}/admin/accounts?q=${encodeURIComponent(email)}`, { waitUntil: 'networkidle' });
	await page.getByRole('link', { name: email }).click();
	await page.waitForURL((u) => /^\/admin\/accounts\/\d+$/.test(u.pathname));
	await page.getByRole('heading', { level: 1 }).waitFor();
	return page.locator('main').innerText();
}

describe('choosing the unit of a new account', () => {
	it('desktop: a commune officer by province and a commune typed without diacritics', async () => {
		const { context, page } = await signedIn('quantri@demo.vn', { viewport: DESKTOP });
		await page.goto(`${env.server.url}/admin/accounts`, { waitUntil: 'networkidle' });
		const form = createForm(page);
		await form.getByLabel('Email').fill('phumy@demo.vn');
		await form.getByLabel('Họ tên').fill('Võ Thị Phú');
		await form.getByLabel('Vai trò').selectOption('commune_officer');
		const province = form.getByLabel('Tỉnh, thành phố');
		expect(await province.locator('option').count()).toBe(35); // 34 provinces and the prompt
		await province.selectOption({ label: 'Thành phố Hồ Chí Minh' });
		// no commune chosen yet: refused, the message at the field, the province kept
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toBe('Hãy chọn xã, phường trong Thành phố Hồ Chí Minh.');
		expect(await form.locator('#unit-unit-error').innerText()).toBe('Hãy chọn xã, phường trong Thành phố Hồ Chí Minh.');
		expect(await province.inputValue()).toBe('79');
		expect(await problems(page)).toEqual([]);
		const count = form.locator('#unit-count');
		await expect.poll(() => count.innerText()).toMatch(/^168 xã, phường phù hợp; đang hiện 50 đầu tiên/);
		await form.getByLabel('Tìm xã, phường theo tên hoặc mã').pressSequentially('phu my');
		await expect.poll(() => count.innerText()).toBe('1 xã, phường phù hợp.');
		const options = form.getByRole('group', { name: 'Chọn xã, phường' }).getByRole('radio');
		expect(await options.count()).toBe(1);
		const choice = form.getByRole('radio', { name: /Phường Phú Mỹ/ });
		expect(await choice.locator('xpath=..').innerText()).toContain('phường · mã 26704');
		await choice.check();
		expect(await form.locator('#unit-unit-error').count()).toBe(0); // the field's error goes once it is changed
		await screenshot(page, 'commune-desktop');
		expect(await problems(page)).toEqual([]);
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await expect.poll(() => page.getByRole('status').innerText()).toBe('Đã tạo tài khoản phumy@demo.vn.');
		// the form starts again empty
		expect(await form.getByLabel('Tỉnh, thành phố').inputValue()).toBe('');
		const details = await openAccountDetails(page, 'phumy@demo.vn');
		expect(details).toContain('Cán bộ xã (lập hồ sơ tự đánh giá) · Phường Phú Mỹ');
		// the edit form starts from the account's unit
		expect(await page.getByLabel('Tỉnh, thành phố').inputValue()).toBe('79');
		expect(await page.getByRole('radio', { name: /Phường Phú Mỹ/ }).isChecked()).toBe(true);
		expect(await problems(page)).toEqual([]);
		await screenshot(page, 'account-desktop');
		// and changes it: a province role keeps only the province
		await page.getByLabel('Vai trò').selectOption('province_officer');
		expect(await page.getByRole('radio').count()).toBe(0);
		await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Huế' });
		await page.getByRole('button', { name: 'Lưu' }).click();
		await expect
			.poll(() => page.getByRole('status').innerText())
			.toBe('Đã cập nhật vai trò; mọi phiên đăng nhập của tài khoản đã kết thúc.');
		expect(await page.locator('main').innerText()).toContain('Cán bộ cấp tỉnh (theo dõi, tổng hợp) · Thành phố Huế');
		await context.close();
	});

	it('phone: a province officer chooses only the province; a commune officer by keyboard', async () => {
		const { context, page } = await signedIn('quantri@demo.vn', { viewport: PHONE });
		await page.goto(`${env.server.url}/admin/accounts`, { waitUntil: 'networkidle' });
		const form = createForm(page);
		await form.getByLabel('Email').fill('tinh.dn2@demo.vn');
		await form.getByLabel('Họ tên').fill('Lê Văn Tỉnh');
		await form.getByLabel('Vai trò').selectOption('province_officer');
		await form.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
		expect(await form.getByLabel('Tìm xã, phường theo tên hoặc mã').count()).toBe(0);
		expect(await form.getByRole('radio').count()).toBe(0);
		await screenshot(page, 'province-phone');
		expect(await problems(page)).toEqual([]);
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await expect.poll(() => page.getByRole('status').innerText()).toBe('Đã tạo tài khoản tinh.dn2@demo.vn.');
		expect(await openAccountDetails(page, 'tinh.dn2@demo.vn')).toContain('Cán bộ cấp tỉnh (theo dõi, tổng hợp) · Thành phố Đà Nẵng');

		// an administrator hides the unit; a commune chair is chosen with the keyboard alone
		await page.goto(`${env.server.url}/admin/accounts`, { waitUntil: 'networkidle' });
		await form.getByLabel('Vai trò').selectOption('admin');
		expect(await form.getByLabel('Tỉnh, thành phố').count()).toBe(0);
		await form.getByLabel('Email').fill('chutich.hv@demo.vn');
		await form.getByLabel('Họ tên').fill('Nguyễn Hòa');
		await form.getByLabel('Vai trò').selectOption('commune_chair');
		await form.getByLabel('Tỉnh, thành phố').selectOption('48');
		const search = form.getByLabel('Tìm xã, phường theo tên hoặc mã');
		await search.focus();
		await page.keyboard.type('hoa vang');
		await expect.poll(() => form.locator('#unit-count').innerText()).toBe('1 xã, phường phù hợp.');
		await page.keyboard.press('ArrowDown');
		const radio = form.getByRole('radio', { name: /Xã Hòa Vang/ });
		await expect.poll(() => radio.evaluate((el) => el === document.activeElement)).toBe(true);
		await page.keyboard.press('Space');
		expect(await radio.isChecked()).toBe(true);
		await screenshot(page, 'commune-phone');
		expect(await problems(page)).toEqual([]);
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await page.keyboard.press('Enter');
		await expect.poll(() => page.getByRole('status').innerText()).toBe('Đã tạo tài khoản chutich.hv@demo.vn.');
		expect(await openAccountDetails(page, 'chutich.hv@demo.vn')).toContain('Chủ tịch UBND xã (ký, gửi hồ sơ) · Xã Hòa Vang');
		await context.close();
	});

	it('on a slow link: what is typed and chosen before the script arrives is kept when the page comes alive', async () => {
		const context = await env.browser.newContext({ bypassCSP: true, viewport: PHONE });
		const page = await context.newPage();
		// hold the page's JavaScript back, as a slow connection does, while the user fills the form
		let release = () => {};
		const holdScripts = async () => {
			const arrived = new Promise<void>((resolve) => (release = resolve));
			await page.unrouteAll();
			await page.route('**/_app/immutable/**/*.js', async (route) => {
				await arrived;
				await route.continue();
			});
		};

		// signing in: the email typed before hydration is still there after it
		await holdScripts();
		await page.goto(`${env.server.url}/login`, { waitUntil: 'domcontentloaded' });
		await page.getByLabel('Email').fill('quantri@demo.vn');
		await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
		release();
		await page.waitForLoadState('networkidle');
		expect(await page.getByLabel('Email').inputValue()).toBe('quantri@demo.vn');
		await page.getByRole('button', { name: 'Đăng nhập' }).click();
		await page.waitForURL((u) => u.pathname === '/');

		await holdScripts();
		await page.goto(`${env.server.url}/admin/accounts`, { waitUntil: 'domcontentloaded' });
		const form = createForm(page);
		await form.getByLabel('Email').fill('tinh.cham@demo.vn');
		await form.getByLabel('Họ tên').fill('Trần Văn Chậm');
		await form.getByLabel('Vai trò').selectOption('province_officer');
		await form.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
		// before hydration the commune search rendered for the default role is still there
		expect(await form.getByLabel('Tìm xã, phường theo tên hoặc mã').count()).toBe(1);
		release();
		// alive: the picker follows the kept role (province only), and both choices are still made
		await expect.poll(() => form.getByLabel('Tìm xã, phường theo tên hoặc mã').count(), { timeout: 15_000 }).toBe(0);
		expect(await form.getByLabel('Vai trò').inputValue()).toBe('province_officer');
		expect(await form.getByLabel('Tỉnh, thành phố').inputValue()).toBe('48');
		expect(await form.getByLabel('Email').inputValue()).toBe('tinh.cham@demo.vn');
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await expect.poll(() => page.getByRole('status').innerText()).toBe('Đã tạo tài khoản tinh.cham@demo.vn.');
		expect(await openAccountDetails(page, 'tinh.cham@demo.vn')).toContain('Cán bộ cấp tỉnh (theo dõi, tổng hợp) · Thành phố Đà Nẵng');
		await context.close();
	});

	it('without JavaScript: "Tìm" lists the communes, and a commune outside the chosen province is refused at the field', async () => {
		const { context, page } = await signedIn('quantri@demo.vn', { viewport: PHONE, javaScriptEnabled: false });
		await page.goto(`${env.server.url}/admin/accounts`);
		const form = createForm(page);
		await form.getByLabel('Email').fill('kimlong@demo.vn');
		await form.getByLabel('Họ tên').fill('Trần Kim Long');
		await form.getByLabel('Vai trò').selectOption('commune_officer');
		await form.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Huế' });
		await form.getByLabel('Tìm xã, phường theo tên hoặc mã').fill('kim long');
		await form.getByRole('button', { name: 'Tìm' }).click();
		await page.waitForLoadState('load');
		expect(await form.locator('#unit-count').innerText()).toBe('1 xã, phường phù hợp.');
		expect(await form.getByLabel('Email').inputValue()).toBe('kimlong@demo.vn'); // kept
		await form.getByRole('radio', { name: /Phường Kim Long/ }).check();
		await form.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await page.waitForLoadState('load');
		const message = 'Phường Kim Long (mã 19774) không thuộc Thành phố Đà Nẵng. Hãy chọn xã, phường trong tỉnh, thành phố đã chọn.';
		expect(await page.locator('#unit-unit-error').innerText()).toBe(message);
		expect(await page.getByRole('group', { name: 'Chọn xã, phường' }).getAttribute('aria-describedby')).toBe('unit-unit-error');
		await screenshot(page, 'refused-nojs-phone'); // (axe needs JavaScript: the same field error is checked in the desktop test)
		await page.goto(`${env.server.url}/admin/accounts?q=kimlong`);
		expect(await page.getByRole('link', { name: 'kimlong@demo.vn' }).count()).toBe(0); // nothing written

		await form.getByLabel('Email').fill('kimlong@demo.vn');
		await form.getByLabel('Họ tên').fill('Trần Kim Long');
		await form.getByLabel('Tỉnh, thành phố').selectOption('46');
		await form.getByLabel('Tìm xã, phường theo tên hoặc mã').fill('19774');
		await form.getByRole('button', { name: 'Tìm' }).click();
		await page.waitForLoadState('load');
		await form.getByRole('radio', { name: /Phường Kim Long/ }).check();
		await form.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await page.waitForLoadState('load');
		expect(await page.getByRole('status').innerText()).toBe('Đã tạo tài khoản kimlong@demo.vn.');
		expect(await openAccountDetails(page, 'kimlong@demo.vn')).toContain('· Phường Kim Long ·');
		await context.close();
	});

	it('the JSON search answers administrators only, validates its input and limits its results', async () => {
		const url = (q: string) => `${env.server.url}/admin/units-search?${q}`;
		const admin = await signedIn('quantri@demo.vn', { viewport: DESKTOP });
		const ok = await admin.page.request.get(url('province=79&q=ph%C3%BA%20m%E1%BB%B9'));
		expect(ok.status()).toBe(200);
		expect(await ok.json()).toEqual({ ok: true, items: [{ code: '26704', name: 'Phường Phú Mỹ', kind: 'Phường' }], total: 1, limit: 50 });
		const limited = await (await admin.page.request.get(url('province=79&limit=5'))).json();
		expect(limited.items).toHaveLength(5);
		expect(limited.total).toBe(168);
		expect((await admin.page.request.get(url('province=79&limit=500'))).status()).toBe(400);
		const bad = await admin.page.request.get(url('province=7x'));
		expect(bad.status()).toBe(400);
		expect((await bad.json()).message).toBe('Tỉnh, thành phố không hợp lệ.');
		await admin.context.close();

		for (const email of ['tinh@demo.vn', 'canbo.xa@demo.vn']) {
			const other = await signedIn(email, { viewport: DESKTOP });
			const res = await other.page.request.get(url('province=46&q=phu'));
			expect(res.status()).toBe(403);
			expect(JSON.stringify(await res.json())).not.toContain('Phú');
			await other.context.close();
		}
		const anonymous = await env.browser.newContext();
		const res = await anonymous.request.get(url('province=46'), { maxRedirects: 0 });
		expect(res.status()).toBe(303);
		expect(res.headers().location).toMatch(/^\/login\?next=/);
		await anonymous.close();
	});
});
