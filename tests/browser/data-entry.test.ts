/**
 * Data entry in Chromium against the built server: typing TC07's figures updates the live score
 * and autosaves ("Đã lưu"), the values survive a reload, a second browser saving the same
 * indicator meanwhile produces the side-by-side conflict choice, and the JSON endpoint refuses
 * cross-site posts, other communes and reviewers. The data directory is prepared beforehand
 * with a round for two communes (tests/helpers/fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useRoundServer } from '../helpers/browser.ts';

const round = useRoundServer('xa-entry-');
const env = round.env;

async function signedIn(email: string, viewport?: { width: number; height: number }): Promise<Page> {
	const page = await env.signIn(email, viewport ? { viewport } : {});
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

const NUMERATOR = 'Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ';
const DENOMINATOR = 'Tổng số trẻ em dưới 1 tuổi';
const summary = (page: Page) => page.locator('.score-panel .summary');
const saveStatus = (page: Page) => page.locator('#f-TC07-1-status');

async function openTc07(page: Page) {
	await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`, { waitUntil: 'networkidle' });
	await page.getByRole('heading', { level: 1, name: /^TC07\. Trẻ em dưới 1 tuổi/ }).waitFor();
}

describe('data entry', () => {
	it('typing TC07 figures changes the live score, autosaves, and the values survive a reload', async () => {
		const page = await signedIn('canbo.xa@demo.vn');
		await openTc07(page);
		expect(await summary(page).innerText()).toMatch(/Tổng điểm 0 \/ ngưỡng (800|850|900)\s+Chưa đủ số liệu/);
		// the provisional scale is said once on the page, not per indicator nor again in the panel
		const main = await page.locator('main').innerText();
		expect(main.match(/Thang điểm chưa được đối chiếu với văn bản gốc/g)).toHaveLength(1);

		await page.getByLabel(NUMERATOR, { exact: true }).fill('96');
		await page.getByLabel(DENOMINATOR, { exact: true }).fill('100');
		// 96% reaches the (provisional) ≥ 95% band: 40 points, computed in the browser
		await expect.poll(() => summary(page).innerText()).toMatch(/Tổng điểm 40 \/ ngưỡng/);
		expect(await page.locator('.points').innerText()).toContain('40/50 điểm');
		await expect.poll(() => saveStatus(page).innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc \d{2}:\d{2}/);

		await page.reload({ waitUntil: 'networkidle' });
		expect(await page.getByLabel(NUMERATOR, { exact: true }).inputValue()).toBe('96');
		expect(await page.getByLabel(DENOMINATOR, { exact: true }).inputValue()).toBe('100');
		expect(await summary(page).innerText()).toMatch(/Tổng điểm 40 \//);
		expect(await saveStatus(page).innerText()).toMatch(/Lưu lần cuối lúc .* \(Nguyễn Thị Hoa\)/);

		// the overview lists the criterion with its points
		await page.getByRole('link', { name: 'Tất cả tiêu chí' }).click();
		await page.getByRole('heading', { name: 'Nhập số liệu tự đánh giá' }).waitFor();
		const row = page.locator('tbody tr', { hasText: 'TC07' });
		expect(await row.innerText()).toMatch(/40\/50\*?\s+Đã nhập đủ — đạt/);
		await page.context().close();
	});

	it('a second browser saving the same indicator meanwhile produces the conflict choice; both ways out work', async () => {
		const officer = await signedIn('canbo.xa@demo.vn');
		const chair = await signedIn('chutich.xa@demo.vn');
		await openTc07(officer);
		await openTc07(chair); // both now hold revision 1 (96/100)

		await officer.getByLabel(NUMERATOR, { exact: true }).fill('97');
		await expect.poll(() => saveStatus(officer).innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc/);

		await chair.getByLabel(NUMERATOR, { exact: true }).fill('99');
		const alert = chair.getByRole('alert');
		await alert.waitFor({ timeout: 10_000 });
		const text = await alert.innerText();
		expect(text).toContain('Số liệu TC07.1 vừa được Nguyễn Thị Hoa lưu lúc');
		expect(text).toMatch(/Giá trị của tôi\s+99 \/ 100/);
		expect(text).toMatch(/Giá trị đã lưu\s+97 \/ 100/);
		expect(await saveStatus(chair).innerText()).toBe('Chưa lưu: số liệu đã bị người khác thay đổi');

		// the chair keeps theirs: saved on top of the stored revision
		await chair.getByRole('button', { name: 'Giữ giá trị của tôi' }).click();
		await expect.poll(() => saveStatus(chair).innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc/);
		expect(await chair.getByRole('alert').count()).toBe(0);

		// now the officer is behind: their next edit conflicts, and they take the stored value
		await officer.getByLabel(NUMERATOR, { exact: true }).fill('98');
		await officer.getByRole('alert').waitFor({ timeout: 10_000 });
		expect(await officer.getByRole('alert').innerText()).toMatch(/Giá trị đã lưu\s+99 \/ 100/);
		await officer.getByRole('button', { name: 'Dùng giá trị đã lưu' }).click();
		expect(await officer.getByLabel(NUMERATOR, { exact: true }).inputValue()).toBe('99');
		expect(await officer.getByRole('alert').count()).toBe(0);

		await officer.reload({ waitUntil: 'networkidle' });
		expect(await officer.getByLabel(NUMERATOR, { exact: true }).inputValue()).toBe('99');
		await officer.context().close();
		await chair.context().close();
	});

	it('the endpoint refuses cross-site posts, another commune (404) and a reviewer (403); reviewers see the figures read-only', async () => {
		const url = `${env.server.url}/assessments/${round.ids.assessmentA}/answers`;
		const data = { indicator: 'TC01.1', answer: { value: true }, expectedRevision: 0 };

		const officer = await signedIn('canbo.xa@demo.vn');
		const crossSite = await officer.request.put(url, { data, headers: { origin: 'https://evil.example' } });
		expect(crossSite.status()).toBe(403);
		expect((await crossSite.json()).message).toBe('Yêu cầu từ trang web khác bị từ chối.');
		const invalid = await officer.request.put(url, { data: { ...data, answer: { value: 'có' } }, headers: { origin: env.server.url } });
		expect(invalid.status()).toBe(400);
		expect(JSON.stringify(await invalid.json())).toContain('Phải là giá trị đúng/sai');

		const otherCommune = await signedIn('canbo.xa2@demo.vn');
		const refused = await otherCommune.request.put(url, { data, headers: { origin: env.server.url } });
		expect(refused.status()).toBe(404);
		expect((await otherCommune.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`))?.status()).toBe(404);

		const reviewer = await signedIn('thamdinh@demo.vn');
		const forbidden = await reviewer.request.put(url, { data, headers: { origin: env.server.url } });
		expect(forbidden.status()).toBe(403);
		await openTc07(reviewer);
		expect(await reviewer.getByLabel(NUMERATOR, { exact: true }).inputValue()).toBe('99');
		expect(await reviewer.getByLabel(NUMERATOR, { exact: true }).isDisabled()).toBe(true);
		expect(await reviewer.locator('main').innerText()).toContain('Bạn chỉ có quyền xem số liệu của hồ sơ này.');

		// nothing was saved by the refused requests
		await officer.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC01`, { waitUntil: 'networkidle' });
		expect(await officer.locator('#f-TC01-1-status').innerText()).toBe('Chưa nhập');
		for (const p of [officer, otherCommune, reviewer]) await p.context().close();
	});

	it('base counts prefill the denominator, and a phone shows the form with the score under it, without horizontal scrolling', async () => {
		const page = await signedIn('canbo.xa@demo.vn', { width: 390, height: 844 });
		await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria`, { waitUntil: 'networkidle' });
		await page.getByLabel('Số trẻ em dưới 16 tuổi', { exact: true }).fill('2.400');
		await page.getByLabel('Số trẻ em dưới 5 tuổi', { exact: true }).fill('3000');
		expect(await page.locator('#base-under5-warn').innerText()).toBe(
			'Số trẻ em dưới 5 tuổi (3.000) lớn hơn số trẻ em dưới 16 tuổi (2.400)'
		);
		await page.getByLabel('Số trẻ em dưới 5 tuổi', { exact: true }).fill('480');
		await expect
			.poll(() => page.locator('section', { hasText: 'Số trẻ em của xã' }).getByRole('status').innerText(), { timeout: 10_000 })
			.toMatch(/^Đã lưu lúc/);

		await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC03`, { waitUntil: 'networkidle' });
		expect(await page.getByLabel('Tổng số trẻ em dưới 16 tuổi trên địa bàn xã').inputValue()).toBe('2400');
		expect(await page.locator('main').innerText()).toContain('Điền sẵn từ «Số trẻ em dưới 16 tuổi» (2.400)');
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		const form = await page.locator('.entry-main').boundingBox();
		const side = await page.locator('.entry-side').boundingBox();
		expect(side!.y).toBeGreaterThan(form!.y + form!.height - 1);
		await page.context().close();
	});

	it('on a phone the score stays in reach: a compact bar at the bottom follows the figures and opens the full panel', async () => {
		const page = await signedIn('canbo.xa@demo.vn', { width: 390, height: 844 });
		await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`, { waitUntil: 'networkidle' });
		const bar = page.getByRole('button', { name: /^Kết quả tạm tính/ });
		await bar.waitFor();
		const box = await bar.boundingBox();
		// fixed at the bottom of the screen, whatever the scroll
		expect(box!.y + box!.height).toBeGreaterThan(844 - 2);
		expect(await bar.getAttribute('aria-expanded')).toBe('false');
		expect(await bar.innerText()).toMatch(/^Kết quả tạm tính\s+\d+\/(800|850|900) điểm · Chưa đủ số liệu để kết luận · còn \d+ mục/);
		const total = async () => Number(/(\d+)\/\d+ điểm/.exec(await bar.innerText())![1]);

		// the bar follows the figures as they are typed: 96% earns TC07's points, 10% none
		await page.getByLabel(NUMERATOR, { exact: true }).fill('96');
		await page.getByLabel(DENOMINATOR, { exact: true }).fill('100');
		await expect.poll(total).toBeGreaterThanOrEqual(40);
		const high = await total();
		await page.getByLabel(NUMERATOR, { exact: true }).fill('10');
		await expect.poll(total).toBe(high - 40);
		// the figures being typed are never under the bar
		const input = await page.getByLabel(NUMERATOR, { exact: true }).boundingBox();
		expect(input!.y + input!.height).toBeLessThanOrEqual((await bar.boundingBox())!.y);

		await bar.click();
		const panel = page.locator('#score-panel');
		const sheet = await panel.boundingBox();
		expect(sheet!.y).toBeGreaterThanOrEqual(0);
		expect(sheet!.y).toBeLessThan(844);
		expect(await panel.innerText()).toContain('Điều gì ngăn xã đạt chuẩn');
		const close = page.getByRole('button', { name: /Thu gọn/ });
		expect(await close.evaluate((el) => el === document.activeElement)).toBe(true);
		await page.screenshot({ path: 'test-results/nhap-so-lieu-dien-thoai-diem.png' });
		await page.keyboard.press('Escape');
		await bar.waitFor();
		expect(await bar.evaluate((el) => el === document.activeElement)).toBe(true);
		expect(await close.count()).toBe(0);
		await page.screenshot({ path: 'test-results/nhap-so-lieu-dien-thoai-thanh.png' });

		// on a wide screen the panel stands beside the form and the bar is not shown
		await page.setViewportSize({ width: 1366, height: 900 });
		expect(await bar.isVisible()).toBe(false);
		expect(await page.locator('.score-panel .summary').isVisible()).toBe(true);
		await page.context().close();
	});
});
