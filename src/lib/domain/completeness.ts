/**
 * What blocks a dossier from being submitted (its blockers). Pure.
 *
 * Rules (stated once):
 * - every indicator is answered, and validly (the scoring engine's `invalid` list is empty);
 * - figures (rate, incidence, survey) cite their source and reference period;
 * - a checklist item answered "yes", a level and a manually scored item are backed by at least
 *   one evidence file linked to that indicator;
 * - the three dossier documents (request letter, council minutes, explanatory notes) are there.
 *
 * Each blocker names where it is fixed (`target`): the indicator on its criterion's data-entry
 * page, the indicator's evidence, or the dossier document on the evidence page.
 */
import type { AnswersInput } from './scoring/answers.ts';
import { isRejected } from './scoring/answer-kinds.ts';
import type { ScoreResult } from './scoring/score.ts';
import { criteriaIndex } from './criteria/criteria-index.ts';
import type { CriteriaSet } from './criteria/schema.ts';
import { DOSSIER_DOCUMENTS, type DossierDocumentKind, type EvidenceKind } from './workflow.ts';

export type BlockerKind = 'answer' | 'invalid' | 'source' | 'evidence' | 'document';

/** Where a blocker is fixed. */
export type BlockerTarget =
	| { page: 'criterion'; criterion: string; indicator: string }
	| { page: 'evidence'; indicator: string }
	| { page: 'evidence'; document: DossierDocumentKind };

export type Blocker = { kind: BlockerKind; code: string; message: string; target: BlockerTarget };

export type EvidenceSummary = { kind: EvidenceKind; indicatorCodes: readonly string[] };

export function needsEvidence(kind: string, answer: unknown): boolean {
	if (kind === 'check') return (answer as { value?: boolean } | undefined)?.value === true;
	return kind === 'level' || kind === 'manual';
}

/** The dossier's blockers, in the set's order, then the missing dossier documents. */
export function dossierBlockers(
	set: CriteriaSet,
	answers: AnswersInput,
	result: ScoreResult,
	evidence: readonly EvidenceSummary[]
): Blocker[] {
	const out: Blocker[] = [];
	const linked = new Set(evidence.filter((e) => e.kind === 'evidence').flatMap((e) => e.indicatorCodes));
	const invalid = new Set(result.invalid);
	for (const { indicator: ind, criterion } of criteriaIndex(set).entries) {
		const at: BlockerTarget = { page: 'criterion', criterion: criterion.code, indicator: ind.code };
		const a = answers[ind.code] as (Record<string, unknown> & { source?: string; period?: string }) | null | undefined;
		if (!a) {
			out.push({ kind: 'answer', code: ind.code, message: `${ind.code}: chưa nhập`, target: at });
			continue;
		}
		if (invalid.has(ind.code)) out.push({ kind: 'invalid', code: ind.code, message: `${ind.code}: số liệu không hợp lệ`, target: at });
		if (isRejected(a)) continue;
		if ((ind.kind === 'rate' || ind.kind === 'incidence' || ind.kind === 'survey') && (!a.source?.trim() || !a.period?.trim())) {
			out.push({ kind: 'source', code: ind.code, message: `${ind.code}: thiếu nguồn số liệu hoặc kỳ báo cáo`, target: at });
		}
		if (needsEvidence(ind.kind, a) && !linked.has(ind.code)) {
			out.push({
				kind: 'evidence',
				code: ind.code,
				message: `${ind.code}: chưa có tài liệu minh chứng`,
				target: { page: 'evidence', indicator: ind.code }
			});
		}
	}
	const kinds = new Set(evidence.map((e) => e.kind));
	for (const d of DOSSIER_DOCUMENTS) {
		if (!kinds.has(d.kind)) {
			out.push({
				kind: 'document',
				code: d.kind,
				message: `Thiếu ${d.label.charAt(0).toLowerCase()}${d.label.slice(1)}`,
				target: { page: 'evidence', document: d.kind }
			});
		}
	}
	return out;
}
