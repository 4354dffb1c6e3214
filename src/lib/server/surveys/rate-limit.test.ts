import { describe, expect, it } from 'vitest';
import { surveyAddressKey } from './rate-limit.ts';

describe('the public survey limiter stores no address', () => {
	it('keys an address by a keyed hash: stable, distinct per address, without the address in it', () => {
		const a = surveyAddressKey('203.0.113.7');
		expect(a).toBe(surveyAddressKey('203.0.113.7'));
		expect(a).not.toBe(surveyAddressKey('203.0.113.8'));
		expect(a).toMatch(/^survey:[A-Za-z0-9_-]{22}$/);
		expect(a).not.toContain('203');
		expect(surveyAddressKey('2001:db8::1')).not.toContain('db8');
	});
});
