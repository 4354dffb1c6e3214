/**
 * The header's search (issue 13) on the built server, at 1366×900 and 390×844: typed into the
 * header's box (inside the menu on a phone), submitted, the results grouped by kind with their
 * counts, a link followed; axe-core finds nothing serious; the administrator's navigation still
 * fits one line at 1366 px; an officer of another commune finds nothing of commune A; the form
 * works without JavaScript. Screenshots go to test-results/screenshots/search-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { OFFICER_B, prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';
import { withDataDir } from '../helpers/db.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-search-'));
const SERIAL = '2026-19774-000001';
const CODE = 'KMNPQ-RSTUV';
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir, { b: 'decided' });
	// B's certificate as the job records it (the search reads the row, not the PDF)
	await withDataDir(dataDir, async (t) => {
		const file = await t.db
			.insertInto('stored_file')
			.values({ sha256: '0'.repeat(64), size: 1, mime: 'application/pdf', ext: 'pdf', storage_key: 'search-test.pdf' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const approver = await t.db.selectFrom('account').select('id').where('email', '=', 'lanhdao@demo.vn').executeTakeFirstOrThrow();
		await t.db
			.insertInto('certificate')
			.values({
				decision_item_id: s.decisionItemId!,
				serial: SERIAL,
				code: CODE,
				payload: 'XP1.test',
				key_id: 'test',
				file_id: file.id,
				pdf_sha256: '0'.repeat(64),
				issued_by: approver.id
			})
			.execute();
	});
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function contextAs(
	email: string,
	viewport: { width: number; height: number },
	opts: { javaScriptEnabled?: boolean } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true, ...opts });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return { context, page };
}

/** Types `q` into the header's search box and submits it; waits for the results page. */
async function searchFromHeader(page: Page, q: string) {
	const box = page.getByRole('search', { name: 'Tìm kiếm', exact: true }).getByRole('searchbox');
	await box.fill(q);
	await box.press('Enter');
	await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === q);
	await page.waitForLoadState('networkidle');
}

async function serious(page: Page) {
	return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const shot = async (page: Page, name: string) => {
	fs.mkdirSync(shots, { recursive: true });
	await page.screenshot({ path: path.join(shots, `search-${name}.png`), fullPage: true });
};

describe('search from the header', () => {
	it('the officer of A finds its dossier by "phu xuan" at 1366×900 and follows the link', async () => {
		const { context, page } = await contextAs('canbo.xa@demo.vn', DESKTOP);
		try {
			await searchFromHeader(page, 'phu xuan');
			await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tìm kiếm');
			await expect(page.getByRole('heading', { level: 2, name: 'Hồ sơ đánh giá (1)' }).count()).resolves.toBe(1);
			await expect(page.getByRole('heading', { level: 2, name: 'Xã, phường (1)' }).count()).resolves.toBe(1);
			// the header's box keeps the text searched
			await expect(page.getByRole('search', { name: 'Tìm kiếm', exact: true }).getByRole('searchbox').inputValue()).resolves.toBe(
				'phu xuan'
			);
			expect(await serious(page)).toEqual([]);
			await shot(page, 'officer-desktop');
			const link = page
				.getByRole('region', { name: /Hồ sơ đánh giá/ })
				.getByRole('link')
				.first();
			await expect(link.getAttribute('href')).resolves.toBe(`/assessments/${s.assessmentA}`);
			await link.click();
			await page.waitForURL((u) => u.pathname === `/assessments/${s.assessmentA}`);
		} finally {
			await context.close();
		}
	});

	it('an officer of commune B finds nothing of A', async () => {
		const { context, page } = await contextAs(OFFICER_B, DESKTOP);
		try {
			for (const q of ['phu xuan', '19753']) {
				await searchFromHeader(page, q);
				await expect(page.getByRole('status').textContent()).resolves.toContain('Không tìm thấy kết quả nào');
				expect(await page.locator('main').innerText()).not.toContain('Phú Xuân');
			}
		} finally {
			await context.close();
		}
	});

	it('the administrator: the navigation on one line at 1366 px, every kind found', async () => {
		const { context, page } = await contextAs('quantri@demo.vn', DESKTOP);
		try {
			const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
			const items = await nav.getByRole('listitem').all();
			expect(items.length).toBeGreaterThanOrEqual(10);
			const tops = new Set(await Promise.all(items.map(async (i) => Math.round((await i.boundingBox())!.y))));
			expect([...tops]).toHaveLength(1);
			const link = (await nav.getByRole('link').first().boundingBox())!;
			expect((await nav.boundingBox())!.height).toBeLessThan(link.height * 1.5);
			// the header's bar (brand, search, account) on one line as well
			const bar = (await page.locator('header .bar').boundingBox())!;
			expect(bar.height).toBeLessThan(80);
			await shot(page, 'admin-header-desktop');

			await searchFromHeader(page, 'Nguyễn Thị Hoa');
			await expect(page.getByRole('heading', { level: 2, name: 'Tài khoản (1)' }).count()).resolves.toBe(1);
			await searchFromHeader(page, SERIAL);
			await expect(page.getByRole('heading', { level: 2, name: 'Giấy chứng nhận (1)' }).count()).resolves.toBe(1);
			await searchFromHeader(page, '7/QĐ-UBND');
			const decisions = page.getByRole('region', { name: /Quyết định công nhận/ });
			await expect(decisions.getByRole('heading', { level: 2 }).textContent()).resolves.toContain('(1)');
			expect(await serious(page)).toEqual([]);
			await shot(page, 'admin-desktop');
			await decisions.getByRole('link', { name: 'Quyết định số 7/QĐ-UBND' }).click();
			await page.waitForURL((u) => u.pathname === `/decisions/${s.decisionId}`);
		} finally {
			await context.close();
		}
	});

	it('the reviewer at 390×844: the search inside the menu, results grouped, a link followed', async () => {
		const { context, page } = await contextAs('thamdinh@demo.vn', PHONE);
		try {
			await expect(page.getByRole('search', { name: 'Tìm kiếm', exact: true }).isVisible()).resolves.toBe(false);
			await page.getByRole('button', { name: 'Trình đơn' }).click();
			await searchFromHeader(page, 'phuong');
			await expect(page.getByRole('heading', { level: 2, name: 'Hồ sơ đánh giá (2)' }).count()).resolves.toBe(1);
			await expect(page.getByRole('navigation', { name: 'Các nhóm kết quả' }).getByRole('link').count()).resolves.toBe(2);
			// the menu closed once the search was sent: the results are what the phone shows first
			await expect(page.getByRole('button', { name: 'Trình đơn' }).getAttribute('aria-expanded')).resolves.toBe('false');
			expect(await serious(page)).toEqual([]);
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			expect(overflow).toBeLessThanOrEqual(1);
			await shot(page, 'reviewer-phone');
			await page.getByRole('link', { name: /Phường Phú Xuân —/ }).click();
			await page.waitForURL((u) => u.pathname === `/review/${s.assessmentA}`);

			// the menu open on a phone, for the screenshot
			await page.getByRole('button', { name: 'Trình đơn' }).click();
			await shot(page, 'menu-phone');
		} finally {
			await context.close();
		}
	});

	it('works without JavaScript; a text over 100 characters is refused on the page', async () => {
		const { context, page } = await contextAs('lanhdao@demo.vn', DESKTOP, { javaScriptEnabled: false });
		try {
			await searchFromHeader(page, CODE.toLowerCase());
			await expect(page.getByRole('heading', { level: 2, name: 'Giấy chứng nhận (1)' }).count()).resolves.toBe(1);
			await page.goto(`${env.server.url}/search?q=${'x'.repeat(101)}`);
			await expect(page.getByRole('alert').textContent()).resolves.toContain('tối đa 100 ký tự');
			await shot(page, 'too-long');
		} finally {
			await context.close();
		}
	});
});
