/**
 * End to end in Chromium against the built server: a commune officer fills in a small criteria
 * set (NHO-2026: a checklist item, a rate, a survey), watches the live score and the gap panel
 * ("Điều gì ngăn xã đạt chuẩn") change as the figures are typed, attaches the evidence and the
 * three dossier documents through the upload form (progress bar on a throttled 3 MB upload),
 * and the commune chair signs and submits; afterwards the officer can no longer save.
 * Full-page screenshots of the main pages go to test-results/screenshots/ (git-ignored).
 *
 * The data directory is prepared beforehand: demo province and accounts without the demo round,
 * the small set imported and activated, a round with it for Phường Phú Xuân (19753) that opened
 * in the past and closes in the future.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { acceptDialog, useBrowserServer } from '../helpers/browser.ts';
import { SMALL_CRITERIA_SET } from '../helpers/small-criteria.ts';
import { seedDemo } from '#lib/server/seed/demo.ts';
import { activateCriteriaSet, importCriteriaSet } from '#lib/server/criteria/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { validateCriteriaSet } from '#lib/domain/criteria/schema.ts';
import { pdf } from '../helpers/files.ts';
import { withDataDir } from '../helpers/db.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-e2e-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-e2e-files-'));
const COMMUNE = '19753'; // Phường Phú Xuân
let assessmentId: number;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const env = useBrowserServer(async () => {
	const valid = validateCriteriaSet(SMALL_CRITERIA_SET);
	if (!valid.ok) throw new Error(`small criteria set invalid: ${JSON.stringify(valid.errors)}`);
	await withDataDir(dataDir, async (conn) => {
		await seedDemo(conn.db, conn.config, { withRound: false });
		const actor = { id: null, email: 'e2e' };
		const imported = await importCriteriaSet(conn.db, SMALL_CRITERIA_SET, actor);
		if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported)}`);
		await activateCriteriaSet(conn.db, imported.id, actor);
		const { roundId } = await openRound(
			conn.db,
			'post2025',
			{
				name: 'Đợt đánh giá rút gọn',
				year: Number(day(0).slice(0, 4)),
				criteriaSetId: imported.id,
				opensOn: day(-30),
				closesOn: day(60),
				communeCodes: [COMMUNE]
			},
			actor
		);
		const row = await conn.db.selectFrom('assessment').select('id').where('round_id', '=', roundId).executeTakeFirstOrThrow();
		assessmentId = row.id;
	});
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => {
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(scratch, { recursive: true, force: true });
});

// --- helpers --------------------------------------------------------------------------------------

async function signedIn(email: string): Promise<Page> {
	const page = await env.signIn(email, { viewport: { width: 1280, height: 900 } });
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}

const summary = (page: Page) => page.locator('.score-panel .summary');
const gapPanel = (page: Page) => page.locator('.score-panel');
const box = (page: Page, code: string) => page.locator(`#f-${code.replace(/\W/g, '-')}-box`);
const status = (page: Page, code: string) => page.locator(`#f-${code.replace(/\W/g, '-')}-status`);

async function sourceAndPeriod(b: Locator, source: string, period: string) {
	await b.getByLabel('Nguồn số liệu', { exact: true }).selectOption({ label: source });
	await b.getByLabel('Kỳ số liệu', { exact: true }).fill(period);
}

async function waitSaved(page: Page, code: string) {
	await expect.poll(() => status(page, code).innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc \d{2}:\d{2}/);
}

// --- the journey -----------------------------------------------------------------------------------

describe('a commune fills in, documents and submits its dossier', () => {
	let threshold = 0;

	it('the officer finds the assessment and enters every figure, watching the live score and the gap panel', async () => {
		const page = await signedIn('canbo.xa@demo.vn');
		await page.getByRole('link', { name: 'Hồ sơ đánh giá' }).first().click();
		await page.getByRole('heading', { level: 1, name: 'Hồ sơ đánh giá' }).waitFor();
		await page.locator('tbody tr', { hasText: 'Đợt đánh giá rút gọn' }).getByRole('link', { name: 'Phường Phú Xuân' }).click();
		await page.waitForURL((u) => u.pathname === `/assessments/${assessmentId}`);
		await page.getByRole('heading', { level: 1, name: 'Phường Phú Xuân' }).waitFor();
		await page.waitForLoadState('networkidle');
		const overview = await page.locator('main').innerText();
		expect(overview).toContain('Đang lập');
		expect(overview).toMatch(/0 \/ 100 điểm · Chưa đủ số liệu để kết luận · chưa gửi được: còn \d+ mục/);
		expect(overview).toContain('TC01. Tổ chức bảo vệ trẻ em cấp xã');
		expect(overview).toContain('TC02. Chăm sóc sức khỏe trẻ em');
		threshold = Number(/\(ngưỡng (\d+) điểm\)/.exec(overview)?.[1]);
		expect([60, 70, 80]).toContain(threshold);
		await screenshot(page, 'assessment-overview');

		// the data-entry overview, then TC01
		await page.getByRole('link', { name: 'Nhập số liệu' }).click();
		await page.getByRole('heading', { level: 1, name: 'Nhập số liệu tự đánh giá' }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await summary(page).innerText()).toMatch(new RegExp(`Tổng điểm 0 / ngưỡng ${threshold}\\s+Chưa đủ số liệu`));
		await page.getByRole('link', { name: 'Bắt đầu nhập từ TC01' }).click();
		await page.getByRole('heading', { level: 1, name: /^TC01\. Tổ chức bảo vệ trẻ em cấp xã/ }).waitFor();
		await page.waitForLoadState('networkidle');

		const gapBefore = await gapPanel(page).innerText();
		expect(gapBefore).toContain('Điều gì ngăn xã đạt chuẩn');
		expect(gapBefore).toContain('Còn 3 chỉ số chưa nhập hoặc không hợp lệ (tối đa 100 điểm chưa được tính)');

		const tc01 = box(page, 'TC01.1');
		await tc01.getByLabel('Có', { exact: true }).check();
		await sourceAndPeriod(tc01, 'Văn bản của UBND xã', 'năm 2025');
		await expect.poll(() => summary(page).innerText()).toMatch(new RegExp(`Tổng điểm 40 / ngưỡng ${threshold}`));
		expect(await tc01.locator('.points').innerText()).toContain('40/40 điểm');
		const gapAfterCheck = await gapPanel(page).innerText();
		expect(gapAfterCheck).not.toBe(gapBefore);
		expect(gapAfterCheck).toContain('Còn 2 chỉ số chưa nhập hoặc không hợp lệ (tối đa 60 điểm chưa được tính)');
		await waitSaved(page, 'TC01.1');

		// TC02: a rate below the best band, then raised; then the survey
		await page.getByRole('link', { name: /^TC02 →/ }).click();
		await page.getByRole('heading', { level: 1, name: /^TC02\. Chăm sóc sức khỏe trẻ em/ }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await summary(page).innerText()).toMatch(/Tổng điểm 40 \//);

		const rate = box(page, 'TC02.1');
		await rate.getByLabel('Số trẻ em được khám sức khỏe', { exact: true }).fill('60');
		await rate.getByLabel('Tổng số trẻ em cần khám', { exact: true }).fill('100');
		await expect.poll(() => summary(page).innerText()).toMatch(/Tổng điểm 60 \//);
		const gapAt60 = await gapPanel(page).innerText();
		expect(gapAt60).toContain('Nâng TC02.1 từ 60% lên 90%: +20 điểm (tử số 60 → 90 trên 100)');
		expect(gapAt60).toContain('Còn 1 chỉ số chưa nhập hoặc không hợp lệ (tối đa 20 điểm chưa được tính)');
		if (threshold === 80) expect(gapAt60).toContain('Còn thiếu 20 điểm để đạt ngưỡng 80 (hiện có 60)');

		await rate.getByLabel('Số trẻ em được khám sức khỏe', { exact: true }).fill('95');
		await expect.poll(() => summary(page).innerText()).toMatch(/Tổng điểm 80 \//);
		expect(await rate.locator('.points').innerText()).toContain('40/40 điểm');
		const gapAt95 = await gapPanel(page).innerText();
		expect(gapAt95).not.toContain('Nâng TC02.1');
		await sourceAndPeriod(rate, 'Trạm y tế xã', 'năm 2025');
		await waitSaved(page, 'TC02.1');

		const survey = box(page, 'TC02.2');
		await survey.getByLabel('Tỷ lệ hài lòng (%)', { exact: true }).fill('85');
		await sourceAndPeriod(survey, 'Phiếu khảo sát', 'quý IV/2025');
		await expect.poll(() => summary(page).innerText()).toMatch(new RegExp(`Tổng điểm 100 / ngưỡng ${threshold}\\s+Đạt`));
		expect(await gapPanel(page).innerText()).toContain('Không có: theo số liệu đã nhập, xã đạt chuẩn.');
		await waitSaved(page, 'TC02.2');
		// the last field edited is flushed on leaving it; make sure nothing is pending
		await page.locator('h1').click();
		await waitSaved(page, 'TC02.1');
		await waitSaved(page, 'TC02.2');
		await screenshot(page, 'data-entry');

		// the figures are stored: a reload shows them and the same score
		await page.reload({ waitUntil: 'networkidle' });
		expect(await rate.getByLabel('Số trẻ em được khám sức khỏe', { exact: true }).inputValue()).toBe('95');
		expect(await survey.getByLabel('Tỷ lệ hài lòng (%)', { exact: true }).inputValue()).toBe('85');
		expect(await survey.getByLabel('Kỳ số liệu', { exact: true }).inputValue()).toBe('quý IV/2025');
		expect(await summary(page).innerText()).toMatch(/Tổng điểm 100 \/ ngưỡng \d+\s+Đạt/);
		await page.context().close();
	});

	it('the officer uploads the evidence (with a progress bar) and the three dossier documents', async () => {
		const page = await signedIn('canbo.xa@demo.vn');
		await page.goto(`${env.server.url}/assessments/${assessmentId}/criteria/TC01`, { waitUntil: 'networkidle' });
		await page.getByRole('link', { name: 'Minh chứng cho TC01.1' }).click();
		await page.getByRole('heading', { level: 1, name: 'Tài liệu minh chứng và văn bản hồ sơ' }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByRole('checkbox', { name: /TC01\.1/ }).isChecked()).toBe(true);
		expect(await page.getByRole('heading', { name: 'Danh sách tài liệu (0)' }).count()).toBe(1);

		// a 3 MB decision, on a throttled connection so that the progress can be seen moving
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', {
			offline: false,
			latency: 20,
			downloadThroughput: -1,
			uploadThroughput: 1024 * 1024
		});
		const decision = path.join(scratch, 'Quyết định phân công cán bộ.pdf');
		fs.writeFileSync(decision, pdf('quyet dinh', 3 * 1024 * 1024));
		await page.getByLabel('Số hiệu văn bản').fill('12/QĐ-UBND');
		await page.getByLabel('Ngày ban hành').fill('2025-03-10');
		await page.getByLabel('Cơ quan ban hành').fill('UBND phường Phú Xuân');
		await page.getByLabel('Trích yếu').fill('Phân công cán bộ làm công tác bảo vệ trẻ em');
		await page.getByLabel('Tệp', { exact: true }).setInputFiles(decision);
		await page.getByRole('button', { name: 'Tải lên' }).click();
		await page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).waitFor();
		await page.waitForFunction(() => {
			const p = document.querySelector('progress');
			return p !== null && p.value > 0 && p.value < 100;
		});
		const done = page.getByRole('status').filter({ hasText: 'Đã tải lên' });
		await done.waitFor({ timeout: 30_000 });
		await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
		expect(await done.innerText()).toBe('Đã tải lên “Quyết định phân công cán bộ.pdf” (3 MB), mã minh chứng TC01-01.');
		expect(await page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).getAttribute('value')).toBe('100');

		// the three dossier documents
		const documents = [
			{ kind: 'Công văn/tờ trình đề nghị công nhận', file: 'Tờ trình đề nghị công nhận.pdf', number: '25/TTr-UBND' },
			{ kind: 'Biên bản họp hội đồng đánh giá cấp xã', file: 'Biên bản họp hội đồng.pdf', number: '03/BB-HĐ' },
			{ kind: 'Thuyết minh kết quả và nguồn số liệu', file: 'Thuyết minh kết quả.pdf', number: '26/TM-UBND' }
		];
		for (const d of documents) {
			const file = path.join(scratch, d.file);
			fs.writeFileSync(file, pdf(d.number));
			await page.getByLabel('Loại tài liệu').selectOption({ label: d.kind });
			await page.getByLabel('Số hiệu văn bản').fill(d.number);
			await page.getByLabel('Ngày ban hành').fill('2025-12-01');
			await page.getByLabel('Cơ quan ban hành').fill('UBND phường Phú Xuân');
			await page.getByLabel('Tệp', { exact: true }).setInputFiles(file);
			await page.getByRole('button', { name: 'Tải lên' }).click();
			await page
				.getByRole('status')
				.filter({ hasText: `Đã tải lên “${d.file}”` })
				.waitFor({ timeout: 15_000 });
		}

		await page.getByRole('heading', { name: 'Danh sách tài liệu (4)' }).waitFor();
		// one row per file, grouped by criterion (the dossier's documents first)
		const item = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
		const evidenceText = await item('Quyết định phân công cán bộ.pdf').innerText();
		expect(evidenceText).toContain('TC01-01');
		expect(evidenceText).toContain('12/QĐ-UBND');
		expect(evidenceText).toContain('10/03/2025');
		expect(evidenceText).toContain('TC01.1');
		expect(evidenceText).toContain('3 MB');
		for (const d of documents) {
			const text = await item(d.file).innerText();
			expect(text).toContain(d.kind);
			expect(text).toContain(d.number);
		}
		const required = await page.locator('section', { has: page.getByRole('heading', { name: 'Văn bản bắt buộc của hồ sơ' }) }).innerText();
		expect(required.match(/đã có/g)).toHaveLength(3);
		expect(required).not.toContain('chưa có');
		await screenshot(page, 'evidence');
		await page.context().close();
	});

	it('nothing is missing; the chair signs and submits; the officer can no longer save', async () => {
		const officer = await signedIn('canbo.xa@demo.vn');
		await officer.goto(`${env.server.url}/assessments/${assessmentId}`, { waitUntil: 'networkidle' });
		const before = await officer.locator('main').innerText();
		expect(before).toMatch(/100 \/ 100 điểm · Đạt chuẩn/);
		expect(before).not.toContain('chưa có');
		expect(before).toContain('Tài liệu minh chứng: 1');

		const chair = await signedIn('chutich.xa@demo.vn');
		await chair.goto(`${env.server.url}/assessments/${assessmentId}`, { waitUntil: 'networkidle' });
		const send = chair.locator('section', { has: chair.getByRole('heading', { name: 'Gửi hồ sơ' }) });
		expect(await send.innerText()).toContain('Hồ sơ đã đầy đủ.');
		expect(await send.innerText()).not.toContain('Còn thiếu');
		const button = chair.getByRole('button', { name: 'Ký và gửi hồ sơ' });
		expect(await button.isEnabled()).toBe(true);
		const asked = acceptDialog(chair);
		await button.click();
		expect(await asked).toContain('hồ sơ bị khóa');
		await chair.getByRole('status').filter({ hasText: 'Đã gửi hồ sơ lên cấp thẩm định. Hồ sơ đã được khóa.' }).waitFor();
		await expect.poll(() => chair.locator('main p', { hasText: 'hạn nộp' }).locator('strong').innerText()).toBe('Đã gửi');
		expect(await chair.getByRole('button', { name: 'Ký và gửi hồ sơ' }).count()).toBe(0);
		await screenshot(chair, 'after-submission');
		await chair.context().close();

		// the officer: the figures are read-only now, and the server refuses a save
		await officer.goto(`${env.server.url}/assessments/${assessmentId}/criteria/TC02`, { waitUntil: 'networkidle' });
		expect(await officer.locator('main').innerText()).toContain('Hồ sơ đang ở trạng thái «Đã gửi»: không thể sửa số liệu.');
		expect(await officer.getByLabel('Số trẻ em được khám sức khỏe', { exact: true }).isDisabled()).toBe(true);
		const refused = await officer.request.put(`${env.server.url}/assessments/${assessmentId}/answers`, {
			data: {
				indicator: 'TC02.1',
				answer: { numerator: 90, denominator: 100, source: 'Trạm y tế xã', period: 'năm 2025' },
				expectedRevision: 2
			},
			headers: { origin: env.server.url }
		});
		expect(refused.status()).toBe(409);
		expect((await refused.json()).message).toMatch(/^Hồ sơ đang ở trạng thái «Đã gửi»: không thể sửa số liệu/);
		// and the evidence page no longer offers the upload form
		await officer.goto(`${env.server.url}/assessments/${assessmentId}/evidence`, { waitUntil: 'networkidle' });
		expect(await officer.getByRole('button', { name: 'Tải lên' }).count()).toBe(0);
		expect(await officer.locator('main').innerText()).toContain('Hồ sơ ở trạng thái “Đã gửi” nên không thể tải lên hoặc gỡ tài liệu.');
		await officer.context().close();

		for (const name of ['assessment-overview', 'data-entry', 'evidence', 'after-submission']) {
			expect(fs.statSync(path.join(shotsDir, `${name}.png`)).size).toBeGreaterThan(1000);
		}
	});
});
