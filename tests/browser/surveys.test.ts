/**
 * The satisfaction survey of criterion 13 (issue 15) end to end, on a complete draft dossier of
 * Phường Phú Xuân: the officer opens the campaign from the TC13 page and prints slips (the PDF's
 * text read with pdftotext, its first page rendered at 50 dpi and one QR code decoded with
 * zbarimg); a child opens that link on a 390×844 screen and answers; the same code is refused the
 * second time; a wrong code is explained; a resident answers through the open link; the officer
 * types two paper forms with the keyboard, closes the campaign, and the TC13 page shows the
 * computed figures, the report in the evidence; the chair submits and the reviewer sees the
 * campaign on the review page and downloads the anonymised answers. axe-core clean on the public
 * pages and the officer's page; screenshots at both sizes in test-results/screenshots/surveys-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { acceptDialog, axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { prepareSurveyScenario } from '../helpers/survey-scenario.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const shotsDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-surveys-'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-surveys-pdf-'));
let assessmentId = 0;
const env = useBrowserServer(async () => {
	({ assessmentId } = await prepareSurveyScenario(dataDir));
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => {
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(work, { recursive: true, force: true });
});

/** The public page's script as sent (compressed): SvelteKit's runtime, the app's shell and the small page (no library); about 68 KB when written. */
const JS_BUDGET = 90_000;
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

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

async function expectAxeClean(page: Page) {
	const violations = await axeViolations(page);
	expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function shot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	await page.screenshot({ path: path.join(shotsDir, `surveys-${name}.png`), fullPage: true });
}

async function noSidewaysScroll(page: Page) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
}

/** Picks the answer `value` of every question on the public page by tapping its big button. */
async function answerAll(page: Page, value: number) {
	const names = await page
		.locator('input[type="radio"][name^="q."]')
		.evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).name))]);
	expect(names.length).toBeGreaterThan(2);
	for (const name of names) await page.locator('label.choice', { has: page.locator(`input[name="${name}"][value="${value}"]`) }).click();
	return names.length;
}

const text = async (page: Page) => (await page.locator('main').innerText()).normalize('NFC');

let officer: { context: BrowserContext; page: Page };
let slipLink = '';
let slipCode = '';
let openLink = '';

describe('satisfaction survey (TC13)', () => {
	afterAll(async () => {
		await officer?.context.close();
	});

	it('the officer opens the campaign from the TC13 page and prints slips with working QR codes', async () => {
		officer = await contextAs('canbo.xa@demo.vn', DESKTOP);
		const { page } = officer;
		await page.goto(`${env.server.url}/assessments/${assessmentId}/criteria/TC13`, { waitUntil: 'networkidle' });
		await page.getByRole('link', { name: /Khảo sát mức độ hài lòng \(TC13\)/ }).click();
		await page.waitForURL((u) => u.pathname === `/assessments/${assessmentId}/survey`);
		await page.getByRole('heading', { name: 'Khảo sát mức độ hài lòng (TC13)', level: 1 }).waitFor();
		expect(await text(page)).toContain('Gợi ý tối thiểu');
		await expectAxeClean(page);
		await shot(page, 'officer-open-desktop');

		await page.getByLabel('Số phiếu trẻ em cần thu').fill('2');
		await page.getByLabel('Số phiếu người dân cần thu').fill('2');
		await page.getByRole('button', { name: 'Mở đợt khảo sát' }).click();
		await page.getByRole('heading', { name: 'Tình hình khảo sát' }).waitFor();
		openLink = (await page.locator('.url a').getAttribute('href')) ?? '';
		expect(openLink).toMatch(new RegExp(`^${env.server.url}/khao-sat/[A-Za-z0-9_-]{20,}$`));

		await page.getByLabel('Nhóm', { exact: true }).selectOption('children');
		await page.getByLabel('Số phiếu', { exact: true }).fill('3');
		await page.getByRole('button', { name: 'In phiếu có mã' }).click();
		const pdfLink = page.getByRole('link', { name: 'Mở tệp PDF để in phiếu' });
		await pdfLink.waitFor();
		expect(await text(page)).toContain('Đã tạo 3 mã phiếu.');
		const href = (await pdfLink.getAttribute('href'))!;
		const res = await page.request.get(`${env.server.url}${href}`);
		expect(res.status()).toBe(200);
		expect(res.headers()['content-type']).toBe('application/pdf');
		const file = path.join(work, 'slips.pdf');
		fs.writeFileSync(file, await res.body());
		const pdfText = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).normalize('NFC');
		expect(pdfText).toContain('Phường Phú Xuân');
		expect(pdfText).toContain('PHIẾU KHẢO SÁT Ý KIẾN');
		const printed = [...pdfText.matchAll(/\b([2-9A-HJ-NP-Z]{4})-([2-9A-HJ-NP-Z]{4})\b/g)].map((m) => m[1] + m[2]);
		expect(printed.length).toBe(3);
		execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', file, path.join(work, 'slips')]);
		const png = fs.readdirSync(work).find((f) => f.startsWith('slips') && f.endsWith('.png'))!;
		const decoded = execFileSync('zbarimg', ['-q', '--raw', path.join(work, png)], { encoding: 'utf8' })
			.split('\n')
			.filter(Boolean);
		expect(decoded.length).toBe(3);
		slipLink = decoded[0].trim();
		slipCode = slipLink.split('/').pop()!;
		expect(slipLink).toBe(`${env.server.url}/khao-sat/${slipCode}`);
		expect(printed).toContain(slipCode);
		// the batch is listed for printing again
		expect(await page.getByRole('table', { name: 'Các lần in phiếu' }).locator('tbody tr').count()).toBe(1);
		// the poster and the paper questionnaire
		for (const [name, needle] of [
			['poster.pdf', openLink],
			['paper-form.pdf', 'PHIẾU HỎI Ý KIẾN NGƯỜI DÂN']
		] as const) {
			const r = await page.request.get(`${env.server.url}/assessments/${assessmentId}/survey/${name}`);
			expect(r.status()).toBe(200);
			const f = path.join(work, name);
			fs.writeFileSync(f, await r.body());
			expect(execFileSync('pdftotext', ['-raw', f, '-'], { encoding: 'utf8' }).normalize('NFC')).toContain(needle);
		}
		await expectAxeClean(page);
	});

	it('a child answers on a 390×844 phone from the decoded slip link; its script stays small', async () => {
		const { context, page } = await contextAs(null, PHONE);
		try {
			// the script the page loads, as sent over the wire (compressed when the server compresses)
			const sizes: Promise<{ raw: number; sent: number }>[] = [];
			page.on('requestfinished', (req) => {
				if (req.resourceType() === 'script')
					sizes.push(
						req.sizes().then(async (x) => ({ sent: x.responseBodySize, raw: (await (await req.response())?.body())?.length ?? 0 }))
					);
			});
			await page.goto(slipLink, { waitUntil: 'networkidle' });
			expect(await text(page)).toContain('Phường Phú Xuân');
			const all = await Promise.all(sizes);
			const sent = all.reduce((a, n) => a + n.sent, 0);
			const raw = all.reduce((a, n) => a + n.raw, 0);
			console.log(`public survey page: ${all.length} scripts, ${raw} bytes, ${sent} bytes sent`);
			expect(raw).toBeGreaterThan(0); // measured, not missed
			expect(sent).toBeLessThan(JS_BUDGET);
			// every answer a big target
			const box = await page.locator('label.choice .box').first().boundingBox();
			expect(box!.height).toBeGreaterThanOrEqual(44);
			await noSidewaysScroll(page);
			await expectAxeClean(page);
			await shot(page, 'public-slip-phone');
			await answerAll(page, 5);
			await page.locator('label.choice', { hasText: 'Từ 10 đến 12 tuổi' }).click();
			await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
			await page.waitForURL((u) => u.pathname === '/khao-sat/cam-on');
			expect(await text(page)).toContain('Cảm ơn bạn đã trả lời!');
			await expectAxeClean(page);
			await shot(page, 'public-thanks-phone');

			// the same code a second time
			await page.goto(slipLink, { waitUntil: 'networkidle' });
			expect(await text(page)).toContain('Mã phiếu này đã được dùng');
			expect(await page.locator('input[name^="q."]').count()).toBe(0);
			await expectAxeClean(page);
			await shot(page, 'public-used-phone');

			// a wrong code, then the code typed by hand (lower case, with a dash)
			await page.goto(`${env.server.url}/khao-sat/ZZZZ2222`, { waitUntil: 'networkidle' });
			expect(await text(page)).toContain('Mã phiếu hoặc đường dẫn khảo sát không đúng.');
			await expectAxeClean(page);
			await page.goto(`${env.server.url}/khao-sat`, { waitUntil: 'networkidle' });
			await expectAxeClean(page);
			await shot(page, 'public-code-phone');
			await page.getByLabel(/Mã trên phiếu/).fill(`${slipCode.slice(0, 4).toLowerCase()}-${slipCode.slice(4).toLowerCase()}`);
			await page.getByRole('button', { name: 'Mở phiếu khảo sát' }).click();
			await page.waitForURL((u) => u.pathname === `/khao-sat/${slipCode}`);
			expect(await text(page)).toContain('Mã phiếu này đã được dùng');
		} finally {
			await context.close();
		}
	});

	it('a resident answers through the open link: on a desktop without JavaScript, on a phone with a missing answer first', async () => {
		// without JavaScript at all: plain links and a plain form
		{
			const context = await env.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
			const page = await context.newPage();
			try {
				await page.goto(openLink, { waitUntil: 'networkidle' });
				await page.getByRole('link', { name: 'Người dân' }).click();
				await page.getByRole('button', { name: 'Gửi câu trả lời' }).waitFor();
				await shot(page, 'public-open-desktop');
				await answerAll(page, 5);
				await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
				await page.waitForURL((u) => u.pathname === '/khao-sat/cam-on');
				expect(await text(page)).toContain('Cảm ơn bạn đã trả lời!');
			} finally {
				await context.close();
			}
		}
		const { context, page } = await contextAs(null, PHONE);
		try {
			await page.goto(openLink, { waitUntil: 'networkidle' });
			await page.getByRole('heading', { name: 'Bạn là ai?' }).waitFor();
			await expectAxeClean(page);
			await page.getByRole('link', { name: 'Người dân' }).click();
			await page.getByRole('button', { name: 'Gửi câu trả lời' }).waitFor();
			await noSidewaysScroll(page);
			await expectAxeClean(page);
			await shot(page, 'public-open-phone');
			// a missing answer is explained, the rest kept
			await answerAll(page, 4);
			await page.evaluate(() =>
				document.querySelectorAll<HTMLInputElement>('input[name="q.D6"]').forEach((e) => {
					e.required = false;
					e.checked = false;
				})
			);
			await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
			await page.getByText('Câu D6: chưa chọn câu trả lời.').first().waitFor();
			expect(await page.locator('input[name="q.D1"][value="4"]').isChecked()).toBe(true);
			await expectAxeClean(page);
			await page.locator('label.choice', { has: page.locator('input[name="q.D6"][value="4"]') }).click();
			await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
			await page.waitForURL((u) => u.pathname === '/khao-sat/cam-on');
			// the same answers again at once through the open link: accepted, but flagged for the officer
			await page.goto(`${openLink}?nhom=residents`, { waitUntil: 'networkidle' });
			await answerAll(page, 4);
			await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
			await page.waitForURL((u) => u.pathname === '/khao-sat/cam-on');
		} finally {
			await context.close();
		}
	});

	it('the officer types two paper forms with the keyboard, sees the results, closes; TC13 shows the figures', async () => {
		const { page } = officer;
		const base = `${env.server.url}/assessments/${assessmentId}/survey`;
		// children: all "Rất hài lòng" (5); residents: all "Không hài lòng" (2); TC13.1 = 2/2, TC13.2 = 2/3 (two open answers satisfied)
		for (const [group, value] of [
			['children', '5'],
			['residents', '2']
		] as const) {
			await page.goto(`${base}?nhap=${group}#nhap`, { waitUntil: 'networkidle' });
			const inputs = page.locator('form.paper input[name^="q."]');
			const n = await inputs.count();
			expect(n).toBeGreaterThan(2);
			await inputs.first().focus();
			for (let i = 0; i < n; i++) {
				await page.keyboard.type(value);
				if (i < n - 1) await page.keyboard.press('Tab');
			}
			await page.keyboard.press('Enter');
			await page.getByText(/Đã lưu phiếu giấy/).waitFor();
			// ready for the next form: the first answer has the focus and is empty
			expect(await inputs.first().evaluate((e) => e === document.activeElement)).toBe(true);
			expect(await inputs.first().inputValue()).toBe('');
		}
		await page.reload({ waitUntil: 'networkidle' });
		const t = await text(page);
		expect(t).toContain('Phiếu giấy: 2 phiếu');
		expect(t).toContain('Mã phiếu (điện thoại): 1 phiếu');
		expect(t).toContain('Đường dẫn mở (điện thoại): 3 phiếu');
		// the duplicate is flagged and left out until the officer counts it; it can be left out again
		expect(t).toContain('Phiếu bị đánh dấu: 1');
		const flagged = page.getByRole('table').filter({ hasText: 'Trùng lặp' });
		await flagged.getByRole('button', { name: /^Tính vào kết quả/ }).click();
		await page.getByText('Đã tính 1 phiếu bị đánh dấu.').waitFor();
		expect(await text(page)).toContain('Tổng số phiếu: 6, được tính: 6');
		await flagged.getByRole('button', { name: /^Không tính/ }).click();
		await page.getByText('Đã bỏ không tính 1 phiếu bị đánh dấu.').waitFor();
		expect(await text(page)).toContain('Tổng số phiếu: 6, được tính: 5');
		await expectAxeClean(page);
		await shot(page, 'officer-results-desktop');
		await page.setViewportSize(PHONE);
		await noSidewaysScroll(page);
		await shot(page, 'officer-results-phone');
		await page.setViewportSize(DESKTOP);

		// closing needs the confirmation beside the button
		await page.getByLabel(/Tôi đã xem kết quả và muốn kết thúc khảo sát/).check();
		await page.getByRole('button', { name: 'Kết thúc khảo sát' }).click();
		await page.getByText(/Đã kết thúc khảo sát và ghi kết quả vào hồ sơ/).waitFor({ timeout: 30_000 });
		expect(await text(page)).toContain('TC13.1: 100,00%; TC13.2: 66,67%');
		await expectAxeClean(page);
		await page.getByRole('link', { name: 'Xem TC13 trong hồ sơ' }).click();
		await page.waitForURL((u) => u.pathname === `/assessments/${assessmentId}/criteria/TC13`);
		await page.waitForLoadState('networkidle');
		expect(await page.locator('#f-TC13-1-percent').inputValue()).toBe('100');
		expect(await page.locator('#f-TC13-2-percent').inputValue()).toBe('66,67');
		const evidence = await (await page.request.get(`${env.server.url}/assessments/${assessmentId}/evidence`)).text();
		expect(evidence.normalize('NFC')).toContain('Báo cáo khảo sát mức độ hài lòng');
		// the campaign is closed: the public link says so
		const closed = await page.request.get(openLink);
		expect((await closed.text()).normalize('NFC')).toContain('Đợt khảo sát đã kết thúc');
	});

	it('the chair submits; the reviewer sees the campaign on the TC13 rows and opens the anonymised answers', async () => {
		const chair = await contextAs('chutich.xa@demo.vn', DESKTOP);
		try {
			await chair.page.goto(`${env.server.url}/assessments/${assessmentId}`, { waitUntil: 'networkidle' });
			const asked = acceptDialog(chair.page);
			await chair.page.getByRole('button', { name: 'Ký và gửi hồ sơ' }).click();
			await asked;
			await chair.page.getByRole('button', { name: 'Ký và gửi hồ sơ' }).waitFor({ state: 'detached' });
		} finally {
			await chair.context.close();
		}
		for (const [screen, viewport] of [
			['desktop', DESKTOP],
			['phone', PHONE]
		] as const) {
			const { context, page } = await contextAs('thamdinh@demo.vn', viewport);
			try {
				await page.goto(`${env.server.url}/review/${assessmentId}`, { waitUntil: 'networkidle' });
				await page.locator('details.criterion summary', { hasText: 'TC13.' }).click();
				await page.getByRole('heading', { name: 'Khảo sát mức độ hài lòng trên phần mềm' }).waitFor();
				const t = await text(page);
				expect(t).toContain('Phiếu giấy: 2 phiếu');
				expect(t).toContain('Đã kết thúc');
				const section = page.locator('section.survey');
				await section.scrollIntoViewIfNeeded();
				await page.screenshot({ path: path.join(shotsDir, `surveys-review-${screen}.png`) });
				if (screen === 'desktop') {
					const x = await page.request.get(`${env.server.url}/review/${assessmentId}/survey.xlsx`);
					expect(x.status()).toBe(200);
					expect(x.headers()['content-type']).toContain('spreadsheetml');
					expect((await x.body()).length).toBeGreaterThan(1000);
				}
			} finally {
				await context.close();
			}
		}
	});
});
