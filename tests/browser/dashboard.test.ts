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
import { prepareReviewScenario, OUTSIDE_PROVINCE_OFFICER, type ReviewScenario } from '../helpers/review-scenario.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { withDataDir } from '../helpers/db.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';

const shotsDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-dashboard-'));
// Phú Xuân submitted, Kim Long recognised (decision 7/QĐ-UBND); an officer of Đà Nẵng
/** A ministry officer (read-only, no unit) and an earlier round across two provinces for the national view. */
const MINISTRY = 'bo.kiemthu@demo.vn';
const NATIONAL_ROUND = 'Đợt toàn quốc thử';
let scenario: ReviewScenario;
const env = useBrowserServer(async () => {
	scenario = await prepareReviewScenario(dataDir, { b: 'decided' });
	await withDataDir(dataDir, async (t) => {
		const system = { id: null, email: 'scenario' };
		// a province no account of the scenario belongs to: Quảng Ngãi
		await importUnits(t.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['51']);
		await createAccount(
			t.db,
			t.config,
			{ email: MINISTRY, fullName: 'Vũ Thị Lan', role: 'ministry_officer', password: DEMO_PASSWORD },
			system
		);
		const set = await t.db.selectFrom('round').select('criteria_set_id').orderBy('id').executeTakeFirstOrThrow();
		// the year before the scenario's round: the scenario's stays the default
		const year = new Date().getFullYear() - 1;
		const { roundId } = await openRound(
			t.db,
			'post2025',
			{
				name: NATIONAL_ROUND,
				year,
				criteriaSetId: set.criteria_set_id,
				opensOn: `${year}-01-01`,
				closesOn: `${year + 2}-12-31`,
				communeCodes: ['19753', '19774'],
				provinceCodes: ['51']
			},
			system
		);
		const ids = async (code: string) =>
			(
				await t.db
					.selectFrom('assessment as a')
					.innerJoin('admin_unit as p', 'p.id', 'a.province_id')
					.select('a.id')
					.where('a.round_id', '=', roundId)
					.where('p.code', '=', code)
					.orderBy('a.id')
					.execute()
			).map((r) => r.id);
		const [hue, qn] = [await ids('46'), await ids('51')];
		// Huế: one of two recognised; Quảng Ngãi: three recognised, two submitted
		await t.db
			.updateTable('assessment')
			.set({ state: 'recognised' })
			.where('id', 'in', [hue[0], ...qn.slice(0, 3)])
			.execute();
		await t.db.updateTable('assessment').set({ state: 'submitted' }).where('id', 'in', qn.slice(3, 5)).execute();
	});
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
					// five charts (the trend across rounds among them), each an image with a summary, each followed by its table
					const charts = page.locator('svg[role="img"]');
					expect(await charts.count()).toBe(5);
					for (let i = 0; i < 5; i++) expect(await charts.nth(i).getAttribute('aria-label')).toMatch(/^Biểu đồ/);
					for (const name of [
						'Bảng số đơn vị theo trạng thái',
						'Bảng tỷ lệ được công nhận theo nhóm đơn vị',
						'Bảng tỷ lệ được công nhận qua các đợt đánh giá',
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

	for (const screen of SCREENS) {
		it(`ministry officer at ${screen.viewport.width}×${screen.viewport.height}: the nation, one row per province, axe clean`, async () => {
			const { context, page } = await contextAs(MINISTRY, screen.viewport);
			try {
				expect(await page.locator('nav a[href="/dashboard"]').count()).toBeGreaterThan(0);
				// no way to change anything from the menu
				for (const href of ['/admin/accounts', '/admin/settings', '/admin/audit'])
					expect(await page.locator(`nav a[href="${href}"]`).count()).toBe(0);
				await page.goto(`${env.server.url}/dashboard`, { waitUntil: 'networkidle' });
				expect(await page.locator('select[name="province"] option:checked').innerText()).toBe('Toàn quốc');
				// choose the national round with the form (works without JavaScript: a GET form)
				const option = page.locator('select[name="round"] option', { hasText: NATIONAL_ROUND });
				const roundId = await option.getAttribute('value');
				await page.locator('select[name="round"]').selectOption(roundId!);
				await page.getByRole('button', { name: 'Xem', exact: true }).click();
				await page.waitForURL((u) => u.searchParams.get('round') === roundId);
				const main = page.locator('main');
				const text = await main.innerText();
				expect(text).toContain('Toàn quốc ·');
				expect(text).toContain('Chỉ số nhiều đơn vị chưa đạt nhất');
				const table = page.getByRole('region', { name: 'Bảng tổng hợp theo tỉnh, thành phố' });
				expect(await table.getAttribute('tabindex')).toBe('0');
				const rows = table.locator('tbody tr');
				expect(await rows.count()).toBe(2);
				expect(await rows.nth(0).locator('th').innerText()).toMatch(/Huế/);
				expect(await rows.nth(1).locator('th').innerText()).toMatch(/Quảng Ngãi/);
				// Huế: 2 communes, 1 recognised (50%)
				expect(
					await rows
						.nth(0)
						.locator('td')
						.evaluateAll((cells) => cells.slice(1, 5).map((c) => (c as HTMLElement).innerText))
				).toEqual(['2', '1', '1', '50%']);
				expect(await table.locator('th[aria-sort="ascending"]').innerText()).toMatch(/^Mã/);
				// the downloads keep the round
				const downloads = page.getByRole('navigation', { name: 'Tải về' });
				for (const [name, file] of [
					['Bảng số liệu (Excel)', 'dashboard.xlsx'],
					['Ma trận điểm (Excel)', 'score-matrix.xlsx'],
					['Báo cáo (PDF)', 'report.pdf'],
					['Báo cáo (Word)', 'report.docx']
				]) {
					const href = await downloads.getByRole('link', { name }).getAttribute('href');
					expect(href).toBe(`dashboard/${file}?round=${roundId}`);
				}
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(overflow).toBeLessThanOrEqual(0);
				const violations = await axeViolations(page);
				expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
				fs.mkdirSync(shotsDir, { recursive: true });
				await page.screenshot({ path: path.join(shotsDir, `dashboard-national-${screen.name}.png`), fullPage: true });

				// sorted on the server: by the number of communes, largest first, then back
				await table.getByRole('link', { name: /^Số đơn vị/ }).click();
				await page.waitForURL((u) => u.searchParams.get('sort') === '-communes');
				expect(await table.locator('th[aria-sort="descending"]').innerText()).toMatch(/^Số đơn vị/);
				expect(await table.locator('th[aria-sort]').count()).toBe(1);
				expect(await rows.nth(0).locator('th').innerText()).toMatch(/Quảng Ngãi/);
				await table.getByRole('link', { name: /^Số đơn vị/ }).click();
				await page.waitForURL((u) => u.searchParams.get('sort') === 'communes');
				expect(await table.locator('th[aria-sort="ascending"]').innerText()).toMatch(/^Số đơn vị/);
				expect(await rows.nth(0).locator('th').innerText()).toMatch(/Huế/);
				expect(new URL(page.url()).searchParams.get('round')).toBe(roundId);

				// a province's link opens that province's dashboard for the same round
				await table.getByRole('link', { name: /Quảng Ngãi/ }).click();
				await page.waitForURL((u) => u.searchParams.has('province') && u.searchParams.get('round') === roundId);
				await page.getByRole('heading', { name: 'Tổng hợp kết quả đánh giá', level: 1 }).waitFor();
				expect(await page.locator('select[name="province"] option:checked').innerText()).toMatch(/Quảng Ngãi/);
				expect(await page.locator('main').innerText()).not.toContain('Toàn quốc ·');
				expect(await page.getByRole('region', { name: 'Bảng tổng hợp theo tỉnh, thành phố' }).count()).toBe(0);
				const states = page.getByRole('region', { name: 'Bảng số đơn vị theo trạng thái' });
				expect(
					await states
						.getByRole('row', { name: /^Được công nhận/ })
						.locator('td')
						.first()
						.innerText()
				).toBe('3');
				const province = new URL(page.url()).searchParams.get('province');
				expect(
					await page.getByRole('navigation', { name: 'Tải về' }).getByRole('link', { name: 'Báo cáo (PDF)' }).getAttribute('href')
				).toBe(`dashboard/report.pdf?round=${roundId}&province=${province}`);
				fs.mkdirSync(shotsDir, { recursive: true });
				await page.screenshot({ path: path.join(shotsDir, `dashboard-ministry-province-${screen.name}.png`), fullPage: true });
			} finally {
				await context.close();
			}
		});
	}

	// read-only roles meet no link to a file they may not open (evidence.read is the commune's and
	// the reviewing level's): every link on the pages they read answers them
	for (const [role, email] of [
		['ministry', MINISTRY],
		['province', 'tinh@demo.vn']
	] as const) {
		it(`${role} officer reads a dossier and its review without a dead link`, async () => {
			const { context, page } = await contextAs(email, { width: 390, height: 844 });
			try {
				for (const url of [`/assessments/${scenario.assessmentB}`, `/review/${scenario.assessmentB}`]) {
					await page.goto(`${env.server.url}${url}`, { waitUntil: 'networkidle' });
					const main = page.locator('main');
					expect(await main.innerText()).toContain('chỉ xã và cơ quan thẩm định mở được');
					expect(await main.locator('a[href*="/evidence"], a[href$="dossier.zip"], iframe, img.viewer').count()).toBe(0);
					const hrefs = await main.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
					expect(hrefs.length).toBeGreaterThan(0);
					const refused: string[] = [];
					for (const href of new Set(hrefs)) {
						const res = await page.request.get(`${env.server.url}${href}`, { maxRedirects: 0 });
						if (res.status() >= 400) refused.push(`${href}: ${res.status()}`);
					}
					expect(refused).toEqual([]);
					const violations = await axeViolations(page);
					expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
				}
				// the review page still names the documents and the evidence it cannot open
				expect(await page.locator('main').innerText()).toMatch(/\.pdf/);
			} finally {
				await context.close();
			}
		});
	}
});
