/**
 * The home page's "Việc cần làm" from the real state, in Chromium against the demo: the commune
 * officer is told how many items still block the dossier, as a link to it; the administrator is
 * asked to confirm the provisional criteria set; the approver is told who can; the ministry's
 * officer is pointed to the national dashboard. Screenshots at
 * 1366×900 and 390×844 in test-results/screenshots/home-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';

const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');
fs.mkdirSync(shots, { recursive: true });
const env = useBrowserServer();

describe('the home page lists the next steps from the real state', () => {
	for (const screen of [
		{ name: 'desktop', viewport: { width: 1366, height: 900 } },
		{ name: 'phone', viewport: { width: 390, height: 844 } }
	]) {
		it(`${screen.name}: officer, administrator and approver each see their own tasks as links`, async () => {
			const officer = await env.signIn('canbo.xa@demo.vn', { viewport: screen.viewport });
			await officer.waitForURL((u) => u.pathname === '/');
			const task = officer.getByRole('link', { name: /còn \d+ mục phải hoàn thành trước khi gửi\. Hạn nộp: \d{2}\/\d{2}\/\d{4}\./ });
			await task.waitFor();
			await officer.screenshot({ path: path.join(shots, `home-officer-${screen.name}.png`) });
			await task.click();
			await officer.waitForURL(/\/assessments\/\d+$/);
			await officer.context().close();

			const admin = await env.signIn('quantri@demo.vn', { viewport: screen.viewport });
			await admin.waitForURL((u) => u.pathname === '/');
			const confirm = admin.getByRole('link', { name: /Bộ tiêu chí QD06-2019@1 còn mục chưa được đối chiếu/ });
			await confirm.waitFor();
			expect(await confirm.getAttribute('href')).toMatch(/^\/criteria\/\d+$/);
			await admin.screenshot({ path: path.join(shots, `home-admin-${screen.name}.png`) });
			await admin.context().close();

			const approver = await env.signIn('lanhdao@demo.vn', { viewport: screen.viewport });
			await approver.waitForURL((u) => u.pathname === '/');
			const text = await approver.locator('.tasks').innerText();
			expect(text).toContain('chưa được quản trị viên xác nhận');
			await approver.context().close();

			// the ministry (read-only, the whole country) is pointed to the national dashboard
			const ministry = await env.signIn('bo@demo.vn', { viewport: screen.viewport });
			await ministry.waitForURL((u) => u.pathname === '/');
			const overview = ministry.getByRole('link', { name: /^Tổng hợp toàn quốc: \d+ xã được công nhận, \d+ hồ sơ chờ thẩm định\./ });
			await overview.waitFor();
			await ministry.screenshot({ path: path.join(shots, `home-ministry-${screen.name}.png`) });
			await overview.click();
			await ministry.waitForURL((u) => u.pathname === '/dashboard');
			await ministry.getByRole('heading', { level: 1 }).waitFor();
			await ministry.context().close();
		});
	}
});
