/**
 * Every server route file must either be one of the public routes or call the guard
 * (`authorize` / `authorizeUnit`) with actions of the matrix, once per handler it exports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, PUBLIC_ROUTES } from '../domain/access.ts';

const routesDir = path.resolve(import.meta.dirname, '../../routes');

function serverFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return serverFiles(p);
		return /^\+(page|layout)\.server\.ts$|^\+server\.ts$/.test(e.name) ? [p] : [];
	});
}

function routeId(file: string): string {
	const rel = path
		.relative(routesDir, path.dirname(file))
		.split(path.sep)
		.filter((s) => !/^\(.*\)$/.test(s));
	return '/' + rel.join('/');
}

/** Handlers a route file exports: load, each form action, each HTTP method. */
function handlerCount(src: string): number {
	let n = 0;
	if (/export const load\b|export async function load\b|export function load\b/.test(src)) n++;
	n += (src.match(/export (async )?function (GET|POST|PUT|PATCH|DELETE)\b|export const (GET|POST|PUT|PATCH|DELETE)\b/g) ?? []).length;
	const actions = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/m.exec(src);
	if (actions) n += (actions[1].match(/^\t(\w+): async/gm) ?? []).length;
	return n;
}

describe('every server route is covered by the authorization matrix', () => {
	const files = serverFiles(routesDir);
	it('finds the route files', () => {
		expect(files.length).toBeGreaterThanOrEqual(6);
	});
	for (const file of files) {
		const id = routeId(file);
		it(`${path.relative(routesDir, file)} (${id})`, () => {
			const src = fs.readFileSync(file, 'utf8');
			if ((PUBLIC_ROUTES as readonly string[]).includes(id)) {
				expect(src).not.toMatch(/authorize(Unit|Assessment)?\(/); // a public route must not pretend
				return;
			}
			const calls = [...src.matchAll(/authorize(?:Unit|Assessment)?\(\s*\w+\s*,\s*(?:db\(\)\s*,\s*)?'([\w.]+)'/g)].map((m) => m[1]);
			expect(calls.length, 'no guard call').toBeGreaterThanOrEqual(handlerCount(src));
			for (const action of calls) expect(ACTIONS).toContain(action);
		});
	}
});
