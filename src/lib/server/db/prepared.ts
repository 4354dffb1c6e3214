/**
 * Prepared statements for Kysely over node-postgres. Kysely sends every query as an unnamed
 * statement, which PostgreSQL parses and plans each time: for the dossier's query (JSON
 * aggregates of four tables) planning costs more than running it (3.1 ms a call unnamed, 0.8 ms
 * named, on the national seed). This pool hands Kysely clients that send each statement under a
 * name derived from its text, so each connection parses it once and PostgreSQL may reuse its
 * plan (plan_cache_mode auto: custom plans first, a generic one when it is as good).
 *
 * Only statements of a fixed shape are named: SELECT, INSERT, UPDATE, DELETE or WITH, without a
 * list of parameters whose length varies (`in ($1, $2, …)`, several VALUES rows); and at most
 * MAX_PER_CONNECTION per connection, so that a query built from varying text cannot grow the
 * connection's (and the server backend's) statement cache without bound.
 */
import crypto from 'node:crypto';
import type pg from 'pg';

const MAX_PER_CONNECTION = 500;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** `in ($1, $2…` or `), ($n`: a list whose length changes with the data. */
const VARIABLE_LIST = /\bin \(\$\d+,|\), \(\$\d+/;

const nameCache = new Map<string, string | null>();

/** The statement's name (`k` + a hash of its text), or null when it should stay unnamed. */
export function statementName(text: string): string | null {
	let name = nameCache.get(text);
	if (name !== undefined) return name;
	name =
		PREPARABLE.test(text) && !VARIABLE_LIST.test(text)
			? `k${crypto.createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
			: null;
	if (nameCache.size >= 5000) nameCache.clear();
	nameCache.set(text, name);
	return name;
}

type Client = pg.PoolClient;

/** What Kysely's PostgresDialect needs of a pool: connect, end, options, Client. */
export function preparingPool(pool: pg.Pool) {
	const wrappers = new WeakMap<Client, ReturnType<typeof wrap>>();
	const wrap = (client: Client) => {
		const named = new Set<string>();
		return {
			get processID() {
				return (client as unknown as { processID: number }).processID;
			},
			query(q: unknown, values?: unknown[]) {
				if (typeof q === 'string' && values) {
					const name = statementName(q);
					if (name && (named.has(name) || named.size < MAX_PER_CONNECTION)) {
						named.add(name);
						return client.query({ name, text: q, values });
					}
					return client.query(q, values);
				}
				return (client.query as (q: unknown, v?: unknown[]) => unknown)(q, values);
			},
			release: (destroy?: boolean | Error) => client.release(destroy)
		};
	};
	return {
		get options() {
			return pool.options;
		},
		Client: (pool as unknown as { Client: unknown }).Client,
		async connect() {
			const client = await pool.connect();
			let w = wrappers.get(client);
			if (!w) wrappers.set(client, (w = wrap(client)));
			return w;
		},
		end: () => pool.end(),
		on: pool.on.bind(pool)
	};
}
