/**
 * Administrative units and the commune category that decides the pass threshold
 * (QĐ 06/QĐ-TTg, Điều on recognition; see shared/domain/qd06.md §4).
 * Pure data and functions: no I/O.
 */

/** The three commune categories of QĐ 06, each with its own score threshold. */
export const COMMUNE_CATEGORIES = ['urban_ward', 'disadvantaged', 'standard'] as const;
export type CommuneCategory = (typeof COMMUNE_CATEGORIES)[number];

export const COMMUNE_CATEGORY_LABELS: Record<CommuneCategory, string> = {
	urban_ward: 'Phường thuộc quận, thị xã, thành phố của thành phố trực thuộc trung ương',
	disadvantaged: 'Xã, thị trấn thuộc miền núi, hải đảo; xã đặc biệt khó khăn',
	standard: 'Xã, phường, thị trấn còn lại'
};

/** Which government structure a unit belongs to: before or after the 07/2025 reform. */
export const UNIT_ERAS = ['pre2025', 'post2025'] as const;
export type UnitEra = (typeof UNIT_ERAS)[number];

export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** Deployment setting: who reviews and decides (QĐ 06 says district; since 07/2025 province). */
export const REVIEW_LEVELS = ['district', 'province'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

/** The unit era that a review level implies: districts only exist before the reform. */
export function eraForReviewLevel(level: ReviewLevel): UnitEra {
	return level === 'district' ? 'pre2025' : 'post2025';
}

/**
 * The category derived from the official unit list alone. Wards (phường) of a centrally-run
 * city are `urban_ward`; a special zone (đặc khu, all of them islands) is `disadvantaged`;
 * everything else starts as `standard`. Mountain, island and especially disadvantaged communes
 * come from separate government lists and are set by an administrator.
 */
export function deriveCommuneCategory(communeKind: string, provinceKind: string): CommuneCategory {
	const kind = communeKind.normalize('NFC').toLowerCase();
	const province = provinceKind.normalize('NFC').toLowerCase();
	if (kind === 'phường' && province.includes('trung ương')) return 'urban_ward';
	if (kind === 'đặc khu') return 'disadvantaged';
	return 'standard';
}
