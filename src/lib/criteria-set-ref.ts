/**
 * The data-entry pages' criteria set, sent once per version instead of with every page.
 *
 * The set (about 27 KB of JSON, the same for every commune on that version) used to travel in
 * each data-entry page's data: the server serialized it on every request (devalue's string
 * escaping alone was a fifth of the page's server time) and a commune officer on a slow link
 * downloaded it again at every step from one criterion to the next. Now the page data carries
 * a reference, `{ id, v }` (the set's id and a hash of its content); the page's universal load
 * turns it into the set:
 * - on the server, from the sets the server load has just kept here (same process, same request:
 *   nothing is serialized, nothing fetched);
 * - in the browser, from the sets this tab already has, else from `/criteria/<id>/set.json?v=…`,
 *   which the browser keeps (content-addressed: `immutable`), so each version is downloaded once
 *   per browser. The page's head preloads it so that it arrives with the scripts.
 * Sets kept here are shared and must not be changed.
 */
import type { CriteriaSet } from './domain/criteria/schema.ts';

export type CriteriaSetRef = { id: number; v: string };

const MAX_KEPT = 32;
const kept = new Map<string, CriteriaSet>();
const keyOf = (ref: CriteriaSetRef) => `${ref.id}:${ref.v}`;

/** Where the browser gets the set of a reference. */
export const criteriaSetUrl = (ref: CriteriaSetRef) => `/criteria/${ref.id}/set.json?v=${encodeURIComponent(ref.v)}`;

/** Keeps `set` as the set of `ref` (the server load, and the browser after a download). */
export function keepCriteriaSet(ref: CriteriaSetRef, set: CriteriaSet): void {
	const key = keyOf(ref);
	if (kept.get(key) === set) return;
	kept.delete(key);
	if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
	kept.set(key, set);
}

/**
 * The set of `ref`: kept, or (in the browser) downloaded with `fetch`, three tries a second apart.
 * Throws when it cannot be had.
 */
export async function criteriaSetFor(ref: CriteriaSetRef, fetch: typeof globalThis.fetch): Promise<CriteriaSet> {
	const known = kept.get(keyOf(ref));
	if (known) return known;
	// on the server the load keeps it before the page's universal load runs: a miss is a bug, and a
	// fetch here would be inlined into the page (the very weight this avoids)
	if (typeof window === 'undefined') throw new Error(`criteria set ${keyOf(ref)} was not kept by the server load`);
	for (let attempt = 1; ; attempt++) {
		try {
			const r = await fetch(criteriaSetUrl(ref));
			const isJson = (r.headers.get('content-type') ?? '').startsWith('application/json');
			if (r.ok && isJson && !r.redirected) {
				const set = (await r.json()) as CriteriaSet;
				keepCriteriaSet(ref, set);
				return set;
			}
			if (r.status < 500) break; // signed out meanwhile (sent to the sign-in page), or refused: trying again will not help
		} catch {
			/* offline for a moment: try again */
		}
		if (attempt >= 3) break;
		await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
	}
	throw new Error(`criteria set ${keyOf(ref)} could not be downloaded`);
}
