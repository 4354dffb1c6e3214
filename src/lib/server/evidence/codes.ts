/**
 * Evidence codes for the dossier (mã minh chứng), e.g. `TC07-02`. Pure.
 *
 * The rule:
 * - Only documents of kind `evidence` get a code; the dossier documents (công văn đề nghị,
 *   biên bản, thuyết minh) are named by their kind instead.
 * - A document's *primary indicator* is, among the indicators it is linked to, the one that comes
 *   first in the criteria set's order (TC01.1 … TC13.x as the set lists them). Its criterion
 *   gives the code's prefix, so a file backing several indicators carries the code of its first
 *   indicator.
 * - The number is the document's position, in upload order (then id), among all evidence of
 *   the assessment with the same primary criterion, zero-padded to two digits (three from 100).
 *   Removed documents keep their place in the count, so that removing one never renumbers the
 *   others: a code a reviewer noted stays valid while the dossier goes back and forth. A code
 *   changes only if the document's links change its primary criterion.
 * - Evidence linked to no indicator of the set has no code.
 */
import type { CriteriaSet } from '../../domain/criteria/index.ts';

export type CodableEvidence = { id: number; kind: string; uploadedAt: Date; indicatorCodes: readonly string[] };

/** Position of every indicator of the set, and its criterion. */
export function indicatorOrder(set: CriteriaSet): Map<string, { criterion: string; position: number }> {
	const order = new Map<string, { criterion: string; position: number }>();
	let position = 0;
	for (const c of set.criteria) for (const i of c.indicators) order.set(i.code, { criterion: c.code, position: position++ });
	return order;
}

/** The primary indicator of a document (first in the set's order), or null. */
export function primaryIndicator(codes: readonly string[], order: Map<string, { criterion: string; position: number }>): string | null {
	let best: string | null = null;
	for (const code of codes) {
		const o = order.get(code);
		if (!o) continue;
		if (best === null || o.position < order.get(best)!.position) best = code;
	}
	return best;
}

/** Indicator codes sorted in the set's order (unknown codes last, alphabetically). */
export function sortIndicatorCodes(codes: readonly string[], order: Map<string, { criterion: string; position: number }>): string[] {
	const pos = (c: string) => order.get(c)?.position ?? Number.MAX_SAFE_INTEGER;
	return [...codes].sort((a, b) => pos(a) - pos(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Codes of all documents given (pass removed ones too, so that numbering stays stable). */
export function evidenceCodes(items: readonly CodableEvidence[], set: CriteriaSet): Map<number, string> {
	const order = indicatorOrder(set);
	const sorted = [...items]
		.filter((e) => e.kind === 'evidence')
		.sort((a, b) => a.uploadedAt.getTime() - b.uploadedAt.getTime() || a.id - b.id);
	const counters = new Map<string, number>();
	const codes = new Map<number, string>();
	for (const e of sorted) {
		const primary = primaryIndicator(e.indicatorCodes, order);
		if (!primary) continue;
		const criterion = order.get(primary)!.criterion;
		const n = (counters.get(criterion) ?? 0) + 1;
		counters.set(criterion, n);
		codes.set(e.id, `${criterion}-${String(n).padStart(2, '0')}`);
	}
	return codes;
}
