/**
 * Replacing a survey questionnaire (issue 15) in Chromium: the administrator reaches "Bảng hỏi"
 * from the menu (still one line at 1366 px), downloads the residents' questionnaire as JSON,
 * rewords a question, imports the file (the preview lists the change; it arrives as a draft),
 * and activates it (the old version is retired). Axe-core clean on every page; screenshots at
 * 1366×900 and 390×844 to test-results/screenshots/survey-templates-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { withDataDir } from '../helpers/db.ts';
import { DEMO_PASSWORD, seedDemo } from '#lib/server/seed/demo.ts';
import type { SurveyTemplate } from '#lib/domain/surveys/templates.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-survey-templates-'));
const env = useBrowserServer(async () => {
	await withDataDir(dataDir, async (t) => {
		await seedDemo(t.db, t.config, { withRound: false });
	});
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SCREENS = [
	{ name: 'desktop', viewport: { width: 1366, height: 900 } },
	{ name: 'phone', viewport: { width: 390, height: 844 } }
] as const;
const REWORDED = 'Trẻ em trên địa bàn được đến trường đầy đủ, không bỏ học giữa chừng.';

async function signedIn(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill('quantri@demo.vn');
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return { context, page };
}

async function clean(page: Page, what: string) {
	const v = await axeViolations(page);
	expect(v.map((x) => `${what}: ${x.id} ${x.help} ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function shot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	await page.screenshot({ path: path.join(shotsDir, `survey-templates-${name}.png`), fullPage: true });
}

describe('an administrator replaces the residents questionnaire', () => {
	it('downloads, rewords, previews, imports and activates (1366×900)', async () => {
		const { context, page } = await signedIn(SCREENS[0].viewport);
		try {
			// the menu item, and the menu still on one line
			const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
			const items = await nav.getByRole('listitem').all();
			const tops = new Set(await Promise.all(items.map(async (i) => Math.round((await i.boundingBox())!.y))));
			expect([...tops]).toHaveLength(1);
			await nav.getByRole('link', { name: 'Bảng hỏi', exact: true }).click();
			await page.waitForURL((u) => u.pathname === '/admin/survey-templates');
			await page.getByRole('heading', { level: 1, name: /Bảng hỏi khảo sát/ }).waitFor();
			const residents = page.getByRole('region', { name: 'Người dân' });
			expect(await residents.innerText()).toContain('KS-NGUOI-DAN@1');
			expect(await residents.innerText()).toContain('Đang áp dụng');
			expect(await residents.innerText()).toContain('Tạm thời');
			expect(await residents.innerText()).toMatch(/\b\d{2}\/\d{2}\/\d{4}\b/);
			await clean(page, 'list');
			await shot(page, 'list-desktop');

			// download the residents' template as JSON
			const [download] = await Promise.all([
				page.waitForEvent('download'),
				residents.getByRole('link', { name: 'Tải về JSON KS-NGUOI-DAN@1' }).click()
			]);
			expect(download.suggestedFilename()).toBe('KS-NGUOI-DAN@1.json');
			const template = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as SurveyTemplate;
			expect(template.questions[2].text).toBe('Trẻ em được đi học đầy đủ.');
			template.version = 2;
			template.questions[2].text = REWORDED;
			const file = path.join(dataDir, 'KS-NGUOI-DAN@2.json');
			fs.writeFileSync(file, JSON.stringify(template, null, 2));

			// an invalid file first: the error says where
			await page.goto(`${env.server.url}/admin/survey-templates/import`, { waitUntil: 'networkidle' });
			const broken = path.join(dataDir, 'broken.json');
			fs.writeFileSync(broken, JSON.stringify({ ...template, questions: [{ ...template.questions[0], text: '' }] }));
			await page.getByLabel('Tệp bảng hỏi (.json)').setInputFiles(broken);
			await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
			const alert = page.getByRole('alert');
			await alert.waitFor();
			expect(await alert.innerText()).toContain('Câu hỏi thứ 1 (text): Không được để trống');

			// the edited file: the preview lists the reworded question
			await page.getByLabel('Tệp bảng hỏi (.json)').setInputFiles(file);
			await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
			const preview = page.getByRole('region', { name: 'Xem trước: KS-NGUOI-DAN@2' });
			await preview.waitFor();
			const text = await preview.innerText();
			expect(text).toContain('Tạo phiên bản mới (ở trạng thái dự thảo).');
			expect(text).toContain('So với KS-NGUOI-DAN@1 (đang áp dụng).');
			expect(text).toContain(`Sửa lời câu D3: «Trẻ em được đi học đầy đủ.» → «${REWORDED}».`);
			await clean(page, 'preview');
			await shot(page, 'preview-desktop');

			// imported as a draft
			await preview.getByRole('button', { name: 'Nhập phiên bản này' }).click();
			await page.waitForURL((u) => /^\/admin\/survey-templates\/\d+$/.test(u.pathname));
			const main = page.locator('main');
			expect(await main.innerText()).toContain('KS-NGUOI-DAN@2');
			expect(await main.innerText()).toContain('Dự thảo');
			expect(await main.innerText()).toContain(REWORDED);
			expect(await main.innerText()).toContain('Bảng hỏi KS-NGUOI-DAN@1 đang áp dụng cho nhóm này sẽ chuyển sang ngừng áp dụng.');
			await clean(page, 'draft');
			await shot(page, 'draft-desktop');

			// activated: the old one retired
			await page.getByRole('button', { name: 'Áp dụng phiên bản này' }).click();
			const done = page.getByRole('status');
			await done.waitFor();
			expect(await done.innerText()).toBe('Đã áp dụng KS-NGUOI-DAN@2. Phiên bản KS-NGUOI-DAN@1 chuyển sang ngừng áp dụng.');
			expect(await main.innerText()).toContain('Đang áp dụng');
			await page.goto(`${env.server.url}/admin/survey-templates`, { waitUntil: 'networkidle' });
			const list = await page.getByRole('region', { name: 'Người dân' }).innerText();
			expect(list).toMatch(/KS-NGUOI-DAN@2[^\n]*\n?[^\n]*Đang áp dụng/);
			expect(list).toMatch(/KS-NGUOI-DAN@1[^\n]*\n?[^\n]*Ngừng áp dụng/);
		} finally {
			await context.close();
		}
	});

	it('on a phone (390×844): the pages fit the screen and stay axe clean', async () => {
		const { context, page } = await signedIn(SCREENS[1].viewport);
		try {
			for (const [name, url] of [
				['list', '/admin/survey-templates'],
				['import', '/admin/survey-templates/import']
			] as const) {
				await page.goto(`${env.server.url}${url}`, { waitUntil: 'networkidle' });
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
				await clean(page, name);
				await shot(page, `${name}-phone`);
			}
			await page.goto(`${env.server.url}/admin/survey-templates`, { waitUntil: 'networkidle' });
			await page.getByRole('link', { name: 'KS-NGUOI-DAN@2', exact: true }).click();
			await page.waitForURL((u) => /^\/admin\/survey-templates\/\d+$/.test(u.pathname));
			expect(await page.locator('main').innerText()).toContain(REWORDED);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
			await clean(page, 'template');
			await shot(page, 'template-phone');
		} finally {
			await context.close();
		}
	});

	it('a commune officer has neither the menu item nor the pages', async () => {
		const context = await env.browser.newContext();
		const page = await context.newPage();
		try {
			await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
			await page.getByLabel('Email').fill('canbo.xa@demo.vn');
			await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
			await page.getByRole('button', { name: 'Đăng nhập' }).click();
			await page.waitForURL((u) => u.pathname === '/');
			expect(await page.locator('nav a[href="/admin/survey-templates"]').count()).toBe(0);
			const r = await page.goto(`${env.server.url}/admin/survey-templates`);
			expect(r!.status()).toBe(403);
		} finally {
			await context.close();
		}
	});
});
