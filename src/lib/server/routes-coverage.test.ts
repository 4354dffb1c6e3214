/**
 * Every server route file must either be one of the public routes or call the guard
 * (`authorize`, `authorizeUnit`, `authorizeAssessment`, `authorizeDossier`, `authorizeRound`) with actions of the
 * matrix, in the body of every handler it exports.
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

/** Handlers a route file exports: load, each HTTP method (not counting one that reuses another's handler), each form action. */
function handlerCount(src: string): number {
	let n = 0;
	if (/export const load\b|export async function load\b|export function load\b/.test(src)) n++;
	n += (
		src.match(/export (async )?function (GET|POST|PUT|PATCH|DELETE)\b|export const (GET|POST|PUT|PATCH|DELETE)\b(?![^=]*=\s*\w+;)/g) ?? []
	).length;
	const actions = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/m.exec(src);
	if (actions) n += (actions[1].match(/^\t(\w+): (?:async )?\(?event\)? =>/gm) ?? []).length;
	return n;
}

/** The guard calls in a piece of source, with the action each names. */
const GUARD = /authorize(?:Unit|Assessment|Dossier|Change|Round)?\(\s*(?:db\(\)\s*,\s*)?[\w.]+\s*,\s*'([\w.]+)'/g;

/** The body of each handler: what follows each `(event) =>`, up to the next one. */
const handlerBodies = (src: string) => src.split(/\(event(?::[^)]*)?\)\s*=>/).slice(1);

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
				expect(src).not.toMatch(/authorize(Unit|Assessment|Dossier|Round)?\(/); // a public route must not pretend
				return;
			}
			const bodies = handlerBodies(src);
			expect(bodies.length, 'handlers not written as (event) => …').toBeGreaterThanOrEqual(handlerCount(src));
			for (const body of bodies) {
				const calls = [...body.matchAll(GUARD)].map((m) => m[1]);
				expect(calls.length, 'a handler without a guard call').toBeGreaterThanOrEqual(1);
				for (const action of calls) expect(ACTIONS).toContain(action);
			}
		});
	}
});
