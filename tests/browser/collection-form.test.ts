/**
 * The collection form over HTTP, on the built server (issue 14): a signed-in commune officer
 * downloads the criteria set's blank form and the form of the commune's own dossier (PDF, A4
 * portrait, with the commune's committee in the header); another commune's officer gets 404 for
 * that dossier's form; a signed-out request is sent to the login page; both pages link to it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import { sessionCookie } from '../helpers/server.ts';
import { OFFICER_B, prepareReviewScenario, type ReviewScenario } from '../helpers/review-scenario.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-collection-form-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-collection-form-files-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir);
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => {
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(scratch, { recursive: true, force: true });
});

const get = (url: string, cookie?: string) => fetch(`${env.server.url}${url}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

function pdfText(bytes: Buffer, name: string): { text: string; size: string } {
	expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
	const file = path.join(scratch, `${name}.pdf`);
	fs.writeFileSync(file, bytes);
	const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).normalize('NFC').replace(/\s+/g, ' ');
	const size = /Page size:\s*(.*)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1] ?? '';
	return { text, size };
}

describe('collection form over HTTP', () => {
	it('a signed-in commune officer downloads the blank form of the set', async () => {
		const cookie = await sessionCookie(env.server.url, 'canbo.xa@demo.vn');
		const res = await get('/criteria/1/form.pdf', cookie);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment;.*phieu-thu-thap-so-lieu-QD06-2019-1\.pdf/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const { text, size } = pdfText(Buffer.from(await res.arrayBuffer()), 'blank');
		expect(size).toMatch(/^595(\.\d+)? x 841\.89 pts \(A4\)/);
		expect(text).toContain('PHIẾU THU THẬP SỐ LIỆU');
		expect(text).toContain('XÃ/PHƯỜNG …');
	});

	it("the dossier's form: its own commune in the header, never another commune's", async () => {
		const officerA = await sessionCookie(env.server.url, 'canbo.xa@demo.vn');
		const own = await get(`/criteria/QD06-2019%40${1}/form.pdf?assessment=${s.assessmentA}`, officerA);
		expect(own.status).toBe(200);
		expect(own.headers.get('content-type')).toBe('application/pdf');
		const { text } = pdfText(Buffer.from(await own.arrayBuffer()), 'dossier');
		expect(text).toContain('ỦY BAN NHÂN DÂN PHƯỜNG PHÚ XUÂN');
		expect(text).not.toContain('XÃ/PHƯỜNG …');

		const officerB = await sessionCookie(env.server.url, OFFICER_B);
		expect((await get(`/criteria/1/form.pdf?assessment=${s.assessmentA}`, officerB)).status).toBe(404);
		expect((await get(`/criteria/1/form.pdf?assessment=${s.assessmentB}`, officerB)).status).toBe(200);
	});

	it('a signed-out request is sent to the login page', async () => {
		const res = await get('/criteria/1/form.pdf');
		expect(res.status).toBe(303);
		expect(new URL(res.headers.get('location')!, env.server.url).pathname).toBe('/login');
	});

	it('the criteria set page and the data entry page link to it', async () => {
		const cookie = await sessionCookie(env.server.url, 'canbo.xa@demo.vn');
		const setPage = await (await get('/criteria/1', cookie)).text();
		expect(setPage).toContain('href="/criteria/1/form.pdf"');
		expect(setPage).toContain('In phiếu thu thập số liệu (PDF)');
		const entry = await (await get(`/assessments/${s.assessmentA}/criteria`, cookie)).text();
		expect(entry).toContain(`/form.pdf?assessment=${s.assessmentA}`);
		expect(entry).toContain('In phiếu thu thập số liệu (PDF)');
	});
});
