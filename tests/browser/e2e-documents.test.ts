/**
 * Documents end to end in Chromium against the built server: the approver previews a decision
 * (watermarked), issues it, generates the certificates with visible progress, previews and
 * prints a certificate; its QR (decoded with zbarimg) opens the public verification page, which
 * says "valid", and "revoked" right after the approver revokes the recognition. The reports and
 * the dossier ZIP are downloaded too. The first page of each document is rendered with pdftoppm
 * into test-results/screenshots/documents/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { acceptDialog, useBrowserServer } from '../helpers/browser.ts';
import { OFFICER_B, prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots', 'documents');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-e2e-docs-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-e2e-docs-files-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir, { b: 'appraised' });
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => {
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(scratch, { recursive: true, force: true });
});

/** Whether the rotated "BẢN XEM TRƯỚC" watermark is there (pdftotext -raw, spaces removed:
 * -layout scatters rotated letters over the lines they cross). */
function watermarked(name: string): boolean {
	const raw = execFileSync('pdftotext', ['-raw', path.join(scratch, `${name}.pdf`), '-'], { encoding: 'utf8' }).normalize('NFC');
	return raw.replace(/\s+/g, '').includes('BẢNXEMTRƯỚC');
}

/** Saves the PDF, checks it is one, renders its first page into the screenshots; returns its text. */
function keepPdf(bytes: Buffer, name: string): string {
	expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
	const file = path.join(scratch, `${name}.pdf`);
	fs.writeFileSync(file, bytes);
	fs.mkdirSync(shotsDir, { recursive: true });
	execFileSync('pdftoppm', ['-r', '60', '-png', '-singlefile', '-f', '1', '-l', '1', file, path.join(shotsDir, name)]);
	expect(fs.statSync(path.join(shotsDir, `${name}.png`)).size).toBeGreaterThan(1000);
	return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
}
async function get(page: Page, url: string): Promise<Buffer> {
	const res = await page.request.get(`${env.server.url}${url}`);
	expect(res.status(), url).toBe(200);
	return Buffer.from(await res.body());
}
async function signedIn(email: string): Promise<Page> {
	const page = await env.signIn(email, { viewport: { width: 1280, height: 900 } });
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

describe('decision, certificates and public verification', () => {
	let decisionPath = '';
	let qrUrl = '';

	it('the approver previews the decision, issues it, and generates the certificate with progress', async () => {
		const page = await signedIn('lanhdao@demo.vn');
		await page.goto(`${env.server.url}/decisions`, { waitUntil: 'networkidle' });
		await page.getByLabel(/^Phường Kim Long/).check();
		await page.getByLabel('Công nhận', { exact: true }).check();
		await page.getByLabel('Số quyết định').fill('88/QĐ-UBND');
		await page.getByLabel('Họ tên người ký').fill('Phạm Quốc Việt');
		await page.getByLabel('Chức vụ người ký').fill('Chủ tịch');
		const year = new Date().getFullYear();
		await page.getByLabel('Công nhận có hiệu lực từ ngày').fill(`${year}-01-01`);
		await page.getByLabel('Đến ngày').fill(`${year + 2}-12-31`);

		// the preview is the same form posted to the preview endpoint; it opens in a new tab
		const popup = page.waitForEvent('popup');
		await page.getByRole('button', { name: 'Xem trước quyết định (PDF)' }).click();
		const tab = await popup;
		expect(tab.url()).toMatch(/^blob:/);
		await tab.close();
		// nothing typed is lost by the preview
		expect(await page.getByLabel('Số quyết định').inputValue()).toBe('88/QĐ-UBND');
		expect(await page.getByLabel('Họ tên người ký').inputValue()).toBe('Phạm Quốc Việt');
		const form = await page
			.locator('form.decision')
			.evaluate((f: HTMLFormElement) => [...new FormData(f).entries()].map(([k, v]) => [k, String(v)]));
		// the same form, posted here to read the preview's text
		const preview = await page.request.post(`${env.server.url}/decisions/preview.pdf`, {
			data: new URLSearchParams(form).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.server.url }
		});
		expect(preview.status(), await preview.text()).toBe(200);
		const previewText = keepPdf(Buffer.from(await preview.body()), 'quyet-dinh-xem-truoc');
		expect(watermarked('quyet-dinh-xem-truoc')).toBe(true);
		expect(previewText).toContain('88/QĐ-UBND');

		const asked = acceptDialog(page);
		await page.getByRole('button', { name: 'Ban hành quyết định' }).click();
		expect(await asked).toContain('không sửa được');
		await page.waitForURL((u) => /^\/decisions\/\d+$/.test(u.pathname));
		decisionPath = new URL(page.url()).pathname;
		await page.waitForLoadState('networkidle');
		const decisionText = keepPdf(await get(page, `${decisionPath}/decision.pdf`), 'quyet-dinh');
		for (const expected of [
			'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
			'Độc lập - Tự do - Hạnh phúc',
			'QUYẾT ĐỊNH',
			'88/QĐ-UBND',
			'Phường Kim Long',
			'Phạm Quốc Việt'
		])
			expect(decisionText).toContain(expected);
		expect(watermarked('quyet-dinh')).toBe(false);

		// a certificate preview is watermarked; then the certificates are generated
		const itemRow = page.locator('tbody tr', { hasText: 'Phường Kim Long' });
		const previewHref = await itemRow.getByRole('link', { name: /^Xem trước/ }).getAttribute('href');
		const certPreview = keepPdf(await get(page, previewHref!), 'giay-chung-nhan-xem-truoc');
		expect(watermarked('giay-chung-nhan-xem-truoc')).toBe(true);
		expect(certPreview).toContain('GIẤY CHỨNG NHẬN');
		await page.getByRole('button', { name: 'Cấp giấy chứng nhận' }).click();
		await expect.poll(() => page.locator('main').innerText(), { timeout: 30_000 }).toContain('Đã cấp 1/1 giấy chứng nhận');
		// the job's banner and its start note leave when the job ends
		expect(await page.getByText('Đang cấp giấy chứng nhận').count()).toBe(0);
		expect(await page.getByRole('progressbar', { name: 'Tiến độ cấp giấy chứng nhận' }).count()).toBe(0);
		await page.screenshot({ path: path.join(shotsDir, 'trang-quyet-dinh.png'), fullPage: true });

		// the first print needs no reason; the QR carries the verification URL
		const printHref = await itemRow.getByRole('link', { name: 'In giấy chứng nhận' }).getAttribute('href');
		const printed = await get(page, printHref!);
		const certText = keepPdf(printed, 'giay-chung-nhan');
		expect(certText).toContain('Phường Kim Long');
		expect(watermarked('giay-chung-nhan')).toBe(false);
		fs.writeFileSync(path.join(scratch, 'cert.pdf'), printed);
		execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', path.join(scratch, 'cert.pdf'), path.join(scratch, 'cert')]);
		qrUrl = execFileSync('zbarimg', ['--quiet', '--raw', path.join(scratch, 'cert.png')], { encoding: 'utf8' }).trim();
		expect(qrUrl.startsWith(`${env.server.url}/verify/`)).toBe(true);
		// a reprint without a reason is refused
		expect((await page.request.get(`${env.server.url}${printHref}`)).status()).toBe(400);
		expect((await page.request.get(`${env.server.url}${printHref}?reason=${encodeURIComponent('Bản in bị nhòe mực')}`)).status()).toBe(200);
		// the issued certificate in black and white: a print copy, said so beside its link, counted as a print (a reason now)
		const bwLink = itemRow.getByRole('link', { name: /^In bản in đen trắng/ });
		const bwNote = await page.locator(`#${await bwLink.getAttribute('aria-describedby')}`).innerText();
		expect(bwNote).toContain('bản sao để in');
		expect(bwNote).toContain('bản gốc lưu trữ là bản màu');
		const bwHref = (await bwLink.getAttribute('href'))!;
		expect((await page.request.get(`${env.server.url}${bwHref}`)).status()).toBe(400);
		const bwText = keepPdf(
			await get(page, `${bwHref}&reason=${encodeURIComponent('In đen trắng để niêm yết')}`),
			'giay-chung-nhan-den-trang'
		);
		expect(bwText).toContain(/Số: (\S+)/.exec(certText)![0]);
		expect(bwText).toContain(/Mã xác minh: (\S+)/.exec(certText)![0]);
		expect(watermarked('giay-chung-nhan-den-trang')).toBe(false);
		await page.context().close();
	});

	it('the commune reaches its own results from its dossier: the decision, the certificate and the public check', async () => {
		const page = await signedIn(OFFICER_B);
		await page.goto(`${env.server.url}/assessments/${s.assessmentB}`, { waitUntil: 'networkidle' });
		const results = page.locator('section', { has: page.getByRole('heading', { name: 'Quyết định' }) });
		await results.getByRole('link', { name: 'Quyết định số 88/QĐ-UBND (PDF)' }).waitFor();
		await page.screenshot({ path: path.join(shotsDir, 'ho-so-ket-qua.png'), fullPage: true });
		const decision = keepPdf(await get(page, `/assessments/${s.assessmentB}/documents/decision.pdf`), 'quyet-dinh-cua-xa');
		expect(decision).toContain('88/QĐ-UBND');
		expect(decision).toContain('Phường Kim Long');
		const certificate = keepPdf(await get(page, `/assessments/${s.assessmentB}/documents/certificate.pdf`), 'giay-chung-nhan-cua-xa');
		expect(certificate).toContain('Phường Kim Long');
		const verify = await results.getByRole('link', { name: 'Trang xác minh công khai của giấy chứng nhận' }).getAttribute('href');
		expect(qrUrl).toContain(`${env.server.url}${verify}`);
		// another commune's officer reaches none of it
		const other = await signedIn('canbo.xa@demo.vn');
		for (const doc of ['decision.pdf', 'certificate.pdf'])
			expect((await other.request.get(`${env.server.url}/assessments/${s.assessmentB}/documents/${doc}`)).status()).toBe(404);
		await other.context().close();
		await page.context().close();
	});

	it('the verification page opened from the QR says valid without signing in; revoked right after a revocation', async () => {
		const context = await env.browser.newContext({ viewport: { width: 390, height: 800 } });
		const pub = await context.newPage();
		await pub.goto(qrUrl, { waitUntil: 'networkidle' });
		const text = await pub.locator('main').innerText();
		expect(text).toContain('Còn hiệu lực');
		expect(text).toContain('Phường Kim Long');
		expect(text).toContain('88/QĐ-UBND');
		expect(text).toMatch(/Chữ ký số hợp lệ/);
		expect(text).not.toMatch(/Phạm Quốc Việt|@demo\.vn/);
		await pub.screenshot({ path: path.join(shotsDir, 'xac-minh-con-hieu-luc.png'), fullPage: true });
		// a tampered payload in the URL is flagged
		const url = new URL(qrUrl);
		const p = url.searchParams.get('p')!;
		url.searchParams.set('p', p.slice(0, 20) + (p[20] === 'A' ? 'B' : 'A') + p.slice(21));
		await pub.goto(url.toString(), { waitUntil: 'networkidle' });
		expect(await pub.locator('main').innerText()).toMatch(/không hợp lệ|không đọc được|sai định dạng/);
		// an unknown code leads back to the form, on the same page
		await pub.goto(`${env.server.url}/verify/ZZZZZ-ZZZZZ`, { waitUntil: 'networkidle' });
		expect(await pub.getByRole('alert').innerText()).toContain('Không tìm thấy giấy chứng nhận có mã này');
		const [, code] = /\/verify\/([^?]+)/.exec(qrUrl)!;
		await pub.getByLabel(/^Mã xác minh/).fill(code);
		await pub.getByRole('button', { name: 'Xác minh' }).click();
		await pub.waitForURL((u) => u.pathname === `/verify/${code}`);
		expect(await pub.locator('main').innerText()).toContain('Phường Kim Long');

		const page = await signedIn('lanhdao@demo.vn');
		await page.goto(`${env.server.url}${decisionPath}`, { waitUntil: 'networkidle' });
		await page.locator('summary', { hasText: 'Thu hồi công nhận' }).click();
		await page.getByLabel(/^Lý do thu hồi công nhận/).fill('Kiểm tra lại phát hiện số liệu không trung thực');
		const revoking = acceptDialog(page);
		await page.getByRole('button', { name: 'Thu hồi', exact: true }).click();
		expect(await revoking).toMatch(/^Thu hồi công nhận /);
		await page.getByRole('status').filter({ hasText: 'Đã thu hồi' }).waitFor();
		await pub.goto(qrUrl, { waitUntil: 'networkidle' });
		expect(await pub.locator('main').innerText()).toContain('Đã bị thu hồi');
		await pub.screenshot({ path: path.join(shotsDir, 'xac-minh-da-thu-hoi.png'), fullPage: true });
		await context.close();
		await page.context().close();
	});

	it('the reports and the dossier ZIP download, with the evidence named by code', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		const self = keepPdf(await get(page, `/assessments/${s.assessmentB}/documents/self-assessment.pdf`), 'bao-cao-tu-danh-gia');
		for (const expected of ['BÁO CÁO', 'Phường Kim Long', 'TC01.1', '1.000']) expect(self).toContain(expected);
		const appraisal = keepPdf(await get(page, `/review/${s.assessmentB}/appraisal.pdf`), 'bao-cao-tham-dinh');
		expect(appraisal).toContain('BÁO CÁO THẨM ĐỊNH');
		expect(appraisal).toContain('Đề nghị công nhận');
		const zip = await get(page, `/assessments/${s.assessmentB}/documents/dossier.zip`);
		fs.writeFileSync(path.join(scratch, 'ho-so.zip'), zip);
		const listing = execFileSync('unzip', ['-Z1', path.join(scratch, 'ho-so.zip')], { encoding: 'utf8' })
			.split('\n')
			.filter(Boolean);
		expect(listing).toEqual(
			expect.arrayContaining(['01-bao-cao-tu-danh-gia.pdf', '02-bao-cao-tham-dinh.pdf', '03-quyet-dinh-88-QĐ-UBND.pdf'])
		);
		expect(listing.some((n) => n.startsWith('04-giay-chung-nhan-'))).toBe(true);
		expect(listing.some((n) => /^minh-chung\/TC01-01 - /.test(n))).toBe(true);
		expect(listing.some((n) => n.startsWith('ho-so/bien-ban-hoi-dong - '))).toBe(true);
		await page.context().close();
	});
});
