import { describe, expect, it } from 'vitest';
import committedJsonSchema from './criteria-set.schema.json' with { type: 'json' };
import { criteriaSetJsonSchema, describeSetPath, formatPath, parseCriteriaSet, totalMaxPoints, validateCriteriaSet } from './schema.ts';
import type { ValidationError } from './schema.ts';
import { QD06_2019 } from './qd06-2019.ts';
import { MINI_SET, clone } from '../../../../tests/helpers/scoring-fixtures.ts';

type Json = Record<string, any>;

function errorsOf(input: unknown): ValidationError[] {
	const r = validateCriteriaSet(input);
	if (r.ok) throw new Error('expected validation to fail');
	return r.errors;
}

function findError(errors: ValidationError[], path: string): ValidationError {
	const e = errors.find((x) => x.path === path);
	if (!e) throw new Error(`no error at ${path}; got: ${JSON.stringify(errors, null, 1)}`);
	return e;
}

describe('JSON Schema file', () => {
	it('is in sync with the zod schema (regenerate: see FORMAT.md §5)', () => {
		expect(committedJsonSchema).toEqual(criteriaSetJsonSchema());
	});
});

describe('default set and fixtures', () => {
	it('the default QĐ 06/2019 set passes its own validation and totals 1,000', () => {
		const r = validateCriteriaSet(QD06_2019);
		expect(r.ok).toBe(true);
		expect(totalMaxPoints(QD06_2019)).toBe(1000);
	});

	it('the default set survives a JSON round trip unchanged (it is pure interchange data)', () => {
		const r = validateCriteriaSet(JSON.parse(JSON.stringify(QD06_2019)));
		expect(r.ok && r.value).toEqual(QD06_2019);
	});

	it('the test set is valid', () => {
		expect(validateCriteriaSet(MINI_SET).ok).toBe(true);
	});

	it('fills defaults for optional fields of the file format', () => {
		const input = clone(MINI_SET) as Json;
		delete input.confirmation;
		delete input.criteria[0].indicators[1].zeroDenominator;
		for (const b of input.criteria[0].indicators[1].bands) delete b.provisional;
		delete input.criteria[1].indicators[0].zeroIfCountAtLeast;
		const set = parseCriteriaSet(input);
		expect(set.confirmation).toBeNull();
		const rate = set.criteria[0].indicators[1];
		expect(rate.kind === 'rate' && rate.zeroDenominator).toBe('invalid');
		expect(rate.kind === 'rate' && rate.bands.every((b) => b.provisional === false)).toBe(true);
		const inc = set.criteria[1].indicators[0];
		expect(inc.kind === 'incidence' && inc.zeroIfCountAtLeast).toBeNull();
	});

	it('accepts an optional $schema key and normalises text to NFC', () => {
		const input = clone(MINI_SET) as Json;
		input.$schema = './criteria-set.schema.json';
		input.name = 'Bộ tiêu chí thử nghiệm'.normalize('NFD');
		const set = parseCriteriaSet(input);
		expect(set.name).toBe('Bộ tiêu chí thử nghiệm'.normalize('NFC'));
		expect('$schema' in set).toBe(false);
	});
});

describe('validation errors name the exact item and field, in Vietnamese', () => {
	it('band points above the indicator maximum: TC07 › TC07.1 › bands[1].points', () => {
		const input = clone(QD06_2019) as Json;
		input.criteria[6].indicators[0].bands[1].points = 60;
		const e = findError(errorsOf(input), 'criteria[6].indicators[0].bands[1].points');
		expect(e.location).toBe('TC07 › TC07.1 › bands[1].points');
		expect(e.message).toContain('vượt điểm tối đa của chỉ số (50)');
	});

	it('text where a number belongs', () => {
		const input = clone(QD06_2019) as Json;
		input.criteria[0].indicators[2].maxPoints = '15';
		const e = findError(errorsOf(input), 'criteria[0].indicators[2].maxPoints');
		expect(e.location).toBe('TC01 › TC01.3 › maxPoints');
		expect(e.message).toBe('Phải là số, không phải chuỗi ký tự "15"');
	});

	it('rate bands must be strictly increasing in threshold and points', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].indicators[1].bands[1] = { min: 50, points: 10 };
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[0].indicators[1].bands[1].min').message).toContain('tăng dần');
		expect(findError(errors, 'criteria[0].indicators[1].bands[1].points').location).toBe('K01 › K01.2 › bands[1].points');
	});

	it('the best band must be worth the indicator maximum', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].indicators[1].bands[2].points = 39;
		expect(findError(errorsOf(input), 'criteria[0].indicators[1].bands[2].points').message).toContain('điểm tối đa của chỉ số (40)');
	});

	it('incidence bands: thresholds ascending, points descending, best band = maximum', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[1].indicators[0].bands = [
			{ max: 1, points: 20 },
			{ max: 0.5, points: 25 }
		];
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[1].indicators[0].bands[1].max').message).toContain('tăng dần');
		expect(findError(errors, 'criteria[1].indicators[0].bands[1].points').message).toContain('ít điểm hơn');
		expect(findError(errors, 'criteria[1].indicators[0].bands[0].points').message).toContain('điểm tối đa');
	});

	it('thresholds with more than 2 decimals are rejected', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].indicators[1].bands[0].min = 50.125;
		expect(findError(errorsOf(input), 'criteria[0].indicators[1].bands[0].min').message).toContain('2 chữ số thập phân');
	});

	it('indicator maxima must add up to the criterion maximum', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].maxPoints = 70;
		const e = findError(errorsOf(input), 'criteria[0].maxPoints');
		expect(e.location).toBe('K01 › maxPoints');
		expect(e.message).toBe('Tổng điểm tối đa của các chỉ số (60) khác điểm tối đa của tiêu chí (70)');
	});

	it('duplicate criterion and indicator codes, and indicator codes outside their criterion', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[1].code = 'K01';
		input.criteria[2].indicators[1].code = 'K03.1';
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[1].code').message).toContain('bị trùng');
		expect(findError(errors, 'criteria[2].indicators[1].code').message).toContain('bị trùng');
		// K02.1 now sits in a criterion coded K01
		expect(findError(errors, 'criteria[1].indicators[0].code').message).toContain('"K01."');
	});

	it('thresholds cannot exceed the total', () => {
		const input = clone(MINI_SET) as Json;
		input.passRule.thresholds.urban_ward = 151;
		const e = findError(errorsOf(input), 'passRule.thresholds.urban_ward');
		expect(e.message).toBe('Ngưỡng 151 điểm vượt tổng điểm tối đa của bộ tiêu chí (150)');
	});

	it('metRule minPoints cannot exceed the criterion maximum', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[2].metRule.points = 51;
		expect(findError(errorsOf(input), 'criteria[2].metRule.points').location).toBe('K03 › metRule.points');
	});

	it('level codes are unique and one level is worth the maximum', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[1].indicators[1].levels[2] = { code: 'mid', label: 'Cao', points: 9 };
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[1].indicators[1].levels[2].code').message).toContain('bị trùng');
		expect(findError(errors, 'criteria[1].indicators[1].levels').message).toContain('điểm tối đa');
	});

	it('unknown indicator kind, unknown and missing fields', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].indicators[0].kind = 'yesno';
		input.criteria[1].indicators[1].maxpoints = 10;
		delete input.criteria[2].indicators[0].bands;
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[0].indicators[0].kind').message).toContain('"check"');
		expect(findError(errors, 'criteria[1].indicators[1].maxpoints').location).toBe('K02 › K02.2 › maxpoints');
		expect(findError(errors, 'criteria[2].indicators[0].bands').message).toBe('Thiếu trường bắt buộc');
	});

	it('negative and non-integer points; empty text', () => {
		const input = clone(MINI_SET) as Json;
		input.criteria[0].indicators[1].bands[0].points = -1;
		input.criteria[0].indicators[0].maxPoints = 20.5;
		input.criteria[0].title = '   ';
		const errors = errorsOf(input);
		expect(findError(errors, 'criteria[0].indicators[1].bands[0].points').message).toBe('Điểm không được âm');
		expect(findError(errors, 'criteria[0].indicators[0].maxPoints').message).toBe('Điểm phải là số nguyên');
		expect(findError(errors, 'criteria[0].title').message).toBe('Không được để trống');
	});

	it('a non-object input', () => {
		expect(errorsOf('x')[0]).toEqual({ path: '', location: '(toàn bộ tệp)', message: 'Phải là đối tượng, không phải chuỗi ký tự "x"' });
	});

	it('every message is NFC Vietnamese text', () => {
		const input = clone(QD06_2019) as Json;
		input.criteria[3].indicators[0].bands[2].max = 0.2;
		input.version = 0;
		for (const e of errorsOf(input)) expect(e.message).toBe(e.message.normalize('NFC'));
	});
});

describe('paths', () => {
	it('formats machine paths', () => {
		expect(formatPath(['criteria', 6, 'indicators', 0, 'bands', 1, 'points'])).toBe('criteria[6].indicators[0].bands[1].points');
		expect(formatPath(['TC07.1', 'numerator'])).toBe('["TC07.1"].numerator');
	});
	it('falls back to indexes when codes are missing', () => {
		expect(describeSetPath(['criteria', 2, 'indicators', 5, 'title'], { criteria: [{}, {}, { indicators: [] }] })).toBe(
			'criteria[2] › indicators[5] › title'
		);
	});
});
