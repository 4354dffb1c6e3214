/**
 * One word per concept, shared by the pages and the documents (the README's glossary). A
 * dossier's result against its category's threshold is "Đạt chuẩn" / "Chưa đạt chuẩn" /
 * "Chưa đủ số liệu để kết luận" everywhere: the live score panel, the dossier, the board, the
 * review page, the self-assessment and appraisal reports.
 */
export const VERDICT_LABELS: Record<'pass' | 'fail' | 'incomplete', string> = {
	pass: 'Đạt chuẩn',
	fail: 'Chưa đạt chuẩn',
	incomplete: 'Chưa đủ số liệu để kết luận'
};

/** A round as the interface names it: the year once ("… năm 2026", not "… năm 2026 (2026)"). */
export function roundTitle(name: string, year: number): string {
	return name.includes(String(year)) ? name : `${name} (${year})`;
}
