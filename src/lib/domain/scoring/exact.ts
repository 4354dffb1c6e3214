/**
 * Exact integer arithmetic for band comparisons: no floating-point division is ever used to
 * decide a band. Thresholds have at most 2 decimals and are handled as integer hundredths.
 * Products stay below 2^53 for the limits enforced by the schemas (MAX_COUNT, MAX_PER); BigInt is
 * used as a fallback if they do not.
 */

/** x (at most 2 decimals) as an integer number of hundredths: 97.5 → 9750. */
export function toHundredths(x: number): number {
	return Math.round(x * 100);
}

function safe(n: number): boolean {
	return n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER;
}

/** sign(a*b − c*d) for non-negative integers, exactly. */
export function compareProducts(a: number, b: number, c: number, d: number): -1 | 0 | 1 {
	const left = a * b;
	const right = c * d;
	if (safe(left) && safe(right)) return left < right ? -1 : left > right ? 1 : 0;
	const l = BigInt(a) * BigInt(b);
	const r = BigInt(c) * BigInt(d);
	return l < r ? -1 : l > r ? 1 : 0;
}

/** ⌊a*b / c⌋ for non-negative integers a, b and positive integer c, exactly. */
export function floorMulDiv(a: number, b: number, c: number): number {
	const p = a * b;
	if (safe(p)) {
		let q = Math.floor(p / c);
		// Correct a possible off-by-one from the floating division.
		while (q * c > p) q--;
		while ((q + 1) * c <= p) q++;
		return q;
	}
	return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** ⌈a*b / c⌉ for non-negative integers a, b and positive integer c, exactly. */
export function ceilMulDiv(a: number, b: number, c: number): number {
	const q = floorMulDiv(a, b, c);
	return compareProducts(q, c, a, b) === 0 ? q : q + 1;
}

/** Whether n is an integer in [0, max]. */
export function isCount(n: unknown, max: number): n is number {
	return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;
}
