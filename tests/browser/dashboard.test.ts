/**
 * The province dashboard (issue 13) on the review scenario (Phú Xuân submitted, Kim Long
 * recognised): at 1366×900 and 390×844, its charts (SVG
 * images with a summary) each with a data table in a focusable, named region, no sideways scroll
 * of the page on a phone, axe-core clean, and a screenshot of each to
 * test-results/screenshots/dashboard-<role>-<screen>.png. An officer of another province sees none
 * of these communes; a commune officer has neither the menu item nor the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import os from 'node:os';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { prepareReviewScenario, OUTSIDE_PROVINCE_OFFICER } from '../helpers/review-scenario.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const shotsDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-dashboard-'));
// Phú Xuân submitted, Kim Long recognised (decision 7/QĐ-UBND); an officer of Đà Nẵng
const env = useBrowserServer(async () => {
	await prepareReviewScenario(dataDir, { b: 'decided' });
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SCREENS = [
	{ name: 'desktop', viewport: { width: 1366, height: 900 } },
	{ name: 'phone', viewport: { width: 390, height: 844 } }
] as const;

/** A context that axe can run in (bypassCSP), signed in as `email`. */
async function contextAs(email: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return { context, page };
}

describe('province dashboard', () => {
	for (const [role, email] of [
		['province', 'tinh@demo.vn'],
		['admin', 'quantri@demo.vn']
	] as const) {
		for (const screen of SCREENS) {
			it(`${role} at ${screen.viewport.width}×${screen.viewport.height}: charts with their tables, axe clean`, async () => {
				const { context, page } = await contextAs(email, screen.viewport);
				try {
					// reached from the menu
					const nav = page.getByRole('link', { name: 'Tổng hợp', exact: true });
					if (screen.name === 'desktop') {
						await nav.click();
						await page.waitForURL((u) => u.pathname === '/dashboard');
					} else {
						// the menu folds on a phone: the item is there
						expect(await page.locator('nav a[href="/dashboard"]').count()).toBeGreaterThan(0);
						await page.goto(`${env.server.url}/dashboard`, { waitUntil: 'networkidle' });
					}
					await page.getByRole('heading', { name: 'Tổng hợp kết quả đánh giá', level: 1 }).waitFor();
					const main = page.locator('main');
					const text = await main.innerText();
					expect(text).toContain('Đơn vị theo trạng thái hồ sơ');
					expect(text).toContain('Mục tiêu 2025 (65%)');
					expect(text).toContain('Mục tiêu 2030 (75%)');
					expect(text).toContain('Tiêu chí còn hạn chế');
					expect(text).toContain('Tổng điểm so với ngưỡng công nhận');
					// four charts, each an image with a summary, each followed by its table
					const charts = page.locator('svg[role="img"]');
					expect(await charts.count()).toBe(4);
					for (let i = 0; i < 4; i++) expect(await charts.nth(i).getAttribute('aria-label')).toMatch(/^Biểu đồ/);
					for (const name of [
						'Bảng số đơn vị theo trạng thái',
						'Bảng tỷ lệ được công nhận theo nhóm đơn vị',
						'Bảng mức điểm theo tiêu chí',
						'Bảng phân bố tổng điểm so với ngưỡng'
					]) {
						const region = page.getByRole('region', { name });
						expect(await region.getAttribute('tabindex')).toBe('0');
						expect(await region.locator('table').count()).toBe(1);
					}
					// 13 criteria in the table
					expect(await page.getByRole('region', { name: 'Bảng mức điểm theo tiêu chí' }).locator('tbody tr').count()).toBe(13);
					// the state table's total equals the round's number of dossiers in the round picker
					const round = await page.locator('select[name="round"] option:checked').innerText();
					const n = Number(/– (\d+) hồ sơ/.exec(round)?.[1]);
					const total = await page.getByRole('region', { name: 'Bảng số đơn vị theo trạng thái' }).locator('tfoot td').first().innerText();
					expect(Number(total.replace(/\./g, ''))).toBe(n);
					const states = page.getByRole('region', { name: 'Bảng số đơn vị theo trạng thái' });
					expect(
						await states
							.getByRole('row', { name: /^Đã gửi\b/ })
							.locator('td')
							.first()
							.innerText()
					).toBe('1');
					expect(
						await states
							.getByRole('row', { name: /^Được công nhận/ })
							.locator('td')
							.first()
							.innerText()
					).toBe('1');
					if (role === 'admin') expect(await page.locator('select[name="province"]').count()).toBe(1);
					else expect(await page.locator('select[name="province"]').count()).toBe(0);
					// no sideways scroll of the page itself
					const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
					expect(overflow).toBeLessThanOrEqual(0);
					const violations = await axeViolations(page);
					expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
					fs.mkdirSync(shotsDir, { recursive: true });
					await page.screenshot({ path: path.join(shotsDir, `dashboard-${role}-${screen.name}.png`), fullPage: true });
				} finally {
					await context.close();
				}
			});
		}
	}

	it('an officer of another province sees none of these communes', async () => {
		const { context, page } = await contextAs(OUTSIDE_PROVINCE_OFFICER, { width: 1366, height: 900 });
		try {
			const res = await page.goto(`${env.server.url}/dashboard`, { waitUntil: 'networkidle' });
			expect(res?.status()).toBe(200);
			const text = await page.locator('main').innerText();
			expect(text).toContain('Chưa có hồ sơ đánh giá nào');
			expect(text).not.toContain('Phú Xuân');
			expect(await page.locator('svg[role="img"]').count()).toBe(0);
		} finally {
			await context.close();
		}
	});

	it('a commune officer has neither the menu item nor the page', async () => {
		const { context, page } = await contextAs('canbo.xa@demo.vn', { width: 1366, height: 900 });
		try {
			expect(await page.getByRole('link', { name: 'Tổng hợp', exact: true }).count()).toBe(0);
			const res = await page.goto(`${env.server.url}/dashboard`, { waitUntil: 'networkidle' });
			expect(res?.status()).toBe(403);
		} finally {
			await context.close();
		}
	});
});
