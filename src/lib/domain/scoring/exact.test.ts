import { describe, expect, it } from 'vitest';
import { ceilMulDiv, compareProducts, floorMulDiv, toHundredths } from './exact.ts';
import { formatHundredthsVi, formatNumberVi, formatPercentVi } from '../criteria/format-vi.ts';

describe('exact arithmetic', () => {
	it('compares products exactly, also beyond 2^53', () => {
		expect(compareProducts(29, 10000, 5800, 50)).toBe(0); // 29/50 = 58%
		expect(compareProducts(2, 10000, 6667, 3)).toBe(-1); // 66.666…% < 66.67%
		const big = 2 ** 40;
		expect(compareProducts(big + 1, big, big, big + 1)).toBe(0);
		expect(compareProducts(big + 1, big + 1, big, big + 2)).toBe(1); // (n+1)² > n(n+2)
	});
	it('floor and ceil of a·b/c', () => {
		expect(floorMulDiv(2, 10000, 3)).toBe(6666);
		expect(ceilMulDiv(2, 10000, 3)).toBe(6667);
		expect(ceilMulDiv(3, 100, 3)).toBe(100);
		expect(floorMulDiv(2 ** 30, 2 ** 30, 3)).toBe(Number(2n ** 60n / 3n));
	});
	it('hundredths', () => {
		expect(toHundredths(97.5)).toBe(9750);
		expect(toHundredths(0.29)).toBe(29);
		expect(toHundredths(33.33)).toBe(3333);
	});
});

describe('Vietnamese number format', () => {
	it('thousands with ".", decimals with ",", trailing zeros dropped', () => {
		expect(formatNumberVi(1000)).toBe('1.000');
		expect(formatNumberVi(1234567.891)).toBe('1.234.567,89');
		expect(formatNumberVi(97.5)).toBe('97,5');
		expect(formatNumberVi(96)).toBe('96');
		expect(formatNumberVi(0.05)).toBe('0,05');
		expect(formatNumberVi(-2.5)).toBe('-2,5');
		expect(formatHundredthsVi(9799)).toBe('97,99');
		expect(formatHundredthsVi(10)).toBe('0,1');
		expect(formatPercentVi(12.345)).toBe('12,35%');
	});
});
