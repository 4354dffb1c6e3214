/**
 * The one lookup of a criteria set: each indicator by code with its criterion and its position
 * in the set's order, each criterion by code, the maxima and the thresholds. Built once per set
 * (cached by the set's criteria array, which copies of a set share) and used everywhere an
 * indicator is looked up, an evidence code is numbered or a list of codes is sorted. Pure.
 */
import type { CommuneCategory } from '../units.ts';
import type { CriteriaSet, Criterion, Indicator } from './schema.ts';

export type IndicatorEntry = {
	indicator: Indicator;
	criterion: Criterion;
	/** Position of the indicator in the whole set (0-based, in the set's order). */
	position: number;
};

export class CriteriaIndex {
	readonly set: CriteriaSet;
	/** Every indicator with its criterion, in the set's order. */
	readonly entries: readonly IndicatorEntry[];
	/** Every indicator code, in the set's order. */
	readonly codes: readonly string[];
	/** Sum of the criteria maxima. */
	readonly maxTotal: number;
	readonly #byCode: Map<string, IndicatorEntry>;
	readonly #criteria: Map<string, Criterion>;

	constructor(set: CriteriaSet) {
		this.set = set;
		const entries: IndicatorEntry[] = [];
		this.#byCode = new Map();
		this.#criteria = new Map();
		let maxTotal = 0;
		for (const criterion of set.criteria) {
			this.#criteria.set(criterion.code, criterion);
			maxTotal += criterion.maxPoints;
			for (const indicator of criterion.indicators) {
				const entry = { indicator, criterion, position: entries.length };
				entries.push(entry);
				this.#byCode.set(indicator.code, entry);
			}
		}
		this.entries = entries;
		this.codes = entries.map((e) => e.indicator.code);
		this.maxTotal = maxTotal;
	}

	has(code: string): boolean {
		return this.#byCode.has(code);
	}

	/** The indicator of `code` with its criterion and position; undefined for a code not in the set. */
	entry(code: string): IndicatorEntry | undefined {
		return this.#byCode.get(code);
	}

	indicator(code: string): Indicator | undefined {
		return this.#byCode.get(code)?.indicator;
	}

	criterion(code: string): Criterion | undefined {
		return this.#criteria.get(code);
	}

	/** The threshold of a commune category under this set's pass rule. */
	threshold(category: CommuneCategory): number {
		return this.set.passRule.thresholds[category];
	}

	/** Codes sorted in the set's order (codes not in the set last, alphabetically). */
	sortCodes(codes: Iterable<string>): string[] {
		const pos = (c: string) => this.#byCode.get(c)?.position ?? Number.MAX_SAFE_INTEGER;
		return [...codes].sort((a, b) => pos(a) - pos(b) || (a < b ? -1 : a > b ? 1 : 0));
	}

	/** Among `codes`, the one first in the set's order (codes not in the set ignored), or null. */
	first(codes: Iterable<string>): string | null {
		let best: IndicatorEntry | undefined;
		for (const code of codes) {
			const e = this.#byCode.get(code);
			if (e && (!best || e.position < best.position)) best = e;
		}
		return best?.indicator.code ?? null;
	}
}

const cache = new WeakMap<readonly Criterion[], CriteriaIndex>();

/** The index of a set (built on first use; copies of a set share it). */
export function criteriaIndex(set: CriteriaSet): CriteriaIndex {
	let index = cache.get(set.criteria);
	if (!index || index.set.passRule !== set.passRule) {
		index = new CriteriaIndex(set);
		cache.set(set.criteria, index);
	}
	return index;
}
