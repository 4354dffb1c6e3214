import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import { QD06_2019 } from '#lib/domain/criteria/index.ts';

const env = useBrowserServer();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-criteria-ui-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function signedIn(email: string, viewport = { width: 1280, height: 900 }) {
	const page = await env.signIn(email, { viewport });
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

describe('criteria sets in the browser', () => {
	it('a commune officer reads the active set with its unverified scales marked, on a phone-sized screen', async () => {
		const page = await signedIn('canbo.xa@demo.vn', { width: 390, height: 844 });
		await page.getByRole('button', { name: 'Trình đơn' }).click();
		await page.getByRole('link', { name: 'Bộ tiêu chí' }).click();
		await page.getByRole('link', { name: 'QD06-2019@1' }).click();
		await page.getByRole('heading', { name: /TC07\. Trẻ em dưới 1 tuổi được tiêm chủng đầy đủ/ }).waitFor();
		const text = await page.locator('main').innerText();
		expect(text).toContain('Thang điểm chưa được đối chiếu với văn bản gốc');
		expect(text).toContain('Từ 98% trở lên: 50 điểm');
		expect(text).toContain('Phường thuộc quận, thị xã, thành phố của thành phố trực thuộc trung ương: từ 900 điểm');
		expect(await page.getByRole('button', { name: 'Áp dụng phiên bản này' }).count()).toBe(0);
		// no horizontal scrolling on a phone
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		await page.screenshot({ path: path.join(tmp, 'criteria-phone.png') });
		await page.context().close();
	});

	it('an administrator imports a new version: errors name the item, the preview shows the change, then activates it', async () => {
		const page = await signedIn('quantri@demo.vn');
		await page.goto(`${env.server.url}/criteria/import`);

		const bad = JSON.parse(JSON.stringify(QD06_2019));
		bad.version = 2;
		bad.criteria[6].indicators[0].maxPoints = 'năm mươi';
		fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify(bad));
		await page.getByLabel('Tệp bộ tiêu chí (.json)').setInputFiles(path.join(tmp, 'bad.json'));
		await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
		const alert = page.getByRole('alert');
		await alert.waitFor();
		expect(await alert.innerText()).toMatch(/TC07 › TC07\.1 › maxPoints/);

		const good = JSON.parse(JSON.stringify(QD06_2019));
		good.version = 2;
		const tc07 = good.criteria[6].indicators[0];
		tc07.bands[tc07.bands.length - 1].min = 97;
		fs.writeFileSync(path.join(tmp, 'good.json'), JSON.stringify(good));
		await page.getByLabel('Tệp bộ tiêu chí (.json)').setInputFiles(path.join(tmp, 'good.json'));
		await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
		await page.getByRole('heading', { name: 'Xem trước: QD06-2019@2' }).waitFor();
		expect(await page.locator('main').innerText()).toContain('TC07.1');
		await page.getByRole('button', { name: 'Nhập phiên bản này' }).click();
		await page.waitForURL(/\/criteria\/\d+$/);
		await page.getByRole('button', { name: 'Áp dụng phiên bản này' }).click();
		await page.getByRole('status').waitFor();
		expect(await page.getByRole('status').innerText()).toBe('Đã áp dụng QD06-2019@2.');
		await page.goto(`${env.server.url}/criteria`);
		const rows = await page.locator('tbody tr').allInnerTexts();
		expect(rows.find((r) => r.includes('QD06-2019@2'))).toContain('Đang áp dụng');
		expect(rows.find((r) => r.includes('QD06-2019@1'))).toContain('Ngừng áp dụng');
		await page.context().close();
	});

	it('refuses the import page and the export to a non-administrator', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		const res = await page.goto(`${env.server.url}/criteria/import`);
		expect(res?.status()).toBe(403);
		expect(await page.locator('main').innerText()).toContain('Bạn không có quyền thực hiện thao tác này.');
		const exp = await page.request.get(`${env.server.url}/criteria/1/export`);
		expect(exp.status()).toBe(403);
		await page.context().close();
	});
});
