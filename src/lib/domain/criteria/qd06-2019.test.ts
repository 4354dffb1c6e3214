/**
 * The default set encodes shared/domain/qd06.md §3–4 exactly. Expected values below are typed
 * from the document, not copied from the data file.
 */
import { describe, expect, it } from 'vitest';
import {
	QD06_2019,
	SOURCE_INFERRED,
	SOURCE_PROVISIONAL,
	SOURCE_SECONDARY,
	UNVERIFIED_NOTICE,
	canIssueDecisions,
	hasUnverifiedItems,
	listUnverifiedItems
} from './qd06-2019.ts';
import { MINI_SET } from '../../../../tests/helpers/scoring-fixtures.ts';

const NAMES: [string, string][] = [
	['TC01', 'Nguồn lực thực hiện quyền trẻ em'],
	['TC02', 'Trẻ em được khai sinh đúng quy định'],
	['TC03', 'Trẻ em bị xâm hại'],
	['TC04', 'Trẻ em vi phạm pháp luật, nghiện ma túy'],
	['TC05', 'Trẻ em bị tai nạn, thương tích'],
	['TC06', 'Trẻ em có hoàn cảnh đặc biệt được trợ giúp'],
	['TC07', 'Trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin thuộc chương trình tiêm chủng mở rộng'],
	['TC08', 'Trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân và thể thấp còi'],
	['TC09', 'Trẻ em được khám sức khỏe định kỳ'],
	['TC10', 'Trẻ em đến trường, lớp mầm non'],
	['TC11', 'Trẻ em được thực hiện quyền tham gia của trẻ em'],
	['TC12', 'Hoạt động vui chơi, giải trí, văn hóa, thể dục, thể thao dành cho trẻ em'],
	['TC13', 'Mức độ hài lòng của trẻ em và người dân về việc thực hiện quyền trẻ em']
];

function allStrings(x: unknown, out: string[] = []): string[] {
	if (typeof x === 'string') out.push(x);
	else if (Array.isArray(x)) for (const v of x) allStrings(v, out);
	else if (x && typeof x === 'object') for (const v of Object.values(x)) allStrings(v, out);
	return out;
}

describe('QĐ 06/2019 default set', () => {
	it('has the 13 criteria with their exact names, in order', () => {
		expect(QD06_2019.criteria.map((c) => [c.code, c.title])).toEqual(NAMES);
		for (const [, name] of NAMES) expect(name).toBe(name.normalize('NFC'));
	});

	it('uses the recognition rule of §4', () => {
		expect(QD06_2019.passRule).toEqual({
			thresholds: { urban_ward: 900, disadvantaged: 800, standard: 850 },
			requireAllCriteriaMet: true,
			forbidZeroCriterion: true
		});
	});

	it('totals exactly 1,000 points', () => {
		expect(QD06_2019.criteria.reduce((s, c) => s + c.maxPoints, 0)).toBe(1000);
	});

	it('TC01: max 100, four check items 50/15/15/20', () => {
		const tc01 = QD06_2019.criteria[0];
		expect(tc01.maxPoints).toBe(100);
		expect(tc01.indicators.map((i) => [i.code, i.kind, i.maxPoints])).toEqual([
			['TC01.1', 'check', 50],
			['TC01.2', 'check', 15],
			['TC01.3', 'check', 15],
			['TC01.4', 'check', 20]
		]);
		expect(tc01.indicators.slice(0, 3).every((i) => i.source === SOURCE_SECONDARY)).toBe(true);
		expect(tc01.indicators[3].source).toBe(SOURCE_INFERRED);
	});

	it('TC06: max 125; ≥95% → 50 and 100% → 75 are the known (non-provisional) bands', () => {
		const tc06 = QD06_2019.criteria[5];
		expect(tc06.maxPoints).toBe(125);
		const [support, plans] = tc06.indicators;
		if (support.kind !== 'rate' || plans.kind !== 'rate') throw new Error('TC06 indicators must be rates');
		expect(support.maxPoints).toBe(50);
		expect(support.bands.filter((b) => !b.provisional).map((b) => [b.min, b.points])).toEqual([[95, 50]]);
		expect(plans.maxPoints).toBe(75);
		expect(plans.bands.filter((b) => !b.provisional).map((b) => [b.min, b.points])).toEqual([[100, 75]]);
		expect(support.bands.filter((b) => b.provisional).length).toBeGreaterThan(0);
	});

	it('TC07: max 50; ≥98% → 50 is the known band, lower bands provisional', () => {
		const tc07 = QD06_2019.criteria[6];
		expect(tc07.maxPoints).toBe(50);
		const [rate] = tc07.indicators;
		if (rate.kind !== 'rate') throw new Error('TC07.1 must be a rate');
		expect(rate.bands.filter((b) => !b.provisional).map((b) => [b.min, b.points])).toEqual([[98, 50]]);
		expect(rate.bands.slice(0, -1).every((b) => b.provisional)).toBe(true);
	});

	it('uses the measure kinds the decision names', () => {
		const kinds = Object.fromEntries(QD06_2019.criteria.map((c) => [c.code, [...new Set(c.indicators.map((i) => i.kind))]]));
		for (const code of ['TC03', 'TC04', 'TC05', 'TC08']) expect(kinds[code]).toEqual(['incidence']);
		for (const code of ['TC02', 'TC06', 'TC07', 'TC09', 'TC10']) expect(kinds[code]).toEqual(['rate']);
		expect(kinds.TC13).toEqual(['survey']);
	});

	it('nothing is marked verified: nothing was checked against the gazetted text', () => {
		for (const c of QD06_2019.criteria) {
			expect(c.verified).toBe(false);
			for (const i of c.indicators) expect(i.verified).toBe(false);
		}
		expect(hasUnverifiedItems(QD06_2019)).toBe(true);
		expect(listUnverifiedItems(QD06_2019)).toContain('TC07.1');
	});

	it('sources distinguish secondary-source facts from provisional scales', () => {
		const known = new Set(['TC01', 'TC06', 'TC07']);
		for (const c of QD06_2019.criteria) {
			for (const i of c.indicators) {
				if (known.has(c.code)) {
					expect(i.source).toMatch(/Nguồn thứ cấp|nguồn thứ cấp|suy luận/);
				} else {
					expect(i.source).toBe(SOURCE_PROVISIONAL);
				}
			}
		}
		expect(SOURCE_PROVISIONAL).toBe('Thang điểm tạm thời, chưa được đối chiếu với văn bản gốc QĐ 06/QĐ-TTg');
	});

	it('every text is NFC and every indicator has guidance', () => {
		for (const s of allStrings(QD06_2019)) expect(s).toBe(s.normalize('NFC'));
		for (const c of QD06_2019.criteria) for (const i of c.indicators) expect(i.guidance.length).toBeGreaterThan(40);
	});

	it('the UI notice and the decision gate', () => {
		expect(UNVERIFIED_NOTICE).toBe('Thang điểm chưa được đối chiếu với văn bản gốc');
		expect(canIssueDecisions(QD06_2019, null)).toBe(false);
		expect(canIssueDecisions(QD06_2019, { by: 'admin', at: '2025-01-31T08:00:00Z' })).toBe(true);
		expect(canIssueDecisions(MINI_SET, null)).toBe(true);
		expect(hasUnverifiedItems(MINI_SET)).toBe(false);
	});
});
