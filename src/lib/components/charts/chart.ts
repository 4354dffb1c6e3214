/** Shared helpers of the SVG charts (plain Svelte, rendered on the server; no JavaScript needed). */

/**
 * The width of every chart's drawing, in SVG units. The SVG scales to its container (at most
 * 30rem): about 1:1 on a 390-pixel phone, so that its text stays readable there.
 */
export const CHART_WIDTH = 360;

/** A series of a chart: its label, its fill and the colour of text drawn on it (contrast ≥ 4.5:1). */
export type Series = { key: string; label: string; fill: string; text: string };

/** A label cut to `max` characters (with "…"), for text drawn in the SVG; the table keeps the whole. */
export function fit(label: string, max: number): string {
	return label.length <= max ? label : label.slice(0, max - 1).trimEnd() + '…';
}

/** Whether a value's text fits in a segment `width` units wide (about 7.5 units a digit at 13px). */
export function fits(text: string, width: number): boolean {
	return width >= text.length * 7.5 + 8;
}

export { viNumber as viNum } from '../../domain/dashboard.ts';
