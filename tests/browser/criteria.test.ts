import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import ExcelJS from 'exceljs';
import { QD06_2019 } from '#lib/domain/criteria/index.ts';
import { pdf } from '../helpers/files.ts';

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
		await page.getByLabel(/Tệp bộ tiêu chí/).setInputFiles(path.join(tmp, 'bad.json'));
		await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
		const alert = page.getByRole('alert');
		await alert.waitFor();
		expect(await alert.innerText()).toMatch(/TC07 › TC07\.1 › maxPoints/);

		const good = JSON.parse(JSON.stringify(QD06_2019));
		good.version = 2;
		const tc07 = good.criteria[6].indicators[0];
		tc07.bands[tc07.bands.length - 1].min = 97;
		fs.writeFileSync(path.join(tmp, 'good.json'), JSON.stringify(good));
		await page.getByLabel(/Tệp bộ tiêu chí/).setInputFiles(path.join(tmp, 'good.json'));
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

	it('an administrator downloads the set as Excel, edits it, and imports it back: errors name sheet, row and column', async () => {
		for (const viewport of [
			{ width: 1366, height: 900 },
			{ width: 390, height: 844 }
		]) {
			const page = await signedIn('quantri@demo.vn', viewport);
			const wide = viewport.width > 400;
			await page.goto(`${env.server.url}/criteria`);
			await page.getByRole('link', { name: 'QD06-2019@1' }).click();
			const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Tải về Excel/ }).click()]);
			expect(download.suggestedFilename()).toBe('QD06-2019@1.xlsx');
			const file = path.join(tmp, `tai-ve-${viewport.width}.xlsx`);
			await download.saveAs(file);

			// the official's edits, as Excel would save them
			const wb = new ExcelJS.Workbook();
			await wb.xlsx.readFile(file);
			const head = (ws: ExcelJS.Worksheet, name: string) => {
				let at = 0;
				ws.getRow(1).eachCell((c, k) => (at = c.value === name ? k : at));
				return at;
			};
			wb.getWorksheet('Bộ tiêu chí')!.eachRow((row) => {
				if (row.getCell(1).value === 'Phiên bản') row.getCell(2).value = wide ? 8 : 9;
			});
			const indicators = wb.getWorksheet('Chỉ số')!;
			indicators.getCell(2, head(indicators, 'Trích dẫn: Điều')).value = 'Điều 2';
			indicators.getCell(2, head(indicators, 'Trích dẫn: Khoản')).value = 'khoản 2';
			indicators.getCell(2, head(indicators, 'Trích dẫn: Trang')).value = 3;
			const bands = wb.getWorksheet('Mức điểm')!;
			const points = head(bands, 'Điểm');
			const keep = bands.getCell(5, points).value;
			bands.getCell(5, points).value = 'năm';
			const bad = path.join(tmp, `sai-${viewport.width}.xlsx`);
			await wb.xlsx.writeFile(bad);
			bands.getCell(5, points).value = keep;
			const good = path.join(tmp, `sua-${viewport.width}.xlsx`);
			await wb.xlsx.writeFile(good);

			await page.goto(`${env.server.url}/criteria/import`);
			await page.getByLabel(/Tệp bộ tiêu chí/).setInputFiles(bad);
			await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
			const alert = page.getByRole('alert');
			await alert.waitFor();
			expect(await alert.innerText()).toContain('Trang "Mức điểm", dòng 5, cột "Điểm": "năm" không phải là số.');
			await page.screenshot({ path: `test-results/bo-tieu-chi-excel-loi-${viewport.width}.png`, fullPage: true });

			await page.getByLabel(/Tệp bộ tiêu chí/).setInputFiles(good);
			await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
			const version = wide ? 8 : 9;
			await page.getByRole('heading', { name: `Xem trước: QD06-2019@${version}` }).waitFor();
			await page.screenshot({ path: `test-results/bo-tieu-chi-excel-xem-truoc-${viewport.width}.png`, fullPage: true });
			await page.getByRole('button', { name: 'Nhập phiên bản này' }).click();
			await page.waitForURL(/\/criteria\/\d+$/);
			// the indicator's source sits in its folded 'Hướng dẫn và nguồn'
			expect(await page.locator('main').textContent()).toContain('Trích dẫn văn bản gốc: Điều 2, khoản 2, trang 3');
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
			await page.context().close();
		}
	});

	it('four eyes: the last editor cannot confirm; another administrator confirms items and attaches the official text', async () => {
		for (const viewport of [
			{ width: 1366, height: 900 },
			{ width: 390, height: 844 }
		]) {
			const wide = viewport.width > 400;
			// the Excel import above made quantri@demo.vn the last editor of version 8 (and 9)
			const editor = await signedIn('quantri@demo.vn', viewport);
			await editor.goto(`${env.server.url}/criteria`);
			await editor.getByRole('link', { name: `QD06-2019@${wide ? 8 : 9}` }).click();
			await editor.getByRole('link', { name: /Đối chiếu từng mục với văn bản gốc/ }).click();
			await editor.waitForURL(/\/verify$/);
			await editor.getByRole('heading', { name: 'Đối chiếu với văn bản gốc', exact: true }).waitFor();
			expect(await editor.getByRole('note').innerText()).toContain('Bạn là người sửa bộ tiêu chí này gần nhất');
			expect(await editor.getByRole('checkbox').count()).toBe(0);
			const url = editor.url();

			// the official text: a PDF by content, not a renamed file
			fs.writeFileSync(path.join(tmp, 'khong-phai.pdf'), 'không phải PDF');
			await editor.getByLabel(/Đính kèm văn bản gốc/).setInputFiles(path.join(tmp, 'khong-phai.pdf'));
			await editor.getByRole('button', { name: 'Tải lên' }).click();
			await editor.getByRole('alert').waitFor();
			expect(await editor.getByRole('alert').innerText()).toContain('Văn bản gốc phải là tệp PDF');
			fs.writeFileSync(path.join(tmp, 'qd06.pdf'), pdf('Quyết định 06/QĐ-TTg'));
			await editor.getByLabel(/Đính kèm văn bản gốc/).setInputFiles(path.join(tmp, 'qd06.pdf'));
			await editor.getByRole('button', { name: 'Tải lên' }).click();
			await editor.getByRole('status').waitFor();
			expect(await editor.getByRole('status').innerText()).toBe('Đã đính kèm văn bản gốc.');
			await editor.context().close();

			// a second administrator, created through the accounts page, confirms one item, then the rest
			const other = `quantri${viewport.width}@demo.vn`;
			const admin = await signedIn('quantri@demo.vn');
			await admin.goto(`${env.server.url}/admin/accounts`);
			await admin.getByLabel('Email').fill(other);
			await admin.getByLabel('Họ tên').fill('Trần Văn Đối Chiếu');
			await admin.getByLabel('Vai trò').selectOption('admin');
			await admin.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
			await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
			await admin.getByRole('status').waitFor();
			await admin.context().close();
			const page = await env.signIn(other, { viewport, password: 'mat-khau-ban-dau' });
			await page.waitForURL((u) => u.pathname === '/');
			await page.goto(url);
			const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Tải văn bản gốc/ }).click()]);
			expect(
				fs
					.readFileSync(await download.path())
					.subarray(0, 5)
					.toString()
			).toBe('%PDF-');
			const before = await page.getByRole('checkbox', { name: /^TC/ }).count();
			expect(before).toBeGreaterThan(2);
			await page.getByRole('checkbox', { name: /^TC01\.1\./ }).check();
			await page.getByRole('checkbox', { name: /Tôi đã đối chiếu/ }).check();
			await page.getByRole('button', { name: 'Xác nhận các mục đã chọn' }).click();
			await page.getByRole('status').waitFor();
			expect(await page.getByRole('status').innerText()).toBe('Đã xác nhận 1 mục đối chiếu với văn bản gốc.');
			expect(await page.getByRole('checkbox', { name: /^TC/ }).count()).toBe(before - 1);
			const row = page.getByRole('row', { name: /TC01\.1\./ });
			expect(await row.innerText()).toContain('Đã đối chiếu');
			await page.screenshot({ path: `test-results/bo-tieu-chi-doi-chieu-${viewport.width}.png`, fullPage: true });
			await page.getByRole('checkbox', { name: /Tôi đã đối chiếu/ }).check();
			await page.getByRole('button', { name: /Xác nhận tất cả/ }).click();
			await page
				.getByRole('status')
				.filter({ hasText: `Đã xác nhận ${before - 1} mục` })
				.waitFor();
			expect(await page.getByRole('checkbox', { name: /^TC/ }).count()).toBe(0);
			await page.goto(url.replace(/\/verify$/, ''));
			expect(await page.locator('main').innerText()).not.toContain('Thang điểm chưa được đối chiếu với văn bản gốc');
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
			await page.context().close();
		}
	});

	it('refuses the import page and the export to a non-administrator', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		const res = await page.goto(`${env.server.url}/criteria/import`);
		expect(res?.status()).toBe(403);
		expect(await page.locator('main').innerText()).toContain('Bạn không có quyền thực hiện thao tác này.');
		const exp = await page.request.get(`${env.server.url}/criteria/1/export`);
		expect(exp.status()).toBe(403);
		expect((await page.request.get(`${env.server.url}/criteria/1/export.xlsx`)).status()).toBe(403);
		await page.context().close();
	});
});
