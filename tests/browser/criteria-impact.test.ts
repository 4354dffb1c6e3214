/**
 * Impact before activation in Chromium: an administrator opens a draft version of the default
 * set, follows "Xem tác động trước khi áp dụng", sees the commune whose verdict flips and the
 * change by criterion, downloads the CSV, on a desktop and a phone-sized screen (the tables
 * scroll inside a named region), axe-core clean. A non-administrator is refused; an active set
 * answers with a Vietnamese message. Screenshots: test-results/screenshots/criteria-impact-*.png.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { withDataDir } from '../helpers/db.ts';
import { actorOf, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { findCriteriaSet, importCriteriaSet } from '#lib/server/criteria/index.ts';
import { nearThreshold, stricterDraft } from '../helpers/impact-fixtures.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-impact-'));
let draftId = 0;
let activeId = 0;

const env = useBrowserServer(async () => {
	await withDataDir(dataDir, async (t) => {
		const s = await seedRound(t);
		await completeDossier(t, s.assessmentA, s.officerA);
		await completeDossier(t, s.assessmentB, s.officerB);
		const b = (await loadAssessment(t.db, s.assessmentB))!;
		for (const [code, answer] of Object.entries(nearThreshold(b.category)))
			await t.db
				.updateTable('assessment_answer')
				.set({ answer: JSON.stringify(answer) })
				.where('assessment_id', '=', s.assessmentB)
				.where('indicator_code', '=', code)
				.execute();
		const r = await importCriteriaSet(t.db, stricterDraft(), await actorOf(t, s.admin));
		if (!r.ok) throw new Error('the draft should import');
		draftId = (await findCriteriaSet(t.db, 'QD06-2019@2'))!.row.id;
		activeId = (await findCriteriaSet(t.db, 'QD06-2019@1'))!.row.id;
	});
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function signedIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function screenshot(page: Page, name: string) {
	fs.mkdirSync(shotsDir, { recursive: true });
	const file = path.join(shotsDir, `criteria-impact-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}

describe('impact of a draft criteria set, in the browser', () => {
	for (const [name, viewport] of [
		['desktop', { width: 1366, height: 900 }],
		['phone', { width: 390, height: 844 }]
	] as const) {
		it(`an administrator previews the draft's impact on the latest round (${name})`, async () => {
			const page = await signedIn('quantri@demo.vn', viewport);
			await page.goto(`${env.server.url}/criteria/${draftId}`, { waitUntil: 'networkidle' });
			await page.getByRole('link', { name: 'Xem tác động trước khi áp dụng' }).click();
			await page.getByRole('heading', { name: 'Xem tác động trước khi áp dụng', level: 1 }).waitFor();
			expect(await page.getByRole('combobox', { name: /^Đợt đánh giá/ }).inputValue()).not.toBe('');

			const changed = page.getByRole('region', { name: 'Bảng xã thay đổi kết quả' });
			const rows = await changed.locator('tbody tr').allInnerTexts();
			expect(rows).toHaveLength(1);
			expect(rows[0]).toContain('Phường Kim Long');
			expect(rows[0]).toMatch(/Đạt chuẩn\s+Chưa đạt chuẩn/);
			expect(rows[0]).toContain('−10');
			const byCriterion = page.getByRole('region', { name: 'Bảng thay đổi điểm theo tiêu chí' });
			const tc07 = await byCriterion.locator('tbody tr', { hasText: 'TC07.' }).innerText();
			expect(tc07).toMatch(/−10\s+−5\s+1/);
			expect(await byCriterion.locator('tbody tr').count()).toBe(13);

			// the page does not scroll sideways; wide tables scroll inside their region
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
			expect(await changed.getAttribute('tabindex')).toBe('0');
			const violations = await axeViolations(page);
			expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
			await screenshot(page, name);

			if (name === 'desktop') {
				// choosing the round explicitly gives the same page
				await page.getByRole('button', { name: 'Xem tác động' }).click();
				await page.waitForURL(/\?round=\d+/);
				await changed.waitFor();
				const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV', exact: true }).click()]);
				const csv = fs.readFileSync((await download.path())!, 'utf8');
				const lines = csv
					.replace(/^\uFEFF/, '')
					.trim()
					.split('\r\n');
				expect(lines[0]).toBe(
					'Mã xã,Tên xã,Bộ tiêu chí đã chấm,Tổng điểm trước,Kết quả trước,Tổng điểm theo dự thảo,Kết quả theo dự thảo,Chênh lệch,Kết quả thay đổi'
				);
				expect(lines).toHaveLength(3);
				expect(lines.find((l) => l.includes('Phường Kim Long'))).toMatch(/,Đạt chuẩn,\d+,Chưa đạt chuẩn,-10,Có$/);

				// the same rows as a workbook, with the change by criterion on its own sheet
				const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Excel', exact: true }).click()]);
				const wb = new ExcelJS.Workbook();
				await wb.xlsx.readFile((await xlsx.path())!);
				const communes = wb.getWorksheet('Đơn vị')!;
				expect(communes.getRow(1).getCell(1).value).toBe('Mã xã');
				const kimLong = communes.getRows(2, communes.rowCount - 1)!.find((r) => r.getCell(2).value === 'Phường Kim Long')!;
				expect([kimLong.getCell(5).value, kimLong.getCell(7).value, kimLong.getCell(8).value, kimLong.getCell(9).value]).toEqual([
					'Đạt chuẩn',
					'Chưa đạt chuẩn',
					-10,
					'Có'
				]);
				const byCriterion = wb.getWorksheet('Theo tiêu chí')!;
				expect(byCriterion.rowCount).toBeGreaterThan(1);
			}
			await page.context().close();
		});
	}

	it('refuses a non-administrator, and answers for an active set in Vietnamese', async () => {
		const reviewer = await signedIn('thamdinh@demo.vn', { width: 1366, height: 900 });
		const res = await reviewer.goto(`${env.server.url}/criteria/${draftId}/impact`);
		expect(res?.status()).toBe(403);
		expect((await reviewer.request.get(`${env.server.url}/criteria/${draftId}/impact/impact.csv`)).status()).toBe(403);
		expect((await reviewer.request.get(`${env.server.url}/criteria/${draftId}/impact/impact.xlsx`)).status()).toBe(403);
		await reviewer.context().close();

		const admin = await signedIn('quantri@demo.vn', { width: 1366, height: 900 });
		await admin.goto(`${env.server.url}/criteria/${activeId}`, { waitUntil: 'networkidle' });
		expect(await admin.getByRole('link', { name: 'Xem tác động trước khi áp dụng' }).count()).toBe(0);
		const active = await admin.goto(`${env.server.url}/criteria/${activeId}/impact`);
		expect(active?.status()).toBe(409);
		expect(await admin.locator('main').innerText()).toContain(
			'Chỉ xem trước tác động được với bộ tiêu chí ở trạng thái dự thảo; QD06-2019@1 đang được áp dụng.'
		);
		await admin.context().close();
	});
});
