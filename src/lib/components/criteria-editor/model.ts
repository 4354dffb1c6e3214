/**
 * The criteria-set editor's pure helpers: where a validation error is shown (the input's id for a
 * path), new items, changing an indicator's kind, moving items. No I/O, no Svelte.
 */
import type { CriteriaSet, Criterion, Indicator, ValidationError } from '#lib/domain/criteria/schema.ts';
import type { IndicatorKind } from '#lib/domain/criteria/constants.ts';

/** Editing allows empty numbers (null) until the schema refuses them. */
export type Draft = CriteriaSet;

/** The id of the input for a path: "criteria[6].indicators[0].bands[1].points" → "f-criteria-6-indicators-0-bands-1-points". */
export function fieldId(path: string): string {
	return (
		'f-' +
		path
			.replace(/[[\].]+/g, '-')
			.replace(/[^A-Za-z0-9_-]/g, '')
			.replace(/-+$/, '')
	);
}

/** Errors by path (several messages on one field are joined). */
export function errorsByPath(errors: readonly ValidationError[]): Map<string, string> {
	const out = new Map<string, string>();
	for (const e of errors) out.set(e.path, out.has(e.path) ? `${out.get(e.path)}; ${e.message}` : e.message);
	return out;
}

/** The element that shows an error: the path's input, else the nearest enclosing item that exists. */
export function anchorFor(path: string, exists: (id: string) => boolean): string | null {
	let p = path;
	for (;;) {
		if (exists(fieldId(p))) return fieldId(p);
		const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
		if (cut <= 0) return exists(fieldId(p)) ? fieldId(p) : null;
		p = p.slice(0, cut);
	}
}

type Common = Pick<Indicator, 'code' | 'title' | 'measure' | 'guidance' | 'maxPoints' | 'source' | 'verified' | 'citation'>;

function common(i: Common): Common {
	const c: Common = {
		code: i.code,
		title: i.title,
		measure: i.measure,
		guidance: i.guidance,
		maxPoints: i.maxPoints,
		source: i.source,
		verified: i.verified
	};
	if (i.citation) c.citation = { ...i.citation };
	return c;
}

const empty = null as unknown as number;

/** The indicator as another kind: the common fields kept, the kind's own fields empty. */
export function withKind(i: Indicator, kind: IndicatorKind): Indicator {
	if (i.kind === kind) return i;
	const c = common(i);
	switch (kind) {
		case 'check':
			return { kind, ...c };
		case 'manual':
			return { kind, ...c };
		case 'rate':
			return {
				kind,
				...c,
				numeratorLabel: '',
				denominatorLabel: '',
				bands: [{ min: empty, points: empty, provisional: false }],
				zeroDenominator: 'invalid',
				baseCount: null
			};
		case 'survey':
			return { kind, ...c, bands: [{ min: empty, points: empty, provisional: false }] };
		case 'incidence':
			return {
				kind,
				...c,
				countLabel: '',
				populationLabel: '',
				per: 1000,
				bands: [{ max: empty, points: empty, provisional: false }],
				zeroIfCountAtLeast: null,
				baseCount: null
			};
		case 'level':
			return {
				kind,
				...c,
				levels: [
					{ code: '', label: '', points: empty, provisional: false },
					{ code: '', label: '', points: empty, provisional: false }
				]
			};
	}
}

/** A new indicator for a criterion: the next code, a check with empty texts. */
export function newIndicator(criterion: Criterion): Indicator {
	const numbers = criterion.indicators.map((i) => Number(i.code.split('.')[1])).filter((n) => Number.isInteger(n));
	const next = numbers.length ? Math.max(...numbers) + 1 : 1;
	return {
		kind: 'check',
		code: `${criterion.code}.${next}`,
		title: '',
		measure: '',
		guidance: '',
		maxPoints: empty,
		source: '',
		verified: false
	};
}

/** A new criterion: the next code after the last "TCnn", one empty indicator. */
export function newCriterion(set: Draft): Criterion {
	const numbers = set.criteria.map((c) => Number(/(\d+)$/.exec(c.code)?.[1])).filter((n) => Number.isInteger(n));
	const next = numbers.length ? Math.max(...numbers) + 1 : 1;
	const prefix = /^[A-Z]+/.exec(set.criteria[0]?.code ?? '')?.[0] ?? 'TC';
	const code = `${prefix}${String(next).padStart(2, '0')}`;
	const c: Criterion = {
		code,
		title: '',
		maxPoints: empty,
		guidance: '',
		metRule: { kind: 'positive' },
		source: '',
		verified: false,
		indicators: []
	};
	c.indicators.push(newIndicator(c));
	return c;
}

/** Moves item `i` of a list by `by` (−1 up, +1 down) in place; false at an end. */
export function move<T>(list: T[], i: number, by: -1 | 1): boolean {
	const j = i + by;
	if (j < 0 || j >= list.length) return false;
	const [item] = list.splice(i, 1);
	list.splice(j, 0, item);
	return true;
}

/** Sum of the indicators' maxima (what the criterion's maximum must be). */
export const indicatorSum = (c: Criterion): number =>
	c.indicators.reduce((s, i) => s + (Number.isFinite(i.maxPoints) ? i.maxPoints : 0), 0);
