/**
 * Export benchmark (issue 13): `npm run bench:export [-- options]`.
 *
 * The national score matrix (every commune of the round × 26 indicators, two sheets) written
 * end to end into a file, as the route and `npm run cli -- report` write it: the query, the
 * scoring of every commune, the streamed workbook, until the file is closed. It runs in a fresh
 * child process playing the server (connected and warmed up with one query, nothing else), which
 * samples its own memory (process.memoryUsage every 50 ms; started with the server's V8 flags): the growth is the peak RSS minus the
 * RSS just before the export. Aims: under 5 s, under 100 MB. The file is then read back (exceljs's
 * streaming reader) to count its rows.
 *
 * The data: the national seed (scripts/seed/scale.ts) in a fresh PostgreSQL database
 * `bench_<random>` on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped at the end unless --keep-db; or `--db <url>`: a database kept by an earlier run (of this
 * benchmark or of bench:load --keep-db), reused as it is.
 *
 *   node scripts/bench-export.ts [--db <url>] [--keep-db] [--era post2025|pre2025] [--out file.xlsx] [--json out.json]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { requireNode } from './runtime.ts';
import { figureLines, jsonPathFromArgs, writeBenchJson, type Figure } from './bench-report.ts';
import { loadConfig } from '#lib/server/config.ts';
import { connect } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { localFileStore } from '#lib/server/storage/index.ts';
import { NATION, scoreMatrix } from '#lib/server/exports/score-matrix.ts';
import { writeXlsxFile } from '#lib/server/exports/xlsx.ts';
import { seedScale } from './seed/scale.ts';

requireNode();
const { values: args } = parseArgs({
	options: {
		db: { type: 'string' },
		'keep-db': { type: 'boolean', default: false },
		era: { type: 'string', default: 'post2025' },
		out: { type: 'string' },
		json: { type: 'string' },
		child: { type: 'boolean', default: false },
		round: { type: 'string' }
	}
});

type ChildResult = {
	ms: number;
	rssBefore: number;
	rssPeak: number;
	heapBefore: number;
	heapPeak: number;
	arrayBuffersPeak: number;
	cpuMs: number;
	loadAverage: number;
	samples: number;
	communes: number;
	bytes: number;
};

const MB = 1024 * 1024;

/** The child: one export into `out`, timed, its memory sampled every 50 ms. */
async function child(dbUrl: string, roundId: number, out: string): Promise<void> {
	const cfg = loadConfig({ DATABASE_URL: dbUrl, REVIEW_LEVEL: args.era === 'pre2025' ? 'district' : 'province' });
	const conn = await connect(cfg);
	try {
		await sql`select 1`.execute(conn.db); // the server's pool is open; nothing else is warm
		const before = process.memoryUsage();
		let rssPeak = before.rss;
		let heapPeak = before.heapUsed;
		let arrayBuffersPeak = before.arrayBuffers;
		let samples = 0;
		const sample = () => {
			const m = process.memoryUsage();
			rssPeak = Math.max(rssPeak, m.rss);
			heapPeak = Math.max(heapPeak, m.heapUsed);
			arrayBuffersPeak = Math.max(arrayBuffersPeak, m.arrayBuffers);
			samples++;
		};
		const timer = setInterval(sample, 50);
		const cpu0 = process.cpuUsage();
		const t0 = performance.now();
		const m = await scoreMatrix(conn.db, { kind: 'nation', name: NATION, code: null }, roundId);
		await writeXlsxFile(out, m.write);
		const ms = performance.now() - t0;
		const cpu = process.cpuUsage(cpu0);
		sample();
		clearInterval(timer);
		const r: ChildResult = {
			ms,
			rssBefore: before.rss,
			rssPeak,
			heapBefore: before.heapUsed,
			heapPeak,
			arrayBuffersPeak,
			cpuMs: (cpu.user + cpu.system) / 1000,
			loadAverage: os.loadavg()[0],
			samples,
			communes: m.communes,
			bytes: fs.statSync(out).size
		};
		process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
	} finally {
		await conn.close();
	}
}

async function countRows(file: string): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'ignore', styles: 'ignore' });
	for await (const ws of reader) {
		let n = 0;
		for await (const _row of ws) n++;
		counts[(ws as unknown as { name: string }).name] = n;
	}
	return counts;
}

async function main(): Promise<void> {
	const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const dbName = `bench_${crypto.randomBytes(5).toString('hex')}`;
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-export-'));
	const out = args.out ?? path.join(tmp, 'ma-tran-diem-toan-quoc.xlsx');
	const adminQuery = async (q: string) => {
		const c = new pg.Client({ connectionString: baseUrl });
		await c.connect();
		try {
			await c.query(q);
		} finally {
			await c.end();
		}
	};
	let dbUrl = args.db;
	let created = false;
	try {
		console.log(`bench:export: node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'})`);
		if (!dbUrl) {
			const u = new URL(baseUrl);
			u.pathname = `/${dbName}`;
			dbUrl = u.toString();
			await adminQuery(`create database ${dbName}`);
			created = true;
			console.log(`CSDL ${dbName}: nạp dữ liệu toàn quốc (${args.era})…`);
			const cfg = loadConfig({ DATABASE_URL: dbUrl, DATA_DIR: tmp, REVIEW_LEVEL: args.era === 'pre2025' ? 'district' : 'province' });
			const conn = await connect(cfg);
			try {
				await prepareDatabase(conn.db);
				await seedScale(conn.db, cfg, localFileStore(path.join(tmp, 'files')), {
					era: args.era as 'post2025' | 'pre2025',
					log: (l) => console.log(`  ${l}`)
				});
			} finally {
				await conn.close();
			}
		} else console.log(`CSDL có sẵn: ${dbUrl}`);

		// the round with the most assessments (the seed's national round)
		const c = new pg.Client({ connectionString: dbUrl });
		await c.connect();
		const round = (
			await c.query<{ round_id: number; n: number }>(
				'select round_id, count(*)::int as n from assessment group by 1 order by 2 desc limit 1'
			)
		).rows[0];
		await c.end();
		if (!round) throw new Error('Không có đợt đánh giá nào trong CSDL.');
		console.log(`Xuất ma trận điểm toàn quốc của đợt #${round.round_id} (${round.n} xã)…`);

		// the child runs with the server's own V8 flags (package.json "start")
		const r = spawnSync(
			process.execPath,
			[
				'--max-semi-space-size=16',
				import.meta.filename,
				'--child',
				'--db',
				dbUrl,
				'--round',
				String(round.round_id),
				'--out',
				out,
				'--era',
				args.era!
			],
			{
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
		if (r.status !== 0 || !line) throw new Error(`Tiến trình xuất lỗi (mã ${r.status}): ${r.stdout}`);
		const res = JSON.parse(line.slice('RESULT '.length)) as ChildResult;
		const rows = await countRows(out);
		const growth = (res.rssPeak - res.rssBefore) / MB;
		const figures: Figure[] = [
			{ name: 'national score matrix, end to end', value: Math.round(res.ms) / 1000, unit: 's', aim: { op: '<', value: 5 } },
			{
				name: 'CPU time of the export (main thread + zlib threads)',
				value: Math.round(res.cpuMs) / 1000,
				unit: 's',
				note: `load average ${res.loadAverage.toFixed(1)} on ${os.cpus().length} CPU while it ran`
			},
			{
				name: 'server memory growth (peak RSS − RSS before)',
				value: Math.round(growth * 10) / 10,
				unit: 'MB',
				aim: { op: '<', value: 100 }
			},
			{ name: 'heap growth (peak heapUsed − before)', value: Math.round(((res.heapPeak - res.heapBefore) / MB) * 10) / 10, unit: 'MB' },
			{ name: 'peak Buffer memory (arrayBuffers)', value: Math.round((res.arrayBuffersPeak / MB) * 10) / 10, unit: 'MB' },
			{ name: 'communes', value: res.communes, unit: '' },
			{ name: 'rows in "Ma trận điểm" (with header)', value: rows['Ma trận điểm'] ?? 0, unit: '' },
			{ name: 'file size', value: Math.round((res.bytes / MB) * 10) / 10, unit: 'MB' },
			{ name: 'memory samples (every 50 ms)', value: res.samples, unit: '' }
		];
		console.log('');
		for (const l of figureLines(figures)) console.log(`  ${l}`);
		console.log(`  RSS trước: ${(res.rssBefore / MB).toFixed(1)} MB, đỉnh: ${(res.rssPeak / MB).toFixed(1)} MB; tệp: ${out}`);
		const jsonFile = jsonPathFromArgs();
		if (jsonFile) {
			writeBenchJson(jsonFile, { benchmark: 'export', figures, extra: { ...res, rows, roundId: round.round_id, file: out } });
			console.log(`  Đã ghi ${jsonFile}.`);
		}
		if (args['keep-db'] && created) console.log(`\n(--keep-db) CSDL giữ lại: ${dbUrl}  (dùng lại: --db ${dbUrl})`);
	} finally {
		if (created && !args['keep-db']) await adminQuery(`drop database if exists ${dbName} with (force)`);
		if (!args.out) fs.rmSync(tmp, { recursive: true, force: true });
	}
}

try {
	if (args.child) await child(args.db!, Number(args.round), args.out!);
	else await main();
} catch (e) {
	console.error(`Lỗi: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 1;
}
