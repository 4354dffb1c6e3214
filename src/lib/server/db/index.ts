/**
 * The database connection: PostgreSQL through `pg.Pool` when DATABASE_URL is set, otherwise an
 * embedded PostgreSQL (PGlite) bridged to the same `pg` driver, so both modes share one Kysely
 * dialect and identical type parsing.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { preparingPool } from './prepared.ts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { Config } from '../config.ts';
import { DIR_MODE, FILE_MODE, ownerOnlyUmask, privateDir, tightenTree } from '../storage/index.ts';

export type DB = Kysely<Database>;

// Keep `date` columns as strings ('YYYY-MM-DD'): pg would parse them as local midnight.
pg.types.setTypeParser(1082, (v) => v);
// bigint counts as numbers (counts here are far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

export class DatabaseLockedError extends Error {
	constructor(dir: string, pid: string) {
		super(
			`Thư mục dữ liệu ${dir} đang được tiến trình ${pid} sử dụng; hãy dừng tiến trình đó trước.\n` +
				`The data directory ${dir} is in use by process ${pid}; stop that process first.`
		);
	}
}

export class EmbeddedInProductionError extends Error {
	constructor() {
		super(
			'NODE_ENV=production cần DATABASE_URL (PostgreSQL). Đặt ALLOW_EMBEDDED_DB_IN_PRODUCTION=1 nếu thật sự muốn dùng CSDL nhúng.\n' +
				'NODE_ENV=production requires DATABASE_URL; set ALLOW_EMBEDDED_DB_IN_PRODUCTION=1 to use the embedded database anyway.'
		);
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Take the lock file of the embedded data directory, or throw if a live process holds it. */
function acquireLock(dir: string): () => void {
	fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
	const lockPath = path.join(dir, '.app.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: FILE_MODE });
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				// one listener per open database: removed once released (tests open many)
				process.removeListener('exit', release);
				try {
					if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
				} catch {
					/* already gone */
				}
			};
			process.once('exit', release);
			return release;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const holder = fs.readFileSync(lockPath, 'utf8').trim();
			const pid = Number(holder);
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
				throw new DatabaseLockedError(dir, holder);
			}
			fs.rmSync(lockPath, { force: true }); // stale lock from a process that died
		}
	}
	throw new DatabaseLockedError(dir, '?');
}

export type Connection = {
	db: DB;
	kind: 'postgres' | 'embedded';
	close: () => Promise<void>;
};

/**
 * Opens the database of `cfg`. Owner-only files: the process's umask becomes 077, DATA_DIR (when
 * given and present, or needed by the embedded database) is made 0700, and the embedded
 * database's directory is made owner-only on opening and again on closing (PGlite writes its
 * initial files 0666 and some of PostgreSQL's files 0644, whatever the umask).
 */
export async function connect(
	cfg: Pick<Config, 'databaseUrl' | 'embeddedDbDir' | 'production' | 'allowEmbeddedInProduction'> &
		Partial<Pick<Config, 'databasePoolMax' | 'dataDir'>>
): Promise<Connection> {
	ownerOnlyUmask();
	const dataDir = cfg.dataDir && !cfg.dataDir.startsWith('memory://') ? cfg.dataDir : null;
	if (dataDir && (!cfg.databaseUrl || fs.existsSync(dataDir))) await privateDir(dataDir);
	if (cfg.databaseUrl) {
		// random_page_cost 1.1 (the default 4 prices disks that spin): with the data in memory or on
		// SSD, the boards' index lookups beat scanning every unit, and the planner should know it
		const pool = new pg.Pool({ connectionString: cfg.databaseUrl, max: cfg.databasePoolMax ?? 10, options: '-c random_page_cost=1.1' });
		// An idle connection closed by the server (restart, failover) must not crash the app;
		// the pool replaces it on the next query.
		pool.on('error', (e) => console.error(`PostgreSQL: idle connection lost (${e.message})`));
		// named statements: parsed (and often planned) once per connection, see prepared.ts
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) as unknown as pg.Pool }) });
		return { db, kind: 'postgres', close: () => db.destroy() };
	}
	if (cfg.production && !cfg.allowEmbeddedInProduction) throw new EmbeddedInProductionError();
	const inMemory = cfg.embeddedDbDir.startsWith('memory://');
	const release = inMemory ? () => {} : acquireLock(cfg.embeddedDbDir);
	try {
		const { PGlite } = await import('@electric-sql/pglite');
		const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
		const pglite = await PGlite.create(inMemory ? undefined : cfg.embeddedDbDir);
		if (!inMemory) await tightenTree(cfg.embeddedDbDir);
		const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		return {
			db,
			kind: 'embedded',
			close: async () => {
				await db.destroy();
				await pglite.close();
				if (!inMemory) await tightenTree(cfg.embeddedDbDir).catch(() => 0);
				release();
			}
		};
	} catch (e) {
		release();
		throw e;
	}
}

/** Whether the database answers (the health check). */
export async function ping(db: DB): Promise<boolean> {
	try {
		await sql`select 1`.execute(db);
		return true;
	} catch {
		return false;
	}
}
