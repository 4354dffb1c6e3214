/**
 * Load benchmark at national scale: `npm run bench:load [-- options]`.
 *
 * 1. Creates a fresh PostgreSQL database `bench_<random>` (on BENCH_DATABASE_URL, default
 *    postgres://postgres@127.0.0.1:5432/postgres), migrates it and loads the national-scale data
 *    (scripts/seed/scale.ts: every commune, their accounts, one round in every state),
 *    calling the modules directly.
 * 2. Starts the built server against it (built first if the sources are newer), DEMO_SEED=0,
 *    a temporary DATA_DIR, STORAGE_DIR where the seed stored its PDFs, and
 *    ADDRESS_HEADER=x-forwarded-for: this script plays the reverse proxy, so each virtual user
 *    has its own client address (the public verification page is rate-limited to 30 requests a
 *    minute per address; from one address nearly all of it would be 429s; each verification here
 *    comes from a random address of 10.0.0.0/8, as many different citizens would. A check at
 *    start-up shows the limit still works: the 31st request of one address within a minute gets
 *    429. Any 429 during the run is reported in its own column, as rate limiting, not as an error).
 * 3. Signs every virtual user in up front (sessions reused for the whole run).
 * 4. Measures the JavaScript a commune officer downloads for the data-entry page
 *    /assessments/<id>/criteria/TC01 (the HTML's scripts and modulepreloads and their static
 *    imports, gzip as the server sends it).
 * 5. Capacity: each route alone, `--probe-conns` connections back to back without pauses for
 *    `--probe-seconds`: its saturated throughput, and its ratio to the trivial endpoint
 *    /healthz (the ceiling of this stack on this machine). Beside it, the floor of a signed-in
 *    page: /account/password (a form with no data of its own, so the session, the layout and
 *    SvelteKit's rendering only); the aimed pages' ratios to it are printed as context, without aim.
 * 6. The last day before the deadline, once for each number in `--users` (default 200 then 500,
 *    on the same server and data): that many concurrent virtual users for `--seconds`, each
 *    acting about once per `--think-ms` (uniform ½–1½×): 70% commune officers (open a criterion's
 *    data-entry page, autosave two to four answers with the revision they hold, now and then
 *    upload a ~50 KB PDF or open the dossier page), 20% reviewers (the board /review with filters
 *    and sorting, then one dossier's review page /review/<id>), 10% citizens verifying a
 *    certificate /verify/<code>; plus a health check every second.
 * 7. Prints, per route: requests/s, p50/p95/p99 latency, errors (and 409 conflicts and 429s on
 *    their own); per mix the CPU used by server, database and load generator, what the server's
 *    database sessions wait on (pg_stat_activity, sampled: advisory locks must be none), and the
 *    sequential scans per table (pg_stat_user_tables: a large "rows read by seq scan" points at a
 *    missing index); then the aims (scripts/bench-report.ts) with PASS or MISS: p95 < 100 ms
 *    at 200 users and < 200 ms at 500 on every route, no error, no advisory lock wait, the board,
 *    the review page and the data-entry page alone at ≥ 25% of /healthz. `--json <file>` writes
 *    the same figures as JSON.
 * 8. The public survey page (issue 15), after the mixes: before the server starts, the seed opens
 *    survey campaigns in `--survey-campaigns` communes (scripts/seed/surveys.ts: through the module,
 *    as each commune's officer, on a draft or returned dossier, open link on, single-use slips for
 *    the children issued with `issueSlips`). Then `--survey-users` respondents answer at once for
 *    `--seconds`: each loop is a new person with an address of their own (x-forwarded-for, never
 *    reused, so the 30-a-minute limit per address is not what is measured) who opens
 *    /khao-sat/<slip code> (or, for a quarter of them, the open link with the residents' group;
 *    the first arrivals spread over the mix's ramp),
 *    reads the questionnaire from the page, answers every question after `--think-ms` (½–1½×), sends
 *    the form as the browser does and follows the redirect to /khao-sat/cam-on. Aims: p95 < 200 ms
 *    for the page and for the answer, no error; a used code (409) or a 429 counts as an error and
 *    is also shown in its own column. A check afterwards shows the per-address limit still works.
 * The database is dropped at the end, also on failure (unless --keep-db).
 *
 *   node scripts/bench-load.ts [--seconds 60] [--users 200,500] [--era post2025|pre2025] [--json out.json]
 *        [--think-ms 1000] [--probe-seconds 5] [--probe-conns 32] [--survey-users 200] [--survey-campaigns 20] [--keep-db]
 *        [--processes auto|N]   (SERVER_PROCESSES of the server: `auto`, one per CPU, by default)
 *
 * The load generator, the server and PostgreSQL share this machine's CPUs: the figures are
 * what this machine does with all three on it, not the server alone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ensureBuilt, requireNode, root } from './runtime.ts';
import { childProcesses, startServer, type RunningServer } from '../tests/helpers/server.ts';
import { loadConfig } from '#lib/server/config.ts';
import { connect } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { makeRng, samplePdf, scaleAnswer, scaleEmail, seedScale, SCALE_PASSWORD, type Rng, type ScaleReport } from './seed/scale.ts';
import { QD06_2019, type Indicator } from '#lib/domain/criteria/index.ts';
import { SURVEY_LIMIT } from '#lib/server/surveys/rate-limit.ts';
import { seedSurveyCampaigns, type SeededCampaign } from './seed/surveys.ts';
import { figureLines, jsonPathFromArgs, writeBenchJson, type Figure } from './bench-report.ts';
import type { UnitEra } from '#lib/domain/units.ts';

requireNode();
process.chdir(root);

const { values: args } = parseArgs({
	options: {
		seconds: { type: 'string', default: '60' },
		users: { type: 'string', default: '200,500' },
		era: { type: 'string', default: 'post2025' },
		'think-ms': { type: 'string', default: '1000' },
		'probe-seconds': { type: 'string', default: '5' },
		'probe-conns': { type: 'string', default: '32' },
		'survey-users': { type: 'string', default: '200' },
		'survey-campaigns': { type: 'string', default: '20' },
		'keep-db': { type: 'boolean', default: false },
		processes: { type: 'string', default: 'auto' },
		json: { type: 'string' }
	}
});
const SECONDS = Math.max(5, Number(args.seconds));
/** The mixes to run, one after the other on the same server and data: `--users 200,500`. */
const USER_COUNTS = String(args.users)
	.split(',')
	.map((x) => Math.max(10, Math.round(Number(x))))
	.filter((n) => Number.isFinite(n));
if (USER_COUNTS.length === 0) throw new Error('--users <n>[,<n>…]');
const USERS = Math.max(...USER_COUNTS);
const JSON_FILE = jsonPathFromArgs();
const ERA = args.era as UnitEra;
if (ERA !== 'post2025' && ERA !== 'pre2025') throw new Error('--era post2025|pre2025');
const THINK_MS = Math.max(0, Number(args['think-ms']));
/** SERVER_PROCESSES of the server under load (`auto`: one per CPU, as a deployment on this machine would run). */
const PROCESSES = String(args.processes);
const PROBE_SECONDS = Math.max(1, Number(args['probe-seconds']));
const PROBE_CONNS = Math.max(1, Number(args['probe-conns']));
const REVIEW_LEVEL = ERA === 'pre2025' ? 'district' : 'province';
/** Respondents of the public survey answering at once, and the communes whose campaigns they answer. */
const SURVEY_USERS = Math.max(1, Math.round(Number(args['survey-users'])));
const SURVEY_CAMPAIGNS = Math.max(1, Math.round(Number(args['survey-campaigns'])));
/** The share of respondents coming through a campaign's open link (the others have a slip). */
const SURVEY_OPEN_SHARE = 0.25;
/** p95 aim of the public survey page and of sending an answer with 200 respondents at once (issue 15). */
const AIM_SURVEY_P95 = 200;

/** p95 aim of every route in a mix of `users` (issue 11: < 100 ms at 200 users, < 200 ms at 500). */
const aimP95 = (users: number) => (users <= 200 ? 100 : 200);
/**
 * Routes with an aim of their own in the mix (issue 13: the province dashboard p95 < 200 ms in the
 * 200-user mix) and alone (the national dashboard < 500 ms on the national seed).
 */
const ROUTE_AIM_P95: Partial<Record<string, number>> = { 'GET /dashboard': 200 };
const aimOf = (route: string, users: number) => Math.max(aimP95(users), ROUTE_AIM_P95[route] ?? 0);
const AIM_NATIONAL_DASHBOARD_MS = 500;
/** The pages whose capacity alone must reach this share of /healthz's (the ceiling of the stack). */
const AIM_CEILING_RATIO = 0.25;
const UPLOAD_BYTES = 50 * 1024;

// --- routes and statistics --------------------------------------------------------------------------

const R = {
	health: 'GET /healthz',
	floor: 'GET /account/password (trang không có dữ liệu riêng)',
	entry: 'GET /assessments/[id]/criteria/[code]',
	dossier: 'GET /assessments/[id]',
	save: 'PUT /assessments/[id]/answers',
	upload: 'POST /assessments/[id]/evidence/upload',
	board: 'GET /review',
	boardNational: 'GET /review (quản trị, toàn quốc)',
	review: 'GET /review/[id]',
	verify: 'GET /verify/[code]',
	dashboard: 'GET /dashboard',
	dashboardNational: 'GET /dashboard (quản trị, toàn quốc)',
	surveyPage: 'GET /khao-sat/[token]',
	surveySend: 'POST /khao-sat/[token]',
	surveyThanks: 'GET /khao-sat/cam-on'
} as const;
type RouteName = (typeof R)[keyof typeof R];

class Stats {
	lat: number[] = [];
	bytes = 0;
	errors = 0;
	conflicts = 0;
	limited = 0;
	statuses = new Map<string, number>();
	samples: string[] = [];
	add(ms: number, bytes: number) {
		this.lat.push(ms);
		this.bytes += bytes;
	}
	error(what: string, detail: string) {
		this.errors++;
		this.statuses.set(what, (this.statuses.get(what) ?? 0) + 1);
		if (this.samples.length < 3) this.samples.push(`${what}: ${detail.slice(0, 300)}`);
	}
	pct(p: number): number {
		if (this.lat.length === 0) return NaN;
		const s = [...this.lat].sort((a, b) => a - b);
		return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
	}
}

type Phase = { name: string; seconds: number; stats: Map<RouteName, Stats> };
const statsOf = (phase: Phase, route: RouteName) => {
	let s = phase.stats.get(route);
	if (!s) phase.stats.set(route, (s = new Stats()));
	return s;
};

// --- HTTP ------------------------------------------------------------------------------------------

// An idle connection is closed by the client before the server's keep-alive timeout (5 s, sent as
// `Keep-Alive: timeout=5`), as browsers do: Node's agent uses that hint only to shorten a timeout
// of its own, and without one it keeps idle sockets until the server closes them, so a request
// sent on one at that moment met a reset (ECONNRESET, "socket hang up"), counted as an error of
// the server. The timeout applies to idle sockets only (the agent destroys a free one; a request
// waiting for its answer is not cut).
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2048, timeout: 4000 });
let baseUrl = '';

type Reply = { status: number; body: Buffer; headers: http.IncomingHttpHeaders; ms: number };

/**
 * One request on a kept-alive connection. A GET that fails because the server had just closed
 * an idle kept-alive socket (ECONNRESET / "socket hang up" on a reused socket: the race Node's
 * documentation describes for keep-alive clients) is sent once more on a new socket, as browsers do.
 */
function send(method: string, url: string, headers: Record<string, string>, body?: Buffer, retried = false): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const u = new URL(url, baseUrl);
		const req = http.request(
			{
				method,
				host: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				agent,
				headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers, ms: performance.now() - t0 })
				);
				res.on('error', reject);
			}
		);
		req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
		req.on('error', (e: NodeJS.ErrnoException) => {
			if (!retried && method === 'GET' && req.reusedSocket && (e.code === 'ECONNRESET' || /socket hang up/.test(e.message))) {
				send(method, url, headers, body, true).then(resolve, reject);
			} else reject(e);
		});
		req.end(body);
	});
}

/** One measured request: recorded under `route` in `phase`; `expect` lists the good statuses. */
async function hit(
	phase: Phase,
	route: RouteName,
	method: string,
	url: string,
	headers: Record<string, string>,
	body: Buffer | undefined,
	expect: number[]
): Promise<Reply | null> {
	const s = statsOf(phase, route);
	try {
		const r = await send(method, url, headers, body);
		s.add(r.ms, r.body.length);
		if (expect.includes(r.status)) return r;
		if (r.status === 429 && route === R.verify) s.limited++;
		else if (r.status === 409 && route === R.save) s.conflicts++;
		else if ((r.status === 429 || r.status === 409) && route === R.surveySend) {
			// the public survey: a 429 (limit per address) or a used code (409) is an error, also counted apart
			if (r.status === 429) s.limited++;
			else s.conflicts++;
			s.error(`HTTP ${r.status}`, `${method} ${url}: ${r.body.toString('utf8').replace(/\s+/g, ' ')}`);
		} else s.error(`HTTP ${r.status}`, `${method} ${url}: ${r.body.toString('utf8').replace(/\s+/g, ' ')}`);
		return r;
	} catch (e) {
		s.error('network', `${method} ${url}: ${(e as Error).message}`);
		return null;
	}
}

// --- what the virtual users work on -------------------------------------------------------------------

type Officer = {
	email: string;
	cookie: string;
	assessmentId: number;
	address: string;
	revisions: Map<string, number>;
	base: Record<string, number>;
};
type Reviewer = { email: string; cookie: string; assessmentIds: number[]; address: string };

const CRITERIA = QD06_2019.criteria.map((c) => ({ code: c.code, indicators: c.indicators as Indicator[] }));
const YEAR = Number(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4));
const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const randomAddress = (rng: Rng) => address(1 + Math.floor(rng() * 0xfffffe));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signIn(email: string, addr: string): Promise<string> {
	const r = await send(
		'POST',
		'/login',
		{ origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'x-forwarded-for': addr },
		Buffer.from(new URLSearchParams({ email, password: SCALE_PASSWORD }).toString())
	);
	const m = /session=([^;]+)/.exec(String(r.headers['set-cookie'] ?? ''));
	if (!m) throw new Error(`sign-in as ${email} failed: HTTP ${r.status}`);
	return `session=${m[1]}`;
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(n, items.length) }, async () => {
			while (next < items.length) await fn(items[next++]);
		})
	);
}

let uploadCounter = 0;
/** A ~50 KB PDF whose content is new each time (so each upload stores a new file, as real ones do). */
function uploadBody(indicator: string): { body: Buffer; type: string } {
	const boundary = `----bench${crypto.randomBytes(12).toString('hex')}`;
	const file = samplePdf(`Minh chung tai len ${++uploadCounter} ${crypto.randomBytes(6).toString('hex')}`, UPLOAD_BYTES);
	const fields: [string, string][] = [
		['kind', 'evidence'],
		['indicator', indicator],
		['doc_number', `${uploadCounter}/BC-UBND`],
		['issuer', 'UBND xã'],
		['summary', 'Báo cáo bổ sung (thử tải)']
	];
	const head =
		fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="minh-chung-${uploadCounter}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
	return {
		body: Buffer.concat([Buffer.from(head, 'utf8'), file, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
		type: `multipart/form-data; boundary=${boundary}`
	};
}

/** One autosave with revision handling: on a 409 conflict, save again on the stored revision (as the page lets the user do). */
async function autosave(phase: Phase, o: Officer, rng: Rng, indicator: Indicator): Promise<void> {
	const answer = scaleAnswer(indicator, rng, 0.6 + 0.4 * rng(), o.base, YEAR);
	const headers = {
		cookie: o.cookie,
		origin: baseUrl,
		'content-type': 'application/json',
		accept: 'application/json',
		'x-forwarded-for': o.address
	};
	for (let attempt = 0; attempt < 2; attempt++) {
		const expectedRevision = o.revisions.get(indicator.code) ?? 0;
		const r = await hit(
			phase,
			R.save,
			'PUT',
			`/assessments/${o.assessmentId}/answers`,
			headers,
			Buffer.from(JSON.stringify({ indicator: indicator.code, answer, expectedRevision })),
			[200]
		);
		if (!r) return;
		let json: { saved?: { revision: number }; stored?: { revision: number }; conflict?: boolean } = {};
		try {
			json = JSON.parse(r.body.toString('utf8'));
		} catch {
			return;
		}
		if (r.status === 200 && json.saved) {
			o.revisions.set(indicator.code, json.saved.revision);
			return;
		}
		if (r.status === 409 && json.conflict && json.stored) {
			o.revisions.set(indicator.code, json.stored.revision);
			continue;
		}
		return;
	}
}

/** One evidence upload of a ~50 KB PDF by officer `o` for `indicator`, measured in `phase`. */
function upload(phase: Phase, o: Officer, indicator: string) {
	const up = uploadBody(indicator);
	return hit(
		phase,
		R.upload,
		'POST',
		`/assessments/${o.assessmentId}/evidence/upload`,
		{ cookie: o.cookie, origin: baseUrl, accept: 'application/json', 'content-type': up.type, 'x-forwarded-for': o.address },
		up.body,
		[201]
	);
}

const officerHeaders = (o: Officer) => ({ cookie: o.cookie, accept: 'text/html', 'x-forwarded-for': o.address });
const reviewerHeaders = (v: Reviewer) => ({ cookie: v.cookie, accept: 'text/html', 'x-forwarded-for': v.address });

function boardQuery(rng: Rng): string {
	const variants = [
		'',
		'?state=submitted',
		'?state=under_review&sort=days&dir=desc',
		'?sort=total&dir=desc',
		'?state=resubmitted',
		`?page=${1 + Math.floor(rng() * 3)}`,
		'?q=ph%C6%B0%E1%BB%9Dng',
		'?sort=state'
	];
	return variants[Math.floor(rng() * variants.length)];
}

// --- the public survey (issue 15) ---------------------------------------------------------------------

/**
 * The answers a respondent sends, read from the questionnaire page as a browser would: the hidden
 * `group`, one value for each `q.<code>` radio group (mostly the higher ones, as real answers are),
 * and now and then an age group and a sex. Null when the page holds no questionnaire form.
 */
function surveyAnswers(html: string, rng: Rng): URLSearchParams | null {
	if (!/<form\b[^>]*method="POST"/i.test(html)) return null;
	const fields = new Map<string, string[]>();
	let group: string | null = null;
	const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
	for (const m of html.matchAll(/<input\b[^>]*>/g)) {
		const name = attr(m[0], 'name');
		const value = attr(m[0], 'value') ?? '';
		if (!name) continue;
		if (name === 'group') group = value;
		else if (/type="radio"/.test(m[0])) fields.set(name, [...(fields.get(name) ?? []), value]);
	}
	const questions = [...fields].filter(([name]) => name.startsWith('q.'));
	if (!group || questions.length === 0) return null;
	const body = new URLSearchParams({ group });
	for (const [name, values] of questions) {
		const sorted = values.filter((v) => v !== '').sort((a, b) => Number(a) - Number(b));
		// the top two values most of the time, anything else sometimes
		const top = sorted.slice(-2);
		body.set(name, rng() < 0.8 ? top[Math.floor(rng() * top.length)] : sorted[Math.floor(rng() * sorted.length)]);
	}
	for (const name of ['ageGroup', 'sex']) {
		const values = fields.get(name);
		if (values?.length && rng() < 0.7) body.set(name, values[Math.floor(rng() * values.length)]);
	}
	return body;
}

// --- the benchmark ---------------------------------------------------------------------------------

const baseDbUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `bench_${crypto.randomBytes(5).toString('hex')}`;
const dbUrl = (() => {
	const u = new URL(baseDbUrl);
	u.pathname = `/${dbName}`;
	return u.toString();
})();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-bench-load-'));
const filesDir = path.join(dataDir, 'files');
let server: RunningServer | undefined;
let created = false;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
	const c = new pg.Client({ connectionString: baseDbUrl });
	await c.connect();
	try {
		return await fn(c);
	} finally {
		await c.end();
	}
}

async function dropDatabase(): Promise<void> {
	if (!created) return;
	await admin(async (c) => {
		for (let attempt = 0; ; attempt++) {
			try {
				await c.query(`drop database if exists ${dbName}${attempt >= 30 ? ' with (force)' : ''}`);
				return;
			} catch (e) {
				if ((e as { code?: string }).code !== '55006' || attempt >= 31) throw e;
				await sleep(200);
			}
		}
	});
}

type TableScan = { relname: string; seq_scan: number; seq_tup_read: number; idx_scan: number; n_live_tup: number };
async function tableScans(): Promise<Map<string, TableScan>> {
	const c = new pg.Client({ connectionString: dbUrl });
	await c.connect();
	try {
		const r = await c.query<TableScan>(
			'select relname, seq_scan::float8 as seq_scan, seq_tup_read::float8 as seq_tup_read, coalesce(idx_scan, 0)::float8 as idx_scan, n_live_tup::float8 as n_live_tup from pg_stat_user_tables'
		);
		return new Map(r.rows.map((x) => [x.relname, x]));
	} finally {
		await c.end();
	}
}

// --- CPU accounting (Linux /proc): who used the machine's CPUs during the mixed load -------------------

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime of a process, in ms (undefined once it is gone). */
function cpuMsOf(pid: number): number | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
		return (Number(f[11]) + Number(f[12])) * TICK_MS;
	} catch {
		return undefined;
	}
}

/** CPU of the server: the listening process and its server processes (a replaced one's time is lost). */
function serverCpuMs(pid: number): number {
	return [pid, ...childProcesses(pid)].reduce((sum, p) => sum + (cpuMsOf(p) ?? 0), 0);
}

/** The process listening on 127.0.0.1:<port> (the server: scripts/start.ts imports the build in-process, or is the cluster's primary). */
function listenerPid(port: number): number | undefined {
	try {
		const m = /pid=(\d+)/.exec(execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' }));
		return m ? Number(m[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** PostgreSQL backends serving database `name` (their titles name it). */
function backendPids(name: string): number[] {
	const out: number[] = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
			if (cmd.startsWith('postgres: ') && cmd.includes(` ${name} `)) out.push(Number(d));
		} catch {
			/* gone */
		}
	}
	return out;
}

/** Busy and total jiffies of all CPUs (/proc/stat), in ms. */
function machineCpu(): { busy: number; total: number } {
	const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const idle = f[3] + (f[4] ?? 0);
	const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
	return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const rps = (s: Stats, seconds: number) => s.lat.length / seconds;

try {
	ensureBuilt();
	console.log(
		`bench:load: node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`
	);

	// 1. database and data
	await admin((c) => c.query(`create database ${dbName}`));
	created = true;
	console.log(`CSDL ${dbName}: nạp dữ liệu toàn quốc (${ERA})…`);
	const cfg = loadConfig({ DATABASE_URL: dbUrl, DATA_DIR: dataDir, REVIEW_LEVEL });
	const conn = await connect(cfg);
	let report: ScaleReport;
	const officers: Officer[] = [];
	const reviewers: Reviewer[] = [];
	let codes: string[] = [];
	let campaigns: SeededCampaign[] = [];
	const nOfficers = Math.round(USERS * 0.7);
	const nReviewers = Math.round(USERS * 0.2);
	const nCitizens = USERS - nOfficers - nReviewers;
	try {
		await prepareDatabase(conn.db);
		report = await seedScale(conn.db, cfg, localFileStore(filesDir), { era: ERA, log: (l) => console.log(`  ${l}`) });
		const db = conn.db;
		// officers: drafts, one virtual user per commune (autosaves never collide)
		const drafts = await db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.select(['a.id', 'c.code', 'a.base_counts'])
			.where('a.state', '=', 'draft')
			.orderBy('a.id')
			.execute();
		const rng0 = makeRng(7);
		const chosen = drafts
			.filter((_, i) => i % Math.max(1, Math.floor(drafts.length / Math.max(nOfficers, PROBE_CONNS))) === 0)
			.slice(0, Math.max(nOfficers, PROBE_CONNS));
		const revs = await db
			.selectFrom('assessment_answer')
			.select(['assessment_id', 'indicator_code', 'revision'])
			.where(
				'assessment_id',
				'in',
				chosen.map((d) => d.id)
			)
			.execute();
		for (const [i, d] of chosen.entries()) {
			const revisions = new Map(revs.filter((r) => r.assessment_id === d.id).map((r) => [r.indicator_code, r.revision]));
			officers.push({
				email: scaleEmail.officer(d.code),
				cookie: '',
				assessmentId: d.id,
				address: address(0x010000 + i),
				revisions,
				base: (d.base_counts ?? {}) as Record<string, number>
			});
		}
		// reviewers: spread over the reviewing units, each with the dossiers of its area sent to it
		const areaRows = await db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.innerJoin('admin_unit as u', 'u.id', REVIEW_LEVEL === 'district' ? 'c.district_id' : 'c.province_id')
			.select(['u.code', 'a.id'])
			.where('a.state', '!=', 'draft')
			.execute();
		const byArea = new Map<string, number[]>();
		for (const r of areaRows) byArea.set(r.code, [...(byArea.get(r.code) ?? []), r.id]);
		const areaCodes = [...byArea.keys()].sort();
		const shuffled = areaCodes
			.map((c) => ({ c, k: rng0() }))
			.sort((a, b) => a.k - b.k)
			.map((x) => x.c);
		for (let i = 0; i < Math.max(nReviewers, 1); i++) {
			const code = shuffled[i % shuffled.length];
			reviewers.push({ email: scaleEmail.reviewer(code), cookie: '', assessmentIds: byArea.get(code)!, address: address(0x020000 + i) });
		}
		codes = (await db.selectFrom('certificate').select('code').execute()).map((r) => r.code);
		// survey campaigns of the public survey phase, with enough slips for every loop of every respondent
		const t0 = performance.now();
		const loops = Math.ceil((SECONDS * 1000) / Math.max(100, THINK_MS));
		const slipsPerCampaign = Math.ceil((SURVEY_USERS * loops * (1 - SURVEY_OPEN_SHARE) * 1.1) / SURVEY_CAMPAIGNS) + 5;
		campaigns = await seedSurveyCampaigns(db, {
			campaigns: SURVEY_CAMPAIGNS,
			slipsPerCampaign,
			excludeAssessments: officers.map((o) => o.assessmentId)
		});
		console.log(
			`  khảo sát: ${campaigns.length} đợt khảo sát mở (đường dẫn mở bật), ${campaigns.length * slipsPerCampaign} phiếu mã dùng một lần, ${fmt((performance.now() - t0) / 1000, 1)} s`
		);
	} finally {
		await conn.close();
	}

	// 2. the server
	console.log('Khởi động máy chủ…');
	server = await startServer({
		DATABASE_URL: dbUrl,
		DEMO_SEED: '0',
		DATA_DIR: dataDir,
		STORAGE_DIR: filesDir,
		REVIEW_LEVEL,
		ADDRESS_HEADER: 'x-forwarded-for',
		UPLOAD_MAX_MB: '5',
		SERVER_PROCESSES: PROCESSES
	});
	baseUrl = server.url;

	// 3. sign-ins, once per account
	console.log(`Đăng nhập ${officers.length + new Set(reviewers.map((r) => r.email)).size + 1} tài khoản…`);
	const t0 = performance.now();
	const cookies = new Map<string, string>();
	const emails = [...new Set([...officers.map((o) => o.email), ...reviewers.map((r) => r.email), scaleEmail.admin])];
	await pool(emails, 4, async (email) => {
		cookies.set(email, await signIn(email, address(0x030000 + cookies.size)));
	});
	for (const o of officers) o.cookie = cookies.get(o.email)!;
	for (const r of reviewers) r.cookie = cookies.get(r.email)!;
	const adminCookie = cookies.get(scaleEmail.admin)!;
	const signInMs = performance.now() - t0;

	// 4. JavaScript of the data-entry page
	const pageUrl = `${baseUrl}/assessments/${officers[0].assessmentId}/criteria/TC01`;
	const page = await send('GET', pageUrl, officerHeaders(officers[0]));
	if (page.status !== 200) throw new Error(`data-entry page: HTTP ${page.status}`);
	const html = page.body.toString('utf8');
	const listed = new Set<string>();
	for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+\.js)"[^>]*>/g)) listed.add(new URL(m[1], pageUrl).href);
	for (const m of html.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)) listed.add(new URL(m[1], pageUrl).href);
	const js = new Map<string, { raw: number; gzip: number; served: boolean }>();
	const queue = [...listed];
	while (queue.length) {
		const url = queue.shift()!;
		if (js.has(url)) continue;
		const r = await send('GET', url, { 'accept-encoding': 'gzip' });
		if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
		const served = r.headers['content-encoding'] === 'gzip';
		const raw = served ? zlib.gunzipSync(r.body) : r.body;
		js.set(url, { raw: raw.length, gzip: served ? r.body.length : zlib.gzipSync(raw, { level: 9 }).length, served });
		for (const m of raw.toString('utf8').matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^"'();]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g))
			queue.push(new URL(m[1], url).href);
	}
	const jsGzip = [...js.values()].reduce((n, x) => n + x.gzip, 0);
	const jsRaw = [...js.values()].reduce((n, x) => n + x.raw, 0);
	const listedGzip = [...listed].reduce((n, u) => n + (js.get(u)?.gzip ?? 0), 0);
	// the criteria set the page preloads (src/lib/criteria-set-ref.ts): once per browser and version
	const setHref = /<link rel="preload" href="([^"]+\/set\.json\?v=[^"]+)"/.exec(html)?.[1];
	const setFile = setHref
		? await send('GET', new URL(setHref, pageUrl).href, { ...officerHeaders(officers[0]), 'accept-encoding': 'gzip' })
		: null;
	if (setFile && setFile.status !== 200) throw new Error(`criteria set ${setHref}: HTTP ${setFile.status}`);
	const setBytes = setFile
		? {
				wire: setFile.body.length,
				raw: (setFile.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(setFile.body) : setFile.body).length
			}
		: null;

	// 5. the verification rate limit still works (one address, 31 requests in a row)
	let limitAt = 0;
	for (let i = 1; i <= 31; i++) {
		const r = await send('GET', `/verify/${codes[0] ?? 'AAAAA-AAAAA'}`, { accept: 'text/html', 'x-forwarded-for': '192.0.2.1' });
		if (r.status === 429) {
			limitAt = i;
			break;
		}
	}

	// warm-up: every route a few times (query plans, module loading)
	const warm: Phase = { name: 'warm-up', seconds: 1, stats: new Map() };
	const wrng = makeRng(11);
	for (let i = 0; i < 3; i++) {
		const o = officers[i];
		const v = reviewers[i % reviewers.length];
		await hit(warm, R.entry, 'GET', `/assessments/${o.assessmentId}/criteria/${CRITERIA[i].code}`, officerHeaders(o), undefined, [200]);
		await hit(warm, R.dossier, 'GET', `/assessments/${o.assessmentId}`, officerHeaders(o), undefined, [200]);
		await autosave(warm, o, wrng, CRITERIA[i].indicators[0]);
		await upload(warm, o, CRITERIA[i].indicators[0].code);
		await hit(warm, R.board, 'GET', '/review', reviewerHeaders(v), undefined, [200]);
		await hit(warm, R.review, 'GET', `/review/${v.assessmentIds[0]}`, reviewerHeaders(v), undefined, [200]);
		await hit(warm, R.dashboard, 'GET', '/dashboard', reviewerHeaders(v), undefined, [200]);
		await hit(
			warm,
			R.dashboardNational,
			'GET',
			'/dashboard',
			{ cookie: adminCookie, accept: 'text/html', 'x-forwarded-for': address(0x040000) },
			undefined,
			[200]
		);
		await hit(
			warm,
			R.verify,
			'GET',
			`/verify/${codes[i % codes.length]}`,
			{ accept: 'text/html', 'x-forwarded-for': randomAddress(wrng) },
			undefined,
			[200]
		);
	}
	const warmErrors = [...warm.stats.values()].reduce((n, s) => n + s.errors, 0);
	if (warmErrors) {
		for (const [route, s] of warm.stats) for (const x of s.samples) console.error(`  warm-up ${route}: ${x}`);
		throw new Error('warm-up requests failed');
	}

	// 6. capacity of each route alone
	const probe: Phase = { name: 'probe', seconds: PROBE_SECONDS, stats: new Map() };
	type Job = (conn: number, rng: Rng) => Promise<unknown>;
	const probes: [RouteName, Job, number][] = [
		[R.health, () => hit(probe, R.health, 'GET', '/healthz', { accept: 'application/json' }, undefined, [200]), PROBE_CONNS],
		// the floor of a signed-in page: the session, the layout and SvelteKit's rendering, no data of its own
		[
			R.floor,
			(c) => hit(probe, R.floor, 'GET', '/account/password', officerHeaders(officers[c % officers.length]), undefined, [200]),
			PROBE_CONNS
		],
		[
			R.board,
			(c, rng) =>
				hit(probe, R.board, 'GET', `/review${boardQuery(rng)}`, reviewerHeaders(reviewers[c % reviewers.length]), undefined, [200]),
			PROBE_CONNS
		],
		[
			R.boardNational,
			() =>
				hit(
					probe,
					R.boardNational,
					'GET',
					'/review',
					{ cookie: adminCookie, accept: 'text/html', 'x-forwarded-for': address(0x040000) },
					undefined,
					[200]
				),
			Math.min(PROBE_CONNS, 8)
		],
		[
			R.dashboard,
			(c) => hit(probe, R.dashboard, 'GET', '/dashboard', reviewerHeaders(reviewers[c % reviewers.length]), undefined, [200]),
			PROBE_CONNS
		],
		[
			// alone: one administrator at a time (the aim is a latency, not a throughput)
			R.dashboardNational,
			() =>
				hit(
					probe,
					R.dashboardNational,
					'GET',
					'/dashboard',
					{ cookie: adminCookie, accept: 'text/html', 'x-forwarded-for': address(0x040000) },
					undefined,
					[200]
				),
			1
		],
		[
			R.review,
			(c, rng) => {
				const v = reviewers[c % reviewers.length];
				return hit(
					probe,
					R.review,
					'GET',
					`/review/${v.assessmentIds[Math.floor(rng() * v.assessmentIds.length)]}`,
					reviewerHeaders(v),
					undefined,
					[200]
				);
			},
			PROBE_CONNS
		],
		[
			R.entry,
			(c, rng) => {
				const o = officers[c % officers.length];
				return hit(
					probe,
					R.entry,
					'GET',
					`/assessments/${o.assessmentId}/criteria/${CRITERIA[Math.floor(rng() * CRITERIA.length)].code}`,
					officerHeaders(o),
					undefined,
					[200]
				);
			},
			PROBE_CONNS
		],
		[
			R.dossier,
			(c) =>
				hit(
					probe,
					R.dossier,
					'GET',
					`/assessments/${officers[c % officers.length].assessmentId}`,
					officerHeaders(officers[c % officers.length]),
					undefined,
					[200]
				),
			PROBE_CONNS
		],
		[
			R.save,
			(c, rng) => {
				const crit = CRITERIA[Math.floor(rng() * CRITERIA.length)];
				return autosave(probe, officers[c % officers.length], rng, crit.indicators[Math.floor(rng() * crit.indicators.length)]);
			},
			PROBE_CONNS
		],
		[
			R.upload,
			(c, rng) => {
				const o = officers[c % officers.length];
				const crit = CRITERIA[Math.floor(rng() * CRITERIA.length)];
				return upload(probe, o, crit.indicators[0].code);
			},
			PROBE_CONNS
		],
		[
			R.verify,
			(_c, rng) =>
				hit(
					probe,
					R.verify,
					'GET',
					`/verify/${rng() < 0.9 ? codes[Math.floor(rng() * codes.length)] : 'ZZZZZ-ZZZZZ'}`,
					{ accept: 'text/html', 'x-forwarded-for': randomAddress(rng) },
					undefined,
					[200]
				),
			PROBE_CONNS
		]
	];
	const probeSeconds = new Map<RouteName, number>();
	for (const [route, job, conns] of probes) {
		process.stdout.write(`Đo công suất ${route} (${conns} kết nối, ${PROBE_SECONDS} s)… `);
		const end = performance.now() + PROBE_SECONDS * 1000;
		const start = performance.now();
		await Promise.all(
			Array.from({ length: conns }, async (_, c) => {
				const rng = makeRng(1000 + c);
				while (performance.now() < end) await job(c, rng);
			})
		);
		const took = (performance.now() - start) / 1000;
		probeSeconds.set(route, took);
		const s = statsOf(probe, route);
		console.log(`${fmt(s.lat.length / took, 1)} req/s`);
	}

	// 7. the last day before the deadline, for each number of users
	const runMix = async (users: number) => {
		const nOfficers = Math.round(users * 0.7);
		const nReviewers = Math.round(users * 0.2);
		const nCitizens = users - nOfficers - nReviewers;
		console.log(
			`Tải hỗn hợp: ${users} người dùng đồng thời (${nOfficers} cán bộ xã, ${nReviewers} thẩm định, ${nCitizens} tra cứu công khai), ${SECONDS} s, nghỉ ~${THINK_MS} ms giữa các thao tác…`
		);
		const mixed: Phase = { name: `mixed ${users}`, seconds: SECONDS, stats: new Map() };
		const scansBefore = await tableScans();
		const serverPid = listenerPid(Number(new URL(baseUrl).port));
		const pgPids = backendPids(dbName);
		const cpuBefore = {
			server: serverPid ? serverCpuMs(serverPid) : NaN,
			pg: new Map(pgPids.map((p) => [p, cpuMsOf(p) ?? 0])),
			self: process.cpuUsage(),
			machine: machineCpu()
		};
		// the CPU of each backend as last seen: the pool closes idle sessions during the mix, and a
		// backend gone by the end must still count what it used until then (sampled every 500 ms)
		const pgSeen = new Map(cpuBefore.pg);
		const trackPg = () => {
			for (const p of new Set([...pgPids, ...backendPids(dbName)])) {
				const c = cpuMsOf(p);
				if (c !== undefined) pgSeen.set(p, c);
			}
		};
		// what the database sessions of the server are doing, sampled every 50 ms (pg_stat_activity)
		const waits = new Map<string, number>();
		let waitSamples = 0;
		const sampler = new pg.Client({ connectionString: dbUrl });
		await sampler.connect();
		const startMixed = performance.now();
		const endMixed = startMixed + SECONDS * 1000;
		const sampling = (async () => {
			while (performance.now() < endMixed) {
				const r = await sampler.query<{ w: string; n: number }>(
					`select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'running (CPU)') else state end as w, count(*)::int as n
					 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' group by 1`
				);
				waitSamples++;
				if (waitSamples % 10 === 0) trackPg();
				for (const x of r.rows) waits.set(x.w, (waits.get(x.w) ?? 0) + x.n);
				await sleep(50);
			}
		})();
		const running = () => performance.now() < endMixed;
		const think = (rng: Rng) => sleep(THINK_MS * (0.5 + rng()));
		const ramp = Math.min(5000, SECONDS * 100);
		const vus: Promise<void>[] = [];
		for (let i = 0; i < nOfficers; i++) {
			const o = officers[i % officers.length];
			const rng = makeRng(2000 + i);
			vus.push(
				(async () => {
					await sleep(rng() * ramp);
					while (running()) {
						const crit = CRITERIA[Math.floor(rng() * CRITERIA.length)];
						await hit(mixed, R.entry, 'GET', `/assessments/${o.assessmentId}/criteria/${crit.code}`, officerHeaders(o), undefined, [200]);
						await think(rng);
						for (let k = 2 + Math.floor(rng() * 3); k > 0 && running(); k--) {
							await autosave(mixed, o, rng, crit.indicators[Math.floor(rng() * crit.indicators.length)]);
							await think(rng);
						}
						if (running() && rng() < 0.2) {
							await upload(mixed, o, crit.indicators[Math.floor(rng() * crit.indicators.length)].code);
							await think(rng);
						}
						if (running() && rng() < 0.25) {
							await hit(mixed, R.dossier, 'GET', `/assessments/${o.assessmentId}`, officerHeaders(o), undefined, [200]);
							await think(rng);
						}
					}
				})()
			);
		}
		for (let i = 0; i < nReviewers; i++) {
			const v = reviewers[i % reviewers.length];
			const rng = makeRng(3000 + i);
			vus.push(
				(async () => {
					await sleep(rng() * ramp);
					while (running()) {
						await hit(mixed, R.board, 'GET', `/review${boardQuery(rng)}`, reviewerHeaders(v), undefined, [200]);
						await think(rng);
						if (!running()) break;
						await hit(
							mixed,
							R.review,
							'GET',
							`/review/${v.assessmentIds[Math.floor(rng() * v.assessmentIds.length)]}`,
							reviewerHeaders(v),
							undefined,
							[200]
						);
						await think(rng);
						if (running() && rng() < 0.15) {
							await hit(mixed, R.dashboard, 'GET', '/dashboard', reviewerHeaders(v), undefined, [200]);
							await think(rng);
						}
					}
				})()
			);
		}
		for (let i = 0; i < nCitizens; i++) {
			const rng = makeRng(4000 + i);
			vus.push(
				(async () => {
					await sleep(rng() * ramp);
					while (running()) {
						await hit(
							mixed,
							R.verify,
							'GET',
							`/verify/${rng() < 0.9 ? codes[Math.floor(rng() * codes.length)] : 'ZZZZZ-ZZZZZ'}`,
							{ accept: 'text/html', 'x-forwarded-for': randomAddress(rng) },
							undefined,
							[200]
						);
						await think(rng);
					}
				})()
			);
		}
		vus.push(
			(async () => {
				while (running()) {
					await hit(mixed, R.health, 'GET', '/healthz', { accept: 'application/json' }, undefined, [200]);
					await sleep(1000);
				}
			})()
		);
		await Promise.all(vus);
		await sampling;
		await sampler.end();
		const mixedSeconds = (performance.now() - startMixed) / 1000;
		const self = process.cpuUsage(cpuBefore.self);
		const machine = machineCpu();
		const serverCpu = serverPid ? serverCpuMs(serverPid) - cpuBefore.server : NaN;
		trackPg();
		let pgCpu = 0;
		for (const [p, c] of pgSeen) pgCpu += c - (cpuBefore.pg.get(p) ?? 0);
		const scansAfter = await tableScans();
		return {
			users,
			nOfficers,
			nReviewers,
			nCitizens,
			mixed,
			mixedSeconds,
			cpu: {
				server: serverCpu,
				pg: pgCpu,
				self: (self.user + self.system) / 1000,
				machine: (100 * (machine.busy - cpuBefore.machine.busy)) / (machine.total - cpuBefore.machine.total)
			},
			waits,
			waitSamples,
			scansBefore,
			scansAfter
		};
	};
	const mixes: Awaited<ReturnType<typeof runMix>>[] = [];
	for (const users of USER_COUNTS) mixes.push(await runMix(users));

	// 8. the public survey page: SURVEY_USERS respondents answering at once, each from an address of their own
	const survey: Phase = { name: 'survey', seconds: SECONDS, stats: new Map() };
	const slipQueue: string[] = [];
	for (let k = 0; campaigns.some((c) => k < c.slips.length); k++)
		for (const c of campaigns) if (k < c.slips.length) slipQueue.push(c.slips[k]);
	let respondentNo = 0;
	let slipsOut = 0;
	const surveyCounts = { slip: 0, open: 0, sent: 0 };
	/** One person: opens the page, answers, sends, lands on the thank-you page. */
	const respond = async (p: Phase, rng: Rng, think: () => Promise<unknown>): Promise<void> => {
		const addr = address(0x100000 + respondentNo++); // 10.16.0.0 on: never reused
		const wantsSlip = rng() >= SURVEY_OPEN_SHARE;
		const slip = wantsSlip ? slipQueue.shift() : undefined;
		if (wantsSlip && !slip) slipsOut++; // no slip left: this one takes the open link
		const c = campaigns[Math.floor(rng() * campaigns.length)];
		const url = slip ? `/khao-sat/${slip}` : `/khao-sat/${c.openToken}?nhom=residents`;
		surveyCounts[slip ? 'slip' : 'open']++;
		const pageReply = await hit(p, R.surveyPage, 'GET', url, { accept: 'text/html', 'x-forwarded-for': addr }, undefined, [200]);
		if (!pageReply || pageReply.status !== 200) return;
		const form = surveyAnswers(pageReply.body.toString('utf8'), rng);
		if (!form) {
			statsOf(p, R.surveyPage).error('no form', `${url}: ${pageReply.body.toString('utf8').replace(/\s+/g, ' ').slice(0, 300)}`);
			return;
		}
		await think();
		const sent = await hit(
			p,
			R.surveySend,
			'POST',
			url,
			{ origin: baseUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': addr },
			Buffer.from(form.toString()),
			[303]
		);
		if (!sent || sent.status !== 303) return;
		const location = String(sent.headers.location ?? '');
		if (location !== '/khao-sat/cam-on') {
			statsOf(p, R.surveySend).error('redirect', `${url} → ${location}`);
			return;
		}
		surveyCounts.sent++;
		await hit(p, R.surveyThanks, 'GET', location, { accept: 'text/html', 'x-forwarded-for': addr }, undefined, [200]);
	};
	// warm-up of the survey routes (not measured): three respondents
	const surveyWarm: Phase = { name: 'survey warm-up', seconds: 1, stats: new Map() };
	for (let i = 0; i < 3; i++) await respond(surveyWarm, makeRng(5000 + i), async () => {});
	const surveyWarmErrors = [...surveyWarm.stats.values()].flatMap((x) => x.samples);
	if (surveyWarmErrors.length) {
		for (const x of surveyWarmErrors) console.error(`  warm-up khảo sát: ${x}`);
		throw new Error('survey warm-up requests failed');
	}
	// one respondent at a time, no pause: what a page and an answer cost without queueing
	const surveyAlone: Phase = { name: 'survey alone', seconds: 1, stats: new Map() };
	for (let i = 0; i < 20; i++) await respond(surveyAlone, makeRng(5100 + i), async () => {});
	Object.assign(surveyCounts, { slip: 0, open: 0, sent: 0 });
	const surveyServerPid = listenerPid(Number(new URL(baseUrl).port));
	const surveyPgPids = backendPids(dbName);
	const surveyCpuBefore = {
		server: surveyServerPid ? serverCpuMs(surveyServerPid) : NaN,
		pg: new Map(surveyPgPids.map((p) => [p, cpuMsOf(p) ?? 0])),
		self: process.cpuUsage(),
		machine: machineCpu()
	};
	console.log(
		`Khảo sát công khai: ${SURVEY_USERS} người trả lời cùng lúc (${campaigns.length} xã, ${Math.round(SURVEY_OPEN_SHARE * 100)}% qua đường dẫn mở), ${SECONDS} s…`
	);
	const startSurvey = performance.now();
	const endSurvey = startSurvey + SECONDS * 1000;
	await Promise.all(
		Array.from({ length: SURVEY_USERS }, async (_, i) => {
			const rng = makeRng(6000 + i);
			const think = () => sleep(THINK_MS * (0.5 + rng()));
			// arrivals spread as in the mix (the first page loads within min(5 s, seconds/10)), then all answering at once
			await sleep(rng() * Math.min(5000, SECONDS * 100));
			while (performance.now() < endSurvey) {
				await respond(survey, rng, think);
				await think();
			}
		})
	);
	const surveySeconds = (performance.now() - startSurvey) / 1000;
	const surveyCpu = (() => {
		const self = process.cpuUsage(surveyCpuBefore.self);
		const machine = machineCpu();
		let pgMs = 0;
		for (const p of new Set([...surveyPgPids, ...backendPids(dbName)])) {
			const c = cpuMsOf(p); // a backend gone by now is not counted (rather than counted negative)
			if (c !== undefined) pgMs += c - (surveyCpuBefore.pg.get(p) ?? 0);
		}
		const pct = (ms: number) => (100 * ms) / (surveySeconds * 1000);
		return {
			server: pct(surveyServerPid ? serverCpuMs(surveyServerPid) - surveyCpuBefore.server : NaN),
			pg: pct(pgMs),
			self: pct((self.user + self.system) / 1000),
			machine: (100 * (machine.busy - surveyCpuBefore.machine.busy)) / (machine.total - surveyCpuBefore.machine.total)
		};
	})();
	// the per-address limit of the answers still works: 31 sends from one address within a minute (empty forms, nothing stored)
	let surveyLimitAt = 0;
	for (let i = 1; i <= SURVEY_LIMIT.maxRequests + 1; i++) {
		const r = await send(
			'POST',
			`/khao-sat/${campaigns[0].openToken}`,
			{ origin: baseUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.2' },
			Buffer.from('')
		);
		if (r.status === 429) {
			surveyLimitAt = i;
			break;
		}
	}

	// 8. the report
	const order = [
		R.health,
		R.floor,
		R.entry,
		R.dossier,
		R.save,
		R.upload,
		R.board,
		R.boardNational,
		R.review,
		R.dashboard,
		R.dashboardNational,
		R.verify,
		R.surveyPage,
		R.surveySend,
		R.surveyThanks
	];
	const ceiling = rps(statsOf(probe, R.health), probeSeconds.get(R.health)!);
	const lines: string[] = [];
	const out = (s = '') => lines.push(s);
	out(
		`bench:load — ${ERA === 'post2025' ? 'danh mục từ 07/2025, thẩm định cấp tỉnh' : 'danh mục 03/2025, thẩm định cấp huyện'}; node ${process.version}, ${os.cpus().length} CPU; máy chủ (SERVER_PROCESSES=${PROCESSES}), PostgreSQL và trình tạo tải trên cùng máy`
	);
	out(
		`Dữ liệu: ${report.communes} xã, ${report.accounts} tài khoản, ${report.answers} câu trả lời, ${report.evidence} tài liệu, ${report.submissions} lần gửi, ${report.reviewItems} mục thẩm định, ${report.certificates} giấy chứng nhận, ${report.auditRecords} bản ghi nhật ký; nạp trong ${fmt(report.ms / 1000, 1)} s (mục tiêu < 180 s: ${report.ms < 180_000 ? 'ĐẠT' : 'CHƯA ĐẠT'})`
	);
	out(
		`Trạng thái hồ sơ: ${Object.entries(report.states)
			.map(([s, n]) => `${s} ${n}`)
			.join(', ')}`
	);
	out(
		`Đăng nhập ${emails.length} tài khoản: ${fmt(signInMs / 1000, 1)} s (${fmt(signInMs / emails.length, 0)} ms/tài khoản, argon2id, 4 song song)`
	);
	out();
	/** `aimMs`: one aim for every route of the phase (the public survey), instead of the mix's. */
	const table = (phase: Phase, seconds: (r: RouteName) => number, users: number | null, aimMs?: number) => {
		const aim = users === null ? null : (aimMs ?? aimP95(users));
		const aimOfRoute = (route: RouteName) => aimMs ?? aimOf(route, users!);
		const head = [
			'route',
			'req/s',
			'p50 ms',
			'p95 ms',
			'p99 ms',
			'KB/resp',
			'errors',
			'409',
			'429',
			aim === null ? 'ratio to /healthz' : `aim p95<${aim}`
		];
		const rows: string[][] = [];
		for (const route of order) {
			const s = phase.stats.get(route);
			if (!s || s.lat.length === 0) continue;
			const r = rps(s, seconds(route));
			const p95 = s.pct(95);
			rows.push([
				route,
				fmt(r, 1),
				fmt(s.pct(50), 1),
				fmt(p95, 1),
				fmt(s.pct(99), 1),
				fmt(s.bytes / s.lat.length / 1024, 1),
				String(s.errors),
				String(s.conflicts),
				String(s.limited),
				aim === null
					? route === R.health
						? 'ceiling'
						: `${fmt((100 * r) / ceiling, 1)}% of ceiling`
					: route === R.health
						? ''
						: p95 < aimOfRoute(route)
							? aimOfRoute(route) === aim
								? 'PASS'
								: `PASS (<${aimOfRoute(route)})`
							: aimOfRoute(route) === aim
								? 'MISS'
								: `MISS (<${aimOfRoute(route)})`
			]);
		}
		const w = head.map((x, i) => Math.max(x.length, ...rows.map((row) => row[i].length)));
		out(head.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  '));
		out(w.map((n) => '─'.repeat(n)).join('  '));
		for (const row of rows) out(row.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  '));
	};
	const figures: Figure[] = [];
	out(
		`Công suất từng route riêng lẻ (${PROBE_CONNS} kết nối liên tục, không nghỉ; /review toàn quốc: ${Math.min(PROBE_CONNS, 8)}; ${PROBE_SECONDS} s mỗi route):`
	);
	table(probe, (r) => probeSeconds.get(r) ?? PROBE_SECONDS, null);
	const national = statsOf(probe, R.dashboardNational);
	out(
		`${R.dashboardNational} một mình: p50 ${fmt(national.pct(50), 1)} ms, p95 ${fmt(national.pct(95), 1)} ms (mục tiêu < ${AIM_NATIONAL_DASHBOARD_MS} ms: ${national.pct(95) < AIM_NATIONAL_DASHBOARD_MS ? 'ĐẠT' : 'CHƯA ĐẠT'})`
	);
	figures.push({
		name: `${R.dashboardNational} alone p95`,
		value: Math.round(national.pct(95) * 10) / 10,
		unit: 'ms',
		aim: { op: '<', value: AIM_NATIONAL_DASHBOARD_MS },
		note: `p50 ${fmt(national.pct(50), 1)} ms, ${national.lat.length} requests`
	});
	figures.push({ name: `capacity ${R.health}`, value: ceiling, unit: 'req/s', note: 'the ceiling' });
	const ratioAimed: RouteName[] = [R.board, R.review, R.entry];
	const floor = rps(statsOf(probe, R.floor), probeSeconds.get(R.floor)!);
	for (const route of order.filter((r) => r !== R.health)) {
		const s = probe.stats.get(route);
		if (!s || s.lat.length === 0) continue;
		const ratio = (100 * rps(s, probeSeconds.get(route)!)) / ceiling;
		figures.push({
			name: `capacity ${route} / ${R.health}`,
			value: Math.round(ratio * 10) / 10,
			unit: '%',
			...(ratioAimed.includes(route) ? { aim: { op: '>=' as const, value: AIM_CEILING_RATIO * 100 } } : {}),
			note: `${fmt(rps(s, probeSeconds.get(route)!), 1)} req/s`
		});
	}
	// context for the aims above: the same pages against the floor of a signed-in page (no aim)
	out(
		`Trang nền (đã đăng nhập, không có dữ liệu riêng: phiên, khung trang, kết xuất của SvelteKit) ${R.floor}: ${fmt(floor, 1)} req/s = ${fmt((100 * floor) / ceiling, 1)}% của ${R.health}; so với trang nền: ${ratioAimed
			.map((route) => `${route} ${fmt((100 * rps(statsOf(probe, route), probeSeconds.get(route)!)) / floor, 1)}%`)
			.join(', ')}`
	);
	for (const route of ratioAimed)
		figures.push({
			name: `capacity ${route} / floor`,
			value: Math.round((1000 * rps(statsOf(probe, route), probeSeconds.get(route)!)) / floor) / 10,
			unit: '%',
			note: `the floor: ${R.floor}, ${fmt(floor, 1)} req/s, ${fmt((100 * floor) / ceiling, 1)}% of ${R.health}`
		});
	for (const m of mixes) {
		const aim = aimP95(m.users);
		out();
		out(
			`Tải hỗn hợp ngày cuối trước hạn: ${m.users} người dùng đồng thời (${m.nOfficers} cán bộ xã, ${m.nReviewers} cán bộ thẩm định, ${m.nCitizens} người tra cứu) + kiểm tra /healthz mỗi giây, ${fmt(m.mixedSeconds, 1)} s, nghỉ ${THINK_MS / 2}–${THINK_MS * 1.5} ms giữa các thao tác:`
		);
		table(m.mixed, () => m.mixedSeconds, m.users);
		const totalMixed = [...m.mixed.stats.values()].reduce((n, s) => n + s.lat.length, 0);
		out(`Tổng: ${totalMixed} yêu cầu, ${fmt(totalMixed / m.mixedSeconds, 1)} req/s.`);
		const pctCpu = (ms: number) => `${fmt((100 * ms) / (m.mixedSeconds * 1000), 0)}%`;
		out(
			`CPU trong lúc tải hỗn hợp (100% = một CPU): máy chủ Node ${pctCpu(m.cpu.server)}, PostgreSQL ${pctCpu(m.cpu.pg)}, trình tạo tải ${pctCpu(m.cpu.self)}; ` +
				`cả máy ${fmt(m.cpu.machine, 0)}% bận trên ${os.cpus().length} CPU`
		);
		const perSample = (n: number) => n / Math.max(1, m.waitSamples);
		out(
			`Phiên CSDL của máy chủ (tối đa ${process.env.DATABASE_POOL_MAX || 10}, pg.Pool), trung bình theo trạng thái (${m.waitSamples} lần lấy mẫu pg_stat_activity): ` +
				[...m.waits]
					.sort((a, b) => b[1] - a[1])
					.map(([w, n]) => `${w} ${fmt(perSample(n), 2)}`)
					.join(', ')
		);
		const lockWaits = (prefix: string) => perSample([...m.waits].filter(([w]) => w.startsWith(prefix)).reduce((n, [, x]) => n + x, 0));
		out(`Chờ khóa: advisory ${fmt(lockWaits('Lock:advisory'), 2)} phiên, mọi khóa (Lock:*) ${fmt(lockWaits('Lock:'), 2)} phiên trung bình`);
		const routes = order.filter((r) => r !== R.health && (m.mixed.stats.get(r)?.lat.length ?? 0) > 0);
		// the worst of the routes held to the mix's common aim (a route with its own aim has its own figure)
		const worst = routes
			.filter((r) => ROUTE_AIM_P95[r] === undefined)
			.map((r) => m.mixed.stats.get(r)!.pct(95))
			.reduce((x, y) => Math.max(x, y), 0);
		const errors = [...m.mixed.stats.values()].reduce((n, s) => n + s.errors, 0);
		for (const route of routes) {
			const st = m.mixed.stats.get(route)!;
			figures.push({
				name: `mix ${m.users} users: ${route} p95`,
				value: Math.round(st.pct(95) * 10) / 10,
				unit: 'ms',
				aim: { op: '<', value: aimOf(route, m.users) },
				note: `${fmt(rps(st, m.mixedSeconds), 1)} req/s, p50 ${fmt(st.pct(50), 1)} ms`
			});
		}
		figures.push({ name: `mix ${m.users} users: worst p95`, value: Math.round(worst * 10) / 10, unit: 'ms', aim: { op: '<', value: aim } });
		figures.push({ name: `mix ${m.users} users: errors`, value: errors, unit: '', aim: { op: '<=', value: 0 } });
		figures.push({
			name: `mix ${m.users} users: sessions waiting on an advisory lock (mean)`,
			value: Math.round(lockWaits('Lock:advisory') * 100) / 100,
			unit: 'sessions',
			aim: { op: '<=', value: 0 }
		});
		figures.push({
			name: `mix ${m.users} users: sessions waiting on any lock (mean)`,
			value: Math.round(lockWaits('Lock:') * 100) / 100,
			unit: 'sessions'
		});
		figures.push({ name: `mix ${m.users} users: throughput`, value: Math.round((totalMixed / m.mixedSeconds) * 10) / 10, unit: 'req/s' });
		out();
		out(`Quét tuần tự trong lúc tải hỗn hợp ${m.users} người dùng (pg_stat_user_tables; chỉ các bảng có quét):`);
		const scanRows = [...m.scansAfter.values()]
			.map((x) => {
				const b = m.scansBefore.get(x.relname);
				return {
					name: x.relname,
					seq: x.seq_scan - (b?.seq_scan ?? 0),
					read: x.seq_tup_read - (b?.seq_tup_read ?? 0),
					idx: x.idx_scan - (b?.idx_scan ?? 0),
					live: x.n_live_tup
				};
			})
			.filter((x) => x.seq > 0)
			.sort((x, y) => y.read - x.read);
		out(
			`  ${'table'.padEnd(20)} ${'seq scans'.padStart(10)} ${'rows read'.padStart(14)} ${'index scans'.padStart(12)} ${'rows'.padStart(10)}`
		);
		for (const x of scanRows.slice(0, 12))
			out(
				`  ${x.name.padEnd(20)} ${String(x.seq).padStart(10)} ${String(x.read).padStart(14)} ${String(x.idx).padStart(12)} ${String(x.live).padStart(10)}`
			);
		for (const x of scanRows.filter((y) => y.name === 'assessment' || y.name === 'decision_item'))
			figures.push({ name: `mix ${m.users} users: seq scans on ${x.name}`, value: x.seq, unit: '', note: `${x.read} rows read` });
	}
	// the public survey
	out();
	out(
		`Khảo sát công khai: ${SURVEY_USERS} người trả lời cùng lúc, mỗi người một địa chỉ riêng (${surveyCounts.slip} người dùng mã phiếu, ${surveyCounts.open} người dùng đường dẫn mở${slipsOut ? `, trong đó ${slipsOut} vì hết mã phiếu` : ''}; ${campaigns.length} xã), ${fmt(surveySeconds, 1)} s, nghỉ ${THINK_MS / 2}–${THINK_MS * 1.5} ms để trả lời:`
	);
	table(survey, () => surveySeconds, SURVEY_USERS, AIM_SURVEY_P95);
	const alonePage = statsOf(surveyAlone, R.surveyPage);
	const aloneSend = statsOf(surveyAlone, R.surveySend);
	out(
		`Một người trả lời một lúc (${aloneSend.lat.length} lần, không nghỉ, trước pha này): ${R.surveyPage} p50 ${fmt(alonePage.pct(50), 1)} ms, p95 ${fmt(alonePage.pct(95), 1)} ms; ${R.surveySend} p50 ${fmt(aloneSend.pct(50), 1)} ms, p95 ${fmt(aloneSend.pct(95), 1)} ms`
	);
	out(
		`CPU trong pha khảo sát (100% = một CPU): máy chủ Node ${fmt(surveyCpu.server, 0)}%, PostgreSQL ${fmt(surveyCpu.pg, 0)}%, trình tạo tải ${fmt(surveyCpu.self, 0)}%; cả máy ${fmt(surveyCpu.machine, 0)}% bận trên ${os.cpus().length} CPU`
	);
	const surveyErrors = [...survey.stats.values()].reduce((n, s) => n + s.errors, 0);
	const surveyUsed = statsOf(survey, R.surveySend).conflicts;
	const surveyLimited = statsOf(survey, R.surveySend).limited;
	out(
		`${surveyCounts.sent} phiếu trả lời được nhận (${fmt(surveyCounts.sent / surveySeconds, 1)} phiếu/s). Lỗi: ${surveyErrors} (trong đó mã phiếu đã dùng hoặc không nhận — cột 409: ${surveyUsed}; bị giới hạn theo địa chỉ — cột 429: ${surveyLimited}; cả hai đều tính là lỗi).`
	);
	for (const route of [R.surveyPage, R.surveySend]) {
		const st = statsOf(survey, route);
		figures.push({
			name: `survey ${SURVEY_USERS} respondents: ${route} p95`,
			value: Math.round(st.pct(95) * 10) / 10,
			unit: 'ms',
			aim: { op: '<', value: AIM_SURVEY_P95 },
			note: `${fmt(rps(st, surveySeconds), 1)} req/s, p50 ${fmt(st.pct(50), 1)} ms, p99 ${fmt(st.pct(99), 1)} ms`
		});
	}
	figures.push({
		name: `survey ${SURVEY_USERS} respondents: errors`,
		value: surveyErrors,
		unit: '',
		aim: { op: '<=', value: 0 },
		note: `${surveyUsed} used code or closed (409), ${surveyLimited} rate-limited (429), ${surveyCounts.sent} answers received`
	});
	figures.push({
		name: `survey: answer no. ${SURVEY_LIMIT.maxRequests + 1} of one address within a minute gets 429`,
		value: surveyLimitAt === SURVEY_LIMIT.maxRequests + 1 ? 1 : 0,
		unit: '',
		aim: { op: '>=', value: 1 },
		note: surveyLimitAt ? `429 at answer ${surveyLimitAt}` : 'no 429'
	});

	const allErrors = [...mixes.flatMap((m) => [...m.mixed.stats.values()]), ...probe.stats.values(), ...survey.stats.values()].reduce(
		(n, s) => n + s.errors,
		0
	);
	const limited = [...mixes.flatMap((m) => [...m.mixed.stats.values()]), ...probe.stats.values()].reduce((n, s) => n + s.limited, 0);
	const conflicts = [...mixes.flatMap((m) => [...m.mixed.stats.values()]), ...probe.stats.values()].reduce((n, s) => n + s.conflicts, 0);
	figures.push({
		name: 'errors (all phases)',
		value: allErrors,
		unit: '',
		aim: { op: '<=', value: 0 },
		note: `${conflicts} 409 saved again, ${limited} 429 from the verification limit`
	});
	figures.push({ name: 'seed of the national data', value: Math.round(report.ms / 100) / 10, unit: 's', aim: { op: '<', value: 180 } });
	figures.push({ name: 'data-entry page JavaScript (gzip)', value: Math.round(jsGzip / 102.4) / 10, unit: 'KB' });
	figures.push({ name: 'data-entry page HTML', value: Math.round(page.body.length / 102.4) / 10, unit: 'KB' });
	if (setBytes)
		figures.push({
			name: 'criteria set, once per browser and version (as sent)',
			value: Math.round(setBytes.wire / 102.4) / 10,
			unit: 'KB'
		});
	out();
	out('Mục tiêu (PASS = đạt, MISS = chưa đạt):');
	for (const l of figureLines(figures.filter((f) => f.aim))) out(`  ${l}`);
	out();
	out(
		`JavaScript cán bộ xã tải cho trang nhập liệu /assessments/<id>/criteria/TC01: ${js.size} tệp, ${fmt(jsRaw / 1024, 1)} KB, gzip ${fmt(jsGzip / 1024, 1)} KB (${[...js.values()].every((x) => x.served) ? 'gzip do máy chủ gửi' : 'gzip -9 tính tại chỗ cho tệp máy chủ không nén'}; riêng ${listed.size} tệp nêu trong HTML: ${fmt(listedGzip / 1024, 1)} KB); HTML ${fmt(page.body.length / 1024, 1)} KB` +
			(setBytes
				? `; bộ tiêu chí (một lần cho mỗi trình duyệt và phiên bản, trình duyệt giữ lại) ${fmt(setBytes.raw / 1024, 1)} KB, gửi ${fmt(setBytes.wire / 1024, 1)} KB`
				: '')
	);
	out(
		`Giới hạn tra cứu công khai: yêu cầu thứ ${limitAt || '—'} liên tiếp từ một địa chỉ nhận 429 ${limitAt === 31 ? '(đúng: 30/phút)' : '(KHÔNG như mong đợi)'}`
	);
	out(
		`Giới hạn gửi phiếu khảo sát: lần gửi thứ ${surveyLimitAt || '—'} liên tiếp từ một địa chỉ nhận 429 ${surveyLimitAt === SURVEY_LIMIT.maxRequests + 1 ? `(đúng: ${SURVEY_LIMIT.maxRequests}/phút)` : '(KHÔNG như mong đợi)'}`
	);
	if (JSON_FILE) {
		writeBenchJson(JSON_FILE, {
			benchmark: 'bench:load',
			figures,
			extra: {
				era: ERA,
				serverProcesses: PROCESSES,
				seconds: SECONDS,
				users: USER_COUNTS,
				thinkMs: THINK_MS,
				probe: { seconds: PROBE_SECONDS, conns: PROBE_CONNS },
				survey: {
					respondents: SURVEY_USERS,
					campaigns: campaigns.length,
					openShare: SURVEY_OPEN_SHARE,
					seconds: Math.round(surveySeconds * 10) / 10,
					viaSlip: surveyCounts.slip,
					viaOpenLink: surveyCounts.open,
					answersReceived: surveyCounts.sent,
					alone: {
						pageP50: Math.round(alonePage.pct(50) * 10) / 10,
						sendP50: Math.round(aloneSend.pct(50) * 10) / 10,
						errors: [...surveyAlone.stats.values()].reduce((n, s) => n + s.errors, 0)
					},
					cpuPercent: Object.fromEntries(Object.entries(surveyCpu).map(([k, v]) => [k, Math.round(v)])),
					routes: Object.fromEntries(
						[R.surveyPage, R.surveySend, R.surveyThanks].map((r) => {
							const st = statsOf(survey, r);
							return [
								r,
								{
									requests: st.lat.length,
									p50: Math.round(st.pct(50) * 10) / 10,
									p95: Math.round(st.pct(95) * 10) / 10,
									p99: Math.round(st.pct(99) * 10) / 10,
									errors: st.errors,
									usedCode409: st.conflicts,
									limited429: st.limited
								}
							];
						})
					)
				},
				data: { communes: report.communes, accounts: report.accounts, auditRecords: report.auditRecords }
			}
		});
		out(`JSON: ${JSON_FILE}`);
	}
	const samples = [...mixes.flatMap((m) => [...m.mixed.stats]), ...probe.stats, ...survey.stats, ...surveyAlone.stats].flatMap(
		([route, s]) => s.samples.map((x) => `  ${route}: ${x}`)
	);
	if (samples.length) {
		out();
		out('Ví dụ lỗi:');
		for (const x of samples.slice(0, 10)) out(x);
	}
	console.log(`\n${lines.join('\n')}`);
	if (args['keep-db']) console.log(`\n(--keep-db) CSDL giữ lại: ${dbUrl}  DATA_DIR: ${dataDir}`);
} catch (e) {
	console.error(`\nbench:load thất bại: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
	if (server) console.error(`--- nhật ký máy chủ (3000 ký tự cuối) ---\n${server.log().slice(-3000)}`);
	process.exitCode = 1;
} finally {
	agent.destroy();
	await server?.stop().catch(() => {});
	if (!args['keep-db']) {
		await dropDatabase().catch((e) => console.error(`không xóa được CSDL ${dbName}: ${(e as Error).message}`));
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}
