import { describe, expect, it } from 'vitest';
import { statementName } from './prepared.ts';

describe('which statements are prepared under a name', () => {
	it('names a fixed-shape query by its text: the same text, the same name; another text, another name', () => {
		const a = statementName('select "id" from "assessment" where "id" = $1');
		expect(a).toMatch(/^k[\w-]{20}$/);
		expect(statementName('select "id" from "assessment" where "id" = $1')).toBe(a);
		expect(statementName('select "id" from "assessment" where "id" = $2')).not.toBe(a);
		expect(statementName('with w as (update "x" set "a" = $1 returning *) select * from w')).toMatch(/^k/);
		expect(statementName('insert into "t" ("a", "b") values ($1, $2)')).toMatch(/^k/);
		expect(statementName('select 1 where "a" in ($1)')).toMatch(/^k/);
	});

	it('leaves unnamed what varies in length with the data, and what is not a query', () => {
		expect(statementName('select "id" from "t" where "id" in ($1, $2, $3)')).toBeNull();
		expect(statementName('insert into "t" ("a") values ($1), ($2)')).toBeNull();
		expect(statementName('begin')).toBeNull();
		expect(statementName("set local timezone to 'UTC'")).toBeNull();
		expect(statementName('commit')).toBeNull();
	});
});
