/**
 * The shape of the code as rules (shared/design/architecture.md), checked on every run:
 * - the domain (src/lib/domain) imports only domain files and zod;
 * - server modules (src/lib/server/<module>) import neither SvelteKit ($app, @sveltejs/kit) nor
 *   svelte, nor the edge or the components above them;
 * - server modules never import each other in a cycle (a module is a folder, or a file, directly
 *   under src/lib/server);
 * - route files (+page.server.ts, +layout.server.ts, +server.ts) query no table: they call a
 *   server module;
 * - the browser's components import no server module;
 * - nothing under src imports the tests or the tools (scripts).
 * Imports are read from the source text (static imports, re-exports and dynamic imports).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'src');
const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

function filesUnder(dir: string, ext = /\.(ts|svelte)$/): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return filesUnder(p, ext);
		return ext.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
	});
}

/** The module specifiers a file imports (static, re-exported, dynamic; type-only included). */
export function importsOf(source: string): string[] {
	const out: string[] = [];
	const patterns = [
		/(?:^|[;\s])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
		/(?:^|[;\s])import\s*['"]([^'"]+)['"]/g,
		/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
	];
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
	for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
	return out;
}

/** Where a specifier points: a file of the project, or null for a package. */
function resolve(from: string, spec: string): string | null {
	if (spec.startsWith('#lib/')) return path.join(src, 'lib', spec.slice('#lib/'.length));
	if (spec === '#migrations') return path.join(root, 'migrations', 'index.ts');
	if (spec.startsWith('.')) return path.resolve(path.dirname(from), spec);
	return null;
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

type Edge = { from: string; to: string | null; spec: string };

function edgesOf(files: string[]): Edge[] {
	return files.flatMap((f) => importsOf(fs.readFileSync(f, 'utf8')).map((spec) => ({ from: f, spec, to: resolve(f, spec) })));
}

const domainDir = path.join(src, 'lib', 'domain');
const serverDir = path.join(src, 'lib', 'server');
const routesDir = path.join(src, 'routes');
const componentsDir = path.join(src, 'lib', 'components');

/** The server module a file belongs to: the first path segment under src/lib/server. */
const serverModule = (file: string) => path.relative(serverDir, file).split(path.sep)[0].replace(/\.ts$/, '');

describe('layering', () => {
	const all = filesUnder(src);
	const edges = edgesOf(all);

	it('reads the imports of the tree', () => {
		expect(all.length).toBeGreaterThan(100);
		expect(edges.length).toBeGreaterThan(500);
		expect(importsOf("import type { A } from './a.ts';\nexport { b } from \"../b.ts\";\nconst c = await import('#lib/c.ts');")).toEqual([
			'./a.ts',
			'../b.ts',
			'#lib/c.ts'
		]);
	});

	it('the domain imports only domain files and zod', () => {
		const bad = edges
			.filter((e) => inside(e.from, domainDir))
			.filter((e) => (e.to ? !inside(e.to, domainDir) : packageOf(e.spec) !== 'zod'))
			.map((e) => `${rel(e.from)} → ${e.spec}`);
		expect(bad).toEqual([]);
	});

	it('server modules import neither SvelteKit nor svelte, nor the edge or the components', () => {
		const forbidden = (e: Edge) =>
			(!e.to && (e.spec.startsWith('$app') || ['@sveltejs/kit', 'svelte'].includes(packageOf(e.spec)))) ||
			(e.to !== null && (inside(e.to, path.join(src, 'lib', 'edge')) || inside(e.to, componentsDir) || inside(e.to, routesDir)));
		const bad = edges.filter((e) => inside(e.from, serverDir) && forbidden(e)).map((e) => `${rel(e.from)} → ${e.spec}`);
		expect(bad).toEqual([]);
	});

	it('server modules never import each other in a cycle', () => {
		const graph = new Map<string, Set<string>>();
		for (const e of edges) {
			if (!inside(e.from, serverDir) || !e.to || !inside(e.to, serverDir)) continue;
			const a = serverModule(e.from);
			const b = serverModule(e.to);
			if (a === b) continue;
			if (!graph.has(a)) graph.set(a, new Set());
			graph.get(a)!.add(b);
		}
		// every cycle found by a depth-first search, as "a → b → … → a"
		const cycles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const stack: string[] = [];
		const visit = (m: string) => {
			state.set(m, 'open');
			stack.push(m);
			for (const n of graph.get(m) ?? []) {
				if (state.get(n) === 'open') cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '));
				else if (!state.has(n)) visit(n);
			}
			stack.pop();
			state.set(m, 'done');
		};
		for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
		expect(graph.size).toBeGreaterThan(10);
		expect(cycles).toEqual([]);
	});

	it('route files query no table: they call server modules', () => {
		const routeFiles = filesUnder(routesDir, /^\+(page|layout)\.server\.ts$|^\+server\.ts$/);
		expect(routeFiles.length).toBeGreaterThan(30);
		const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`|from 'kysely'/;
		const bad = routeFiles.filter((f) => QUERY.test(fs.readFileSync(f, 'utf8'))).map(rel);
		expect(bad).toEqual([]);
	});

	it('route files read request bodies only through the edge readers (their size limit, the NUL check)', () => {
		const routeFiles = filesUnder(routesDir, /^\+(page|layout)\.server\.ts$|^\+server\.ts$/);
		const RAW = /request\.(formData|json|text|arrayBuffer|blob|bytes)\(|request\.body\b/;
		// the evidence upload streams its body through its own limits (evidence/upload.ts)
		const bad = routeFiles
			.filter((f) => RAW.test(fs.readFileSync(f, 'utf8')))
			.map(rel)
			.filter((f) => !f.endsWith('evidence/upload/+server.ts'));
		expect(bad).toEqual([]);
	});

	it("the browser's components import no server module", () => {
		const bad = edges
			.filter((e) => inside(e.from, componentsDir) || (inside(e.from, routesDir) && e.from.endsWith('.svelte')))
			.filter((e) => e.to !== null && inside(e.to, serverDir))
			.map((e) => `${rel(e.from)} → ${e.spec}`);
		expect(bad).toEqual([]);
	});

	it('the app imports neither the tests nor the tools', () => {
		const bad = edges
			.filter((e) => e.to !== null && (inside(e.to, path.join(root, 'tests')) || inside(e.to, path.join(root, 'scripts'))))
			.map((e) => `${rel(e.from)} → ${e.spec}`);
		expect(bad).toEqual([]);
	});
});
