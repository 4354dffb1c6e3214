/**
 * Where each blocker of a dossier is fixed, as a link: the indicator's box on its criterion's
 * data-entry page, the evidence page with the indicator (or the dossier document) preselected.
 */
import type { BlockerTarget } from '#lib/domain/dossier.ts';

export function blockerHref(assessmentId: number, target: BlockerTarget): string {
	const base = `/assessments/${assessmentId}`;
	if (target.page === 'criterion') return `${base}/criteria/${target.criterion}#f-${target.indicator.replace(/\W/g, '-')}-box`;
	if ('document' in target) return `${base}/evidence?kind=${target.document}`;
	return `${base}/evidence?indicator=${encodeURIComponent(target.indicator)}`;
}
