/**
 * Evidence uploads against the built server: the streaming endpoint over HTTP (types decided by
 * content, the size limit, no leftovers, cross-commune 404s), download headers, and the upload
 * form in Chromium (progress bar, the uploaded file listed). The server runs with
 * UPLOAD_MAX_MB=1 and a BODY_SIZE_LIMIT above it, on a data directory prepared beforehand with
 * a round for two communes; afterwards the database is opened again to check the rows and the
 * audit records the server wrote.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sessionCookie, startServer, CHROMIUM, CHROMIUM_ARGS, type RunningServer } from '../helpers/server.ts';
import { seedRound } from '../helpers/fixtures.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { loadConfig } from '#lib/server/config.ts';
import { connect } from '#lib/server/db/index.ts';
import { pdf } from '../helpers/files.ts';
import { withDataDir } from '../helpers/db.ts';

function png(): Buffer {
	const chunk = (type: string, data: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const b = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(zlib.crc32(b) >>> 0);
		return Buffer.concat([len, b, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(1, 0);
	ihdr.writeUInt32BE(1, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(Buffer.from([0, 11, 110, 79]))),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const listFiles = (dir: string): string[] =>
	fs.existsSync(dir)
		? fs
				.readdirSync(dir, { recursive: true, withFileTypes: true })
				.filter((e) => e.isFile())
				.map((e) => path.join(e.parentPath, e.name))
		: [];

// --- server with a prepared data directory ------------------------------------------------------

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-evidence-ui-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-evidence-files-'));
let server: RunningServer;
let browser: Browser;
let f: Awaited<ReturnType<typeof seedRound>>;
let downloads = 0;
const accepted: string[] = []; // sha256 of every upload answered 201

async function openDb() {
	const config = loadConfig({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
	const conn = await connect(config);
	return { ...conn, config, drop: conn.close };
}

beforeAll(async () => {
	f = await withDataDir(dataDir, seedRound);
	server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province', UPLOAD_MAX_MB: '1', BODY_SIZE_LIMIT: '3M' });
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(scratch, { recursive: true, force: true });
});

const cookieFor = (email: string) => sessionCookie(server.url, email);

function form(fields: [string, string][], file: { name: string; bytes: Buffer; type?: string }): FormData {
	const fd = new FormData();
	for (const [k, v] of fields) fd.append(k, v);
	fd.append('file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? 'application/octet-stream' }));
	return fd;
}

async function post(assessmentId: number, cookie: string, body: FormData, origin: string | null = server.url) {
	const res = await fetch(`${server.url}/assessments/${assessmentId}/evidence/upload`, {
		method: 'POST',
		headers: { cookie, accept: 'application/json', ...(origin ? { origin } : {}) },
		body,
		redirect: 'manual'
	});
	const text = await res.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { status: res.status, json, text, headers: res.headers };
}

/**
 * The same upload through node:http, answered as soon as the server answers: a body refused from
 * its Content-Length is never read, and the server closes the connection after its 413 while the
 * rest is still being sent. A browser shows that early answer; fetch (undici) reports the write
 * error instead, depending on timing. The write error after the answer is the expected end.
 */
async function postEarlyAnswer(assessmentId: number, cookie: string, body: FormData) {
	const request = new Request('http://localhost/', { method: 'POST', body });
	const bytes = Buffer.from(await request.arrayBuffer());
	return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
		let answered = false;
		const req = http.request(
			`${server.url}/assessments/${assessmentId}/evidence/upload`,
			{
				method: 'POST',
				headers: {
					cookie,
					accept: 'application/json',
					origin: server.url,
					'content-type': request.headers.get('content-type')!,
					'content-length': String(bytes.length)
				}
			},
			(res) => {
				answered = true;
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
				res.on('error', reject);
			}
		);
		req.on('error', (e) => (answered ? undefined : reject(e)));
		req.end(bytes);
	});
}

const storedFiles = () => listFiles(path.join(dataDir, 'files'));
const tempFiles = () => listFiles(path.join(dataDir, 'tmp'));

describe('the upload and download endpoints of the built server', () => {
	let pdfId: number;
	const letter = pdf('Bien ban hop');

	it('accepts a PDF and a PNG, decided by content, and answers with id, code, name, size and SHA-256', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const r = await post(
			f.assessmentA,
			cookie,
			form(
				[
					['kind', 'evidence'],
					['indicator', 'TC07.1'],
					['doc_number', '15/BB-UBND'],
					['issued_on', '2025-06-30'],
					['issuer', 'UBND phường Phú Xuân'],
					['summary', 'Biên bản họp về tiêm chủng mở rộng']
				],
				{ name: 'Biên bản họp (bản chính).pdf', bytes: letter, type: 'text/plain' }
			)
		);
		expect(r.status, r.text).toBe(201);
		expect(r.json).toEqual({
			id: expect.any(Number),
			code: 'TC07-01',
			name: 'Biên bản họp (bản chính).pdf',
			size: letter.length,
			sha256: sha(letter)
		});
		pdfId = r.json.id as number;
		accepted.push(sha(letter));

		const image = png();
		const p = await post(f.assessmentA, cookie, form([['indicator', 'TC08.1']], { name: 'ảnh-chụp.png', bytes: image }));
		expect(p.status, p.text).toBe(201);
		expect(p.json).toMatchObject({ code: 'TC08-01', name: 'ảnh-chụp.png', sha256: sha(image) });
		accepted.push(sha(image));
		expect(
			storedFiles()
				.map((x) => path.basename(x))
				.sort()
		).toEqual([`${sha(letter)}.pdf`, `${sha(image)}.png`].sort());
		expect(tempFiles()).toEqual([]);
	});

	it('refuses a text file named .pdf with 415, and invalid fields with 400', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const before = storedFiles().length;
		const r = await post(
			f.assessmentA,
			cookie,
			form([['indicator', 'TC07.1']], { name: 'gia-mao.pdf', bytes: Buffer.from('Đây không phải là PDF.\n'), type: 'application/pdf' })
		);
		expect(r.status).toBe(415);
		expect(r.json.message).toMatch(/^Định dạng tệp không được chấp nhận/);
		const bad = await post(f.assessmentA, cookie, form([['indicator', 'TC99.1']], { name: 'a.pdf', bytes: pdf('x') }));
		expect(bad.status).toBe(400);
		expect(bad.json).toMatchObject({
			message: 'Chỉ số không có trong bộ tiêu chí của hồ sơ: TC99.1.',
			fieldErrors: { indicator: expect.any(String) }
		});
		expect(storedFiles()).toHaveLength(before);
		expect(tempFiles()).toEqual([]);
	});

	it('refuses a file over UPLOAD_MAX_MB with 413 and leaves no file behind', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const before = storedFiles().length;
		// streamed until the file passes 1 MB
		const big = pdf('qua lon', 1.5 * 1024 * 1024);
		const r = await post(f.assessmentA, cookie, form([['indicator', 'TC07.1']], { name: 'lon.pdf', bytes: big }));
		expect(r.status).toBe(413);
		expect(r.json.message).toBe('Tệp quá lớn: dung lượng tối đa cho mỗi tệp là 1 MB. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại.');
		// refused from its Content-Length, before reading
		const huge = pdf('rat lon', 2.5 * 1024 * 1024);
		const h = await postEarlyAnswer(f.assessmentA, cookie, form([['indicator', 'TC07.1']], { name: 'rat-lon.pdf', bytes: huge }));
		expect(h.status).toBe(413);
		expect(h.json.message).toMatch(/^Tệp quá lớn/);
		expect(storedFiles()).toHaveLength(before);
		expect(tempFiles()).toEqual([]);
	});

	it('takes UPLOAD_MAX_MB inclusively: a file of exactly 1 MiB is accepted, one byte more is refused', async () => {
		// on commune B's dossier: commune A's list is counted by the page tests below
		const cookie = await cookieFor('canbo.xa2@demo.vn');
		const limit = 1024 * 1024;
		const exact = pdf('dung gioi han', limit);
		expect(exact.length).toBe(limit);
		const ok = await post(f.assessmentB, cookie, form([['indicator', 'TC07.1']], { name: 'dung-1mb.pdf', bytes: exact }));
		expect(ok.status, ok.text).toBe(201);
		expect(ok.json.size).toBe(limit);
		accepted.push(sha(exact));
		const before = storedFiles().length;
		const over = pdf('qua gioi han', limit + 1);
		const r = await post(f.assessmentB, cookie, form([['indicator', 'TC07.1']], { name: 'qua-1mb.pdf', bytes: over }));
		expect(r.status).toBe(413);
		expect(r.json.message).toMatch(/^Tệp quá lớn/);
		expect(storedFiles()).toHaveLength(before);
		expect(tempFiles()).toEqual([]);
	});

	it('offers downloads as attachments with the Vietnamese name, the stored type, nosniff and no-store', async () => {
		const cookie = await cookieFor('canbo.xa@demo.vn');
		const res = await fetch(`${server.url}/assessments/${f.assessmentA}/evidence/${pdfId}`, { headers: { cookie } });
		downloads++;
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toBe(
			`attachment; filename="Bien ban hop _ban chinh_.pdf"; filename*=UTF-8''${encodeURIComponent('Biên bản họp (bản chính).pdf').replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))}`
		);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('content-length')).toBe(String(letter.length));
		expect(Buffer.from(await res.arrayBuffer()).equals(letter)).toBe(true);

		// the reviewer of the province may read it
		const reviewer = await cookieFor('thamdinh@demo.vn');
		const rr = await fetch(`${server.url}/assessments/${f.assessmentA}/evidence/${pdfId}`, { headers: { cookie: reviewer } });
		downloads++;
		expect(rr.status).toBe(200);
		await rr.arrayBuffer();
	});

	it("answers 404 to another commune's officer, for download and upload, and through another assessment", async () => {
		const other = await cookieFor('canbo.xa2@demo.vn');
		const d = await fetch(`${server.url}/assessments/${f.assessmentA}/evidence/${pdfId}`, { headers: { cookie: other } });
		expect(d.status).toBe(404);
		const u = await post(f.assessmentA, other, form([['indicator', 'TC07.1']], { name: 'x.pdf', bytes: pdf('xam nhap') }));
		expect(u.status).toBe(404);
		// their own assessment does not reach commune A's document either
		const own = await fetch(`${server.url}/assessments/${f.assessmentB}/evidence/${pdfId}`, { headers: { cookie: other } });
		expect(own.status).toBe(404);
		for (const id of ['abc', '0', '99999999999'])
			expect(
				(
					await fetch(`${server.url}/assessments/${f.assessmentA}/evidence/${id}`, {
						headers: { cookie: await cookieFor('canbo.xa@demo.vn') }
					})
				).status
			).toBe(404);
		expect(tempFiles()).toEqual([]);
	});

	it('refuses reviewers (403), cross-site posts (403) and anonymous requests (sign-in)', async () => {
		const reviewer = await cookieFor('thamdinh@demo.vn');
		expect((await post(f.assessmentA, reviewer, form([['indicator', 'TC07.1']], { name: 'x.pdf', bytes: pdf('r') }))).status).toBe(403);
		const officer = await cookieFor('canbo.xa@demo.vn');
		expect(
			(await post(f.assessmentA, officer, form([['indicator', 'TC07.1']], { name: 'x.pdf', bytes: pdf('c') }), 'https://evil.example'))
				.status
		).toBe(403);
		const anon = await fetch(`${server.url}/assessments/${f.assessmentA}/evidence/${pdfId}`, { redirect: 'manual' });
		expect(anon.status).toBe(303);
		expect(anon.headers.get('location')).toMatch(/^\/login\?next=/);
	});
});

describe('the evidence page in Chromium', () => {
	async function signedIn(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
		const context = await browser.newContext({ viewport, acceptDownloads: true });
		const page = await context.newPage();
		await page.goto(`${server.url}/login`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Đăng nhập' }).click();
		await page.waitForURL((u) => u.pathname === '/');
		return page;
	}

	it('uploads with a progress bar, on a phone-sized screen, and lists the file', async () => {
		const page = await signedIn('canbo.xa@demo.vn', { width: 390, height: 844 });
		await page.goto(`${server.url}/assessments/${f.assessmentA}/evidence?indicator=TC07.1`, { waitUntil: 'networkidle' });
		await page.getByRole('heading', { level: 1, name: 'Tài liệu minh chứng và văn bản hồ sơ' }).waitFor();
		expect(await page.getByRole('checkbox', { name: /TC07\.1/ }).isChecked()).toBe(true);

		// a file over the limit is stopped before sending
		const tooBig = path.join(scratch, 'Báo cáo quá lớn.pdf');
		fs.writeFileSync(tooBig, pdf('lon', 1.2 * 1024 * 1024));
		await page.getByLabel('Tệp', { exact: true }).setInputFiles(tooBig);
		const alert = page.getByRole('alert');
		await alert.waitFor();
		expect(await alert.innerText()).toMatch(/vượt quá giới hạn 1 MB/);

		// a file whose content is not what its name says is refused by the server
		const fake = path.join(scratch, 'giả mạo.pdf');
		fs.writeFileSync(fake, 'Đây không phải là PDF.\n');
		await page.getByLabel('Tệp', { exact: true }).setInputFiles(fake);
		await page.getByRole('button', { name: 'Tải lên' }).click();
		await page.getByRole('alert').filter({ hasText: 'Định dạng tệp không được chấp nhận' }).waitFor();

		// slow the upload down so that the progress can be seen moving
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', {
			offline: false,
			latency: 20,
			downloadThroughput: -1,
			uploadThroughput: 256 * 1024
		});
		const file = path.join(scratch, 'Kế hoạch tiêm chủng 2026.pdf');
		const bytes = pdf('ke hoach', 900 * 1024);
		fs.writeFileSync(file, bytes);
		await page.getByLabel('Số hiệu văn bản').fill('20/KH-UBND');
		await page.getByLabel('Ngày ban hành').fill('2026-01-15');
		await page.getByLabel('Cơ quan ban hành').fill('UBND phường Phú Xuân');
		await page.getByLabel('Trích yếu').fill('Kế hoạch tiêm chủng mở rộng năm 2026');
		await page.getByLabel('Tệp', { exact: true }).setInputFiles(file);
		expect(await page.getByRole('alert').count()).toBe(0);
		await page.getByRole('button', { name: 'Tải lên' }).click();
		const bar = page.getByRole('progressbar', { name: 'Tiến độ tải lên' });
		await bar.waitFor();
		// seen part-way
		await page.waitForFunction(() => {
			const p = document.querySelector('progress');
			return p !== null && p.value > 0 && p.value < 100;
		});
		await page.getByRole('status').filter({ hasText: 'Đã tải lên' }).waitFor({ timeout: 30_000 });
		await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
		expect(await page.getByRole('status').filter({ hasText: 'Đã tải lên' }).innerText()).toMatch(
			/^Đã tải lên “Kế hoạch tiêm chủng 2026\.pdf” \(900 KB\), mã minh chứng TC07-0\d\.$/
		);
		expect(await bar.getAttribute('value')).toBe('100');
		accepted.push(sha(bytes));

		const item = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Kế hoạch tiêm chủng 2026\.pdf/ }) });
		await item.waitFor();
		const text = await item.innerText();
		expect(text).toMatch(/TC07-0\d/);
		expect(text).toContain('20/KH-UBND');
		expect(text).toContain('15/01/2026');
		expect(text).toContain('UBND phường Phú Xuân');
		expect(text).toContain('Nguyễn Thị Hoa');
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

		// the download link gives the same bytes
		const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: /Tải về/ }).click()]);
		downloads++;
		expect(download.suggestedFilename()).toBe('Kế hoạch tiêm chủng 2026.pdf');
		expect(fs.readFileSync((await download.path())!).equals(bytes)).toBe(true);
		await page.context().close();
	});

	it('a reviewer sees the list without the upload form', async () => {
		const page = await signedIn('thamdinh@demo.vn');
		await page.goto(`${server.url}/assessments/${f.assessmentA}/evidence`, { waitUntil: 'networkidle' });
		await page.getByRole('heading', { name: /Danh sách tài liệu \(3\)/ }).waitFor();
		expect(await page.getByRole('button', { name: 'Tải lên' }).count()).toBe(0);
		expect(await page.getByRole('button', { name: /^Gỡ/ }).count()).toBe(0);
		// a compact table, grouped by criterion: one short row per file, each group under its heading
		const groups = await page.locator('section.group h3').allInnerTexts();
		expect(groups.length).toBeGreaterThan(0);
		for (const g of groups) expect(g).toMatch(/^(Văn bản hồ sơ|TC\d{2}\. .+|Chưa gắn chỉ số) \(\d+\)$/);
		const rows = page.locator('table.docs tbody tr');
		expect(await rows.count()).toBe(3);
		for (const box of await Promise.all((await rows.all()).map((r) => r.boundingBox()))) expect(box!.height).toBeLessThan(130);
		await page.context().close();
	});
});

describe('removing in Chromium', () => {
	it('the officer removes a document after confirming; it leaves the list', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.url}/login`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email').fill('canbo.xa@demo.vn');
		await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Đăng nhập' }).click();
		await page.waitForURL((u) => u.pathname === '/');
		await page.goto(`${server.url}/assessments/${f.assessmentA}/evidence`, { waitUntil: 'networkidle' });
		page.once('dialog', (d) => {
			expect(d.message()).toBe('Gỡ tài liệu “ảnh-chụp.png” khỏi hồ sơ?');
			void d.accept();
		});
		await page.getByRole('button', { name: 'Gỡ ảnh-chụp.png' }).click();
		await page.getByRole('status').filter({ hasText: 'Đã gỡ tài liệu khỏi hồ sơ.' }).waitFor();
		await page.getByRole('heading', { name: /Danh sách tài liệu \(2\)/ }).waitFor();
		expect(await page.getByRole('link', { name: 'ảnh-chụp.png' }).count()).toBe(0);
		await context.close();
	});
});

describe('what the server recorded', () => {
	it('has a row per accepted upload, an audit record per download, and no stray file', async () => {
		await server.stop();
		const t = await openDb();
		try {
			const rows = await t.db.selectFrom('evidence as e').innerJoin('stored_file as s', 's.id', 'e.file_id').select(['s.sha256']).execute();
			expect(rows.map((r) => r.sha256).sort()).toEqual([...accepted].sort());
			const audit = await t.db
				.selectFrom('audit_log')
				.select(['action', 'actor_label'])
				.where('action', 'like', 'evidence.%')
				.orderBy('id')
				.execute();
			expect(audit.filter((a) => a.action === 'evidence.upload')).toHaveLength(accepted.length);
			expect(audit.filter((a) => a.action === 'evidence.download')).toHaveLength(downloads);
			expect(audit.filter((a) => a.action === 'evidence.remove')).toHaveLength(1);
			expect(
				storedFiles()
					.map((p) => path.basename(p).split('.')[0])
					.sort()
			).toEqual([...new Set(accepted)].sort());
			expect(tempFiles()).toEqual([]);
		} finally {
			await t.close();
		}
	});
});
