/**
 * `npm test`: the whole suite on a fresh clone. Type-checks, builds the server, then runs the
 * unit, integration (embedded PostgreSQL; TEST_DATABASE_URL switches to a real server) and
 * browser tests (system Chromium against the built server) in one Vitest run.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureBuilt, requireNode, root } from './runtime.ts';

requireNode();
process.chdir(root);

function step(title: string, args: string[]): void {
	console.log(`\n▶ ${title}`);
	const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: process.env });
	if (r.status !== 0) {
		console.error(`✗ ${title} thất bại (mã ${r.status}).`);
		process.exit(r.status ?? 1);
	}
}

// the system packages first: installed when missing (as root with apt), else one line to run
const deps = spawnSync('bash', [path.join(root, 'scripts', 'system-deps.sh')], { stdio: 'inherit' });
if (deps.status !== 0) process.exit(deps.status ?? 1);

const bin = (p: string) => path.join(root, 'node_modules', p);
step('svelte-kit sync', [bin('@sveltejs/kit/svelte-kit.js'), 'sync']);
step('Kiểm tra kiểu (svelte-check)', [
	bin('svelte-check/bin/svelte-check'),
	'--tsconfig',
	'./tsconfig.json',
	'--threshold',
	'error',
	'--output',
	'human'
]);
step('Định dạng (Prettier)', [bin('prettier/bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']);
console.log('\n▶ Biên dịch máy chủ');
ensureBuilt(true);
step('Vitest: unit, integration, browser', [bin('vitest/vitest.mjs'), 'run', ...process.argv.slice(2)]);
