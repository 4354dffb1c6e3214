/**
 * What a dossier still lacks before the commune chair may submit it. Pure.
 *
 * Rules (stated once):
 * - every indicator is answered, and validly (the scoring engine's `invalid` list is empty);
 * - figures (rate, incidence, survey) cite their source and reference period;
 * - a checklist item answered "yes", a level and a manually scored item are backed by at least
 *   one evidence file linked to that indicator;
 * - the three dossier documents (request letter, council minutes, explanatory notes) are there.
 */
import type { CriteriaSet } from './criteria/schema.ts';
import type { Answers } from './scoring/answers.ts';
import type { ScoreResult } from './scoring/score.ts';
import { DOSSIER_DOCUMENTS, type EvidenceKind } from './workflow.ts';

export type MissingItem = { kind: 'answer' | 'invalid' | 'source' | 'evidence' | 'document'; code: string; message: string };

export type EvidenceSummary = { kind: EvidenceKind; indicatorCodes: readonly string[] };

export function needsEvidence(kind: string, answer: unknown): boolean {
	if (kind === 'check') return (answer as { value?: boolean } | undefined)?.value === true;
	return kind === 'level' || kind === 'manual';
}

export function dossierGaps(set: CriteriaSet, answers: Answers, result: ScoreResult, evidence: readonly EvidenceSummary[]): MissingItem[] {
	const out: MissingItem[] = [];
	const linked = new Set(evidence.filter((e) => e.kind === 'evidence').flatMap((e) => e.indicatorCodes));
	const invalid = new Set(result.invalid);
	for (const criterion of set.criteria) {
		for (const ind of criterion.indicators) {
			const a = answers[ind.code] as (Record<string, unknown> & { source?: string; period?: string }) | undefined;
			if (!a) {
				out.push({ kind: 'answer', code: ind.code, message: `${ind.code}: chưa nhập` });
				continue;
			}
			if (invalid.has(ind.code)) out.push({ kind: 'invalid', code: ind.code, message: `${ind.code}: số liệu không hợp lệ` });
			if ((ind.kind === 'rate' || ind.kind === 'incidence' || ind.kind === 'survey') && (!a.source?.trim() || !a.period?.trim())) {
				out.push({ kind: 'source', code: ind.code, message: `${ind.code}: thiếu nguồn số liệu hoặc kỳ báo cáo` });
			}
			if (needsEvidence(ind.kind, a) && !linked.has(ind.code)) {
				out.push({ kind: 'evidence', code: ind.code, message: `${ind.code}: chưa có tài liệu minh chứng` });
			}
		}
	}
	const kinds = new Set(evidence.map((e) => e.kind));
	for (const d of DOSSIER_DOCUMENTS) {
		if (!kinds.has(d.kind))
			out.push({ kind: 'document', code: d.kind, message: `Thiếu ${d.label.charAt(0).toLowerCase()}${d.label.slice(1)}` });
	}
	return out;
}
