/**
 * The criteria-set editor in Chromium (issue 14): an administrator starts a draft from
 * QD06-2019@1; a band worth more than its indicator's maximum is shown at that field and nothing
 * is sent; fixed, the draft saves by itself and the edit is there after a reload; the sample panel
 * scores typed answers with the edited set; the diff panel lists the change; offline, an edit is
 * kept and saved when the connection returns; desktop and phone screenshots; axe-core clean.
 * Screenshots: test-results/screenshots/criteria-editor-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const env = useBrowserServer();

const TOP_POINTS = '#f-criteria-6-indicators-0-bands-3-points';
const TOP_MIN = '#f-criteria-6-indicators-0-bands-3-min';

async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill('quantri@demo.vn');
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function screenshot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `criteria-editor-${name}.png`);
	await page.screenshot({ path: file, fullPage: false });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}

const status = (page: Page) => page.getByTestId('save-status');

describe('the criteria-set editor, in the browser', () => {
	let editUrl = '';
	let activeUrl = '';

	it('an administrator starts a draft, sees an error at its field, fixes it and the draft saves itself', async () => {
		const page = await signedIn({ width: 1366, height: 900 });
		await page.goto(`${env.server.url}/criteria`, { waitUntil: 'networkidle' });
		await page.getByRole('link', { name: 'QD06-2019@1' }).click();
		await page.getByRole('heading', { name: 'Quản trị' }).waitFor();
		activeUrl = page.url();
		await page.getByRole('button', { name: 'Tạo bản nháp mới từ phiên bản này' }).click();
		await page.waitForURL((u) => u.pathname.endsWith('/edit'));
		editUrl = page.url();
		await page.getByRole('heading', { name: 'Sửa bản nháp QD06-2019@2', level: 1 }).waitFor();
		await page.waitForLoadState('networkidle');

		const saves: Request[] = [];
		page.on('request', (r) => {
			if (r.method() === 'POST' && r.url().includes('/save')) saves.push(r);
		});

		// 60 points on TC07.1's top band, whose indicator is worth 50
		await page.locator(TOP_POINTS).fill('60');
		await page.locator(TOP_MIN).fill('97');
		const err = page.locator(`${TOP_POINTS}-err`);
		await err.waitFor();
		expect(await err.innerText()).toMatch(/vượt điểm tối đa của chỉ số \(50\)/);
		expect(await page.locator(TOP_POINTS).getAttribute('aria-invalid')).toBe('true');
		expect((await page.locator(TOP_POINTS).getAttribute('aria-describedby')) ?? '').toContain(`${TOP_POINTS.slice(1)}-err`);
		const summary = page.getByRole('heading', { name: /^Bộ tiêu chí còn \d+ lỗi$/ });
		await summary.waitFor();
		// the summary links to the field
		await page.getByRole('link', { name: /TC07 › TC07\.1 › bands\[3\]\.points/ }).click();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe(TOP_POINTS.slice(1));
		expect(await status(page).innerText()).toMatch(/^Chưa lưu: hãy sửa các lỗi/);
		await page.waitForTimeout(2500);
		expect(saves).toHaveLength(0);

		// fixed: saved by itself
		await page.locator(TOP_POINTS).fill('50');
		await expect.poll(() => status(page).innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu lúc \d\d:\d\d$/);
		expect(saves).toHaveLength(1);
		expect(await summary.count()).toBe(0);

		// reload: the edit is there (and nothing is offered back)
		await page.reload({ waitUntil: 'networkidle' });
		expect(await page.locator(TOP_MIN).inputValue()).toBe('97');
		expect(await page.getByRole('button', { name: 'Khôi phục thay đổi chưa lưu' }).count()).toBe(0);

		// the sample panel scores typed answers with the edited set (97% now reaches the top band)
		await page.getByLabel('Tiêu chí', { exact: true }).selectOption('TC07');
		await page.locator('#sample-TC07-1-numerator').fill('97');
		await page.locator('#sample-TC07-1-denominator').fill('100');
		await expect.poll(() => page.getByTestId('sample-points-TC07.1').innerText()).toMatch(/^TC07\.1: 50\/50 điểm/);
		await page.locator('#sample-TC07-1-numerator').fill('96');
		await expect.poll(() => page.getByTestId('sample-points-TC07.1').innerText()).toMatch(/^TC07\.1: 40\/50 điểm/);
		expect(await page.getByTestId('sample-total').innerText()).toMatch(/Tổng TC07: 40\/50 điểm/);

		// the diff against the active version, one click away
		await page.getByText(/^Xem thay đổi/).click();
		const diff = await page.getByTestId('diff-messages').innerText();
		expect(diff).toMatch(/TC07\.1: thay đổi thang điểm/);
		await screenshot(page, 'desktop');

		const violations = await axeViolations(page);
		expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
		await page.context().close();
	});

	it('offline, an edit is kept in the page and this browser, and saved when the connection returns', async () => {
		const page = await signedIn({ width: 1366, height: 900 });
		await page.goto(editUrl, { waitUntil: 'networkidle' });
		const name = page.locator('#f-name');
		const original = await name.inputValue();
		await page.context().setOffline(true);
		await name.fill(`${original} (sửa khi mất mạng)`);
		await expect.poll(() => status(page).innerText(), { timeout: 15_000 }).toMatch(/mất kết nối mạng/);
		const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xa-criteria-draft:')));
		expect(kept).toHaveLength(1);
		expect(await name.inputValue()).toContain('(sửa khi mất mạng)');
		await page.context().setOffline(false);
		await expect.poll(() => status(page).innerText(), { timeout: 40_000 }).toMatch(/^Đã lưu lúc/);
		expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xa-criteria-draft:')))).toHaveLength(0);
		await page.reload({ waitUntil: 'networkidle' });
		expect(await page.locator('#f-name').inputValue()).toBe(`${original} (sửa khi mất mạng)`);
		await page.context().close();
	});

	it('someone else saved in between: a conflict, a reload, and the edit offered back', async () => {
		const a = await signedIn({ width: 1366, height: 900 });
		const b = await signedIn({ width: 1366, height: 900 });
		await a.goto(editUrl, { waitUntil: 'networkidle' });
		await b.goto(editUrl, { waitUntil: 'networkidle' });
		await a.locator('#f-legalReference').fill('Căn cứ do người thứ nhất sửa');
		await expect.poll(() => status(a).innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu lúc/);
		await b.locator('#f-criteria-0-guidance').fill('Hướng dẫn do người thứ hai sửa');
		await expect.poll(() => status(b).innerText(), { timeout: 15_000 }).toMatch(/người khác lưu/);
		await b.getByRole('button', { name: 'Tải lại trang' }).click();
		await b.getByRole('button', { name: 'Khôi phục thay đổi chưa lưu' }).click();
		expect(await b.locator('#f-criteria-0-guidance').inputValue()).toBe('Hướng dẫn do người thứ hai sửa');
		await expect.poll(() => status(b).innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu lúc/);
		await b.reload({ waitUntil: 'networkidle' });
		expect(await b.locator('#f-criteria-0-guidance').inputValue()).toBe('Hướng dẫn do người thứ hai sửa');
		await a.context().close();
		await b.context().close();
	});

	it('on a phone: one column, no sideways scrolling, axe-core clean; an active version is not editable', async () => {
		const page = await signedIn({ width: 390, height: 844 });
		await page.goto(editUrl, { waitUntil: 'networkidle' });
		await page.locator(TOP_POINTS).waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		await screenshot(page, 'phone');
		await page.locator(TOP_POINTS).scrollIntoViewIfNeeded();
		await screenshot(page, 'phone-band');
		const violations = await axeViolations(page);
		expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);

		await page.goto(activeUrl.replace(/\/?$/, '/edit'), { waitUntil: 'networkidle' });
		expect(await page.locator('main').innerText()).toMatch(/không sửa được/);
		expect(await page.locator('#f-name').count()).toBe(0);
		await page.context().close();
	});
});
