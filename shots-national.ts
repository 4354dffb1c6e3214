// One-off: screenshots of the dashboards on the national seed (not committed).
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS } from './tests/helpers/server.ts';
import { SCALE_PASSWORD, scaleEmail } from './scripts/seed/scale.ts';
const db = process.argv[2];
const server = await startServer({ DATABASE_URL: db, DEMO_SEED: '0', REMINDER_INTERVAL_MINUTES: '0' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
async function shoot(email: string, path: string, name: string) {
	for (const vp of [
		{ width: 1366, height: 900 },
		{ width: 390, height: 844 }
	]) {
		const ctx = await browser.newContext({ viewport: vp });
		const page = await ctx.newPage();
		await page.goto(`${server.url}/login`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Mật khẩu').fill(SCALE_PASSWORD);
		await page.getByRole('button', { name: 'Đăng nhập' }).click();
		await page.waitForURL((u) => u.pathname === '/');
		const t0 = Date.now();
		await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
		console.log(name, vp.width, 'loaded in', Date.now() - t0, 'ms');
		await page.screenshot({ path: `/work/notes/shots/${name}-${vp.width}.png`, fullPage: true });
		await ctx.close();
	}
}
try {
	await shoot(scaleEmail.admin, '/dashboard', 'dashboard-national');
	await shoot(scaleEmail.reviewer('01'), '/dashboard', 'dashboard-province-01');
	await shoot(scaleEmail.admin, '/dashboard?province=' + process.argv[3], 'dashboard-admin-province');
} finally {
	await browser.close();
	await server.stop();
}
