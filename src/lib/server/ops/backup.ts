/**
 * "Never lose work": a consistent backup of the database and the stored files that works the
 * same on PostgreSQL and on the embedded PGlite, its restore into an empty deployment, and a
 * check of the file store against the `stored_file` rows.
 *
 * A backup directory holds:
 * - `tables/<table>.jsonl`: every application table (every table of the current schema except
 *   Kysely's own), one JSON object per line as PostgreSQL's `to_json(row)` writes it (timestamps
 *   as ISO 8601 strings in UTC with their microseconds, `date` as 'YYYY-MM-DD', bigint as
 *   numbers, bytea as '\x…' hex, jsonb values embedded exactly), rows ordered by primary key;
 * - `files/<storage_key>`: the content of every `stored_file` row, checked against its SHA-256;
 * - `manifest.json`, written last: format, creation time, source kind, the applied migrations,
 *   per table (in foreign-key dependency order) its columns, row count and the SHA-256 of its
 *   file, every sequence's value, per stored file its key, size and SHA-256, the files that were
 *   missing or did not match their row (`problems`), totals, the tables left out on purpose
 *   (`excluded`: sessions and sign-in attempts, so that no cookie from before a backup works after
 *   its restore) and the audit trail as of the snapshot (`audit`: every chain's head and the last
 *   anchor);
 * - `manifest.sig`: the Ed25519 signature of manifest.json's bytes by the deployment's backup key
 *   (BACKUP_SIGNING_KEY_FILE, see ./backup-key.ts), written before the manifest is put in place.
 *
 * All tables are read in one READ ONLY transaction at REPEATABLE READ (one snapshot); the files
 * are copied after it: stored content is addressed by its hash, so the file of a row never
 * changes. Everything is written owner-only (files 0600, directories 0700).
 *
 * Restore first checks the manifest's signature against the deployment's public key (or one the
 * operator names; without a valid signature only on an explicit `trustUnsigned`), then every
 * hash, before it writes anything; refuses a database that holds application data, migrates the
 * target to the backup's schema version, inserts every row in one transaction (hashing each table
 * file again as it reads it), verifies the audit trail, checks that every chain's head is the
 * one the manifest records and, if the operator gives one, that the trail holds their anchor,
 * records the restore in the trail and puts the files into the store before that transaction
 * commits; if anything fails, the transaction rolls back and the files this run placed are
 * removed.
 *
 * Plain Node module: no SvelteKit imports (the command line uses it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { sql, type RawBuilder } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { z } from 'zod';
import { migrations as knownMigrations } from '#migrations';
import type { DB } from '../db/index.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ANCHOR_CHAIN, recordAudit, verifyAuditChain, writeAnchor, type ChainReport } from '../audit/index.ts';
import { AppError } from '../errors.ts';
// the evidence module's advisory lock, so that an upload committing right now is seen
import { CONTENT_LOCK } from '../evidence/index.ts';
import {
	assertStorageKey,
	DIR_MODE,
	discardTemp,
	FILE_MODE,
	localFileStore,
	newTempPath,
	privateDir,
	StorageKeyError,
	storageKeyFor,
	StoredFileMissingError,
	type FileStore
} from '../storage/index.ts';
import { checkManifestSignature, parsePublicKey, SIGNATURE_FILE, signManifest, type BackupKey } from './backup-key.ts';

export const BACKUP_FORMAT = 'xa-backup/2';
/** Backups made before the signature and the audit heads: restored only with `trustUnsigned`. */
export const LEGACY_BACKUP_FORMAT = 'xa-backup/1';
export const MANIFEST_FILE = 'manifest.json';
export { SIGNATURE_FILE } from './backup-key.ts';

/**
 * Tables neither backed up nor restored: sessions (a cookie from before the backup must not work
 * after its restore) and sign-in attempts (rate-limit counters). A restored deployment starts
 * with both empty: everyone signs in again.
 */
export const EXCLUDED_TABLES = ['session', 'login_attempt'];

/** A refused backup or restore (bad input: the directory, the backup, the target database). */
const backupError = (message: string) => new AppError('invalid', message);

export type SourceKind = 'postgres' | 'embedded';

export type ManifestTable = {
	name: string;
	/** Relative to the backup directory (`tables/<name>.jsonl`). */
	file: string;
	columns: string[];
	primaryKey: string[];
	rows: number;
	bytes: number;
	sha256: string;
};
export type ManifestSequence = { name: string; lastValue: number; isCalled: boolean };
export type ManifestFile = { key: string; size: number; sha256: string };
export type FileProblem = { key: string; sha256: string; problem: 'missing' | 'mismatch'; detail: string };

/**
 * The audit trail as of the backup's snapshot: every row of `audit_chain_head` as the line
 * `chain seq hash` (sorted by chain, the anchor chain included), the number of record chains and
 * records, and the last anchor (null before the first). Restore checks the restored heads
 * against these lines, so a trail whose tail was cut (and its heads and anchors rewritten to
 * match) is refused while the manifest is the signed one.
 */
export type ManifestAudit = {
	heads: string[];
	chains: number;
	records: number;
	anchor: { seq: number; hash: string; root: string; at: string } | null;
};

export type Manifest = {
	format: typeof BACKUP_FORMAT | typeof LEGACY_BACKUP_FORMAT;
	createdAt: string;
	source: SourceKind;
	migrations: string[];
	tables: ManifestTable[];
	sequences: ManifestSequence[];
	files: ManifestFile[];
	problems: FileProblem[];
	totals: { tables: number; rows: number; files: number; fileBytes: number; tableBytes: number; problems: number };
	/** Tables of the schema left out on purpose (EXCLUDED_TABLES); absent from LEGACY_BACKUP_FORMAT. */
	excluded?: string[];
	/** Null on a database from before the audit chains; absent from LEGACY_BACKUP_FORMAT. */
	audit?: ManifestAudit | null;
};

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const HEAD_LINE = /^(\S{1,200}) (\d{1,15}) ([0-9a-f]{64})$/;

const manifestSchema = z.object({
	format: z.enum([BACKUP_FORMAT, LEGACY_BACKUP_FORMAT]),
	createdAt: z.string(),
	source: z.enum(['postgres', 'embedded']),
	migrations: z.array(z.string().min(1)),
	tables: z.array(
		z.object({
			name: z.string().regex(TABLE_NAME),
			file: z.string(),
			columns: z.array(z.string().min(1)).min(1),
			primaryKey: z.array(z.string()),
			rows: z.number().int().min(0),
			bytes: z.number().int().min(0),
			sha256: z.string().regex(SHA256)
		})
	),
	sequences: z.array(z.object({ name: z.string().regex(TABLE_NAME), lastValue: z.number().int(), isCalled: z.boolean() })),
	files: z.array(z.object({ key: z.string(), size: z.number().int().min(0), sha256: z.string().regex(SHA256) })),
	problems: z.array(z.object({ key: z.string(), sha256: z.string(), problem: z.enum(['missing', 'mismatch']), detail: z.string() })),
	totals: z.object({
		tables: z.number().int(),
		rows: z.number().int(),
		files: z.number().int(),
		fileBytes: z.number().int(),
		tableBytes: z.number().int(),
		problems: z.number().int()
	}),
	excluded: z.array(z.string().regex(TABLE_NAME)).optional(),
	audit: z
		.object({
			heads: z.array(z.string().regex(HEAD_LINE)),
			chains: z.number().int().min(0),
			records: z.number().int().min(0),
			anchor: z
				.object({ seq: z.number().int().min(1), hash: z.string().regex(SHA256), root: z.string().regex(SHA256), at: z.string() })
				.nullable()
		})
		.nullable()
		.optional()
});

// ---------------------------------------------------------------------------------------------
// The schema as the catalog describes it
// ---------------------------------------------------------------------------------------------

/** Kysely's own bookkeeping: not application data (the migration names go in the manifest). */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

type Column = { name: string; type: string; notNull: boolean };
type ForeignKey = { table: string; columns: string[]; refTable: string; refColumns: string[] };
type TableInfo = { name: string; columns: Column[]; primaryKey: string[]; foreignKeys: ForeignKey[] };

const textArray = (v: unknown): string[] =>
	Array.isArray(v)
		? v.map(String)
		: String(v ?? '')
				.replace(/^\{|\}$/g, '')
				.split(',')
				.filter(Boolean);

/** The application tables of the current schema, parents before children (foreign keys). */
async function applicationTables(db: DB): Promise<TableInfo[]> {
	const tables = (
		await sql<{ oid: number; name: string }>`
			select c.oid::bigint as oid, c.relname::text as name
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where c.relkind in ('r', 'p') and n.nspname = current_schema()
			order by c.oid`.execute(db)
	).rows.filter((t) => !MIGRATION_TABLES.includes(t.name));
	const columns = (
		await sql<{ rel: string; name: string; type: string; not_null: boolean }>`
			select c.relname::text as rel, a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
			from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
			order by c.relname, a.attnum`.execute(db)
	).rows;
	const keys = (
		await sql<{ rel: string; cols: unknown }>`
			select c.relname::text as rel,
				array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
					join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord) as cols
			from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
			where i.indisprimary and n.nspname = current_schema()`.execute(db)
	).rows;
	const fks = (
		await sql<{ rel: string; ref: string; cols: unknown; ref_cols: unknown }>`
			select c.relname::text as rel, r.relname::text as ref,
				array(select a.attname::text from unnest(k.conkey) with ordinality x(attnum, ord)
					join pg_attribute a on a.attrelid = k.conrelid and a.attnum = x.attnum order by x.ord) as cols,
				array(select a.attname::text from unnest(k.confkey) with ordinality x(attnum, ord)
					join pg_attribute a on a.attrelid = k.confrelid and a.attnum = x.attnum order by x.ord) as ref_cols
			from pg_constraint k
				join pg_class c on c.oid = k.conrelid
				join pg_class r on r.oid = k.confrelid
				join pg_namespace n on n.oid = c.relnamespace
			where k.contype = 'f' and n.nspname = current_schema()
			order by k.conname`.execute(db)
	).rows;
	const infos = new Map<string, TableInfo>(
		tables.map((t) => [
			t.name,
			{
				name: t.name,
				columns: columns.filter((c) => c.rel === t.name).map((c) => ({ name: c.name, type: c.type, notNull: c.not_null })),
				primaryKey: textArray(keys.find((k) => k.rel === t.name)?.cols),
				foreignKeys: fks
					.filter((f) => f.rel === t.name)
					.map((f) => ({ table: f.rel, columns: textArray(f.cols), refTable: f.ref, refColumns: textArray(f.ref_cols) }))
			}
		])
	);
	// Kahn's algorithm; among tables whose parents are all placed, creation order.
	const ordered: TableInfo[] = [];
	const placed = new Set<string>();
	const pending = tables.map((t) => t.name);
	while (pending.length) {
		const i = pending.findIndex((name) =>
			infos.get(name)!.foreignKeys.every((f) => f.refTable === name || placed.has(f.refTable) || !infos.has(f.refTable))
		);
		if (i < 0) throw backupError(`Các bảng ${pending.join(', ')} tham chiếu vòng tròn lẫn nhau; không xác định được thứ tự.`);
		const [name] = pending.splice(i, 1);
		placed.add(name);
		ordered.push(infos.get(name)!);
	}
	return ordered;
}

async function sequenceNames(db: DB): Promise<string[]> {
	const rows = await sql<{ name: string }>`
		select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'S' and n.nspname = current_schema() order by c.relname`.execute(db);
	return rows.rows.map((r) => r.name);
}

async function appliedMigrations(db: DB): Promise<string[]> {
	const exists = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(db);
	if (!exists.rows[0]?.t) return [];
	return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
}

async function detectSource(db: DB): Promise<SourceKind> {
	const v = (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]?.v ?? '';
	return /pglite|emscripten|wasm/i.test(v) ? 'embedded' : 'postgres';
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** Copies a stream to `dest` (a new file), returning the SHA-256 and the size of what passed. */
async function copyHashing(source: Readable, dest: string): Promise<{ sha256: string; size: number }> {
	const hash = crypto.createHash('sha256');
	let size = 0;
	await pipeline(
		source,
		async function* (chunks: AsyncIterable<Buffer>) {
			for await (const chunk of chunks) {
				hash.update(chunk);
				size += chunk.length;
				yield chunk;
			}
		},
		fs.createWriteStream(dest, { flags: 'wx', mode: FILE_MODE })
	);
	return { sha256: hash.digest('hex'), size };
}

async function hashStream(source: Readable): Promise<{ sha256: string; size: number }> {
	const hash = crypto.createHash('sha256');
	let size = 0;
	for await (const chunk of source) {
		hash.update(chunk as Buffer);
		size += (chunk as Buffer).length;
	}
	return { sha256: hash.digest('hex'), size };
}

const hashFile = (p: string) => hashStream(fs.createReadStream(p));

/** Runs `fn` over `items` with at most `limit` at a time, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const keyPath = (dir: string, key: string) => path.join(dir, 'files', ...key.split('/'));

// ---------------------------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------------------------

export type BackupResult = {
	dir: string;
	manifest: Manifest;
	/** The key that signed the manifest (null: no key given, an unsigned backup). */
	signedBy: string | null;
};

export type BackupOptions = {
	source?: SourceKind;
	/**
	 * The deployment's backup key (BACKUP_SIGNING_KEY_FILE): signs the manifest (manifest.sig).
	 * Without it the backup is unsigned, and restoring it needs `trustUnsigned`.
	 */
	signingKey?: BackupKey;
};

async function assertEmptyDir(dir: string): Promise<void> {
	const st = await fsp.stat(dir).catch(() => null);
	if (!st) return;
	if (!st.isDirectory()) throw backupError(`${dir} không phải là thư mục.`);
	const entries = await fsp.readdir(dir);
	if (entries.length) throw backupError(`Thư mục ${dir} không trống (${entries.length} mục); hãy sao lưu vào một thư mục mới hoặc trống.`);
}

/** Writes one table's rows, ordered by primary key, as JSON Lines; returns count, size, hash. */
async function dumpTable(
	trx: DB,
	table: TableInfo,
	file: string,
	cursor: string
): Promise<{ rows: number; bytes: number; sha256: string }> {
	const order = table.primaryKey.length ? sql.join(table.primaryKey.map((c) => sql.id('t', c))) : sql`to_json(t)::text`;
	await sql`declare ${sql.id(cursor)} no scroll cursor for select to_json(t)::text as line from ${sql.id(table.name)} t order by ${order}`.execute(
		trx
	);
	const handle = await fsp.open(file, 'wx', FILE_MODE);
	const hash = crypto.createHash('sha256');
	let rows = 0;
	let bytes = 0;
	try {
		for (;;) {
			const batch = (await sql<{ line: string }>`fetch forward 2000 from ${sql.id(cursor)}`.execute(trx)).rows;
			if (batch.length === 0) break;
			// to_json escapes control characters in strings; only a `json` column could keep a raw
			// newline of its input, and re-serialising keeps the line whole.
			const chunk = batch.map((r) => (r.line.includes('\n') ? JSON.stringify(JSON.parse(r.line)) : r.line) + '\n').join('');
			const buf = Buffer.from(chunk, 'utf8');
			hash.update(buf);
			await handle.write(buf);
			rows += batch.length;
			bytes += buf.length;
		}
		await handle.sync();
	} finally {
		await handle.close();
	}
	await sql`close ${sql.id(cursor)}`.execute(trx);
	return { rows, bytes, sha256: hash.digest('hex') };
}

/**
 * A consistent copy of the database (but sessions and sign-in attempts) and of every stored file
 * into `outDir` (created 0700 if needed, refused unless empty), its manifest signed with
 * `opts.signingKey`. A stored file that is missing or does not match its row's SHA-256 is listed
 * in the manifest's `problems` (everything else is still written): check `problems`.
 */
export async function backup(db: DB, store: FileStore, outDir: string, opts: BackupOptions = {}): Promise<BackupResult> {
	const dir = path.resolve(outDir);
	await assertEmptyDir(dir);
	const existed = fs.existsSync(dir);
	try {
		return await writeBackup(db, store, dir, opts);
	} catch (e) {
		// the directory was empty: everything in it is this run's (a partial backup, useless)
		if (existed)
			for (const entry of await fsp.readdir(dir).catch(() => [])) await fsp.rm(path.join(dir, entry), { recursive: true, force: true });
		else await fsp.rm(dir, { recursive: true, force: true });
		throw e;
	}
}

/** The audit trail's heads and last anchor, read in the backup's snapshot (null before the chains). */
async function auditSnapshot(trx: DB, tables: TableInfo[]): Promise<ManifestAudit | null> {
	const names = tables.map((t) => t.name);
	if (!names.includes('audit_chain_head') || !names.includes('audit_anchor')) return null;
	const heads = (
		await sql<{ chain: string; seq: number | string; hash: string }>`select chain, seq, hash from audit_chain_head`.execute(trx)
	).rows
		.map((h) => ({ chain: h.chain, seq: Number(h.seq), hash: h.hash }))
		.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
	const last = (
		await sql<{
			seq: number | string;
			hash: string;
			root: string;
			at: Date;
		}>`select seq, hash, root, at from audit_anchor order by seq desc limit 1`.execute(trx)
	).rows[0];
	const records = heads.filter((h) => h.chain !== ANCHOR_CHAIN);
	return {
		heads: heads.map((h) => `${h.chain} ${h.seq} ${h.hash}`),
		chains: records.filter((h) => h.seq > 0).length,
		records: records.reduce((n, h) => n + h.seq, 0),
		anchor: last ? { seq: Number(last.seq), hash: last.hash, root: last.root, at: new Date(last.at).toISOString() } : null
	};
}

async function writeBackup(db: DB, store: FileStore, dir: string, opts: BackupOptions): Promise<BackupResult> {
	// owner-only: the backup holds every account's password hash and every piece of evidence
	await privateDir(dir);
	await fsp.mkdir(path.join(dir, 'tables'), { mode: DIR_MODE });
	await fsp.mkdir(path.join(dir, 'files'), { mode: DIR_MODE });
	const source = opts.source ?? (await detectSource(db));
	// the copy ends with an anchor over every chain's head: a later edit of the live trail then
	// disagrees with the backup's anchor too (nothing is written when no chain moved; nor on a
	// database from before the chains, whose backup is restored and rechained as it is)
	const chained = await sql<{ t: string | null }>`select to_regclass('audit_anchor')::text as t`.execute(db);
	if (chained.rows[0]?.t) await writeAnchor(db, { by: 'backup' });
	const createdAt = new Date().toISOString();

	const snapshot = await db
		.transaction()
		.setIsolationLevel('repeatable read')
		.setAccessMode('read only')
		.execute(async (trx) => {
			await sql`set local timezone to 'UTC'`.execute(trx);
			const all = await applicationTables(trx);
			const tables = all.filter((t) => !EXCLUDED_TABLES.includes(t.name));
			const excluded = all.filter((t) => EXCLUDED_TABLES.includes(t.name)).map((t) => t.name);
			const migrations = await appliedMigrations(trx);
			const audit = await auditSnapshot(trx, tables);
			const dumped: ManifestTable[] = [];
			for (const [i, t] of tables.entries()) {
				const file = `tables/${t.name}.jsonl`;
				const r = await dumpTable(trx, t, path.join(dir, file), `backup_cursor_${i}`);
				dumped.push({ name: t.name, file, columns: t.columns.map((c) => c.name), primaryKey: t.primaryKey, ...r });
			}
			// Sequences are not transactional: what we read is at least every value used by the
			// rows of this snapshot, which is what a restore needs.
			const sequences: ManifestSequence[] = [];
			for (const name of await sequenceNames(trx)) {
				const s = (
					await sql<{ last_value: number | string; is_called: boolean }>`select last_value, is_called from ${sql.id(name)}`.execute(trx)
				).rows[0];
				sequences.push({ name, lastValue: Number(s.last_value), isCalled: s.is_called });
			}
			const hasFiles = tables.some((t) => t.name === 'stored_file');
			const fileRows = hasFiles
				? (
						await sql<{
							sha256: string;
							size: number | string;
							storage_key: string;
						}>`select sha256, size, storage_key from stored_file order by id`.execute(trx)
					).rows
				: [];
			return { migrations, tables: dumped, sequences, fileRows, excluded, audit };
		});

	// Stored content is addressed by its hash: a row's file never changes, so copying after the
	// snapshot's transaction is still consistent with it.
	const files: ManifestFile[] = [];
	const problems: FileProblem[] = [];
	const seen = new Set<string>();
	const rows = snapshot.fileRows.filter((r) => !seen.has(r.storage_key) && seen.add(r.storage_key));
	const copied = new Map<string, ManifestFile>();
	await eachLimited(rows, 4, async (row) => {
		const expectedSize = Number(row.size);
		try {
			assertStorageKey(row.storage_key);
		} catch {
			problems.push({ key: row.storage_key, sha256: row.sha256, problem: 'missing', detail: 'khóa lưu trữ không hợp lệ' });
			return;
		}
		let stream: Readable;
		try {
			stream = await store.open(row.storage_key);
		} catch (e) {
			if (!(e instanceof StoredFileMissingError)) throw e;
			problems.push({ key: row.storage_key, sha256: row.sha256, problem: 'missing', detail: 'không có tệp trong kho' });
			return;
		}
		const dest = keyPath(dir, row.storage_key);
		await fsp.mkdir(path.dirname(dest), { recursive: true, mode: DIR_MODE });
		const got = await copyHashing(stream, dest);
		if (got.sha256 !== row.sha256 || got.size !== expectedSize) {
			await fsp.rm(dest, { force: true });
			problems.push({
				key: row.storage_key,
				sha256: row.sha256,
				problem: 'mismatch',
				detail: `nội dung không khớp: SHA-256 ${got.sha256}, ${got.size} byte (mong đợi ${row.sha256}, ${expectedSize} byte)`
			});
			return;
		}
		copied.set(row.storage_key, { key: row.storage_key, size: got.size, sha256: got.sha256 });
	});
	for (const r of rows) if (copied.has(r.storage_key)) files.push(copied.get(r.storage_key)!);
	problems.sort((a, b) => a.key.localeCompare(b.key));

	const manifest: Manifest = {
		format: BACKUP_FORMAT,
		createdAt,
		source,
		migrations: snapshot.migrations,
		tables: snapshot.tables,
		sequences: snapshot.sequences,
		files,
		problems,
		totals: {
			tables: snapshot.tables.length,
			rows: snapshot.tables.reduce((s, t) => s + t.rows, 0),
			files: files.length,
			fileBytes: files.reduce((s, f) => s + f.size, 0),
			tableBytes: snapshot.tables.reduce((s, t) => s + t.bytes, 0),
			problems: problems.length
		},
		excluded: snapshot.excluded,
		audit: snapshot.audit
	};
	// the signature of the manifest's exact bytes, then the manifest, renamed into place last: a
	// directory without it is not a backup
	const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
	if (opts.signingKey)
		await writeNewFile(path.join(dir, SIGNATURE_FILE), JSON.stringify(signManifest(bytes, opts.signingKey), null, 2) + '\n');
	const part = path.join(dir, `${MANIFEST_FILE}.part`);
	await writeNewFile(part, bytes);
	await fsp.rename(part, path.join(dir, MANIFEST_FILE));
	return { dir, manifest, signedBy: opts.signingKey?.keyId ?? null };
}

/** Writes a new file (0600), synced. */
async function writeNewFile(p: string, content: string | Buffer): Promise<void> {
	const handle = await fsp.open(p, 'wx', FILE_MODE);
	try {
		await handle.writeFile(content);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Verifying a backup
// ---------------------------------------------------------------------------------------------

/** The bytes of `manifest.json` (what the signature covers). */
async function readManifestBytes(dir: string): Promise<Buffer> {
	const p = path.join(dir, MANIFEST_FILE);
	try {
		return await fsp.readFile(p);
	} catch (e) {
		throw backupError(
			`Không đọc được ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): đây không phải là một bản sao lưu hoàn chỉnh.`
		);
	}
}

/** Reads and validates `manifest.json` (shape, names, keys); checks neither the signature nor the hashes. */
export async function readManifest(inDir: string): Promise<Manifest> {
	const dir = path.resolve(inDir);
	return parseManifest(await readManifestBytes(dir), path.join(dir, MANIFEST_FILE));
}

function parseManifest(bytes: Buffer, p: string): Manifest {
	const text = bytes.toString('utf8');
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (e) {
		throw backupError(`${p} không phải JSON hợp lệ: ${(e as Error).message}`);
	}
	const parsed = manifestSchema.safeParse(json);
	if (!parsed.success) {
		const lines = parsed.error.issues.slice(0, 10).map((i) => `- ${i.path.join('.')}: ${i.message}`);
		throw backupError(`${p} không đúng định dạng ${BACKUP_FORMAT}:\n${lines.join('\n')}`);
	}
	const m = parsed.data as Manifest;
	for (const t of m.tables) {
		if (t.file !== `tables/${t.name}.jsonl`) throw backupError(`${p}: tệp của bảng ${t.name} không hợp lệ: ${t.file}`);
	}
	if (new Set(m.tables.map((t) => t.name)).size !== m.tables.length) throw backupError(`${p}: một bảng được liệt kê hai lần.`);
	for (const f of m.files) {
		try {
			assertStorageKey(f.key);
		} catch {
			throw backupError(`${p}: khóa tệp không hợp lệ: ${f.key}`);
		}
		const ext = f.key.slice(f.key.lastIndexOf('.') + 1);
		if (storageKeyFor(f.sha256, ext) !== f.key) throw backupError(`${p}: khóa ${f.key} không ứng với SHA-256 ${f.sha256}.`);
	}
	if (m.format === BACKUP_FORMAT && (m.audit === undefined || m.excluded === undefined))
		throw backupError(`${p}: thiếu phần "audit" hoặc "excluded" của định dạng ${BACKUP_FORMAT}.`);
	if (m.audit) {
		const chains = m.audit.heads.map((l) => l.slice(0, l.indexOf(' ')));
		if (new Set(chains).size !== chains.length) throw backupError(`${p}: một chuỗi nhật ký có hai đầu chuỗi.`);
		const a = m.audit.anchor;
		if (a && !m.audit.heads.includes(`${ANCHOR_CHAIN} ${a.seq} ${a.hash}`))
			throw backupError(`${p}: mốc neo cuối (#${a.seq}) không khớp đầu chuỗi mốc neo.`);
	}
	return m;
}

/** How a restore trusted its backup: its signature verified with `keyId`, or not checked (`trustUnsigned`). */
export type SignatureCheck = { status: 'verified'; keyId: string } | { status: 'not-checked'; signed: boolean };

export type VerifyOptions = {
	/**
	 * The public key (a KeyObject, or a PEM: public, or private whose public half is used) that
	 * manifest.sig must verify against: the deployment's backup key, or the one of the deployment
	 * that made the backup.
	 */
	publicKey?: crypto.KeyObject | string;
	/** Accept a backup without a valid signature (an old backup, a lost key). Explicit, never the default. */
	trustUnsigned?: boolean;
};

/**
 * The manifest's signature against `opts.publicKey`; refuses (AppError 'invalid') when it is
 * missing or does not verify, unless `opts.trustUnsigned`.
 */
async function checkSignature(dir: string, bytes: Buffer, opts: VerifyOptions): Promise<SignatureCheck> {
	const sigPath = path.join(dir, SIGNATURE_FILE);
	const text = await fsp.readFile(sigPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
		if (e.code === 'ENOENT') return null;
		throw backupError(`Không đọc được ${sigPath} (${e.code ?? e.message}).`);
	});
	if (opts.trustUnsigned) return { status: 'not-checked', signed: text !== null };
	if (!opts.publicKey)
		throw backupError(
			'Không có khóa công khai để kiểm tra chữ ký của bản sao lưu (BACKUP_SIGNING_KEY_FILE của hệ thống này chưa có): ' +
				'dùng --public-key <tệp PEM> với khóa của hệ thống đã tạo bản sao lưu, hoặc --trust-unsigned nếu chắc chắn bản sao lưu không bị sửa. Không có gì được ghi.'
		);
	const key = typeof opts.publicKey === 'string' ? parsePublicKey(opts.publicKey, 'Khóa công khai') : opts.publicKey;
	const r = checkManifestSignature(bytes, text, key);
	if (!r.ok)
		throw backupError(
			`Bản sao lưu ${dir} không được chứng thực: ${r.reason}. Bản sao lưu có thể đã bị giả mạo; không khôi phục, không ghi gì. ` +
				'(Bản sao lưu của hệ thống khác: --public-key <tệp PEM>; bản sao lưu cũ chưa ký: --trust-unsigned.)'
		);
	return { status: 'verified', keyId: r.keyId };
}

async function countLines(p: string): Promise<number> {
	let lines = 0;
	for await (const chunk of fs.createReadStream(p)) {
		const b = chunk as Buffer;
		for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
	}
	return lines;
}

/**
 * Checks a backup: the manifest's signature (see `VerifyOptions`), then every table file and
 * every stored file against the manifest (size, line count, SHA-256). Throws an AppError saying
 * what does not match; writes nothing.
 */
export async function verifyBackup(inDir: string, opts: VerifyOptions = {}): Promise<{ manifest: Manifest; signature: SignatureCheck }> {
	const dir = path.resolve(inDir);
	const bytes = await readManifestBytes(dir);
	const signature = await checkSignature(dir, bytes, opts);
	const m = parseManifest(bytes, path.join(dir, MANIFEST_FILE));
	if (m.format === LEGACY_BACKUP_FORMAT && !opts.trustUnsigned)
		throw backupError(
			`Bản sao lưu ${dir} theo định dạng cũ ${LEGACY_BACKUP_FORMAT} (chưa có chữ ký): chỉ khôi phục được với --trust-unsigned.`
		);
	const errors: string[] = [];
	for (const t of m.tables) {
		const p = path.join(dir, t.file);
		const st = await fsp.stat(p).catch(() => null);
		if (!st?.isFile()) {
			errors.push(`thiếu tệp ${t.file}`);
			continue;
		}
		const got = await hashFile(p);
		if (got.sha256 !== t.sha256 || got.size !== t.bytes) {
			errors.push(`${t.file} đã bị thay đổi (SHA-256 ${got.sha256}, mong đợi ${t.sha256})`);
			continue;
		}
		const lines = await countLines(p);
		if (lines !== t.rows) errors.push(`${t.file} có ${lines} dòng, manifest ghi ${t.rows}`);
	}
	await eachLimited(m.files, 4, async (f) => {
		const p = keyPath(dir, f.key);
		const st = await fsp.stat(p).catch(() => null);
		if (!st?.isFile()) {
			errors.push(`thiếu tệp files/${f.key}`);
			return;
		}
		if (st.size !== f.size) {
			errors.push(`files/${f.key} có ${st.size} byte, mong đợi ${f.size}`);
			return;
		}
		const got = await hashFile(p);
		if (got.sha256 !== f.sha256) errors.push(`files/${f.key} đã bị thay đổi (SHA-256 ${got.sha256})`);
	});
	if (errors.length) {
		const shown = errors.slice(0, 20).map((e) => `- ${e}`);
		if (errors.length > shown.length) shown.push(`- … và ${errors.length - shown.length} lỗi khác`);
		throw backupError(`Bản sao lưu ${dir} không toàn vẹn (${errors.length} lỗi); không khôi phục, không ghi gì:\n${shown.join('\n')}`);
	}
	return { manifest: m, signature };
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

export type RestoreResult = {
	manifest: Manifest;
	tables: number;
	rows: number;
	files: number;
	fileBytes: number;
	audit: ChainReport;
	/** Migrations applied after the restore (a backup made by an older version of the software). */
	migratedAfter: string[];
	/** What the backup itself reported missing or damaged (restored without those files). */
	problems: FileProblem[];
	/** Whether the manifest's signature was verified (and with which key) or not checked. */
	signature: SignatureCheck;
	/** The operator's anchor (`anchor`), found in the restored trail; null when none was given. */
	anchor: { seq: number; hash: string } | null;
};

export type RestoreOptions = VerifyOptions & {
	tmpDir?: string;
	/**
	 * The hash of an anchor the operator has on record (printed by `backup`, `audit anchor`): the
	 * restored trail must hold that anchor, hence every record it covers, unaltered.
	 */
	anchor?: string;
	/** Who restores, for the audit record of the restore (default 'restore'). */
	actorLabel?: string;
};

/** What an untouched deployment holds after `prepareDatabase`: the default criteria set and the
 * audit records of its import and activation by the system, with their chain heads and the
 * anchors written over them (the migration that created the chains writes the first). Nothing
 * else counts as empty. */
const BOOTSTRAP_AUDIT_ACTIONS = ['criteria.import', 'criteria.activate'];
/** Tables derived from audit_log (chain heads, anchors): reported only when audit_log is not. */
const AUDIT_CHAIN_TABLES = ['audit_chain_head', 'audit_anchored_head', 'audit_anchor'];

/** Whether a non-empty audit-chain table holds nothing beyond what the (bootstrap) records imply. */
async function auditChainTableIsBootstrap(db: DB, table: string): Promise<boolean> {
	const q =
		table === 'audit_anchor'
			? sql<{ e: boolean }>`select exists(select 1 from audit_anchor where records > (select count(*) from audit_log)) as e`
			: sql<{ e: boolean }>`select exists(select 1 from ${sql.id(table)} h where h.chain <> 'anchor'
					and h.seq > (select count(*) from audit_log a where a.chain = h.chain)) as e`;
	return !(await q.execute(db)).rows[0].e;
}

/**
 * Refuses a target with application data. Returns whether the target holds the bootstrap data
 * of `prepareDatabase` only (to be replaced by the backup's own rows).
 */
async function assertEmptyTarget(db: DB): Promise<{ bootstrap: boolean }> {
	const tables = await applicationTables(db);
	const withData: string[] = [];
	let bootstrap = false;
	const chainTables: string[] = [];
	for (const t of tables) {
		const any = (await sql<{ e: boolean }>`select exists(select 1 from ${sql.id(t.name)}) as e`.execute(db)).rows[0].e;
		if (!any) continue;
		if (AUDIT_CHAIN_TABLES.includes(t.name)) {
			chainTables.push(t.name);
			continue;
		}
		if (t.name === 'criteria_set') {
			const real = (
				await sql<{
					e: boolean;
				}>`select exists(select 1 from criteria_set where created_by is not null or confirmed_by is not null) as e`.execute(db)
			).rows[0].e;
			if (!real) {
				bootstrap = true;
				continue;
			}
		}
		if (t.name === 'audit_log') {
			const real = (
				await sql<{
					e: boolean;
				}>`select exists(select 1 from audit_log where actor_id is not null or actor_label is distinct from 'system' or action not in (${sql.join(BOOTSTRAP_AUDIT_ACTIONS)})) as e`.execute(
					db
				)
			).rows[0].e;
			if (!real) {
				bootstrap = true;
				continue;
			}
		}
		withData.push(t.name);
	}
	if (!withData.includes('audit_log')) {
		for (const name of chainTables) {
			if (await auditChainTableIsBootstrap(db, name)) bootstrap = true;
			else withData.push(name);
		}
	}
	if (withData.length) {
		throw backupError(
			`CSDL đích đã có dữ liệu (bảng ${withData.join(', ')}); chỉ khôi phục vào một CSDL mới, trống ` +
				'(PostgreSQL: một database mới tạo bằng createdb; CSDL nhúng: một DATA_DIR mới). Không có gì được ghi.'
		);
	}
	return { bootstrap };
}

function checkMigrations(backupMigrations: string[]): void {
	const known = Object.keys(knownMigrations).sort();
	const unknown = backupMigrations.filter((n) => !known.includes(n));
	if (unknown.length) {
		throw backupError(
			`Bản sao lưu được tạo bởi phiên bản phần mềm mới hơn: phiên bản lược đồ ${unknown.join(', ')} không có trong phần mềm này. Hãy khôi phục bằng phiên bản phần mềm đã tạo bản sao lưu (hoặc mới hơn).`
		);
	}
	const expected = known.slice(0, backupMigrations.length);
	if (backupMigrations.some((n, i) => n !== expected[i])) {
		throw backupError(
			`Danh sách phiên bản lược đồ của bản sao lưu (${backupMigrations.join(', ')}) không khớp thứ tự của phần mềm (${expected.join(', ')}).`
		);
	}
}

async function migrateTo(db: DB, last: string | undefined): Promise<void> {
	const migrator = new Migrator({ db, provider: { getMigrations: async () => knownMigrations } });
	const { error, results } = await migrator.migrateTo(last ?? NO_MIGRATIONS);
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) {
		throw backupError(
			`Không đưa được lược đồ CSDL đích về phiên bản của bản sao lưu${failed ? ` (${failed.migrationName})` : ''}: ${error instanceof Error ? error.message : String(error)}`
		);
	}
}

/** Rows of a self-referencing table ordered so that every referenced row comes first. */
function parentsFirst(lines: string[], table: TableInfo): string[] {
	const selfRefs = table.foreignKeys.filter((f) => f.refTable === table.name);
	const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
	const keyOf = (r: Record<string, unknown>, cols: string[]) =>
		cols.some((c) => r[c] == null) ? null : JSON.stringify(cols.map((c) => r[c]));
	const byKey = selfRefs.map((f) => new Map(rows.map((r, i) => [keyOf(r, f.refColumns), i])));
	const order: number[] = [];
	const state = new Uint8Array(rows.length); // 0 new, 1 visiting, 2 placed
	const visit = (start: number) => {
		const stack: [number, boolean][] = [[start, false]];
		while (stack.length) {
			const [i, expanded] = stack.pop()!;
			if (state[i] === 2) continue;
			if (expanded) {
				state[i] = 2;
				order.push(i);
				continue;
			}
			if (state[i] === 1) continue; // a cycle: left to the database to refuse
			state[i] = 1;
			stack.push([i, true]);
			selfRefs.forEach((f, k) => {
				const parent = byKey[k].get(keyOf(rows[i], f.columns));
				if (parent !== undefined && parent !== i && state[parent] === 0) stack.push([parent, false]);
			});
		}
	};
	for (let i = 0; i < rows.length; i++) visit(i);
	return order.map((i) => lines[i]);
}

const BATCH_ROWS = 2000;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Inserts a table file's rows in batches (one statement each, the JSON as one parameter),
 * hashing the bytes as it reads them: a file changed since `verifyBackup` checked it is refused
 * (the caller's transaction then rolls back).
 */
async function insertTable(trx: DB, table: TableInfo, file: string, expected: { sha256: string; bytes: number }): Promise<number> {
	const cols = table.columns.map((c) => sql.id(c.name));
	// A JSON null in a NOT NULL json(b) column is the JSON value null (the row could not hold an
	// SQL NULL there); json_populate_recordset turns it into an SQL NULL, so put it back.
	const select = sql.join(
		table.columns.map((c): RawBuilder<unknown> =>
			c.notNull && (c.type === 'jsonb' || c.type === 'json')
				? sql`coalesce(${sql.id('r', c.name)}, ${sql.lit('null')}::${sql.raw(c.type)})`
				: sql`${sql.id('r', c.name)}`
		)
	);
	const insert = async (batch: string[]) => {
		await sql`insert into ${sql.id(table.name)} (${sql.join(cols)}) select ${select} from json_populate_recordset(null::${sql.id(table.name)}, ${'[' + batch.join(',') + ']'}::json) r`.execute(
			trx
		);
	};
	const input = fs.createReadStream(file);
	const hash = crypto.createHash('sha256');
	let size = 0;
	input.on('data', (chunk) => {
		hash.update(chunk as Buffer);
		size += (chunk as Buffer).length;
	});
	const lines = readline.createInterface({ input, crlfDelay: Infinity });
	const selfReferencing = table.foreignKeys.some((f) => f.refTable === table.name);
	let count = 0;
	let batch: string[] = [];
	let bytes = 0;
	const add = async (line: string) => {
		batch.push(line);
		bytes += line.length;
		if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
			await insert(batch);
			batch = [];
			bytes = 0;
		}
	};
	// rows of a table that refers to itself wait until all are read, to go in parents first
	const all: string[] = [];
	for await (const line of lines) {
		if (line === '') continue;
		count++;
		if (selfReferencing) all.push(line);
		else await add(line);
	}
	for (const line of selfReferencing ? parentsFirst(all, table) : []) await add(line);
	if (batch.length) await insert(batch);
	const sha256 = hash.digest('hex');
	if (sha256 !== expected.sha256 || size !== expected.bytes)
		throw backupError(`Tệp ${path.basename(file)} thay đổi trong khi khôi phục (SHA-256 ${sha256}); đã hủy khôi phục.`);
	return count;
}

const headOf = (line: string) => {
	const [, chain, seq, hash] = HEAD_LINE.exec(line)!;
	return { chain, seq: Number(seq), hash };
};

/**
 * The restored chain heads against those the manifest records: a trail cut short (its heads and
 * anchors rewritten to match, so that it verifies) disagrees with them.
 */
async function checkAuditHeads(trx: DB, audit: ManifestAudit): Promise<void> {
	const rows = await trx.selectFrom('audit_chain_head').select(['chain', 'seq', 'hash']).execute();
	const got = new Map(rows.map((r) => [r.chain, { chain: r.chain, seq: Number(r.seq), hash: r.hash }]));
	const want = new Map(audit.heads.map((l) => headOf(l)).map((h) => [h.chain, h]));
	const show = (h: { seq: number; hash: string }) => `số ${h.seq} (${h.hash.slice(0, 12)}…)`;
	const diffs: string[] = [];
	for (const [chain, w] of want) {
		const g = got.get(chain);
		if (!g) diffs.push(`chuỗi ${chain}: manifest ghi ${show(w)}, sau khôi phục không có`);
		else if (g.seq !== w.seq || g.hash !== w.hash) diffs.push(`chuỗi ${chain}: manifest ghi ${show(w)}, sau khôi phục là ${show(g)}`);
	}
	for (const [chain, g] of got) if (!want.has(chain)) diffs.push(`chuỗi ${chain}: không có trong manifest, sau khôi phục là ${show(g)}`);
	if (diffs.length) {
		const shown = diffs.slice(0, 10).map((d) => `- ${d}`);
		if (diffs.length > shown.length) shown.push(`- … và ${diffs.length - shown.length} chuỗi khác`);
		throw backupError(
			`Nhật ký kiểm toán sau khi khôi phục không khớp đầu chuỗi mà manifest ghi nhận (${diffs.length} chuỗi khác; bản ghi đã bị xóa hoặc sửa). Đã hủy khôi phục, không có gì được ghi:\n${shown.join('\n')}`
		);
	}
}

/** The operator's anchor in the restored trail (which `verifyAuditChain` has checked). */
async function checkAnchor(trx: DB, hash: string): Promise<{ seq: number; hash: string }> {
	const chained = await sql<{ t: string | null }>`select to_regclass('audit_anchor')::text as t`.execute(trx);
	if (!chained.rows[0]?.t)
		throw backupError(
			`Nhật ký kiểm toán của bản sao lưu có định dạng cũ, không có mốc neo: không kiểm tra được mốc neo ${hash}. Đã hủy khôi phục.`
		);
	const row = await trx.selectFrom('audit_anchor').select(['seq', 'hash']).where('hash', '=', hash).executeTakeFirst();
	if (!row)
		throw backupError(
			`Nhật ký kiểm toán của bản sao lưu không chứa mốc neo ${hash}: các bản ghi đến mốc đó đã bị xóa hoặc sửa, hoặc mốc neo mới hơn bản sao lưu. Đã hủy khôi phục, không có gì được ghi.`
		);
	return { seq: Number(row.seq), hash: row.hash };
}

/**
 * Restores a backup made by `backup` into `db` and `store`. The database must be empty of
 * application data (a new database; one on which only `prepareDatabase` ran is accepted and its
 * bootstrap rows are replaced). The manifest's signature is checked first against
 * `opts.publicKey` (refused when missing or invalid, unless `opts.trustUnsigned`), then every
 * hash; then the target is migrated to the backup's schema version, every row inserted in one
 * transaction (sessions and sign-in attempts never: they stay empty), the sequences set, the
 * audit trail verified, its chain heads checked against the manifest's and the operator's anchor
 * (`opts.anchor`) looked up in it, the restore recorded in it and the files put into the store
 * before the commit. On failure nothing stays: the transaction rolls back and the files placed
 * by this run are removed. After the commit the schema is brought up to date (a backup of an
 * older version).
 */
export async function restore(db: DB, store: FileStore, inDir: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
	const dir = path.resolve(inDir);
	const anchorHash = opts.anchor?.trim().toLowerCase();
	if (anchorHash !== undefined && !SHA256.test(anchorHash))
		throw backupError(`Mốc neo "${opts.anchor}" không hợp lệ: cần mã băm SHA-256 (64 chữ số hex) của một mốc neo.`);
	const { manifest, signature } = await verifyBackup(dir, opts);
	checkMigrations(manifest.migrations);
	await assertEmptyTarget(db);
	await migrateTo(db, manifest.migrations.at(-1));

	const tmpRoot = opts.tmpDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'xa-restore-')));
	const placed: string[] = [];
	let restoredRows = 0;
	let audit: ChainReport;
	let anchor: { seq: number; hash: string } | null = null;
	try {
		audit = await db.transaction().execute(async (trx) => {
			await sql`set local timezone to 'UTC'`.execute(trx);
			const { bootstrap } = await assertEmptyTarget(trx);
			// sessions and sign-in attempts are not restored (an old backup has them): they stay empty
			const tables = (await applicationTables(trx)).filter((t) => !EXCLUDED_TABLES.includes(t.name));
			const names = tables.map((t) => t.name);
			const inBackup = manifest.tables.map((t) => t.name).filter((n) => !EXCLUDED_TABLES.includes(n));
			const missing = inBackup.filter((n) => !names.includes(n));
			const extra = names.filter((n) => !inBackup.includes(n));
			if (missing.length || extra.length) {
				throw backupError(
					`Lược đồ CSDL đích khác bản sao lưu (thiếu bảng: ${missing.join(', ') || 'không'}; thừa bảng: ${extra.join(', ') || 'không'}).`
				);
			}
			for (const t of tables) {
				const m = manifest.tables.find((x) => x.name === t.name)!;
				const cols = t.columns.map((c) => c.name);
				if (cols.length !== m.columns.length || cols.some((c) => !m.columns.includes(c))) {
					throw backupError(`Bảng ${t.name}: các cột của CSDL đích (${cols.join(', ')}) khác bản sao lưu (${m.columns.join(', ')}).`);
				}
			}
			if (bootstrap) {
				// the default criteria set that `prepareDatabase` installed, and its two audit
				// records with their chain heads and anchors: the backup brings its own (TRUNCATE
				// does not fire the row triggers that keep the audit trail append-only; nothing
				// else ever truncates it)
				await sql`delete from criteria_set`.execute(trx);
				const audit = ['audit_log', ...AUDIT_CHAIN_TABLES].filter((n) => names.includes(n));
				await sql`truncate ${sql.join(audit.map((n) => sql.id(n)))}`.execute(trx);
			}
			let rows = 0;
			for (const t of tables) {
				const m = manifest.tables.find((x) => x.name === t.name)!;
				const n = await insertTable(trx, t, path.join(dir, m.file), m);
				if (n !== m.rows) throw backupError(`Bảng ${t.name}: đọc được ${n} dòng, manifest ghi ${m.rows}.`);
				rows += n;
			}
			restoredRows = rows;
			const sequences = await sequenceNames(trx);
			for (const s of manifest.sequences) {
				if (!sequences.includes(s.name)) throw backupError(`CSDL đích không có sequence ${s.name}.`);
				await sql`select setval(${s.name}::regclass, ${s.lastValue}, ${s.isCalled})`.execute(trx);
			}
			const chain = await verifyAuditChain(trx);
			if (!chain.ok) throw backupError(`Nhật ký kiểm toán sau khi khôi phục không toàn vẹn: ${chain.problem} Đã hủy khôi phục.`);
			if (manifest.audit) await checkAuditHeads(trx, manifest.audit);
			if (anchorHash) anchor = await checkAnchor(trx, anchorHash);
			// the restore itself, in the restored trail (a trail of before the chains is rechained by
			// the migration after the commit: nothing is appended to it here)
			if (names.includes('audit_chain_head'))
				await recordAudit(trx, {
					action: 'backup.restore',
					actorLabel: opts.actorLabel ?? 'restore',
					objectType: 'backup',
					objectId: manifest.createdAt,
					details: {
						createdAt: manifest.createdAt,
						source: manifest.source,
						signature: signature.status,
						keyId: signature.status === 'verified' ? signature.keyId : null,
						anchor: anchor?.hash ?? null,
						records: chain.records
					}
				});
			// the files, before the commit: a failure here still rolls everything back
			for (const f of manifest.files) {
				const existed = await store.exists(f.key);
				const tmp = await newTempPath(tmpRoot);
				try {
					const got = await copyHashing(fs.createReadStream(keyPath(dir, f.key)), tmp);
					if (got.sha256 !== f.sha256 || got.size !== f.size)
						throw backupError(`Tệp files/${f.key} thay đổi trong khi khôi phục (SHA-256 ${got.sha256}).`);
					await store.put(tmp, f.sha256, f.key.slice(f.key.lastIndexOf('.') + 1));
					if (!existed) placed.push(f.key);
				} finally {
					await discardTemp(tmp);
				}
			}
			return chain;
		});
	} catch (e) {
		for (const key of placed) await store.remove(key).catch(() => {});
		throw e;
	} finally {
		if (!opts.tmpDir) await fsp.rm(tmpRoot, { recursive: true, force: true });
	}
	const migratedAfter = await migrateToLatest(db);
	return {
		manifest,
		tables: manifest.tables.filter((t) => !EXCLUDED_TABLES.includes(t.name)).length,
		rows: restoredRows,
		files: manifest.files.length,
		fileBytes: manifest.totals.fileBytes,
		audit,
		migratedAfter,
		problems: manifest.problems,
		signature,
		anchor
	};
}

// ---------------------------------------------------------------------------------------------
// Checking the store
// ---------------------------------------------------------------------------------------------

/** A store whose content can be listed (what `storageCheck` needs beyond `FileStore`). */
export type StoreEntry = { path: string; size: number; mtimeMs: number };
export type CheckableStore = FileStore & {
	/** Every file of the store, by its path relative to the root ('ab/cd/<name>'). */
	list(): AsyncIterable<StoreEntry>;
	/** Removes one listed entry (which need not be a valid key: a `.part` leftover, say). */
	removeEntry(entryPath: string): Promise<void>;
};

const HEX2 = /^[0-9a-f]{2}$/;
const ENTRY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[^/\\]+$/;

/**
 * The local store of `root` with listing. Only the `ab/cd/` directories are the store's: anything
 * else under the root (the upload `tmp` directory, a database when STORAGE_DIR is DATA_DIR…) is
 * ignored.
 */
export function checkableLocalStore(root: string): CheckableStore {
	const abs = path.resolve(root);
	return {
		...localFileStore(abs),
		async *list() {
			const level = async (dir: string) =>
				(await fsp.readdir(dir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]))
					.filter((e) => e.isDirectory() && HEX2.test(e.name))
					.map((e) => e.name)
					.sort();
			for (const a of await level(abs)) {
				for (const b of await level(path.join(abs, a))) {
					const entries = await fsp.readdir(path.join(abs, a, b), { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
					for (const e of entries.filter((x) => x.isFile()).sort((x, y) => x.name.localeCompare(y.name))) {
						const st = await fsp.stat(path.join(abs, a, b, e.name)).catch(() => null);
						if (st) yield { path: `${a}/${b}/${e.name}`, size: st.size, mtimeMs: st.mtimeMs };
					}
				}
			}
		},
		async removeEntry(entryPath) {
			if (!ENTRY.test(entryPath) || entryPath.includes('..')) throw backupError(`Đường dẫn không thuộc kho tệp: ${entryPath}`);
			await fsp.rm(path.join(abs, ...entryPath.split('/')), { force: true });
		}
	};
}

export type StorageReport = {
	/** `stored_file` rows checked. */
	rows: number;
	ok: number;
	bytesChecked: number;
	/** Rows whose file is not in the store. */
	missing: { key: string; sha256: string }[];
	/** Rows whose file's content does not match (SHA-256 or size). */
	mismatched: { key: string; sha256: string; actualSha256: string; size: number; actualSize: number }[];
	/** Files of the store that no row refers to. */
	orphans: StoreEntry[];
	/** Orphans removed (with `fix`). */
	removed: string[];
	/** Orphans left in place with `fix` because they are recent (possibly an upload in progress). */
	kept: string[];
};

/**
 * Checks every `stored_file` row's file (present, SHA-256 and size) and lists the store's files
 * that no row refers to (orphans, e.g. from a crash between placing a file and committing its
 * row). Reports only; with `fix`, removes orphans older than `minAgeMs` (default 10 minutes: a
 * file placed by an upload or a certificate whose transaction is still running looks like an
 * orphan for a moment). Rows are never changed.
 */
export async function storageCheck(db: DB, store: CheckableStore, opts: { fix?: boolean; minAgeMs?: number } = {}): Promise<StorageReport> {
	const minAgeMs = opts.minAgeMs ?? 10 * 60_000;
	const report: StorageReport = { rows: 0, ok: 0, bytesChecked: 0, missing: [], mismatched: [], orphans: [], removed: [], kept: [] };
	const keys = new Set<string>();
	const checkRow = async (row: { sha256: string; size: number | string; storage_key: string }) => {
		let stream: Readable;
		try {
			stream = await store.open(row.storage_key);
		} catch (e) {
			if (e instanceof StoredFileMissingError || e instanceof StorageKeyError) {
				report.missing.push({ key: row.storage_key, sha256: row.sha256 });
				return;
			}
			throw e;
		}
		const got = await hashStream(stream);
		report.bytesChecked += got.size;
		if (got.sha256 !== row.sha256 || got.size !== Number(row.size)) {
			report.mismatched.push({
				key: row.storage_key,
				sha256: row.sha256,
				actualSha256: got.sha256,
				size: Number(row.size),
				actualSize: got.size
			});
		} else report.ok++;
	};
	let lastId = 0;
	for (;;) {
		const rows = await db
			.selectFrom('stored_file')
			.select(['id', 'sha256', 'size', 'storage_key'])
			.where('id', '>', lastId)
			.orderBy('id')
			.limit(1000)
			.execute();
		if (rows.length === 0) break;
		lastId = rows[rows.length - 1].id;
		report.rows += rows.length;
		for (const r of rows) keys.add(r.storage_key);
		await eachLimited(rows, 4, checkRow);
	}
	for await (const entry of store.list()) {
		if (keys.has(entry.path)) continue;
		report.orphans.push(entry);
	}
	if (opts.fix) {
		for (const o of report.orphans) {
			if (Date.now() - o.mtimeMs < minAgeMs) {
				report.kept.push(o.path);
				continue;
			}
			const sha = /^[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})\.[a-z0-9]{1,10}$/.exec(o.path)?.[1];
			// under the content lock, and only if still no row refers to it (a row committed
			// since the listing keeps its file)
			const removed = await db.transaction().execute(async (trx) => {
				if (sha) await sql`select pg_advisory_xact_lock(${CONTENT_LOCK}, hashtext(${sha}))`.execute(trx);
				const row = await trx.selectFrom('stored_file').select('id').where('storage_key', '=', o.path).executeTakeFirst();
				if (row) return false;
				await store.removeEntry(o.path);
				return true;
			});
			if (removed) report.removed.push(o.path);
			else report.kept.push(o.path);
		}
	}
	report.missing.sort((a, b) => a.key.localeCompare(b.key));
	report.mismatched.sort((a, b) => a.key.localeCompare(b.key));
	return report;
}
