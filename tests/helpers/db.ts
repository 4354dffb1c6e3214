/**
 * A fresh database per test file: an in-memory embedded PostgreSQL (PGlite) by default, or a
 * new database on the PostgreSQL server of TEST_DATABASE_URL (created here, dropped after).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { connect, type Connection } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { loadConfig, type Config } from '#lib/server/config.ts';

export type TestDb = Connection & { config: Config; drop: () => Promise<void> };

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** `prepare: false`: no migration at all (a test that migrates step by step). */
export async function freshDb(env: Record<string, string> = {}, opts: { prepare?: boolean } = {}): Promise<TestDb> {
	const base = process.env.TEST_DATABASE_URL;
	if (!base) {
		const config = loadConfig({ DATA_DIR: 'memory://', REVIEW_LEVEL: 'province', ...env });
		const conn = await connect({ ...config, embeddedDbDir: 'memory://' });
		if (opts.prepare !== false) await prepareDatabase(conn.db);
		return { ...conn, config: { ...config, embeddedDbDir: 'memory://' }, drop: conn.close };
	}
	const name = `test_${crypto.randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const url = new URL(base);
	url.pathname = `/${name}`;
	const config = loadConfig({ DATABASE_URL: url.toString(), REVIEW_LEVEL: 'province', ...env });
	const conn = await connect(config);
	if (opts.prepare !== false) await prepareDatabase(conn.db);
	return {
		...conn,
		config,
		drop: async () => {
			await conn.close();
			// Not `with (force)`: terminating connections that are still closing makes pg emit
			// errors nobody listens to. Wait for them to go instead.
			const a = new pg.Client({ connectionString: base });
			await a.connect();
			try {
				for (let attempt = 0; ; attempt++) {
					try {
						await a.query(`drop database if exists ${name}`);
						break;
					} catch (e) {
						if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e;
						await new Promise((r) => setTimeout(r, 100));
					}
				}
			} finally {
				await a.end();
			}
		}
	};
}

/**
 * Open the embedded database of a data directory (prepared: migrated, default criteria set),
 * run `fn`, close it. Used to set up or inspect a data directory while no server holds it.
 */
export async function withDataDir<T>(dataDir: string, fn: (t: TestDb) => Promise<T>): Promise<T> {
	const config = loadConfig({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
	const conn = await connect(config);
	try {
		await prepareDatabase(conn.db);
		return await fn({ ...conn, config, drop: conn.close });
	} finally {
		await conn.close();
	}
}
