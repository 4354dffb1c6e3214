/**
 * Documents and issue 12 (security), on the built server in Chromium:
 * - A: without PUBLIC_URL, a certificate preview asked for with `Host: evil.example` carries no
 *   evil.example (its QR, decoded with zbarimg, goes to a marked placeholder); the decision page
 *   says beside the issue button that PUBLIC_URL is unset, and issuing is refused there.
 * - C: evidence viewed inline (`?view=1`) runs in a CSP sandbox and still shows in Chromium's PDF
 *   viewer; a PDF with JavaScript in /OpenAction is not shown inline (its script never runs: no
 *   dialog), a small page says why and links to the download.
 * - B: the server killed (SIGKILL) right after a certificate job started; started again, the
 *   decision page, polling, offers the retry as soon as the dead job's heartbeat is stale (30 s,
 *   not 15 minutes), and the retry issues the certificate, whose QR carries PUBLIC_URL.
 * Screenshots go to test-results/screenshots/security/.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, sessionCookie, startServer, type RunningServer } from '../helpers/server.ts';
import { withDataDir } from '../helpers/db.ts';
import { pdf } from '../helpers/files.ts';
import { pdfOfObjects } from '../../scripts/seed/scale.ts';
import { prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { loadStorageSettings } from '#lib/server/config.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shotsDir = path.join(root, 'test-results', 'screenshots', 'security');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-sec-docs-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-sec-docs-files-'));
let s: ReviewScenario;
let server: RunningServer | undefined;
let browser: Browser;
const evidence = { script: 0, clean: 0 };

/** A one-page PDF whose /OpenAction runs `app.alert("PDFJS-ALERT")` (Chromium's viewer runs it). */
function pdfWithScript(note: string): Buffer {
	const content = `BT /F1 12 Tf 20 100 Td (${note}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
		'<< /Type /Action /S /JavaScript /JS (app.alert\\("PDFJS-ALERT"\\)) >>'
	];
	return pdfOfObjects(objects);
}

beforeAll(async () => {
	s = await prepareReviewScenario(dataDir);
	// two PDFs backing TC01.1 of dossier A (submitted), stored as an upload stores them: one with a script
	await withDataDir(dataDir, async (t) => {
		const store = localFileStore(loadStorageSettings({}, dataDir).filesDir);
		const uploader = (await t.db.selectFrom('account').select('id').where('email', '=', 'canbo.xa@demo.vn').executeTakeFirstOrThrow()).id;
		for (const [which, name, bytes] of [
			['script', 'bien-ban-co-ma-lenh.pdf', pdfWithScript('Bien ban co ma lenh')],
			['clean', 'bien-ban-sach.pdf', pdf('Bien ban sach se')]
		] as const) {
			const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
			const tmp = path.join(scratch, `${which}.pdf`);
			fs.writeFileSync(tmp, bytes);
			const key = await store.put(tmp, sha256, 'pdf');
			const file = await t.db
				.insertInto('stored_file')
				.values({ sha256, size: bytes.length, mime: 'application/pdf', ext: 'pdf', storage_key: key })
				.returning('id')
				.executeTakeFirstOrThrow();
			const e = await t.db
				.insertInto('evidence')
				.values({ assessment_id: s.assessmentA, file_id: file.id, kind: 'evidence', original_name: name, uploaded_by: uploader })
				.returning('id')
				.executeTakeFirstOrThrow();
			await t.db.insertInto('evidence_link').values({ evidence_id: e.id, indicator_code: 'TC01.1' }).execute();
			evidence[which] = e.id;
		}
	});
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(scratch, { recursive: true, force: true });
});

async function signIn(email: string, viewport = { width: 1366, height: 900 }): Promise<Page> {
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	await page.goto(`${server!.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

/** GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(
	url: string,
	host: string,
	cookie: string
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { headers: { host, cookie } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}

function qrOf(bytes: Buffer, name: string): string {
	const file = path.join(scratch, `${name}.pdf`);
	fs.writeFileSync(file, bytes);
	execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(scratch, name)]);
	return execFileSync('zbarimg', ['--quiet', '--raw', path.join(scratch, `${name}.png`)], { encoding: 'utf8' }).trim();
}
function textOf(bytes: Buffer, name: string): string {
	const file = path.join(scratch, `${name}.pdf`);
	fs.writeFileSync(file, bytes);
	return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
}

describe('without PUBLIC_URL, and PDFs viewed in the page', () => {
	beforeAll(async () => {
		// PUBLIC_URL unset (and no demo start, which would set it to the server's address)
		server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province', PUBLIC_URL: '', DEMO_SEED: '0' });
	}, 180_000);
	afterAll(async () => {
		await server?.stop();
		server = undefined;
	});

	it('a certificate preview asked for with Host: evil.example carries no evil.example: a marked placeholder instead', async () => {
		const cookie = await sessionCookie(server!.url, 'lanhdao@demo.vn');
		for (const [name, query] of [
			['preview-evil-host', 'preview=1'],
			['preview-evil-host-bw', 'preview=1&bw=1']
		]) {
			const res = await getWithHost(
				`${server!.url}/decisions/${s.decisionId}/certificates/${s.decisionItemId}?${query}`,
				'evil.example',
				cookie
			);
			expect(res.status, res.body.toString().slice(0, 300)).toBe(200);
			expect(res.headers['content-type']).toBe('application/pdf');
			expect(res.body.includes('evil.example')).toBe(false);
			const qr = qrOf(res.body, name);
			expect(qr).not.toContain('evil.example');
			expect(new URL(qr).hostname).toBe('chua-dat-public-url.invalid');
			const text = textOf(res.body, name);
			expect(text).not.toContain('evil.example');
			expect(text).toContain('PUBLIC_URL chưa được đặt');
		}
	});

	it('the decision page says PUBLIC_URL is unset where the issue button is; issuing is refused there, nothing issued', async () => {
		fs.mkdirSync(shotsDir, { recursive: true });
		for (const [screen, viewport] of [
			['desktop', { width: 1366, height: 900 }],
			['phone', { width: 390, height: 844 }]
		] as const) {
			const page = await signIn('lanhdao@demo.vn', viewport);
			await page.goto(`${server!.url}/decisions/${s.decisionId}`, { waitUntil: 'networkidle' });
			const section = page.locator('section', { has: page.getByRole('heading', { name: 'Giấy chứng nhận' }) });
			const button = section.getByRole('button', { name: 'Cấp giấy chứng nhận' });
			await expect.poll(() => button.isDisabled()).toBe(true);
			const notice = section.locator('#public-url-missing');
			expect(await notice.innerText()).toMatch(/PUBLIC_URL/);
			expect(await notice.innerText()).toMatch(/quản trị hệ thống/);
			expect(await button.getAttribute('aria-describedby')).toBe('public-url-missing');
			await button.scrollIntoViewIfNeeded(); // the notice is just above it
			await page.screenshot({ path: path.join(shotsDir, `quyet-dinh-chua-dat-public-url-${screen}.png`) });

			if (screen === 'desktop') {
				// the button forced on: the server refuses, and the refusal shows beside the button
				await button.evaluate((b: HTMLButtonElement) => (b.disabled = false));
				await button.click();
				const refusal = section.locator('#cert-refusal');
				await refusal.waitFor();
				expect(await refusal.getAttribute('role')).toBe('alert');
				expect(await refusal.innerText()).toMatch(/PUBLIC_URL/);
				await page.screenshot({ path: path.join(shotsDir, `quyet-dinh-cap-bi-tu-choi-${screen}.png`) });
				// nothing issued, no job
				expect(await section.innerText()).toContain('Đã cấp 0/1 giấy chứng nhận');
				const job = await page.request.get(`${server!.url}/decisions/${s.decisionId}/job`);
				expect(await job.json()).toBeNull();
			}
			await page.context().close();
		}
		// the same refusal for a form posted without JavaScript (409, the page with the message)
		const cookie = await sessionCookie(server!.url, 'lanhdao@demo.vn');
		const res = await fetch(`${server!.url}/decisions/${s.decisionId}?/certificates`, {
			method: 'POST',
			headers: { cookie, origin: server!.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: ''
		});
		expect(res.status).toBe(409);
		expect(await res.text()).toContain('id="cert-refusal"');
	});

	it('evidence viewed inline is sandboxed and still shown by the PDF viewer; a PDF with a script is not shown, its script never runs', async () => {
		const cookie = await sessionCookie(server!.url, 'thamdinh@demo.vn');
		const view = (id: number) => fetch(`${server!.url}/assessments/${s.assessmentA}/evidence/${id}?view=1`, { headers: { cookie } });

		// the clean PDF: inline, in a sandbox without scripts or the app's origin
		const clean = await view(evidence.clean);
		expect(clean.status).toBe(200);
		expect(clean.headers.get('content-type')).toBe('application/pdf');
		expect(clean.headers.get('content-disposition')).toMatch(/^inline/);
		const csp = clean.headers.get('content-security-policy') ?? '';
		expect(csp.split(';').map((d) => d.trim())).toContain('sandbox');
		expect(csp).not.toMatch(/allow-scripts|allow-same-origin/);
		expect(csp).toContain("frame-ancestors 'self'");

		// the PDF with JavaScript in /OpenAction: no PDF at all, a page that says why and links to the download
		const script = await view(evidence.script);
		expect(script.status).toBe(415);
		expect(script.headers.get('content-type')).toMatch(/^text\/html/);
		expect(script.headers.get('content-disposition')).toBeNull();
		expect(script.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		const body = await script.text();
		expect(body).not.toContain('%PDF');
		expect(body).toMatch(/mã lệnh/);
		expect(body).toContain(`href="/assessments/${s.assessmentA}/evidence/${evidence.script}"`);
		// the download is still there (an attachment in a sandbox)
		const download = await fetch(`${server!.url}/assessments/${s.assessmentA}/evidence/${evidence.script}`, { headers: { cookie } });
		expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
		expect(download.headers.get('content-security-policy')).toMatch(/sandbox/);
		expect(
			Buffer.from(await download.arrayBuffer())
				.subarray(0, 5)
				.toString()
		).toBe('%PDF-');

		// in Chromium, inside the review page
		const page = await signIn('thamdinh@demo.vn');
		const dialogs: string[] = [];
		page.on('dialog', async (d) => {
			dialogs.push(d.message());
			await d.dismiss();
		});
		await page.goto(`${server!.url}/review/${s.assessmentA}`, { waitUntil: 'networkidle' });
		const details = page.locator('details.criterion', { has: page.locator('summary:has-text("TC01.")') });
		if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
		for (const which of ['clean', 'script'] as const) {
			const name = which === 'clean' ? 'bien-ban-sach.pdf' : 'bien-ban-co-ma-lenh.pdf';
			const item = details.locator('li', { hasText: name }).first();
			await item.getByRole('button', { name: 'Xem tại đây' }).click();
			const frame = item.locator('iframe.viewer');
			await frame.waitFor();
			await page.waitForTimeout(2500); // the viewer loads, and a script would run
			await frame.scrollIntoViewIfNeeded();
			await page.screenshot({ path: path.join(shotsDir, `xem-minh-chung-${which}.png`) });
			const frames = page.frames().map((f) => f.url());
			const viewer = frames.some((u) => u.startsWith('chrome-extension://'));
			if (which === 'clean') expect(viewer, frames.join('\n')).toBe(true);
			else {
				const inner = page.frames().find((f) => f.url().endsWith(`/evidence/${evidence.script}?view=1`))!;
				expect(await inner.locator('body').innerText()).toMatch(/mã lệnh/);
				expect(viewer, frames.join('\n')).toBe(false);
			}
			await item.getByRole('button', { name: 'Đóng' }).click();
		}
		// opened in a tab of its own, too
		await page.goto(`${server!.url}/assessments/${s.assessmentA}/evidence/${evidence.script}?view=1`);
		await page.waitForTimeout(2500);
		expect(await page.locator('body').innerText()).toMatch(/Tải về bien-ban-co-ma-lenh\.pdf/);
		expect(dialogs).toEqual([]);
		await page.context().close();
	}, 120_000);
});

describe('after the server above stopped', () => {
	it('the refused inline view is in the audit trail, with what was found', async () => {
		const refused = await withDataDir(dataDir, (t) =>
			t.db.selectFrom('audit_log').select(['object_id', 'details']).where('action', '=', 'evidence.view_refused').execute()
		);
		expect(refused.map((r) => r.object_id)).toEqual([String(evidence.script), String(evidence.script), String(evidence.script)]);
		expect(refused[0].details).toMatchObject({ assessmentId: s.assessmentA, found: ['JS', 'JavaScript'] });
	});
});

describe('a certificate job cut off by a crash', () => {
	it('is taken over as soon as its heartbeat is stale: the page offers the retry by itself, and the retry issues the certificate', async () => {
		// the demo start: PUBLIC_URL is the server's own address (tests/helpers/server.ts)
		server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		const cookie = await sessionCookie(server.url, 'lanhdao@demo.vn');
		const started = await fetch(`${server.url}/decisions/${s.decisionId}?/certificates`, {
			method: 'POST',
			headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: ''
		});
		expect(started.status, await started.clone().text()).toBe(200);
		await server.kill('SIGKILL'); // the job had just started: its first certificate was still being laid out
		const crashedAt = Date.now();
		const left = await withDataDir(dataDir, async (t) => ({
			jobs: await t.db.selectFrom('document_job').select(['id', 'status', 'done']).where('decision_id', '=', s.decisionId!).execute(),
			certificates: await t.db.selectFrom('certificate').select('id').execute()
		}));
		expect(left.jobs).toEqual([{ id: expect.any(Number), status: 'running', done: 0 }]);
		expect(left.certificates).toEqual([]);

		server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
		const page = await signIn('lanhdao@demo.vn');
		await page.goto(`${server.url}/decisions/${s.decisionId}`, { waitUntil: 'networkidle' });
		const section = page.locator('section', { has: page.getByRole('heading', { name: 'Giấy chứng nhận' }) });
		// within the heartbeat's threshold the job still counts as running; after it, the page (polling) offers the retry
		const button = section.getByRole('button', { name: 'Cấp giấy chứng nhận' });
		await button.waitFor({ timeout: 60_000 });
		expect(Date.now() - crashedAt).toBeLessThan(90_000);
		expect(await section.innerText()).toMatch(/bị gián đoạn/);
		await button.scrollIntoViewIfNeeded();
		await page.screenshot({ path: path.join(shotsDir, 'quyet-dinh-sau-su-co.png') });
		await button.click();
		await expect.poll(() => section.innerText(), { timeout: 30_000 }).toContain('Đã cấp 1/1 giấy chứng nhận');
		const printHref = await page.getByRole('link', { name: 'In giấy chứng nhận' }).getAttribute('href');
		const printed = await page.request.get(`${server.url}${printHref}`);
		expect(printed.status()).toBe(200);
		const qr = qrOf(Buffer.from(await printed.body()), 'cert-after-crash');
		expect(qr.startsWith(`${server.url}/verify/`)).toBe(true);
		await page.context().close();
		const jobs = await fetch(`${server.url}/decisions/${s.decisionId}/job`, {
			headers: { cookie: await sessionCookie(server.url, 'lanhdao@demo.vn') }
		});
		expect(await jobs.json()).toMatchObject({ status: 'done', done: 1, total: 1 });
	}, 240_000);
});
