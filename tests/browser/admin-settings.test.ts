/**
 * /admin/settings in Chromium against the built server, on a desktop (1366×900) and a phone
 * (390×844): the administrator reaches it from the navigation, corrects the legal bases (a line
 * that is not a "Căn cứ …" is refused with a Vietnamese message at the field, the good list is
 * saved and shown), and uploads the emblem (a file named .png that is not an image is refused by
 * its content; a real PNG is taken and can be removed). axe finds nothing on the page in any of
 * these states. Other roles get no such page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { acceptDialog, axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { png } from '../helpers/files.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots', 'settings');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-settings-'));
const env = useBrowserServer({ REVIEW_LEVEL: 'province' });
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function signIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
	// bypassCSP: axe is injected as a script
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function expectAxeClean(page: Page, what: string) {
	const violations = await axeViolations(page);
	expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

const VIEWPORTS = [
	{ name: 'desktop', viewport: { width: 1366, height: 900 } },
	{ name: 'phone', viewport: { width: 390, height: 844 } }
];

describe('document settings page', () => {
	for (const [n, { name, viewport }] of VIEWPORTS.entries()) {
		it(`the administrator corrects the legal bases and uploads the emblem (${name})`, async () => {
			const page = await signIn('quantri@demo.vn', viewport);
			if (name === 'phone') await page.getByRole('button', { name: 'Trình đơn' }).click();
			await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Thiết lập' }).click();
			await page.getByRole('heading', { name: 'Thiết lập văn bản', level: 1 }).waitFor();
			await page.waitForLoadState('networkidle');
			const field = page.getByLabel('Các căn cứ, theo thứ tự in, mỗi căn cứ một dòng');
			if (n === 0) expect(await field.inputValue()).toContain('Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;');
			await expectAxeClean(page, `${name}: as loaded`);
			await page.screenshot({ path: path.join(shotsDir, `trang-thiet-lap-${name}.png`), fullPage: true });

			// a line that is not a legal basis: refused at the field, what was typed kept
			const bad = 'Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;\nLuật Tổ chức chính quyền địa phương';
			await field.fill(bad);
			await page.getByRole('button', { name: 'Lưu căn cứ pháp lý' }).click();
			const error = page.locator('#legalBases-error');
			await error.waitFor();
			expect(await error.innerText()).toMatch(/^Dòng 2: mỗi căn cứ bắt đầu bằng "Căn cứ"/);
			expect(await field.getAttribute('aria-invalid')).toBe('true');
			expect(await field.getAttribute('aria-describedby')).toContain('legalBases-error');
			expect(await field.inputValue()).toBe(bad);
			await expectAxeClean(page, `${name}: with the field's error`);

			const good = [
				'Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/06/2025;',
				'Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;',
				`Căn cứ Kế hoạch số ${n + 10}/KH-UBND ngày 02/03/2026 của Ủy ban nhân dân tỉnh;`
			];
			await field.fill(good.join('\n'));
			await page.getByRole('button', { name: 'Lưu căn cứ pháp lý' }).click();
			await page.getByRole('status').filter({ hasText: 'Đã lưu 3 căn cứ pháp lý' }).waitFor();
			expect(await page.locator('#legalBases-error').count()).toBe(0);
			await page.reload({ waitUntil: 'networkidle' });
			expect(await page.getByLabel('Các căn cứ, theo thứ tự in, mỗi căn cứ một dòng').inputValue()).toBe(good.join('\n'));

			// a text file named .png is refused by its content
			const fake = path.join(scratch, 'quoc-huy.png');
			fs.writeFileSync(fake, 'Đây không phải là ảnh.\n');
			await page.getByLabel(/ảnh quốc huy$/).setInputFiles(fake);
			await page.getByRole('button', { name: 'Lưu ảnh quốc huy' }).click();
			const emblemError = page.locator('#emblem-error');
			await emblemError.waitFor();
			expect(await emblemError.innerText()).toMatch(/^Ảnh quốc huy phải là tệp PNG hoặc JPEG/);
			expect(await page.getByLabel(/ảnh quốc huy$/).getAttribute('aria-invalid')).toBe('true');
			await expectAxeClean(page, `${name}: with the emblem's error`);

			// a real PNG is taken, then removed
			const real = path.join(scratch, 'that.png');
			fs.writeFileSync(real, png(120));
			await page.getByLabel(/ảnh quốc huy$/).setInputFiles(real);
			await page.getByRole('button', { name: 'Lưu ảnh quốc huy' }).click();
			await page.getByRole('status').filter({ hasText: 'Đã lưu ảnh quốc huy' }).waitFor();
			expect(await page.locator('main').innerText()).toMatch(/Đã có ảnh quốc huy \(PNG/);
			await expectAxeClean(page, `${name}: with the emblem`);
			await page.screenshot({ path: path.join(shotsDir, `trang-thiet-lap-co-quoc-huy-${name}.png`), fullPage: true });
			const asked = acceptDialog(page);
			await page.getByRole('button', { name: 'Gỡ ảnh quốc huy' }).click();
			expect(await asked).toContain('Gỡ ảnh quốc huy?');
			await page.getByRole('status').filter({ hasText: 'Đã gỡ ảnh quốc huy' }).waitFor();
			expect(await page.locator('main').innerText()).toContain('Chưa có ảnh quốc huy');
			await page.context().close();
		});
	}

	it('no other role has the page or its actions', async () => {
		const page = await signIn('lanhdao@demo.vn', { width: 1366, height: 900 });
		expect(await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Thiết lập' }).count()).toBe(0);
		expect((await page.request.get(`${env.server.url}/admin/settings`)).status()).toBe(403);
		const post = await page.request.post(`${env.server.url}/admin/settings?/legalBases`, {
			form: { legalBases: 'Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;' },
			headers: { origin: env.server.url }
		});
		expect(post.status()).toBe(403);
		await page.context().close();
	});
});
