/**
 * End to end in Chromium against the built server: the reviewer opens a submitted dossier from
 * the board, views the evidence inside the page, flags two indicators and returns the dossier;
 * the commune officer sees the request and the flags, can edit only the flagged indicators, and
 * the chair resubmits; the reviewer sees what changed, accepts the supplements and appraises;
 * the approver decides for two communes at once. Screenshots go to test-results/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { acceptDialog, useBrowserServer } from '../helpers/browser.ts';
import { prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-e2e-review-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir, { b: 'appraised' });
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function signedIn(email: string): Promise<Page> {
	const page = await env.signIn(email, { viewport: { width: 1280, height: 900 } });
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}
async function go(page: Page, url: string) {
	await page.goto(`${env.server.url}${url}`, { waitUntil: 'networkidle' });
}
async function screenshot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}
const indicator = (page: Page, code: string) => page.locator(`#ct-${code.replace('.', '\\.')}`);
const entryBox = (page: Page, code: string) => page.locator(`#f-${code.replace(/\W/g, '-')}-box`);

async function reviewItem(page: Page, code: string, status: string, request = '') {
	const box = indicator(page, code);
	await box.getByLabel('Kết quả xem xét').selectOption({ label: status });
	await box.getByLabel(/Nội dung xã cần bổ sung/).fill(request);
	await box.getByRole('button', { name: `Lưu đánh giá ${code}` }).click();
	await expect.poll(() => page.getByRole('status').first().innerText(), { timeout: 10_000 }).toBe(`Đã lưu đánh giá chỉ số ${code}.`);
}
async function openCriterion(page: Page, code: string): Promise<Locator> {
	const details = page.locator('details.criterion', { has: page.locator(`summary:has-text("${code}.")`) });
	if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
	return details;
}

describe('review: return for correction, resubmission, appraisal and decision', () => {
	it('the reviewer starts the review, views the evidence, flags two indicators and returns the dossier', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		await go(page, '/review');
		await page.locator('tbody tr', { hasText: 'Phường Phú Xuân' }).getByRole('link', { name: 'Phường Phú Xuân' }).click();
		await page.waitForURL((u) => u.pathname === `/review/${s.assessmentA}`);
		await page.waitForLoadState('networkidle');
		// words and separators spaced, the date dd/mm/yyyy
		expect(await page.locator('main').innerText()).toMatch(/Đã gửi · gửi lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
		await page.getByRole('button', { name: 'Bắt đầu thẩm định' }).click();
		await page.getByRole('status').filter({ hasText: 'Đã bắt đầu thẩm định' }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.locator('main').innerText()).toContain('Đang thẩm định');

		await openCriterion(page, 'TC01');
		// the evidence opens inside the page
		const tc011 = indicator(page, 'TC01.1');
		await tc011.getByRole('button', { name: 'Xem tại đây' }).first().click();
		const frame = tc011.locator('iframe.viewer');
		await frame.waitFor();
		expect(await frame.getAttribute('src')).toMatch(new RegExp(`/assessments/${s.assessmentA}/evidence/\\d+\\?view=1$`));
		await screenshot(page, 'review-evidence-viewer');
		await tc011.getByRole('button', { name: 'Đóng' }).first().click();
		await frame.waitFor({ state: 'detached' });

		// a different value needs a reason
		await tc011.getByLabel(/Điểm thẩm định/).fill('1');
		await tc011.getByRole('button', { name: 'Lưu đánh giá TC01.1' }).click();
		await expect
			.poll(() =>
				tc011
					.locator('.field-error')
					.first()
					.innerText()
					.catch(() => '')
			)
			.toMatch(/cần ghi lý do/);
		await tc011.getByLabel(/Điểm thẩm định/).fill('');
		await reviewItem(page, 'TC01.1', 'Cần bổ sung', 'Bổ sung quyết định phân công có chữ ký, đóng dấu');
		await openCriterion(page, 'TC02');
		await reviewItem(page, 'TC02.1', 'Cần bổ sung', 'Ghi rõ kỳ số liệu đăng ký khai sinh');
		await screenshot(page, 'review-flagged');
		// beside each file, the document's details the commune entered
		expect(await page.locator('main').innerText()).toContain(
			'(số hiệu 12/QĐ-UBND; ban hành 02/03/2026; của UBND phường; trích yếu: Kiện toàn Ban chỉ đạo)'
		);

		await page.getByLabel('Lời nhắn chung cho xã (không bắt buộc)').fill('Đề nghị xã bổ sung hai nội dung dưới đây.');
		const asked = acceptDialog(page);
		await page.getByRole('button', { name: 'Gửi yêu cầu bổ sung' }).click();
		expect(await asked).toContain('Xã chỉ sửa được các chỉ số được đánh dấu: TC01.1, TC02.1.');
		await page.getByRole('status').filter({ hasText: 'Đã gửi yêu cầu bổ sung' }).waitFor();
		expect(await page.locator('main').innerText()).toContain('Yêu cầu bổ sung đã gửi');
		await page.context().close();
	});

	it('the commune officer sees the request and the flags, and can change only the flagged indicators', async () => {
		const page = await signedIn('canbo.xa@demo.vn');
		expect(
			await page
				.getByRole('link', { name: /^Thông báo/ })
				.first()
				.innerText()
		).toMatch(/Thông báo \(\d+\)/);
		await go(page, `/assessments/${s.assessmentA}`);
		const request = page.locator('section', { has: page.getByRole('heading', { name: 'Yêu cầu bổ sung của cấp thẩm định' }) });
		const text = await request.innerText();
		expect(text).toContain('Đề nghị xã bổ sung hai nội dung dưới đây.');
		expect(text).toContain('TC01.1');
		expect(text).toContain('Bổ sung quyết định phân công có chữ ký, đóng dấu');
		expect(text).toContain('TC02.1');
		await screenshot(page, 'commune-returned');

		await request.getByRole('link', { name: /^TC01\.1/ }).click();
		await page.waitForURL((u) => u.pathname === `/assessments/${s.assessmentA}/criteria/TC01`);
		await page.waitForLoadState('networkidle');
		expect(await page.locator('main').innerText()).toContain('Cần bổ sung: Bổ sung quyết định phân công có chữ ký, đóng dấu');
		expect(await entryBox(page, 'TC01.2').getAttribute('disabled')).not.toBeNull();
		const box = entryBox(page, 'TC01.1');
		expect(await box.getAttribute('disabled')).toBeNull();
		await box.getByLabel('Kỳ số liệu', { exact: true }).fill('năm 2026, bản có chữ ký');
		await box.getByLabel('Kỳ số liệu', { exact: true }).blur();
		await expect.poll(() => page.locator('#f-TC01-1-status').innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc/);
		await page.getByLabel('Trao đổi với cấp thẩm định về TC01.1').fill('Đã bổ sung quyết định có chữ ký.');
		await page
			.locator('form', { has: page.getByLabel('Trao đổi với cấp thẩm định về TC01.1') })
			.getByRole('button', { name: 'Gửi trao đổi' })
			.click();
		await expect.poll(() => page.locator('main').innerText()).toContain('Đã bổ sung quyết định có chữ ký.');

		// the upload form offers only the flagged indicators, and says so before anything is filled
		await go(page, `/assessments/${s.assessmentA}/evidence`);
		expect(await page.locator('main').innerText()).toContain('chỉ tải được minh chứng cho các chỉ số được đánh dấu: TC01.1, TC02.1');
		const offered = await page
			.locator('fieldset.indicators input[type="checkbox"]')
			.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
		expect(offered).toEqual(['TC01.1', 'TC02.1']);
		await page.context().close();
	});

	it('the chair resubmits', async () => {
		const page = await signedIn('chutich.xa@demo.vn');
		await go(page, `/assessments/${s.assessmentA}`);
		const asked = acceptDialog(page);
		await page.getByRole('button', { name: 'Gửi lại hồ sơ' }).click();
		expect(await asked).toMatch(/^Gửi lại hồ sơ của Phường Phú Xuân lên cấp thẩm định\?/);
		await page.getByRole('status').filter({ hasText: 'Đã gửi hồ sơ' }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.locator('main').innerText()).toContain('Đã gửi lại');
		await page.context().close();
	});

	it('the reviewer sees exactly what changed, accepts the supplements and appraises', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		await go(page, `/review/${s.assessmentA}`);
		const changes = page.locator('section.changes');
		const text = await changes.innerText();
		// what the figure was and is now, not only that it changed
		expect(text).toMatch(/Số liệu TC01\.1 đã sửa: .+ → .*năm 2026, bản có chữ ký\./);
		expect(text).toContain('Đã bổ sung quyết định có chữ ký.');
		expect(text).not.toContain('TC02.2');
		expect(text.match(/đã sửa/g)).toHaveLength(1);
		await screenshot(page, 'review-changes');
		await page.getByRole('button', { name: 'Bắt đầu thẩm định' }).click();
		await page.getByRole('status').filter({ hasText: 'Đã bắt đầu thẩm định' }).waitFor();
		await page.waitForLoadState('networkidle');
		await openCriterion(page, 'TC01');
		await reviewItem(page, 'TC01.1', 'Đã chấp nhận');
		await openCriterion(page, 'TC02');
		await reviewItem(page, 'TC02.1', 'Đã chấp nhận');
		await page.getByLabel('Nhận xét, đánh giá chung').fill('Hồ sơ đầy đủ sau khi bổ sung.');
		const pending = Number(/Còn (\d+) chỉ số chưa xem xét/.exec(await page.locator('main').innerText())?.[1] ?? 0);
		const asked = acceptDialog(page);
		await page.getByRole('button', { name: 'Hoàn thành thẩm định' }).click();
		// concluding with indicators still unreviewed names them first
		if (pending > 0) expect(await asked).toMatch(new RegExp(`^Còn ${pending} chỉ số chưa xem xét: TC`));
		else expect(await asked).toContain('kết luận thẩm định không sửa được');
		await page.getByRole('status').filter({ hasText: 'Đã hoàn thành thẩm định' }).waitFor();
		await page.waitForLoadState('networkidle');
		const report = await page.locator('section', { has: page.getByRole('heading', { name: 'Báo cáo thẩm định' }) }).innerText();
		expect(report).toContain('Đề nghị công nhận');
		expect(report).toContain('tổng điểm thẩm định 1000');
		await screenshot(page, 'review-appraised');
		await page.context().close();
	});

	it('the approver issues one decision for both appraised communes', async () => {
		const page = await signedIn('lanhdao@demo.vn');
		await go(page, '/decisions');
		await page.getByLabel(/^Chọn tất cả/).check();
		await page.getByLabel('Công nhận', { exact: true }).check();
		await page.getByLabel('Số quyết định').fill('21/QĐ-UBND');
		await page.getByLabel('Họ tên người ký').fill('Phạm Quốc Việt');
		await page.getByLabel('Chức vụ người ký').fill('Chủ tịch');
		const year = new Date().getFullYear();
		await page.getByLabel('Công nhận có hiệu lực từ ngày').fill(`${year}-01-01`);
		await page.getByLabel('Đến ngày').fill(`${year + 3}-12-31`);
		await screenshot(page, 'decision-form');
		const asked = acceptDialog(page);
		await page.getByRole('button', { name: 'Ban hành quyết định' }).click();
		expect(await asked).toMatch(/^Ban hành quyết định công nhận số 21\/QĐ-UBND cho 2 xã\?/);
		await page.waitForURL((u) => /^\/decisions\/\d+$/.test(u.pathname));
		await page.getByRole('heading', { level: 1, name: 'Quyết định số 21/QĐ-UBND' }).waitFor();
		const main = await page.locator('main').innerText();
		expect(main).toContain('Phường Phú Xuân');
		expect(main).toContain('Phường Kim Long');
		await screenshot(page, 'decision-issued');

		await go(page, `/assessments/${s.assessmentA}`);
		const overview = await page.locator('main').innerText();
		expect(overview).toContain('Được công nhận');
		expect(overview).toContain('Quyết định số 21/QĐ-UBND');
		await page.context().close();
	});
});
