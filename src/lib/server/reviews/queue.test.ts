import { describe, expect, it } from 'vitest';
import { daysBetween, overdueOf, parseQueueQuery, recognisedPercent, vnDate, REVIEW_SLA_DAYS } from './queue.ts';
import { fold, matchesQuery } from '../../domain/text.ts';

describe('review queue helpers', () => {
	it('counts calendar days in Vietnam time', () => {
		expect(vnDate(new Date('2026-06-01T16:59:59Z'))).toBe('2026-06-01');
		expect(vnDate(new Date('2026-06-01T17:00:00Z'))).toBe('2026-06-02');
		expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
		expect(daysBetween('2026-06-02', '2026-06-02')).toBe(0);
	});

	it('flags review past the SLA and submission past the (reopened) deadline', () => {
		expect(overdueOf('under_review', REVIEW_SLA_DAYS, '2026-01-31', null, '2026-03-01')).toBeNull();
		expect(overdueOf('resubmitted', REVIEW_SLA_DAYS + 1, '2026-01-31', null, '2026-03-01')?.kind).toBe('review');
		expect(overdueOf('appraised', 99, '2026-01-31', null, '2026-03-01')).toBeNull();
		expect(overdueOf('returned', null, '2026-01-31', null, '2026-02-01')).toMatchObject({ kind: 'submission', deadline: '2026-01-31' });
		expect(overdueOf('returned', null, '2026-01-31', '2026-02-10', '2026-02-01')).toBeNull();
		expect(overdueOf('draft', null, '2026-01-31', null, '2026-01-31')).toBeNull();
	});

	it('searches without diacritics and parses the query string defensively', () => {
		expect(fold('Phường Đông Ba')).toBe('phuong dong ba');
		expect(matchesQuery('Phường Phú Xuân', 'PHU xuân')).toBe(true);
		expect(matchesQuery('Phường Kim Long', 'xuan')).toBe(false);
		expect(parseQueueQuery(new URLSearchParams('round=7&state=submitted&sort=days&dir=desc&q=%20a%20'))).toEqual({
			roundId: 7,
			state: 'submitted',
			sort: 'days',
			dir: 'desc',
			q: 'a'
		});
		expect(parseQueueQuery(new URLSearchParams('round=-1&state=x&sort=y&dir=z'))).toEqual({
			roundId: undefined,
			state: undefined,
			sort: undefined,
			dir: undefined,
			q: undefined
		});
		expect(recognisedPercent(2, 3)).toBe(66.7);
		expect(recognisedPercent(0, 0)).toBeNull();
	});
});
