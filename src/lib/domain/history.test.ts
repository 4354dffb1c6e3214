import { describe, expect, it } from 'vitest';
import { MERGE_SHARE_LABELS, newestFirst, recognitionStatus, trendPoints, type OutcomeFacts, type TrendInput } from './history.ts';

const recognised: OutcomeFacts = {
	state: 'recognised',
	outcome: 'recognise',
	validFrom: '2024-12-01',
	validUntil: '2027-11-30',
	revoked: false
};

describe('recognitionStatus', () => {
	it('is current up to and including the last valid day, with that day as dd/mm/yyyy', () => {
		expect(recognitionStatus(recognised, '2024-12-01')).toEqual({
			key: 'current',
			label: 'Được công nhận (còn hiệu lực đến 30/11/2027)'
		});
		expect(recognitionStatus(recognised, '2027-11-30').key).toBe('current');
	});

	it('lapses the day after the last valid day', () => {
		expect(recognitionStatus(recognised, '2027-12-01')).toEqual({ key: 'lapsed', label: 'Hết hiệu lực' });
		expect(recognitionStatus(recognised, '2031-01-01').key).toBe('lapsed');
	});

	it('is not yet in force before its first day', () => {
		const s = recognitionStatus(recognised, '2024-11-30');
		expect(s.key).toBe('upcoming');
		expect(s.label).toBe('Được công nhận (hiệu lực từ 01/12/2024 đến 30/11/2027)');
	});

	it('says revoked over any validity, even a current one', () => {
		expect(recognitionStatus({ ...recognised, revoked: true }, '2025-06-01')).toEqual({ key: 'revoked', label: 'Đã thu hồi' });
	});

	it('says not recognised for a refusal (by decision or by state)', () => {
		const refused: OutcomeFacts = { state: 'not_recognised', outcome: 'not_recognise', validFrom: null, validUntil: null, revoked: false };
		expect(recognitionStatus(refused, '2026-01-01')).toEqual({ key: 'not_recognised', label: 'Không được công nhận' });
		expect(recognitionStatus({ ...refused, outcome: null }, '2026-01-01').key).toBe('not_recognised');
	});

	it('says still being assessed for every undecided state', () => {
		for (const state of ['draft', 'submitted', 'under_review', 'returned', 'resubmitted', 'appraised'] as const) {
			expect(recognitionStatus({ state, outcome: null, validFrom: null, validUntil: null, revoked: false }, '2026-01-01')).toEqual({
				key: 'in_progress',
				label: 'Đang đánh giá'
			});
		}
	});

	it('reads a recognised state without stored validity as recognised without an end date', () => {
		expect(
			recognitionStatus({ state: 'recognised', outcome: null, validFrom: null, validUntil: null, revoked: false }, '2026-01-01')
		).toEqual({
			key: 'current',
			label: 'Được công nhận'
		});
	});
});

describe('trendPoints', () => {
	const round = (over: Partial<TrendInput>): TrendInput => ({
		roundId: 1,
		name: 'Đợt',
		year: 2024,
		era: 'pre2025',
		opensOn: '2024-01-01',
		assessed: 0,
		recognised: 0,
		revoked: 0,
		...over
	});

	it('orders rounds oldest first and computes each share to one decimal', () => {
		const points = trendPoints([
			round({ roundId: 7, year: 2026, era: 'post2025', opensOn: '2026-01-01', assessed: 4, recognised: 3 }),
			round({ roundId: 3, year: 2024, assessed: 3, recognised: 2 }),
			round({ roundId: 5, year: 2024, opensOn: '2024-09-01', assessed: 8, recognised: 6 })
		]);
		expect(points.map((p) => [p.roundId, p.percent])).toEqual([
			[3, 66.7],
			[5, 75],
			[7, 75]
		]);
		expect(points[0].eraLabel).toMatch(/trước sắp xếp/);
		expect(points[2].eraLabel).toMatch(/sau sắp xếp/);
	});

	it('checks each share against the 65% and 75% targets, inclusive', () => {
		const [a, b, c] = trendPoints([
			round({ roundId: 1, assessed: 100, recognised: 64 }),
			round({ roundId: 2, assessed: 100, recognised: 65 }),
			round({ roundId: 3, assessed: 4, recognised: 3 })
		]);
		expect(a.targets.map((t) => t.reached)).toEqual([false, false]);
		expect(b.targets.map((t) => t.reached)).toEqual([true, false]);
		expect(c.targets.map((t) => [t.year, t.percent, t.reached])).toEqual([
			[2025, 65, true],
			[2030, 75, true]
		]);
	});

	it('leaves out rounds without any commune in the area', () => {
		expect(trendPoints([round({ roundId: 1 }), round({ roundId: 2, assessed: 1 })]).map((p) => p.roundId)).toEqual([2]);
	});
});

describe('newestFirst and the merger words', () => {
	it('orders history rows newest first', () => {
		const rows = [
			{ roundId: 1, year: 2022, opensOn: '2022-11-01' },
			{ roundId: 9, year: 2026, opensOn: '2026-01-01' },
			{ roundId: 4, year: 2024, opensOn: '2024-11-01' },
			{ roundId: 5, year: 2024, opensOn: '2024-11-01' }
		];
		expect(newestFirst(rows).map((r) => r.roundId)).toEqual([9, 5, 4, 1]);
		expect(rows[0].roundId).toBe(1);
	});

	it('names full and partial mergers', () => {
		expect(MERGE_SHARE_LABELS).toEqual({ full: 'sáp nhập toàn bộ', partial: 'sáp nhập một phần' });
	});
});
