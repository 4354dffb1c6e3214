/**
 * SERVER_PROCESSES > 1 (PostgreSQL only): `npm start` shares its port among several server
 * processes (node:cluster). What must hold whichever process takes a request: a session signed
 * in on one is valid on the others; the survey's per-address limit counts an address's answers
 * across them (its key is drawn once for all); a process that dies is replaced; a stop stops
 * them all. Requests go out on fresh connections (no keep-alive), so they spread over the
 * processes; each request's log line says which process (pid) answered it.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#lib/server/config.ts';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { childProcesses, startServer, type RunningServer } from '../helpers/server.ts';

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

/**
 * One request on a connection of its own (from a client address of the test: the server reads
 * it from x-forwarded-for); resolves with the status (and the session cookie set, if any).
 */
function send(
	url: string,
	opts: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<{ status: number; cookie?: string }> {
	return new Promise((resolve, reject) => {
		const headers = { 'x-forwarded-for': '198.51.100.1', ...opts.headers };
		const req = http.request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
			res.resume();
			const m = /session=([^;]+)/.exec(String(res.headers['set-cookie'] ?? ''));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: m ? `session=${m[1]}` : undefined }));
		});
		req.on('error', reject);
		req.end(opts.body);
	});
}

/** The pid that logged each request id given (the request log's JSON lines). */
function pidsOf(log: string, ids: string[]): Map<string, number> {
	const wanted = new Set(ids);
	const out = new Map<string, number>();
	for (const line of log.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const l = JSON.parse(line) as { msg?: string; id?: string; pid?: number };
			if (l.msg === 'request' && l.id && wanted.has(l.id) && l.pid) out.set(l.id, l.pid);
		} catch {
			/* not a log line */
		}
	}
	return out;
}

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 60_000) => {
	const end = Date.now() + ms;
	while (!(await ok())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
};

describe('the configuration', () => {
	it('takes 1–64 or auto, and refuses several processes on the embedded database', () => {
		expect(loadConfig({ DATA_DIR: 'memory://' }).serverProcesses).toBe(1);
		expect(loadConfig({ DATA_DIR: 'memory://', DATABASE_URL: 'postgres://x/y', SERVER_PROCESSES: '3' }).serverProcesses).toBe(3);
		expect(loadConfig({ DATABASE_URL: 'postgres://x/y', SERVER_PROCESSES: 'auto' }).serverProcesses).toBeGreaterThanOrEqual(1);
		for (const bad of ['0', '65', '1.5', 'hai'])
			expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y', SERVER_PROCESSES: bad })).toThrow(
				'SERVER_PROCESSES phải là số tiến trình từ 1 đến 64, hoặc auto'
			);
		expect(() => loadConfig({ DATA_DIR: 'memory://', SERVER_PROCESSES: '2' })).toThrow('nhiều tiến trình cần DATABASE_URL');
		expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y', SURVEY_ADDRESS_KEY: 'short' })).toThrow('SURVEY_ADDRESS_KEY');
		const key = Buffer.alloc(32, 7).toString('base64url');
		expect(loadConfig({ DATABASE_URL: 'postgres://x/y', SURVEY_ADDRESS_KEY: key }).surveyAddressKey?.equals(Buffer.alloc(32, 7))).toBe(
			true
		);
	});
});

describe.skipIf(!usingPostgres)('two server processes on PostgreSQL', () => {
	let t: TestDb;
	let server: RunningServer;

	/** True when requests on fresh connections are answered by both of the primary's processes. */
	const bothAnswer = async () => {
		const ids = Array.from({ length: 16 }, (_, i) => `probe-${Date.now()}-${i}`);
		for (const id of ids) await send(`${server.url}/healthz`, { headers: { 'x-request-id': id } });
		await new Promise((r) => setTimeout(r, 100));
		const pids = [...new Set(pidsOf(server.log(), ids).values())].sort((a, b) => a - b);
		return JSON.stringify(pids) === JSON.stringify(childProcesses(server.process.pid!));
	};

	beforeAll(async () => {
		t = await freshDb();
		server = await startServer({
			DATABASE_URL: t.config.databaseUrl!,
			SERVER_PROCESSES: '2',
			DEMO_SEED: '1',
			ADDRESS_HEADER: 'x-forwarded-for',
			REMINDER_INTERVAL_MINUTES: '0'
		});
		await waitFor('two server processes', () => childProcesses(server.process.pid!).length === 2);
		await waitFor('both processes answering', bothAnswer);
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
		await t?.drop();
	});

	it('answers from both processes, and a session signed in on one holds on the other', async () => {
		const { cookie } = await send(`${server.url}/login`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ email: 'canbo.xa@demo.vn', password: DEMO_PASSWORD }).toString()
		});
		expect(cookie).toBeTruthy();
		const ids = Array.from({ length: 24 }, (_, i) => `session-${Date.now()}-${i}`);
		const statuses = [];
		for (const id of ids)
			statuses.push((await send(`${server.url}/assessments`, { headers: { cookie: cookie!, 'x-request-id': id } })).status);
		expect(statuses.every((s) => s === 200)).toBe(true); // a session unknown to a process would be a redirect to /login
		await new Promise((r) => setTimeout(r, 200));
		const pids = new Set(pidsOf(server.log(), ids).values());
		expect([...pids].sort((a, b) => a - b)).toEqual(childProcesses(server.process.pid!));
	});

	it("counts one address's survey answers whichever process takes them", async () => {
		const ids = Array.from({ length: 31 }, (_, i) => `survey-${Date.now()}-${i}`);
		const statuses = [];
		for (const id of ids)
			statuses.push(
				(
					await send(`${server.url}/khao-sat/KHONGCOMANAY`, {
						method: 'POST',
						headers: {
							origin: server.url,
							'content-type': 'application/x-www-form-urlencoded',
							'x-forwarded-for': '203.0.113.77',
							'x-request-id': id
						},
						body: 'group=children'
					})
				).status
			);
		// the first 30 are counted and refused as an unknown code, the 31st is over the limit
		expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
		expect(statuses[30]).toBe(429);
		await new Promise((r) => setTimeout(r, 200));
		expect(new Set(pidsOf(server.log(), ids).values()).size).toBe(2);
	});

	it('replaces a process that dies, and stops them all on SIGTERM', async () => {
		const before = childProcesses(server.process.pid!);
		process.kill(before[0], 'SIGKILL');
		await waitFor('a replacement', () => {
			const now = childProcesses(server.process.pid!);
			return now.length === 2 && !now.includes(before[0]);
		});
		expect(server.log()).toContain(`Tiến trình máy chủ ${before[0]} dừng (SIGKILL); khởi động lại.`);
		await waitFor('the replacement answering', bothAnswer);
		const children = childProcesses(server.process.pid!);
		await server.stop();
		expect(server.process.exitCode).toBe(0);
		for (const pid of children) expect(alive(pid)).toBe(false);
		expect(server.log().match(/shutdown: requests finished, closing the database/g)?.length).toBeGreaterThanOrEqual(2);
	});
});
