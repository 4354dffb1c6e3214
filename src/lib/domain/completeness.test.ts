import { describe, expect, it } from 'vitest';
import { QD06_2019 } from './criteria/index.ts';
import { score } from './scoring/index.ts';
import type { Answers } from './scoring/answers.ts';
import { dossierBlockers, needsEvidence, type EvidenceSummary } from './completeness.ts';

/** A complete, valid answer for every indicator of the default set. */
function fullAnswers(): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const c of QD06_2019.criteria)
		for (const i of c.indicators) {
			const meta = { source: 'Trạm y tế', period: 'Năm 2025' };
			if (i.kind === 'check') out[i.code] = { value: true, ...meta };
			else if (i.kind === 'rate') out[i.code] = { numerator: 99, denominator: 100, ...meta };
			else if (i.kind === 'incidence') out[i.code] = { count: 0, population: 1000, ...meta };
			else if (i.kind === 'survey') out[i.code] = { percent: 90, ...meta };
			else if (i.kind === 'level') out[i.code] = { level: i.levels[i.levels.length - 1].code, ...meta };
			else out[i.code] = { points: i.maxPoints, justification: 'Đủ', ...meta };
		}
	return out;
}
const allCodes = QD06_2019.criteria.flatMap((c) => c.indicators.map((i) => i.code));
const evidenceFor = (codes: string[]): EvidenceSummary[] => [
	{ kind: 'evidence', indicatorCodes: codes },
	{ kind: 'request_letter', indicatorCodes: [] },
	{ kind: 'council_minutes', indicatorCodes: [] },
	{ kind: 'explanatory_notes', indicatorCodes: [] }
];

describe('dossier completeness', () => {
	it('finds nothing missing in a full dossier', () => {
		const a = fullAnswers() as Answers;
		expect(dossierBlockers(QD06_2019, a, score(QD06_2019, 'standard', a), evidenceFor(allCodes))).toEqual([]);
	});

	it('lists unanswered indicators, missing sources, missing evidence and documents', () => {
		const raw = fullAnswers();
		delete raw['TC07.1'];
		const tc02 = QD06_2019.criteria[1].indicators[0].code;
		(raw[tc02] as { source?: string }).source = '';
		const a = raw as Answers;
		const withoutTc01 = allCodes.filter((c) => !c.startsWith('TC01'));
		const gaps = dossierBlockers(QD06_2019, a, score(QD06_2019, 'standard', a), evidenceFor(withoutTc01).slice(0, 2));
		expect(gaps).toContainEqual({
			kind: 'answer',
			code: 'TC07.1',
			message: 'TC07.1: chưa nhập',
			target: { page: 'criterion', criterion: 'TC07', indicator: 'TC07.1' }
		});
		expect(gaps).toContainEqual(expect.objectContaining({ kind: 'source', code: tc02 }));
		expect(gaps.filter((g) => g.kind === 'evidence').map((g) => g.code)).toEqual(QD06_2019.criteria[0].indicators.map((i) => i.code));
		expect(gaps.filter((g) => g.kind === 'document').map((g) => g.code)).toEqual(['council_minutes', 'explanatory_notes']);
	});

	it('needs evidence for a "yes" but not for a "no"', () => {
		expect(needsEvidence('check', { value: true })).toBe(true);
		expect(needsEvidence('check', { value: false })).toBe(false);
		expect(needsEvidence('rate', { numerator: 1, denominator: 2 })).toBe(false);
		expect(needsEvidence('manual', { points: 1, justification: 'x' })).toBe(true);
	});

	it('reports an invalid figure (numerator above denominator)', () => {
		const raw = fullAnswers();
		raw['TC07.1'] = { numerator: 120, denominator: 100, source: 'Trạm y tế', period: '2025' };
		const a = raw as Answers;
		const gaps = dossierBlockers(QD06_2019, a, score(QD06_2019, 'standard', a), evidenceFor(allCodes));
		expect(gaps).toEqual([
			{
				kind: 'invalid',
				code: 'TC07.1',
				message: 'TC07.1: số liệu không hợp lệ',
				target: { page: 'criterion', criterion: 'TC07', indicator: 'TC07.1' }
			}
		]);
	});
});
