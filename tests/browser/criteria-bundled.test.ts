/**
 * The default set's version 2 (issue 14: the wording secondary sources quote for TC01.1–TC01.3,
 * TC06.1 and TC06.2) is shipped with the software but never forced on a deployment: an
 * administrator previews it on the import page like any file, imports it as a draft and sees it
 * beside version 1, which stays active for what used it. (axe-core checks the import page in
 * accessibility.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';

const env = useBrowserServer();

describe('the shipped version 2 of the default set', () => {
	// the phone only previews; the desktop then imports (a second preview would find it unchanged)
	for (const viewport of [
		{ width: 390, height: 844 },
		{ width: 1366, height: 900 }
	])
		it(`an administrator previews it, imports it as a draft; version 1 stays active (${viewport.width}×${viewport.height})`, async () => {
			const page = await env.signIn('quantri@demo.vn', { viewport });
			await page.waitForURL((u) => u.pathname === '/');
			await page.goto(`${env.server.url}/criteria/import`, { waitUntil: 'networkidle' });
			await page.getByRole('button', { name: 'Xem trước QD06-2019@2' }).click();
			await page.getByRole('heading', { name: 'Xem trước: QD06-2019@2' }).waitFor();
			const preview = await page.locator('section', { has: page.getByRole('heading', { name: 'Xem trước: QD06-2019@2' }) }).innerText();
			// the changes are the quoted titles, the points unchanged
			for (const code of ['TC01.1', 'TC01.2', 'TC01.3', 'TC06.2']) expect(preview).toContain(code);
			expect(preview).toContain('tổng điểm tối đa 1000 → 1000');
			expect(preview).toMatch(/\d+ mục chưa được đối chiếu với văn bản gốc/);
			if (viewport.width === 1366) {
				await page.getByRole('button', { name: 'Nhập phiên bản này' }).click();
				await page.waitForURL(/\/criteria\/\d+$/);
				expect(await page.locator('main').innerText()).toContain(
					'Có bố trí cộng tác viên bảo vệ trẻ em tại thôn, làng, ấp, bản, buôn, phum, sóc'
				);
				await page.goto(`${env.server.url}/criteria`);
				const rows = await page.locator('tbody tr').allInnerTexts();
				expect(rows.find((r) => r.includes('QD06-2019@2'))).toContain('Bản nháp');
				expect(rows.find((r) => r.includes('QD06-2019@1'))).toContain('Đang áp dụng');
			} else {
				expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
			}
			await page.context().close();
		});
});
