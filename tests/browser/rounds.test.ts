import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';

const env = useBrowserServer();
async function signedIn(email: string) {
	const page = await env.signIn(email);
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

describe('rounds and the commune dossier', () => {
	it('the demo commune finds its draft assessment with what is missing before it can be submitted', async () => {
		const page = await signedIn('chutich.xa@demo.vn');
		await page.getByRole('link', { name: 'Hồ sơ đánh giá' }).click();
		const rows = page.locator('tbody tr');
		await rows.first().waitFor();
		expect(await rows.count()).toBe(1);
		expect(await rows.first().innerText()).toContain('Phường Phú Xuân');
		await rows.first().getByRole('link').click();
		await page.getByRole('heading', { name: 'Gửi hồ sơ', exact: true }).waitFor();
		const text = await page.locator('main').innerText();
		expect(text).toMatch(/Còn thiếu \d+ mục trước khi gửi/);
		expect(text).toContain('TC07.1: chưa nhập');
		expect(text).toContain('Thiếu công văn/tờ trình đề nghị công nhận');
		expect(await page.getByRole('button', { name: 'Ký và gửi hồ sơ' }).isDisabled()).toBe(true);
		await page.context().close();
	});

	it('a province officer opens a round: a bad code is refused in Vietnamese, a good one lists the communes', async () => {
		const page = await signedIn('tinh@demo.vn');
		await page.goto(`${env.server.url}/rounds`, { waitUntil: 'networkidle' });
		await page.getByLabel('Ngày bắt đầu').fill('2027-01-01');
		await page.getByLabel('Hạn nộp hồ sơ').fill('2027-03-31');
		await page.getByLabel('Mã tỉnh tham gia (mọi xã của tỉnh)').fill('');
		await page.getByLabel('Hoặc mã các xã tham gia').fill('19753, 99999');
		await page.getByRole('button', { name: 'Mở đợt đánh giá' }).click();
		await page.getByRole('alert').waitFor();
		expect(await page.getByRole('alert').innerText()).toBe('Không tìm thấy xã có mã: 99999.');
		await page.getByLabel('Hoặc mã các xã tham gia').fill('19753, 19774');
		await page.getByRole('button', { name: 'Mở đợt đánh giá' }).click();
		await page.waitForURL(/\/rounds\/\d+$/);
		const rows = await page.locator('tbody tr').allInnerTexts();
		expect(rows).toHaveLength(2);
		expect(rows.join('\n')).toContain('Phường Kim Long');
		await page.context().close();
	});

	it("a commune officer cannot open another commune's assessment", async () => {
		const reviewer = await signedIn('thamdinh@demo.vn');
		await reviewer.goto(`${env.server.url}/assessments`, { waitUntil: 'networkidle' });
		const links = await reviewer
			.locator('tbody a')
			.evaluateAll((as) => as.map((a) => [(a as HTMLAnchorElement).textContent, (a as HTMLAnchorElement).getAttribute('href')]));
		const other = links.find(([name]) => name !== 'Phường Phú Xuân')![1]!;
		await reviewer.context().close();
		const officer = await signedIn('canbo.xa@demo.vn');
		const res = await officer.goto(`${env.server.url}${other}`);
		expect(res?.status()).toBe(404);
		await officer.context().close();
	});
});
