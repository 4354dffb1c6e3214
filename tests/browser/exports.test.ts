/**
 * The .xlsx exports through the built server (issue 13): a reviewer downloads the board from the
 * "Tải về Excel" link beside the CSV one, with the page's filter, and the file holds the page's
 * rows; the score matrix and the dashboard's tables come as streamed spreadsheets with a
 * Vietnamese file name; a commune officer may export none of them.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useBrowserServer } from '../helpers/browser.ts';
import { XLSX_TYPE } from '#lib/server/exports/xlsx.ts';

const env = useBrowserServer();
async function signedIn(email: string) {
	const page = await env.signIn(email);
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(bytes as unknown as ArrayBuffer);
	return wb;
}

describe('xlsx exports', () => {
	it('a reviewer downloads the board as shown, with its filter', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		await page.goto(`${env.server.url}/review?q=phu`, { waitUntil: 'networkidle' });
		const shown = await page.getByRole('table').locator('tbody tr th').allInnerTexts();
		expect(shown.length).toBeGreaterThan(0);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về Excel' }).click()]);
		expect(download.suggestedFilename()).toMatch(/^tiến-độ-\d{4}-đợt-\d+\.xlsx$/);
		const path = await download.path();
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.readFile(path);
		const ws = wb.worksheets[0];
		expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		expect(ws.getCell('B1').value).toBe('Đơn vị');
		const names: string[] = [];
		ws.eachRow((row, n) => {
			if (n > 1) names.push(String(row.getCell(2).value));
		});
		expect(names.length).toBe(shown.length);
		for (const n of names) expect(shown.join('\n')).toContain(n);
	});

	it('the score matrix and the dashboard tables stream as spreadsheets; a commune officer gets none', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		for (const url of ['/dashboard/score-matrix.xlsx', '/dashboard/dashboard.xlsx']) {
			const r = await page.request.get(`${env.server.url}${url}`);
			expect(r.status(), url).toBe(200);
			expect(r.headers()['content-type']).toBe(XLSX_TYPE);
			expect(r.headers()['content-disposition']).toMatch(/^attachment; filename="[\x20-\x7e]+\.xlsx"; filename\*=UTF-8''/);
			const wb = await open(await r.body());
			expect(wb.worksheets.length, url).toBeGreaterThan(1);
		}
		// the summary report, as PDF (its text) and as Word (a zip holding the document)
		const pdf = await page.request.get(`${env.server.url}/dashboard/report.pdf`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		const pdfFile = path.join(os.tmpdir(), `bao-cao-${process.pid}.pdf`);
		fs.writeFileSync(pdfFile, await pdf.body());
		const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
		fs.rmSync(pdfFile);
		expect(text).toContain('BÁO CÁO');
		const docx = await page.request.get(`${env.server.url}/dashboard/report.docx`);
		expect(docx.status()).toBe(200);
		expect(docx.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
		expect((await docx.body()).subarray(0, 2).toString()).toBe('PK');
		const commune = await signedIn('canbo.xa@demo.vn');
		for (const url of ['/dashboard/score-matrix.xlsx', '/dashboard/dashboard.xlsx', '/dashboard/report.pdf', '/dashboard/report.docx'])
			expect((await commune.request.get(`${env.server.url}${url}`)).status(), url).toBe(403);
	});
});
