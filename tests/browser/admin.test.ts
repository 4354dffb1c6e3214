import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';

const env = useBrowserServer();
const signIn = (email: string, password?: string) => env.signIn(email, { password });

describe('account administration', () => {
	it('creates an account (refusing it until a commune is chosen), which can sign in; locking it ends its session', async () => {
		const admin = await signIn('quantri@demo.vn');
		await admin.waitForURL((u) => u.pathname === '/');
		await admin.getByRole('link', { name: 'Tài khoản' }).click();
		await admin.getByRole('heading', { name: 'Tạo tài khoản' }).waitFor();
		await admin.getByLabel('Email').fill('Moi.Xa@Demo.VN');
		await admin.getByLabel('Họ tên').fill('Đặng Thị Mới');
		await admin.getByLabel('Vai trò').selectOption('commune_officer');
		await admin.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Huế' });
		await admin.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await admin.getByRole('alert').waitFor();
		expect(await admin.getByRole('alert').innerText()).toBe('Hãy chọn xã, phường trong Thành phố Huế.');
		await admin.getByLabel('Tìm xã, phường theo tên hoặc mã').fill('kim long');
		await admin.getByRole('radio', { name: /Phường Kim Long/ }).check();
		await admin.getByLabel('Mật khẩu ban đầu').fill('mat-khau-ban-dau');
		await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await admin.getByRole('status').waitFor();
		expect(await admin.getByRole('status').innerText()).toBe('Đã tạo tài khoản moi.xa@demo.vn.');

		const user = await signIn('moi.xa@demo.vn', 'mat-khau-ban-dau');
		await user.getByRole('heading', { name: 'Trang của cán bộ xã' }).waitFor();
		expect(await user.locator('main').innerText()).toContain('Phường Kim Long');

		await admin.goto(`${env.server.url}/admin/accounts?q=moi.xa`, { waitUntil: 'networkidle' });
		await admin.getByRole('link', { name: 'moi.xa@demo.vn' }).click();
		await admin.getByRole('button', { name: 'Khóa tài khoản' }).click();
		await admin.getByRole('status').waitFor();
		const res = await user.goto(`${env.server.url}/`);
		expect(new URL(res!.url()).pathname).toBe('/login');
		await admin.context().close();
		await user.context().close();
	});

	it('keeps the audit log and account pages from other roles', async () => {
		const page = await signIn('tinh@demo.vn');
		await page.waitForURL((u) => u.pathname === '/');
		expect((await page.goto(`${env.server.url}/admin/audit`))?.status()).toBe(403);
		expect((await page.goto(`${env.server.url}/admin/accounts`))?.status()).toBe(403);
		await page.context().close();
	});
});
