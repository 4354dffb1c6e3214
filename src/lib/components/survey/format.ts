/** Number formats of the survey pages (Vietnamese: 12,5%). Pure. */
export const pct = (p: number | null | undefined): string =>
	p === null || p === undefined ? '–' : `${p.toLocaleString('vi-VN', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}%`;
export const int = (n: number): string => n.toLocaleString('vi-VN');
