/**
 * The built server started the way `startServer` (./server.ts) starts it, on a data directory
 * the caller owns (kept after the server stops, so that a second server can start on it), with
 * a `kill` that can stop it abruptly (SIGKILL: no shutdown hook, no cleanup), to test what a
 * crash leaves behind and what the next start does about it.
 */
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

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

export type KillableServer = {
	url: string;
	dataDir: string;
	pid: number;
	log: () => string;
	/** Sends `signal` (default SIGKILL) and waits until the process is gone. */
	kill: (signal?: NodeJS.Signals) => Promise<void>;
	/** A normal stop (SIGTERM: open requests finish, the database closes). */
	stop: () => Promise<void>;
};

export async function startKillableServer(dataDir: string, env: Record<string, string> = {}): Promise<KillableServer> {
	const port = await freePort();
	let output = '';
	const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=2', 'scripts/start.ts'], {
		cwd: root,
		env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', DEMO_SEED: '1', ...env, DATA_DIR: dataDir },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const signal = async (s: NodeJS.Signals) => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill(s);
			await exited;
		}
	};
	const url = `http://127.0.0.1:${port}`;
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
			await signal('SIGKILL');
			throw new Error(`server did not start:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		dataDir,
		pid: child.pid!,
		log: () => output,
		kill: (s = 'SIGKILL') => signal(s),
		stop: () => signal('SIGTERM')
	};
}
