/**
 * Starts the built server (`build/index.js` through `scripts/start.ts`) on a free port with a
 * fresh embedded database and the demo data, and stops it afterwards.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
	});
}

export type RunningServer = {
	url: string;
	/** DATA_DIR: the caller's when given in `env` (kept after stopping), else a temporary one (removed). */
	dataDir: string;
	log: () => string;
	/** A normal stop (SIGTERM: open requests finish, the database closes). */
	stop: () => Promise<void>;
	/** Sends `signal` (default SIGKILL: no shutdown, no clean-up, as in a crash) and waits until the process is gone. */
	kill: (signal?: NodeJS.Signals) => Promise<void>;
	/** The server process (to send it signals without waiting). */
	process: ChildProcess;
};

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
	const port = await freePort();
	const ownDir = env.DATA_DIR ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'xa-server-'));
	const dataDir = env.DATA_DIR ?? ownDir!;
	let output = '';
	const url = `http://127.0.0.1:${port}`;
	const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=16', 'scripts/start.ts'], {
		cwd: root,
		// PUBLIC_URL (the certificates' QR codes) is the server's own address unless `env` says otherwise
		// (`PUBLIC_URL: ''` with `DEMO_SEED: '0'` leaves it unset)
		env: {
			...process.env,
			DATABASE_URL: '',
			PORT: String(port),
			HOST: '127.0.0.1',
			DEMO_SEED: '1',
			PUBLIC_URL: url,
			...env,
			DATA_DIR: dataDir
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill(signal);
			await exited;
		}
	};
	const deadline = Date.now() + 150_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
		try {
			const r = await fetch(`${url}/healthz`);
			if (r.ok) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			await kill();
			throw new Error(`server did not start:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		dataDir,
		log: () => output,
		process: child,
		kill,
		stop: async () => {
			await kill('SIGTERM');
			if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
		}
	};
}

/** The processes whose parent is `pid` (Linux /proc): a SERVER_PROCESSES server's processes. */
export function childProcesses(pid: number): number[] {
	const out: number[] = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
		} catch {
			/* gone */
		}
	}
	return out.sort((a, b) => a - b);
}

/** Chromium as Debian installs it; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** Signs in through the login form with fetch and returns the `session=…` cookie for later requests. */
export async function sessionCookie(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
	const res = await fetch(`${url}/login`, {
		method: 'POST',
		headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ email, password }),
		redirect: 'manual'
	});
	const m = /session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
	if (!m) throw new Error(`no session cookie for ${email} (${res.status})`);
	return `session=${m[1]}`;
}
