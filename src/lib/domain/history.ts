/**
 * A commune's history across rounds and the recognised share per round (issue 13, "trend across
 * rounds"): the status of one round's outcome on a given date (recognised and still valid,
 * lapsed, not recognised, revoked, still being assessed), the share of recognised communes of a
 * round against the national targets, and the words for the 2025 merger (full or partial).
 * Pure: no I/O; the server module (server/dashboard/trend.ts) does the reading.
 */
import { viDate } from './dates.ts';
import { DASHBOARD_TARGETS, percentOf } from './dashboard.ts';
import type { UnitEra } from './units.ts';
import type { AssessmentState } from './workflow.ts';

export const HISTORY_STATUSES = ['current', 'upcoming', 'lapsed', 'not_recognised', 'revoked', 'in_progress'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

/** What decides the status of one round's outcome for a commune (as stored). */
export type OutcomeFacts = {
	state: AssessmentState;
	/** The decision's outcome, if a decision covers the assessment. */
	outcome: 'recognise' | 'not_recognise' | null;
	/** 'YYYY-MM-DD' (the decision item's validity; null for a refusal). */
	validFrom: string | null;
	validUntil: string | null;
	/** The recognition was revoked (a revocation record exists). */
	revoked: boolean;
};

/**
 * The status of a round's outcome on date `on` ('YYYY-MM-DD'), with its Vietnamese label:
 * "Đã thu hồi" over everything; a recognition is current ("Được công nhận (còn hiệu lực đến
 * dd/mm/yyyy)") up to and including its last valid day, "Hết hiệu lực" after it, and not yet in
 * force before its first day; a refusal is "Không được công nhận"; anything undecided is
 * "Đang đánh giá".
 */
export function recognitionStatus(f: OutcomeFacts, on: string): { key: HistoryStatus; label: string } {
	if (f.revoked) return { key: 'revoked', label: 'Đã thu hồi' };
	if (f.outcome === 'recognise' || (f.outcome === null && f.state === 'recognised')) {
		if (f.validUntil && on > f.validUntil) return { key: 'lapsed', label: 'Hết hiệu lực' };
		if (f.validFrom && on < f.validFrom)
			return {
				key: 'upcoming',
				label: `Được công nhận (hiệu lực từ ${viDate(f.validFrom)}${f.validUntil ? ` đến ${viDate(f.validUntil)}` : ''})`
			};
		return {
			key: 'current',
			label: f.validUntil ? `Được công nhận (còn hiệu lực đến ${viDate(f.validUntil)})` : 'Được công nhận'
		};
	}
	if (f.outcome === 'not_recognise' || f.state === 'not_recognised') return { key: 'not_recognised', label: 'Không được công nhận' };
	return { key: 'in_progress', label: 'Đang đánh giá' };
}

/** How a pre-2025 commune went into the new one (unit_lineage.share). */
export type MergeShare = 'full' | 'partial';
export const MERGE_SHARE_LABELS: Record<MergeShare, string> = {
	full: 'sáp nhập toàn bộ',
	partial: 'sáp nhập một phần'
};

/** Which communes a round counts: those before the 07/2025 reform, or those after it. */
export const ERA_LABELS: Record<UnitEra, string> = {
	pre2025: 'Xã, phường, thị trấn trước sắp xếp (trước 01/07/2025)',
	post2025: 'Xã, phường, đặc khu sau sắp xếp (từ 01/07/2025)'
};

/** A round in the trend, with its counts in the area (read by the server). */
export type TrendInput = {
	roundId: number;
	name: string;
	year: number;
	era: UnitEra;
	/** 'YYYY-MM-DD', for the order of rounds of one year. */
	opensOn: string;
	/** Communes with an assessment in the round (in the area). */
	assessed: number;
	/** Of them, recognised (the assessment's state, as the board and the dashboard count). */
	recognised: number;
	/** Of the recognised, those whose recognition was revoked since. */
	revoked: number;
};

export type TrendPoint = TrendInput & {
	eraLabel: string;
	/** recognised / assessed in percent (one decimal), null without communes. */
	percent: number | null;
	targets: { year: number; percent: number; reached: boolean | null }[];
};

/**
 * The trend: rounds oldest first (year, then opening date, then id), each with its recognised
 * share and whether it reaches each national target. Rounds without any commune are left out.
 */
export function trendPoints(rounds: readonly TrendInput[]): TrendPoint[] {
	return rounds
		.filter((r) => r.assessed > 0)
		.sort((a, b) => a.year - b.year || a.opensOn.localeCompare(b.opensOn) || a.roundId - b.roundId)
		.map((r) => {
			const percent = percentOf(r.recognised, r.assessed);
			return {
				...r,
				eraLabel: ERA_LABELS[r.era],
				percent,
				targets: DASHBOARD_TARGETS.map((t) => ({ ...t, reached: percent === null ? null : percent >= t.percent }))
			};
		});
}

/** History rows newest first: year, then opening date, then round id, all descending. */
export function newestFirst<T extends { year: number; opensOn: string; roundId: number }>(rows: readonly T[]): T[] {
	return [...rows].sort((a, b) => b.year - a.year || b.opensOn.localeCompare(a.opensOn) || b.roundId - a.roundId);
}
