/**
 * A commune's history on its page (issue 13) on the scenario of helpers/history-scenario.ts: the
 * commune officer of Phú Xuân opens /units/<id> at 1366×900 and 390×844 and finds the section
 * "Lịch sử đánh giá, công nhận": the 2026 round recognised (decision 20/QĐ-UBND, valid to
 * 31/05/2029), then one table per ward merged into it, Tây Lộc with its two rounds and Hương Long
 * "sáp nhập một phần", lapsed. No sideways scroll of the page on a phone, axe-core clean, and a
 * screenshot of each to test-results/screenshots/history-<screen>.png. The officer of Kim Long
 * gets "not found" for Phú Xuân's page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { withDataDir } from '../helpers/db.ts';
import { seedHistory } from '../helpers/history-scenario.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const shotsDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-history-'));
let communeA = 0;
const env = useBrowserServer(async () => {
	communeA = (await withDataDir(dataDir, (t) => seedHistory(t))).communeA;
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

describe("a commune's history", () => {
	for (const screen of SCREENS) {
		it(`commune officer at ${screen.viewport.width}×${screen.viewport.height}: own rounds and the merged wards', axe clean`, async () => {
			const { context, page } = await contextAs('canbo.xa@demo.vn', screen.viewport);
			try {
				const res = await page.goto(`${env.server.url}/units/${communeA}`, { waitUntil: 'networkidle' });
				expect(res?.status()).toBe(200);
				const section = page.locator('section', { has: page.getByRole('heading', { name: 'Lịch sử đánh giá, công nhận', level: 2 }) });
				await section.waitFor();
				const text = await section.innerText();
				expect(text).toContain('Được công nhận (còn hiệu lực đến 31/05/2029)');
				expect(text).toContain('Số 20/QĐ-UBND ngày 01/06/2026');
				expect(text).toContain('01/06/2026 – 31/05/2029');
				// one table for Phú Xuân, one per ward merged into it (six in full, Hương Long in part)
				const headings = section.getByRole('heading', { level: 3 });
				expect(await headings.count()).toBe(7);
				const tayLoc = section.getByRole('table', { name: /Tây Lộc/ });
				expect(await tayLoc.locator('tbody tr').count()).toBe(2);
				const rows = await tayLoc.locator('tbody tr').allInnerTexts();
				expect(rows[0]).toContain('2024');
				expect(rows[0]).toContain('Được công nhận (còn hiệu lực đến 09/12/2027)');
				expect(rows[0]).toContain('15/QĐ-UBND');
				expect(rows[1]).toContain('2022');
				expect(rows[1]).toContain('Không được công nhận');
				expect(await section.getByRole('heading', { name: /Hương Long.*sáp nhập một phần/ }).count()).toBe(1);
				expect(await section.getByRole('table', { name: /Hương Long/ }).innerText()).toContain('Hết hiệu lực');
				expect(await section.getByRole('heading', { name: /Tây Lộc.*sáp nhập toàn bộ/ }).count()).toBe(1);
				// nothing of the wards merged elsewhere (old Kim Long, revoked)
				expect(text).not.toContain('Đã thu hồi');
				// the own round links to its dossier; the old wards' rounds do not
				expect(
					await section
						.getByRole('table', { name: 'Các đợt đánh giá của Phường Phú Xuân', exact: true })
						.locator('a[href^="/assessments/"]')
						.count()
				).toBe(1);
				expect(await tayLoc.locator('a').count()).toBe(0);
				// no sideways scroll of the page itself
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(overflow).toBeLessThanOrEqual(0);
				const violations = await axeViolations(page);
				expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
				fs.mkdirSync(shotsDir, { recursive: true });
				await page.screenshot({ path: path.join(shotsDir, `history-${screen.name}.png`), fullPage: true });
			} finally {
				await context.close();
			}
		});
	}

	it('the officer of another commune gets "not found" for this one', async () => {
		const { context, page } = await contextAs('canbo.xa2@demo.vn', { width: 1366, height: 900 });
		try {
			const res = await page.goto(`${env.server.url}/units/${communeA}`, { waitUntil: 'networkidle' });
			expect(res?.status()).toBe(404);
			expect(await page.locator('main').innerText()).not.toContain('Lịch sử đánh giá');
		} finally {
			await context.close();
		}
	});
});
