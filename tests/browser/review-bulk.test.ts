/**
 * Accepting several indicators at once on the review page (issue 16), in Chromium against the
 * built server, on a desktop (1366×900) and a phone (390×844) screen, each with a dossier of its
 * own: the reviewer starts the review, flags TC01.1, accepts the rest of TC01 with the
 * criterion's button (the confirmation names them, the result shows beside the button and takes
 * the focus); a save made meanwhile in another tab (TC02.1 flagged) makes "accept all" refuse
 * beside the button, naming it, and reload the lists; then everything else is accepted with
 * "accept all" from the keyboard; the remaining count drops to 0, the flags stay, axe-core
 * finds nothing and nothing overflows the phone's width.
 * Screenshots go to test-results/screenshots/review-bulk-*.png. Also: the action refuses a
 * reviewer of another province (404) and a commune account (403).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { acceptDialog, axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { OUTSIDE_REVIEWER, prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';
import { sessionCookie } from '../helpers/server.ts';
import { QD06_2019 } from '#lib/domain/criteria/qd06-2019.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');

const SCREENS = [
	{ name: 'desktop', viewport: { width: 1366, height: 900 } },
	{ name: 'phone', viewport: { width: 390, height: 844 } }
] as const;

const ALL = QD06_2019.criteria.flatMap((c) => c.indicators.map((i) => i.code));
const TC01 = ALL.filter((c) => c.startsWith('TC01.'));

/** axe-core (WCAG 2.1 A and AA) on the page as it is now; the context bypasses the CSP to inject it. */
async function axe(page: Page): Promise<string[]> {
	const violations = await axeViolations(page);
	return violations.map((v) => `${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

const nextDialog = acceptDialog;

const remaining = async (page: Page) => Number(/Còn (\d+) chỉ số chưa xem xét/.exec(await page.locator('main').innerText())?.[1]);
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function screenshot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `review-bulk-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}

for (const screen of SCREENS) {
	describe(`accepting several indicators at once (${screen.name}, ${screen.viewport.width}×${screen.viewport.height})`, () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `xa-review-bulk-${screen.name}-`));
		let s: ReviewScenario;
		const env = useBrowserServer(async () => {
			s = await prepareReviewScenario(dataDir);
			return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
		});
		afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		let page: Page;

		it('the reviewer starts the review and flags TC01.1', async () => {
			const context = await env.browser.newContext({ viewport: screen.viewport, bypassCSP: true });
			page = await context.newPage();
			await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
			await page.getByLabel('Email').fill('thamdinh@demo.vn');
			await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
			await page.getByRole('button', { name: 'Đăng nhập' }).click();
			await page.waitForURL((u) => u.pathname === '/');
			await page.goto(`${env.server.url}/review/${s.assessmentA}`, { waitUntil: 'networkidle' });
			// nothing to accept before the review is started
			expect(await page.getByRole('button', { name: /^Chấp nhận/ }).count()).toBe(0);
			await page.getByRole('button', { name: 'Bắt đầu thẩm định' }).click();
			await page.getByRole('status').filter({ hasText: 'Đã bắt đầu thẩm định' }).waitFor();
			await page.waitForLoadState('networkidle');
			expect(await remaining(page)).toBe(ALL.length);

			const tc01 = page.locator('details.criterion', { has: page.locator('summary:has-text("TC01.")') });
			await tc01.locator('summary').click();
			const box = page.locator('#ct-TC01\\.1');
			await box.getByLabel('Kết quả xem xét').selectOption({ label: 'Cần bổ sung' });
			await box.getByLabel(/Nội dung xã cần bổ sung/).fill('Bổ sung quyết định phân công có chữ ký');
			await box.getByRole('button', { name: 'Lưu đánh giá TC01.1' }).click();
			await page.getByRole('status').filter({ hasText: 'Đã lưu đánh giá chỉ số TC01.1.' }).waitFor();
			await expect.poll(() => remaining(page)).toBe(ALL.length - 1);
		});

		it('accepts the rest of TC01 in one go: the dialog names them, the result shows beside the button and takes the focus', async () => {
			const tc01 = page.locator('details.criterion', { has: page.locator('summary:has-text("TC01.")') });
			const rest = TC01.filter((c) => c !== 'TC01.1');
			expect(await tc01.locator('summary').innerText()).toContain(`còn ${rest.length} chưa xem xét`);
			const button = tc01.getByRole('button', { name: 'Chấp nhận các chỉ số chưa xem xét của TC01' });
			expect(await tc01.locator('#bulk-TC01-list').innerText()).toBe(`${rest.length} chỉ số: ${rest.join(', ')}.`);
			await button.scrollIntoViewIfNeeded();
			await screenshot(page, `criterion-before-${screen.name}`);

			// dismissing the confirmation sends nothing
			const dismissed = new Promise<string>((resolve) =>
				page.once('dialog', (d) => {
					resolve(d.message());
					void d.dismiss();
				})
			);
			await button.click();
			expect(await dismissed).toMatch(/^Chấp nhận 3 chỉ số chưa xem xét của TC01: TC01\.2, TC01\.3, TC01\.4\?/);
			await page.waitForTimeout(300);
			expect(await tc01.locator('#bulk-TC01').count()).toBe(0);
			expect(await remaining(page)).toBe(ALL.length - 1);

			const asked = nextDialog(page);
			await button.click();
			const question = await asked;
			expect(question).toBe(
				`Chấp nhận ${rest.length} chỉ số chưa xem xét của TC01: ${rest.join(', ')}?\n\n` +
					'Mỗi chỉ số được ghi «Đã chấp nhận», đồng ý với điểm xã tự chấm. Các chỉ số đã đánh dấu «Cần bổ sung» hoặc đã chấm điểm không thay đổi.'
			);
			expect(question).not.toContain('TC01.1');
			const result = tc01.getByRole('status');
			await result.waitFor();
			expect(await result.innerText()).toBe(`Đã chấp nhận ${rest.length} chỉ số: ${rest.join(', ')}.`);
			await expect.poll(() => focusedId(page)).toBe('bulk-TC01');
			// nothing left to accept in TC01: the button is gone, the result stays
			expect(await button.count()).toBe(0);
			expect(await remaining(page)).toBe(ALL.length - 1 - rest.length);
			for (const code of rest) expect(await page.locator(`#t-${code.replace('.', '\\.')} .badge`).innerText()).toBe('Đã chấp nhận');
			expect(await page.locator('#t-TC01\\.1 .badge').innerText()).toBe('Cần bổ sung');
			expect(await page.locator('main').innerText()).toContain('Các chỉ số được đánh dấu «Cần bổ sung»: TC01.1.');
			expect(await axe(page)).toEqual([]);
			expect(await overflow(page)).toBeLessThanOrEqual(1);
			await screenshot(page, `criterion-${screen.name}`);
		});

		it('a save made meanwhile elsewhere is not overwritten: the accept is refused beside the button, and the reloaded list accepted', async () => {
			// another tab of the reviewing level flags TC02.1 while this page still offers it
			const res = await fetch(`${env.server.url}/review/${s.assessmentA}?/item`, {
				method: 'POST',
				headers: {
					cookie: await sessionCookie(env.server.url, 'thamdinh@demo.vn'),
					origin: env.server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({
					indicator: 'TC02.1',
					points: '',
					reason: '',
					status: 'needs_supplement',
					request: 'Thiếu sổ đăng ký khai sinh',
					revision: '0'
				}),
				redirect: 'manual'
			});
			expect(res.status).toBe(200);
			const stale = ALL.filter((c) => !c.startsWith('TC01.'));
			expect(await page.locator('#bulk-all-top-list').innerText()).toBe(`${stale.length} chỉ số: ${stale.join(', ')}.`);
			const asked = nextDialog(page);
			await page.getByRole('button', { name: 'Chấp nhận tất cả chỉ số chưa xem xét' }).first().click();
			expect(await asked).toContain('TC02.1');
			const refused = page.locator('#bulk-all-top');
			await refused.waitFor();
			expect(await refused.getAttribute('role')).toBe('alert');
			expect(await refused.innerText()).toMatch(/^Chỉ số TC02\.1 vừa được người khác lưu nên chưa chấp nhận chỉ số nào\./);
			await expect.poll(() => focusedId(page)).toBe('bulk-all-top');
			// shown once, beside the button, not again at the top of the page
			expect(await page.getByRole('alert').count()).toBe(1);
			// the lists are reloaded: TC02.1 is flagged and no longer offered; nothing was accepted
			const left = stale.filter((c) => c !== 'TC02.1');
			await expect.poll(() => page.locator('#bulk-all-top-list').innerText()).toBe(`${left.length} chỉ số: ${left.join(', ')}.`);
			expect(await remaining(page)).toBe(stale.length - 1);
			expect(await page.locator('main').innerText()).toContain('Các chỉ số được đánh dấu «Cần bổ sung»: TC01.1, TC02.1.');
			expect(await axe(page)).toEqual([]);
			await screenshot(page, `refused-${screen.name}`);
		});

		it('accepts everything else from the keyboard with "accept all"; the count drops to 0 and the flags stay', async () => {
			const left = ALL.filter((c) => !c.startsWith('TC01.') && c !== 'TC02.1');
			const top = page.getByRole('button', { name: 'Chấp nhận tất cả chỉ số chưa xem xét' });
			expect(await top.count()).toBe(2); // above and below the criteria
			expect(await page.locator('#bulk-all-top-list').innerText()).toBe(`${left.length} chỉ số: ${left.join(', ')}.`);
			await top.first().focus();
			const asked = nextDialog(page);
			await page.keyboard.press('Enter');
			const question = await asked;
			expect(question).toMatch(new RegExp(`^Chấp nhận ${left.length} chỉ số chưa xem xét: TC03\\.1, `));
			expect(question).toContain(`: ${left.join(', ')}?`);
			const result = page.locator('#bulk-all-top');
			await page.locator('#bulk-all-top[role=status]').waitFor();
			expect(await result.innerText()).toBe(`Đã chấp nhận ${left.length} chỉ số: ${left.join(', ')}.`);
			await expect.poll(() => focusedId(page)).toBe('bulk-all-top');
			expect(await page.getByRole('alert').count()).toBe(0);
			expect(await remaining(page)).toBe(0);
			expect(await top.count()).toBe(0);
			expect(await page.locator('main').innerText()).toContain('Các chỉ số được đánh dấu «Cần bổ sung»: TC01.1, TC02.1.');
			// every criterion's summary: nothing left
			expect(await page.locator('details.criterion summary', { hasText: 'chưa xem xét' }).count()).toBe(0);
			expect(await axe(page)).toEqual([]);
			expect(await overflow(page)).toBeLessThanOrEqual(1);
			await screenshot(page, `all-${screen.name}`);
			// the server agrees after a reload
			await page.reload({ waitUntil: 'networkidle' });
			expect(await remaining(page)).toBe(0);
			await page.context().close();
		});

		if (screen.name === 'desktop')
			it('the action refuses a reviewer of another province (404) and a commune account (403)', async () => {
				for (const [email, status] of [
					[OUTSIDE_REVIEWER, 404],
					['canbo.xa@demo.vn', 403]
				] as const) {
					const res = await fetch(`${env.server.url}/review/${s.assessmentA}?/accept`, {
						method: 'POST',
						headers: {
							cookie: await sessionCookie(env.server.url, email),
							origin: env.server.url,
							accept: 'text/html',
							'content-type': 'application/x-www-form-urlencoded'
						},
						body: new URLSearchParams([
							['scope', 'TC02'],
							['item', 'TC02.1:1']
						]),
						redirect: 'manual'
					});
					expect(res.status, email).toBe(status);
					expect(await res.text()).not.toContain('Phường Phú Xuân');
				}
			});
	});
}
