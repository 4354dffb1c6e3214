import { describe, expect, it } from 'vitest';
import { vnDate, vnDateTime } from './dates.ts';

describe('Vietnam dates', () => {
	it('gives the calendar date in Asia/Ho_Chi_Minh (UTC+7), not UTC', () => {
		expect(vnDate(new Date('2026-11-23T16:59:00Z'))).toBe('2026-11-23');
		expect(vnDate(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
		expect(vnDate(Date.parse('2026-01-05T00:00:00Z'))).toBe('2026-01-05');
	});
	it('formats a date and time for the interface, empty for nothing', () => {
		expect(vnDateTime('2026-11-23T07:05:00Z')).toBe('14:05 23/11/2026');
		expect(vnDateTime(null)).toBe('');
	});
});
