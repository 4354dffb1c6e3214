/**
 * Profiling aid (not part of the test suite): starts the built server with --cpu-prof against an
 * existing database (DATABASE_URL, DATA_DIR from a `bench:load --keep-db` run), sends `--n`
 * requests to each route given (`--conns` at a time; routes: health, floor, verify, board, national,
 * review, entry, dossier, save, upload, dashboard), and prints per route the server's and PostgreSQL's CPU per
 * request, the transactions and the sequential scans; then where the server's CPU time went
 * (self time by function and by file, inclusive time of some SvelteKit frames). `--no-prof`:
 * without the profiler, only the per-request figures. SEMI=<MB> sets the server's semi-space.
 *
 *   node scripts/profile-routes.ts --db <url> --data <dir> --route review --route entry --n 400
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { root } from './runtime.ts';
import crypto from 'node:crypto';
import { makeRng, samplePdf, scaleAnswer, SCALE_PASSWORD, scaleEmail } from './seed/scale.ts';
import { QD06_2019 } from '#lib/domain/criteria/index.ts';

const { values } = parseArgs({
	options: {
		db: { type: 'string' },
		data: { type: 'string' },
		route: { type: 'string', multiple: true },
		n: { type: 'string', default: '300' },
		conns: { type: 'string', default: '8' },
		out: { type: 'string', default: '/tmp/prof' },
		frame: { type: 'string', multiple: true },
		// without the profiler: only the CPU each request costs the server and PostgreSQL
		'no-prof': { type: 'boolean', default: false }
	}
});
const PROFILE = !values['no-prof'];
const N = Number(values.n);
const CONNS = Number(values.conns);
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
fs.mkdirSync(values.out!, { recursive: true });
for (const f of fs.readdirSync(values.out!)) if (f.endsWith('.cpuprofile')) fs.rmSync(path.join(values.out!, f));

const child = spawn(
	process.execPath,
	[
		...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${values.out}`] : []),
		`--max-semi-space-size=${process.env.SEMI ?? 16}`,
		'scripts/start.ts'
	],
	{
		cwd: root,
		env: {
			...process.env,
			DATABASE_URL: values.db,
			DATA_DIR: values.data,
			STORAGE_DIR: path.join(values.data!, 'files'),
			REVIEW_LEVEL: 'province',
			DEMO_SEED: '0',
			PORT: String(port),
			HOST: '127.0.0.1',
			ADDRESS_HEADER: 'x-forwarded-for'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	}
);
let log = '';
child.stdout.on('data', (d) => (log += d));
child.stderr.on('data', (d) => (log += d));
for (let i = 0; ; i++) {
	try {
		if ((await fetch(`${base}/healthz`)).ok) break;
	} catch {
		/* not yet */
	}
	if (i > 600) throw new Error(`server did not start:\n${log.slice(-2000)}`);
	await new Promise((r) => setTimeout(r, 200));
}

const c = new pg.Client({ connectionString: values.db });
await c.connect();
const review = (
	await c.query(
		`select a.id, p.code from assessment a join admin_unit c on c.id = a.commune_id join admin_unit p on p.id = c.province_id where a.state = 'under_review' order by a.id limit 1`
	)
).rows[0];
const cert = (await c.query(`select code from certificate order by id limit 1`)).rows[0];
// the uploads go to another draft: the documents they pile up would weigh on the first one's pages
const [draft, uploadDraft] = (
	await c.query(
		`select a.id, c.code from assessment a join admin_unit c on c.id = a.commune_id where a.state = 'draft' order by a.id limit 2`
	)
).rows;
await c.end();

async function signIn(email: string): Promise<string> {
	const r = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: base,
			'content-type': 'application/x-www-form-urlencoded',
			'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.1`
		},
		body: new URLSearchParams({ email, password: SCALE_PASSWORD })
	});
	const m = /session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '');
	if (!m) throw new Error(`sign-in ${email}: ${r.status}`);
	return `session=${m[1]}`;
}
const reviewer = await signIn(scaleEmail.reviewer(review.code));
const officer = await signIn(scaleEmail.officer(draft.code));
const uploader = values.route?.includes('upload') ? await signIn(scaleEmail.officer(uploadDraft.code)) : '';
const admin = await signIn(scaleEmail.admin);

const routes: Record<string, () => Promise<Response>> = {
	review: () => fetch(`${base}/review/${review.id}`, { headers: { cookie: reviewer } }),
	board: () => fetch(`${base}/review`, { headers: { cookie: reviewer } }),
	dashboard: () => fetch(`${base}/dashboard`, { headers: { cookie: reviewer } }),
	entry: () => fetch(`${base}/assessments/${draft.id}/criteria/TC07`, { headers: { cookie: officer } }),
	dossier: () => fetch(`${base}/assessments/${draft.id}`, { headers: { cookie: officer } }),
	health: () => fetch(`${base}/healthz`),
	// a signed-in page with no data of its own: the session, the layout and SvelteKit's rendering
	floor: () => fetch(`${base}/account/password`, { headers: { cookie: reviewer } }),
	verify: () =>
		fetch(`${base}/verify/${cert.code}`, {
			headers: { 'x-forwarded-for': `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` }
		}),
	national: () => fetch(`${base}/review`, { headers: { cookie: admin } }),
	// a ~50 KB PDF of new content each time, as bench:load uploads it
	upload: async () => {
		const form = new FormData();
		form.set('kind', 'evidence');
		form.set('indicator', saveIndicator.code);
		form.set('doc_number', `${++uploads}/BC-UBND`);
		const pdf = samplePdf(`Minh chung ${uploads} ${crypto.randomBytes(6).toString('hex')}`, 50_000);
		form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), `minh-chung-${uploads}.pdf`);
		const r = await fetch(`${base}/assessments/${uploadDraft.id}/evidence/upload`, {
			method: 'POST',
			headers: { cookie: uploader, origin: base, accept: 'application/json' },
			body: form
		});
		return new Response(await r.arrayBuffer(), { status: r.status === 201 ? 200 : r.status });
	},
	save: async () => {
		const answer = scaleAnswer(saveIndicator, rng, rng(), {}, 2026);
		const rev = await fetch(`${base}/assessments/${draft.id}/answers`, {
			method: 'PUT',
			headers: { cookie: officer, origin: base, 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ indicator: saveIndicator.code, answer, expectedRevision: revisions.get(saveIndicator.code) ?? 0 })
		});
		const body = (await rev.clone().json()) as { saved?: { revision: number }; stored?: { revision: number } };
		revisions.set(saveIndicator.code, body.saved?.revision ?? body.stored?.revision ?? 0);
		return new Response(null, { status: rev.status === 409 ? 200 : rev.status });
	}
};
const rng = makeRng(7);
const saveIndicator = QD06_2019.criteria.find((c) => c.code === 'TC07')!.indicators[0];
const revisions = new Map<string, number>();
let uploads = 0;
const stats = new pg.Client({ connectionString: values.db });
await stats.connect();
const seqScans = async () =>
	new Map(
		(await stats.query(`select relname, seq_scan, seq_tup_read, idx_scan from pg_stat_user_tables`)).rows.map((r) => [
			r.relname as string,
			{ seq: Number(r.seq_scan), rows: Number(r.seq_tup_read), idx: Number(r.idx_scan ?? 0) }
		])
	);
/** utime + stime of a process in ms (Linux /proc), 0 once it is gone. */
const cpuMs = (pid: number) => {
	try {
		const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(f[11]) + Number(f[12])) * 10;
	} catch {
		return 0;
	}
};
const backends = () =>
	fs
		.readdirSync('/proc')
		.filter((d) => /^\d+$/.test(d))
		.filter((d) => {
			try {
				return (
					fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').startsWith(`postgres: `) &&
					fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${new URL(values.db!).pathname.slice(1)} `)
				);
			} catch {
				return false;
			}
		})
		.map(Number);
for (const name of values.route ?? ['review']) {
	const fn = routes[name];
	for (let i = 0; i < 20; i++) await (await fn()).arrayBuffer(); // warm-up
	const before = await seqScans();
	const pgPids = backends();
	const cpu0 = { server: cpuMs(child.pid!), pg: new Map(pgPids.map((p) => [p, cpuMs(p)])) };
	const txBefore = Number(
		(await stats.query(`select xact_commit from pg_stat_database where datname = current_database()`)).rows[0].xact_commit
	);
	let next = 0;
	let bytes = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: CONNS }, async () => {
			while (next++ < N) {
				const r = await fn();
				bytes += (await r.arrayBuffer()).byteLength;
				if (r.status !== 200) {
					child.kill('SIGTERM');
					throw new Error(
						`${name}: HTTP ${r.status}\n${log
							.split('\n')
							.filter((l) => /error|warn/i.test(l))
							.slice(-5)
							.join('\n')}`
					);
				}
			}
		})
	);
	console.log(
		`${name}: ${N} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s = ${(N / ((performance.now() - t0) / 1000)).toFixed(0)} req/s`
	);
	const serverCpu = cpuMs(child.pid!) - cpu0.server;
	let pgCpu = 0;
	for (const p of new Set([...pgPids, ...backends()])) pgCpu += cpuMs(p) - (cpu0.pg.get(p) ?? 0);
	console.log(
		`  CPU per request: server ${(serverCpu / N).toFixed(2)} ms, PostgreSQL ${(pgCpu / N).toFixed(2)} ms; body ${(bytes / N / 1024).toFixed(1)} KB`
	);
	await new Promise((r) => setTimeout(r, 600)); // the statistics collector's flush
	const after = await seqScans();
	const txAfter = Number(
		(await stats.query(`select xact_commit from pg_stat_database where datname = current_database()`)).rows[0].xact_commit
	);
	console.log(`  statements/transactions per request: ${((txAfter - txBefore) / N).toFixed(1)}`);
	for (const [t, a] of after) {
		const b = before.get(t) ?? { seq: 0, rows: 0, idx: 0 };
		if (a.seq > b.seq)
			console.log(`  seq scans ${t}: ${((a.seq - b.seq) / N).toFixed(2)}/request, ${((a.rows - b.rows) / N).toFixed(0)} rows/request`);
	}
}
await stats.end();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
if (!PROFILE) process.exit(0);

// where the time went
const file = fs.readdirSync(values.out!).find((f) => f.endsWith('.cpuprofile'))!;
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const prof = JSON.parse(fs.readFileSync(path.join(values.out!, file), 'utf8')) as {
	nodes: Node[];
	samples: number[];
	timeDeltas: number[];
};
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
	const t = self.get(n.id) ?? 0;
	total += t;
	const f = n.callFrame.url.replace(/^file:\/\/.*?(node_modules|build|src)\//, '$1/') || '(native)';
	const k = `${n.callFrame.functionName || '(anon)'} ${f}:${n.callFrame.lineNumber}`;
	byFn.set(k, (byFn.get(k) ?? 0) + t);
	const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? f.split('/').slice(0, 3).join('/');
	byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
}
const top = (m: Map<string, number>, k: number) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.slice(0, k)
		.map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);
console.log(`\nself time by package/file (total ${(total / 1e6).toFixed(1)} s):\n${top(byFile, 25).join('\n')}`);
console.log(`\nself time by function:\n${top(byFn, 40).join('\n')}`);

// inclusive time of the frames named in --frame (stack contains the name), e.g. render_response
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const frames = (values.frame as string[] | undefined) ?? [
	'render_response',
	'load_server_data',
	'handleRequest',
	'validateSession',
	'stringify',
	'uneval',
	'render'
];
const incl = new Map<string, number>();
for (const [id, t] of self) {
	const seen = new Set<string>();
	for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
		const name = byId.get(cur)!.callFrame.functionName;
		if (frames.includes(name) && !seen.has(name)) {
			seen.add(name);
			incl.set(name, (incl.get(name) ?? 0) + t);
		}
	}
}
console.log(`\ninclusive time:\n${frames.map((f) => `${((100 * (incl.get(f) ?? 0)) / total).toFixed(1).padStart(5)}%  ${f}`).join('\n')}`);
