/**
 * Every page as each role sees it, in Chromium on a desktop (1366×900) and a phone (390×844)
 * screen: axe-core (WCAG 2.1 A and AA rules) finds no violation, nothing overflows the phone's
 * width, and a full-page screenshot of each goes to test-results/screenshots/a11y-<role>-<page>-<screen>.png
 * to be looked at. The scenario: two communes with dossiers (one returned with flags, one
 * decided), a recognition decision and its certificates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, useBrowserServer, type AxeViolation } from '../helpers/browser.ts';
import { prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-a11y-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir, { b: 'decided' });
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SCREENS = [
	{ name: 'desktop', viewport: { width: 1366, height: 900 } },
	{ name: 'phone', viewport: { width: 390, height: 844 } }
] as const;

type Violation = AxeViolation;

const axe = axeViolations;

async function contextAs(
	email: string | null,
	viewport: { width: number; height: number }
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	if (email) {
		await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Đăng nhập' }).click();
		await page.waitForURL((u) => u.pathname === '/');
	}
	return { context, page };
}

/** Visits each page, checks it and keeps its screenshot; returns what failed, page by page. */
async function walk(role: string, email: string | null, pages: [string, () => string][]) {
	const problems: string[] = [];
	for (const screen of SCREENS) {
		const { context, page } = await contextAs(email, screen.viewport);
		try {
			for (const [name, url] of pages) {
				const res = await page.goto(`${env.server.url}${url()}`, { waitUntil: 'networkidle' });
				if (res?.status() !== 200) {
					problems.push(`${role} ${name} (${screen.name}): HTTP ${res?.status()}`);
					continue;
				}
				for (const v of await axe(page))
					problems.push(
						`${role} ${name} (${screen.name}): ${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`
					);
				// nothing wider than the screen: no sideways scrolling of the whole page on a phone
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				if (overflow > 1) problems.push(`${role} ${name} (${screen.name}): the page is ${overflow}px wider than the screen`);
				// one language: no ISO dates and no words run together around a separator ("Đã gửi· gửi lúc", "điểm.Thang", "TC01.1,TC01.2")
				const text = await page.locator('main').innerText();
				for (const m of text.matchAll(/\S·|·\S|\b\d{4}-\d{2}-\d{2}\b|[a-zà-ỹ\d][.,][A-ZĐÀ-Ỹ]/gu))
					problems.push(`${role} ${name} (${screen.name}): "${text.slice(Math.max(0, m.index - 20), m.index + 20)}"`);
				fs.mkdirSync(shotsDir, { recursive: true });
				await page.screenshot({ path: path.join(shotsDir, `a11y-${role}-${name}-${screen.name}.png`), fullPage: true });
			}
		} finally {
			await context.close();
		}
	}
	return problems;
}

describe('every page, every role, desktop and phone: axe-core finds nothing, nothing overflows', () => {
	it('without signing in', async () => {
		const code = await certificateCode();
		expect(
			await walk('public', null, [
				['login', () => '/login'],
				['verify', () => '/verify'],
				['verify-code', () => `/verify/${code}`]
			])
		).toEqual([]);
	});

	it('the commune officer and chair', async () => {
		const a = () => `/assessments/${s.assessmentA}`;
		expect(
			await walk('officer', 'canbo.xa@demo.vn', [
				['home', () => '/'],
				['assessments', () => '/assessments'],
				['dossier', a],
				['entry-overview', () => `${a()}/criteria`],
				['entry-tc01', () => `${a()}/criteria/TC01`],
				['entry-tc07', () => `${a()}/criteria/TC07`],
				['evidence', () => `${a()}/evidence`],
				['notifications', () => '/notifications'],
				['password', () => '/account/password']
			])
		).toEqual([]);
		expect(await walk('chair', 'chutich.xa@demo.vn', [['dossier', a]])).toEqual([]);
	});

	it('the reviewer and the approver', async () => {
		expect(
			await walk('reviewer', 'thamdinh@demo.vn', [
				['board', () => '/review'],
				['review-returned', () => `/review/${s.assessmentA}`],
				['review-decided', () => `/review/${s.assessmentB}`]
			])
		).toEqual([]);
		expect(
			await walk('approver', 'lanhdao@demo.vn', [
				['decisions', () => '/decisions'],
				['decision', () => `/decisions/${s.decisionId}`]
			])
		).toEqual([]);
	});

	it('the province officer and the administrator', async () => {
		expect(
			await walk('province', 'tinh@demo.vn', [
				['rounds', () => '/rounds'],
				['board', () => '/review'],
				['dashboard', () => '/dashboard'],
				['search', () => '/search?q=phu']
			])
		).toEqual([]);
		expect(
			await walk('admin', 'quantri@demo.vn', [
				['accounts', () => '/admin/accounts'],
				['audit', () => '/admin/audit'],
				['settings', () => '/admin/settings'],
				['criteria', () => '/criteria'],
				['criteria-import', () => '/criteria/import'],
				['criteria-set', () => '/criteria/1'],
				['criteria-verify', () => '/criteria/1/verify'],
				['units', () => '/units'],
				['rounds', () => '/rounds']
			])
		).toEqual([]);
	});
});

/** A certificate's verification code, issued through the approver's page when the scenario has none. */
async function certificateCode(): Promise<string> {
	const { context, page } = await contextAs('lanhdao@demo.vn', SCREENS[0].viewport);
	try {
		await page.goto(`${env.server.url}/decisions/${s.decisionId}`, { waitUntil: 'networkidle' });
		const existing = await page
			.locator('a[href^="/verify/"]')
			.first()
			.getAttribute('href', { timeout: 1000 })
			.catch(() => null);
		if (existing) return existing.split('/').pop()!;
		await page.getByRole('button', { name: /Cấp giấy chứng nhận/ }).click();
		const link = page.locator('a[href^="/verify/"]').first();
		await link.waitFor({ timeout: 60_000 });
		return (await link.getAttribute('href'))!.split('/').pop()!;
	} finally {
		await context.close();
	}
}
