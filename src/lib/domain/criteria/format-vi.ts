/**
 * Vietnamese number formatting for user-facing text (reasons, suggestions, diffs).
 * Deterministic (no Intl): thousands separator '.', decimal separator ',', trailing zeros dropped.
 *   formatNumberVi(1000) === '1.000'; formatNumberVi(97.5) === '97,5'; formatNumberVi(96) === '96'
 */

/** Formats an integer number of hundredths (e.g. 9799 → "97,99"). */
export function formatHundredthsVi(hundredths: number): string {
	const negative = hundredths < 0;
	const abs = Math.abs(Math.trunc(hundredths));
	const whole = Math.floor(abs / 100);
	const frac = abs % 100;
	const wholeText = whole < 1000 ? String(whole) : groupThousands(String(whole));
	let fracText = '';
	if (frac !== 0) {
		fracText = frac % 10 === 0 ? ',' + String(frac / 10) : frac < 10 ? ',0' + String(frac) : ',' + String(frac);
	}
	return (negative ? '-' : '') + wholeText + fracText;
}

/** Formats a number rounded half-up (away from zero) to at most 2 decimals. */
export function formatNumberVi(value: number): string {
	const sign = value < 0 ? -1 : 1;
	const hundredths = sign * Math.round(Math.abs(value) * 100 + 1e-9);
	return formatHundredthsVi(hundredths);
}

/** Formats a percentage value: "97,99%". */
export function formatPercentVi(value: number): string {
	return formatNumberVi(value) + '%';
}

function groupThousands(digits: string): string {
	let out = '';
	for (let i = 0; i < digits.length; i++) {
		if (i > 0 && (digits.length - i) % 3 === 0) out += '.';
		out += digits[i];
	}
	return out;
}
