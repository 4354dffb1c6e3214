/**
 * Test fixtures shared by the criteria and scoring tests (no test runner imports here).
 */
import type { CriteriaSet } from '#lib/domain/criteria/schema.ts';
import { QD06_2019 } from '#lib/domain/criteria/qd06-2019.ts';
import type { Answer } from '#lib/domain/scoring/answers.ts';

/** A deep copy (the sets are plain JSON data). */
export function clone<T>(x: T): T {
	return JSON.parse(JSON.stringify(x)) as T;
}

/** Answers giving every indicator of the default set its maximum (total 1,000). */
export function fullMarksQd06(): Record<string, Answer> {
	const out: Record<string, Answer> = {};
	for (const c of QD06_2019.criteria) {
		for (const i of c.indicators) {
			switch (i.kind) {
				case 'check':
					out[i.code] = { value: true };
					break;
				case 'rate':
					out[i.code] = { numerator: 200, denominator: 200 };
					break;
				case 'incidence':
					out[i.code] = { count: 0, population: 1500 };
					break;
				case 'level':
					out[i.code] = { level: i.levels.reduce((a, b) => (b.points > a.points ? b : a)).code };
					break;
				case 'survey':
					out[i.code] = { percent: 100 };
					break;
				case 'manual':
					out[i.code] = { points: i.maxPoints, justification: 'Đủ điểm' };
					break;
			}
		}
	}
	return out;
}

/**
 * A small set exercising every indicator kind, independent of the provisional QĐ 06 scales:
 *   K01 (60): K01.1 check 20 + K01.2 rate 40 (≥50% → 10, ≥80% → 25, ≥97.5% → 40)
 *   K02 (40): K02.1 incidence per 1,000 (≤0 → 30, ≤1.5 → 20, ≤4 → 5; ≥3 cases → 0) + K02.2 level 10
 *   K03 (50): K03.1 survey 30 (≥60 → 15, ≥80 → 30) + K03.2 manual 20; met when ≥ 25 points
 * Total 150; thresholds 120 / 100 / 110.
 */
export const MINI_SET: CriteriaSet = {
	code: 'TEST-MINI',
	name: 'Bộ tiêu chí thử nghiệm',
	legalReference: 'Dùng cho kiểm thử',
	version: 1,
	status: 'draft',
	confirmation: null,
	passRule: {
		thresholds: { urban_ward: 120, disadvantaged: 100, standard: 110 },
		requireAllCriteriaMet: true,
		forbidZeroCriterion: true
	},
	criteria: [
		{
			code: 'K01',
			title: 'Tiêu chí một',
			maxPoints: 60,
			guidance: 'Hướng dẫn',
			metRule: { kind: 'positive' },
			source: 'Thử nghiệm',
			verified: true,
			indicators: [
				{
					kind: 'check',
					code: 'K01.1',
					title: 'Có hay không',
					measure: 'Có/Không',
					guidance: 'Hướng dẫn',
					maxPoints: 20,
					source: 'Thử nghiệm',
					verified: true
				},
				{
					kind: 'rate',
					code: 'K01.2',
					title: 'Tỷ lệ',
					measure: 'Tử số / mẫu số',
					guidance: 'Hướng dẫn',
					maxPoints: 40,
					source: 'Thử nghiệm',
					verified: true,
					numeratorLabel: 'Tử số',
					denominatorLabel: 'Mẫu số',
					bands: [
						{ min: 50, points: 10, provisional: false },
						{ min: 80, points: 25, provisional: false },
						{ min: 97.5, points: 40, provisional: false }
					],
					zeroDenominator: 'invalid',
					baseCount: null
				}
			]
		},
		{
			code: 'K02',
			title: 'Tiêu chí hai',
			maxPoints: 40,
			guidance: 'Hướng dẫn',
			metRule: { kind: 'positive' },
			source: 'Thử nghiệm',
			verified: true,
			indicators: [
				{
					kind: 'incidence',
					code: 'K02.1',
					title: 'Tỷ suất',
					measure: 'Số trường hợp trên 1.000 trẻ em',
					guidance: 'Hướng dẫn',
					maxPoints: 30,
					source: 'Thử nghiệm',
					verified: true,
					countLabel: 'Số trường hợp',
					populationLabel: 'Số trẻ em',
					per: 1000,
					bands: [
						{ max: 0, points: 30, provisional: false },
						{ max: 1.5, points: 20, provisional: false },
						{ max: 4, points: 5, provisional: false }
					],
					zeroIfCountAtLeast: 3,
					baseCount: 'under16'
				},
				{
					kind: 'level',
					code: 'K02.2',
					title: 'Mức độ',
					measure: 'Chọn mức',
					guidance: 'Hướng dẫn',
					maxPoints: 10,
					source: 'Thử nghiệm',
					verified: true,
					levels: [
						{ code: 'low', label: 'Thấp', points: 0, provisional: false },
						{ code: 'mid', label: 'Trung bình', points: 5, provisional: false },
						{ code: 'high', label: 'Cao', points: 10, provisional: false }
					]
				}
			]
		},
		{
			code: 'K03',
			title: 'Tiêu chí ba',
			maxPoints: 50,
			guidance: 'Hướng dẫn',
			metRule: { kind: 'minPoints', points: 25 },
			source: 'Thử nghiệm',
			verified: true,
			indicators: [
				{
					kind: 'survey',
					code: 'K03.1',
					title: 'Khảo sát',
					measure: 'Tỷ lệ hài lòng',
					guidance: 'Hướng dẫn',
					maxPoints: 30,
					source: 'Thử nghiệm',
					verified: true,
					bands: [
						{ min: 60, points: 15, provisional: false },
						{ min: 80, points: 30, provisional: false }
					]
				},
				{
					kind: 'manual',
					code: 'K03.2',
					title: 'Chấm trực tiếp',
					measure: 'Điểm do hội đồng chấm',
					guidance: 'Hướng dẫn',
					maxPoints: 20,
					source: 'Thử nghiệm',
					verified: true
				}
			]
		}
	]
};

/** Full marks on MINI_SET (150). */
export function fullMarksMini(): Record<string, Answer> {
	return {
		'K01.1': { value: true },
		'K01.2': { numerator: 40, denominator: 40 },
		'K02.1': { count: 0, population: 800 },
		'K02.2': { level: 'high' },
		'K03.1': { percent: 90 },
		'K03.2': { points: 20, justification: 'Hội đồng chấm đủ điểm' }
	};
}
