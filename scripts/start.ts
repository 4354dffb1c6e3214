/**
 * `npm start`: build if needed, then serve the built app (`build/index.js`, the adapter-node
 * server). With no DATABASE_URL it runs on the embedded PostgreSQL in DATA_DIR (default .data)
 * and loads the demo province and the demo accounts.
 *
 * The adapter-node server assumes HTTPS unless a protocol header says otherwise (it is meant to
 * sit behind a TLS proxy). This launcher serves plain HTTP on this machine, so it marks requests
 * that arrive without such a header as `http`, which keeps SvelteKit's CSRF origin check right.
 *
 * SERVER_PROCESSES > 1 (PostgreSQL only): this process becomes a node:cluster primary that shares
 * the port among that many server processes. The first one opens the database (migrations) before
 * the others start; only it runs the reminders' timer; one that dies is started again. The
 * survey's per-address key is drawn here once, so every process counts an address alike.
 */
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ConfigError, loadConfig } from '#lib/server/config.ts';
import { ensureBuilt, requireNode, root } from './runtime.ts';

requireNode();
process.chdir(root);
let processes = 1;
try {
	processes = loadConfig().serverProcesses;
} catch (e) {
	if (!(e instanceof ConfigError)) throw e;
	console.error(e.message);
	process.exit(1);
}

if (cluster.isPrimary) {
	ensureBuilt();
	process.env.DEMO_SEED ??= process.env.DATABASE_URL ? '0' : '1';
	process.env.PORT ??= '3000';
	process.env.HOST ??= '127.0.0.1';
	// The demo only: without PUBLIC_URL its certificates' QR codes point to the address it listens on
	// (said on the console). A real deployment sets PUBLIC_URL; without it certificates are refused.
	if (['1', 'true'].includes(process.env.DEMO_SEED) && !process.env.PUBLIC_URL?.trim()) {
		const host = process.env.HOST.trim();
		const shown = ['', '0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
		process.env.PUBLIC_URL = `http://${shown}:${process.env.PORT}`;
		console.log(
			`PUBLIC_URL chưa đặt: bản trình diễn dùng ${process.env.PUBLIC_URL} làm địa chỉ trong mã QR của giấy chứng nhận ` +
				'(triển khai thật phải đặt PUBLIC_URL).'
		);
	}
	// PDF layout runs in worker threads from the TypeScript sources (src/lib/server/documents/worker.ts)
	process.env.PDF_WORKER ??= `${root}/src/lib/server/documents/worker.ts`;
	// adapter-node applies BODY_SIZE_LIMIT to every request body, the streamed evidence upload
	// included; the hooks refuse large bodies everywhere else.
	process.env.BODY_SIZE_LIMIT ??= `${(Number(process.env.UPLOAD_MAX_MB) || 50) + 1}M`;
	if (!process.env.PROTOCOL_HEADER) {
		process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
		process.env.XA_PLAIN_HTTP = '1'; // for this launcher's processes only
	}
}

const listeningMessage = () => {
	const demo = ['1', 'true'].includes(process.env.DEMO_SEED ?? '');
	return (
		`Ứng dụng đang chạy tại http://${process.env.HOST}:${process.env.PORT}` +
		(processes > 1 ? ` (${processes} tiến trình)` : '') +
		(demo ? ' — dữ liệu trình diễn: đăng nhập bằng một tài khoản trình diễn (README, mật khẩu demo-TreEm-2026).' : '.') +
		' Dừng bằng Ctrl-C.'
	);
};

if (cluster.isPrimary && processes > 1) runPrimary(processes);
else await serve();

/** One server process: the built app on PORT (its own port, or the cluster's shared one). */
async function serve(): Promise<void> {
	const plainHttp = process.env.XA_PLAIN_HTTP === '1';
	const { server } = (await import(new URL('../build/index.js', import.meta.url).href)) as { server: Server };
	if (plainHttp) {
		server.prependListener('request', (req: IncomingMessage) => {
			req.headers['x-forwarded-proto'] = 'http';
		});
	}
	if (cluster.isPrimary) server.once('listening', () => console.log(listeningMessage()));
	// a cluster's process: once its requests have finished (adapter-node's graceful shutdown) let go
	// of the primary, so that it exits when its database is closed
	else process.once('sveltekit:shutdown' as 'exit', () => cluster.worker?.disconnect());
}

const RESTART_DELAY_MS = 1000;

/** The cluster's primary: starts `n` server processes, the first alone, and keeps them running. */
function runPrimary(n: number): void {
	process.env.SURVEY_ADDRESS_KEY ??= crypto.randomBytes(32).toString('base64url');
	let stopping = false;
	let listened = false;
	let timerWorker: number | undefined;
	// only one process runs the reminders' timer (the lease would let one pass run at a time anyway)
	const start = (withTimer: boolean) => {
		const w = cluster.fork(withTimer ? {} : { REMINDER_INTERVAL_MINUTES: '0' });
		if (withTimer) timerWorker = w.id;
		return w;
	};
	start(true).once('listening', () => {
		listened = true;
		for (let i = 1; i < n; i++) start(false);
		console.log(listeningMessage());
	});
	cluster.on('exit', (w, code, signal) => {
		if (stopping) {
			if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
			return;
		}
		if (!listened) {
			// it could not start (configuration, database): starting it again would fail the same way
			console.error(`Tiến trình máy chủ dừng trước khi sẵn sàng (${signal ?? code}).`);
			process.exit(1);
		}
		console.error(`Tiến trình máy chủ ${w.process.pid} dừng (${signal ?? code}); khởi động lại.`);
		// a second apart, so that a process failing at once (its database gone) does not spin
		const withTimer = w.id === timerWorker;
		setTimeout(() => {
			if (!stopping) start(withTimer);
		}, RESTART_DELAY_MS);
	});
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.on(sig, () => {
			stopping = true;
			const left = Object.values(cluster.workers ?? {});
			if (left.length === 0) process.exit(0);
			// each finishes its open requests and closes its database connections
			for (const w of left) w?.process.kill('SIGTERM');
		});
	}
}
