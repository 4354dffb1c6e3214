import { describe, expect, it } from 'vitest';
import { fold, matchesQuery } from '../../domain/text.ts';
import { searchCondition, unitSearchSchema, UNIT_SEARCH_MAX } from './picker.ts';

describe('unit picker search', () => {
	it('matches Vietnamese names typed without diacritics, in any case, đ as d', () => {
		expect(matchesQuery('Xã Phú Mỹ', 'phu my')).toBe(true);
		expect(matchesQuery('Xã Phú Mỹ', 'PHÚ MỸ')).toBe(true);
		expect(matchesQuery('Phường Đông Ba', 'dong ba')).toBe(true);
		expect(matchesQuery('Đặc khu Côn Đảo', 'con dao')).toBe(true);
		expect(matchesQuery('Xã Phú Mỹ', 'phu  my ')).toBe(true);
		expect(matchesQuery('Xã Phú Vang', 'phu my')).toBe(false);
		expect(matchesQuery('Xã Mỹ Phú', 'phu my')).toBe(false);
	});

	it('folds decomposed (NFD) and composed (NFC) text alike', () => {
		expect(fold('Phú Mỹ'.normalize('NFD'))).toBe('phu my');
		expect(fold('Phú Mỹ'.normalize('NFC'))).toBe('phu my');
	});

	it('turns a search into a word-start pattern (wildcards escaped), a kind and the rest, or a code prefix', () => {
		expect(searchCondition('')).toBeNull();
		expect(searchCondition('   ')).toBeNull();
		expect(searchCondition('Phú Mỹ')).toEqual({ words: '% phu my%', kind: null });
		expect(searchCondition('50%_x\\')).toEqual({ words: '% 50\\%\\_x\\\\%', kind: null });
		expect(searchCondition('Xã Phú')).toEqual({ words: '% xa phu%', kind: { name: 'xa %', words: '% phu%' } });
		expect(searchCondition('thị xã')).toEqual({ words: '% thi xa%', kind: { name: 'thi xa %', words: '% %' } });
		expect(searchCondition('xam')).toEqual({ words: '% xam%', kind: null });
		expect(searchCondition('197')).toEqual({ code: '197%' });
		expect(searchCondition(' 19753 ')).toEqual({ code: '19753%' });
	});

	it('validates the search: a two-digit province, a level, a bounded text and limit', () => {
		expect(unitSearchSchema.parse({ province: '46' })).toEqual({ province: '46', level: 'commune', q: '', limit: UNIT_SEARCH_MAX });
		expect(unitSearchSchema.parse({ province: '46', level: 'district', q: ' hue ', limit: '5' })).toMatchObject({ q: 'hue', limit: 5 });
		expect(unitSearchSchema.safeParse({ province: '4' }).success).toBe(false);
		expect(unitSearchSchema.safeParse({ province: '46', level: 'province' }).success).toBe(false);
		expect(unitSearchSchema.safeParse({ province: '46', q: 'x'.repeat(101) }).success).toBe(false);
		expect(unitSearchSchema.safeParse({ province: '46', limit: '500' }).success).toBe(false);
		expect(unitSearchSchema.safeParse({ province: '46', limit: '0' }).success).toBe(false);
	});
});
