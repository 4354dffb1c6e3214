/**
 * The data-entry pages' criteria set travels by reference (src/lib/criteria-set-ref.ts), in
 * Chromium on a 390×844 phone: the page's HTML and the data of each step no longer carry the set;
 * the browser downloads it once (preloaded with the scripts, kept as immutable), then walks from
 * criterion to criterion without downloading it again, while the live score still works. On a
 * slow link the page waits for the set and comes alive; when the set cannot be had at all the
 * officer reads what happened and what to do.
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { useRoundServer } from '../helpers/browser.ts';
import type { QD06_2019 } from '#lib/domain/criteria/index.ts';

const round = useRoundServer('xa-entry-set-');
const env = round.env;

const PHONE = { width: 390, height: 844 };
const isSet = (url: string | URL) => /\/criteria\/\d+\/set\.json\?v=/.test(String(url));
/** A long text of a criterion other than TC07 (in the set, not on TC07's page). */
function otherGuidance(set: typeof QD06_2019): string {
	const texts = set.criteria.filter((c) => c.code !== 'TC07').flatMap((c) => [c.guidance, ...c.indicators.map((i) => i.guidance)]);
	return texts.find((t): t is string => typeof t === 'string' && t.length > 40)!.slice(0, 40);
}

async function officer(): Promise<Page> {
	const page = await env.signIn('canbo.xa@demo.vn', { viewport: PHONE });
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

describe('the criteria set of the data-entry pages', () => {
	it('is downloaded once, kept by the browser, and not sent again with each step', async () => {
		const page = await officer();
		const sets: Response[] = [];
		page.on('response', (r) => {
			if (isSet(r.url())) sets.push(r);
		});
		// what reached the server: the request log's lines for the set
		const served = () => (env.server.log().match(/"path":"\/criteria\/\d+\/set\.json"/g) ?? []).length;
		const servedBefore = served();
		const html = await (await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`, {
			waitUntil: 'networkidle'
		}))!.text();
		expect(html).toMatch(/<link rel="preload" href="\/criteria\/\d+\/set\.json\?v=[\w-]+" as="fetch" crossorigin="anonymous"/);
		expect(html.length).toBeLessThan(30_000);
		await page.getByRole('heading', { level: 1, name: /^TC07\./ }).waitFor();

		// one download (the preload, which the page's own request then uses), kept for good, and it
		// is the set: the other criteria's long texts are in it, not in the page
		await page.waitForLoadState('networkidle');
		expect(served() - servedBefore).toBe(1);
		expect(sets.length).toBeGreaterThanOrEqual(1);
		expect(sets[0].status()).toBe(200);
		expect(sets[0].headers()['cache-control']).toBe('private, max-age=31536000, immutable');
		expect(sets[0].headers()['content-encoding']).toBe('gzip'); // about 5 KB over the wire
		expect(Number((await sets[0].request().sizes()).responseBodySize)).toBeLessThan(8_000);
		const set = (await sets[0].json()) as typeof QD06_2019;
		expect(set.criteria).toHaveLength(13);
		expect(html).not.toContain(otherGuidance(set));

		// the live score is computed in the browser from that set
		await page.getByLabel('Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ', { exact: true }).fill('96');
		await page.getByLabel('Tổng số trẻ em dưới 1 tuổi', { exact: true }).fill('100');
		await expect.poll(() => page.locator('.score-panel .summary').innerText()).toMatch(/Tổng điểm 40 \/ ngưỡng/);
		await expect.poll(() => page.locator('#f-TC07-1-status').innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu lúc/);

		// the next criterion, the overview and back: no more downloads of the set, small step data
		await page.getByRole('link', { name: /TC08/ }).first().click();
		await page.getByRole('heading', { level: 1, name: /^TC08\./ }).waitFor();
		await page.getByRole('link', { name: 'Tất cả tiêu chí' }).click();
		await page.getByRole('heading', { name: 'Nhập số liệu tự đánh giá' }).waitFor();
		expect(await page.locator('tbody tr', { hasText: 'TC07' }).innerText()).toMatch(/40\/50/);
		await page.waitForLoadState('networkidle');
		expect(served() - servedBefore).toBe(1);
		// what a step downloads: the criterion's and the overview's data, 1–5 KB (about 16 KB with the set)
		for (const step of ['criteria/TC08', 'criteria']) {
			const r = await page.request.get(`${env.server.url}/assessments/${round.ids.assessmentA}/${step}/__data.json`);
			expect(r.status()).toBe(200);
			expect((await r.body()).length, step).toBeLessThan(6_000);
		}

		// a new visit to a page: the browser's copy serves (no request reaches the server)
		await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC09`, { waitUntil: 'networkidle' });
		await page.getByRole('heading', { level: 1, name: /^TC09\./ }).waitFor();
		expect(served() - servedBefore).toBe(1);
		const fromCache = await page.evaluate(() =>
			performance
				.getEntriesByType('resource')
				.filter((e) => /\/set\.json\?v=/.test(e.name))
				.map((e) => (e as PerformanceResourceTiming).transferSize)
		);
		expect(fromCache.length).toBeGreaterThan(0);
		expect(fromCache.every((size) => size === 0)).toBe(true); // 0 bytes over the network: from the browser's cache
		await page.context().close();
	});

	it('on a slow link the page waits for the set and comes alive; without it the officer is told what to do', async () => {
		const page = await officer();
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		await page.route(isSet, async (route) => {
			await gate;
			await route.continue();
		});
		await page.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`, { waitUntil: 'domcontentloaded' });
		// shown by the server at once, readable while the set is on its way
		await page.getByRole('heading', { level: 1, name: /^TC07\./ }).waitFor();
		expect(await page.locator('.score-panel .summary').innerText()).toMatch(/Tổng điểm 40 \//);
		await page.waitForTimeout(1500);
		release();
		await page.waitForLoadState('networkidle');
		// alive: the score follows a figure typed now (50% is below every band of TC07.1)
		await page.getByLabel('Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ', { exact: true }).fill('50');
		await expect.poll(() => page.locator('.score-panel .summary').innerText()).toMatch(/Tổng điểm 0 \//);
		await page.getByLabel('Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ', { exact: true }).fill('96');
		await expect.poll(() => page.locator('.score-panel .summary').innerText()).toMatch(/Tổng điểm 40 \//);
		await expect.poll(() => page.locator('#f-TC07-1-status').innerText(), { timeout: 10_000 }).toMatch(/^(Đã lưu|Lưu lần cuối) lúc/);
		await page.context().close();

		// the set cannot be had (every try fails): the error page says so in Vietnamese
		const cut = await officer();
		await cut.route(isSet, (route) => route.abort('internetdisconnected'));
		await cut.goto(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC11`, { waitUntil: 'domcontentloaded' });
		await expect
			.poll(() => cut.locator('body').innerText(), { timeout: 15_000 })
			.toContain(
				'Không tải được bộ tiêu chí của hồ sơ (đường truyền bị gián đoạn). Số liệu đã lưu không mất: hãy tải lại trang khi có mạng.'
			);
		await cut.screenshot({ path: path.join(os.tmpdir(), 'entry-set-failed-phone.png'), fullPage: true });
		await cut.context().close();
	});

	it('is refused to a visitor who is not signed in, and served as it is now for an old version', async () => {
		const signedOut = await fetch(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`, { redirect: 'manual' });
		expect(signedOut.status).toBe(303);
		const anon = await fetch(`${env.server.url}/criteria/1/set.json?v=x`, { redirect: 'manual', headers: { accept: 'application/json' } });
		expect([303, 401]).toContain(anon.status);
		const page = await officer();
		const html = await (await page.request.get(`${env.server.url}/assessments/${round.ids.assessmentA}/criteria/TC07`)).text();
		const href = /<link rel="preload" href="(\/criteria\/(\d+)\/set\.json)\?v=([\w-]+)"/.exec(html)!;
		const current = await page.request.get(`${env.server.url}${href[1]}?v=${href[3]}`);
		expect(current.headers()['cache-control']).toBe('private, max-age=31536000, immutable');
		const old = await page.request.get(`${env.server.url}${href[1]}?v=an-old-version`);
		expect(old.status()).toBe(200);
		expect(old.headers()['cache-control']).toBe('no-store');
		expect(await old.text()).toBe(await current.text());
		const missing = await page.request.get(`${env.server.url}/criteria/999999/set.json?v=x`);
		expect(missing.status()).toBe(404);
		await page.context().close();
	});
});
