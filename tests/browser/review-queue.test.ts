import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';

const env = useBrowserServer();
async function signedIn(email: string, viewport?: { width: number; height: number }) {
	const page = await env.signIn(email, viewport ? { viewport } : {});
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

describe('review queue and progress board', () => {
	it('the reviewer sees the communes of the demo round, filters by name and sorts', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		await page.goto(`${env.server.url}/review`, { waitUntil: 'networkidle' });
		await page.getByRole('heading', { name: 'Tiến độ thẩm định', level: 1 }).waitFor();
		const table = page.getByRole('table');
		expect(await table.locator('caption').innerText()).toMatch(/Hồ sơ đợt/);
		const rows = table.locator('tbody tr');
		const all = await rows.count();
		expect(all).toBeGreaterThan(10);
		expect(await page.locator('#ty-le').innerText()).toContain('%');
		expect(await page.locator('main').innerText()).toContain('Mục tiêu quốc gia');

		// default order: what needs action first, said above the table; sorting by commune is one click
		expect(await page.locator('p.order').innerText()).toContain('Thứ tự: Cần xử lý trước');
		await table.getByRole('columnheader', { name: 'Đơn vị' }).getByRole('link').click();
		await page.waitForURL((u) => u.searchParams.get('sort') === 'commune');
		const communeHeader = table.getByRole('columnheader', { name: 'Đơn vị' });
		expect(await communeHeader.getAttribute('aria-sort')).toBe('ascending');
		const firstAsc = await rows.first().locator('th').innerText();
		await communeHeader.getByRole('link').click();
		await page.waitForURL((u) => u.searchParams.get('dir') === 'desc');
		expect(await table.getByRole('columnheader', { name: 'Đơn vị' }).getAttribute('aria-sort')).toBe('descending');
		expect(await rows.first().locator('th').innerText()).not.toBe(firstAsc);
		expect(await rows.last().locator('th').innerText()).toBe(firstAsc);

		// filter by name, without diacritics
		await page.getByLabel('Tên đơn vị').fill('phu xuan');
		await page.getByRole('button', { name: 'Xem' }).click();
		await page.waitForURL((u) => u.searchParams.get('q') === 'phu xuan');
		expect(await rows.count()).toBe(1);
		expect(await rows.first().innerText()).toContain('Phường Phú Xuân');
		expect(await table.locator('caption').innerText()).toContain('đã lọc');
		// the row links to the assessment
		expect(await rows.first().getByRole('link').getAttribute('href')).toMatch(/^\/assessments\/\d+$/);
		await page.context().close();
	});

	it('a commune officer on a phone sees only their own commune', async () => {
		const page = await signedIn('canbo.xa@demo.vn', { width: 375, height: 740 });
		await page.goto(`${env.server.url}/review`, { waitUntil: 'networkidle' });
		const rows = page.locator('tbody tr');
		await rows.first().waitFor();
		expect(await rows.count()).toBe(1);
		expect(await rows.first().innerText()).toContain('Phường Phú Xuân');
		// the page itself does not scroll sideways (only the table wrapper may)
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await page.context().close();
	});
});
