/**
 * Upload benchmark: `npm run bench:upload`.
 *
 * Against the built server (built first if the sources are newer), on a fresh data directory
 * with the demo data and a round for Phường Phú Xuân (19753), the commune officer uploads one
 * 200 MiB PDF (a valid `%PDF-1.7` header, then pseudo-random bytes) through the streaming
 * endpoint `POST /assessments/<id>/evidence/upload`. The request body is streamed from the file
 * (never held whole in memory, here or on the server).
 *
 * Prints the upload time and throughput, the server process's resident memory (VmRSS sampled
 * every 20 ms from /proc, plus the kernel's own peak VmHWM, reset just before the upload) and,
 * for comparison, copying the same file on the same file system with `fs.copyFile` (kernel-side
 * copy, no reflink) and with a stream copy (read stream → write stream, the fairer comparison:
 * the server also reads and writes through Node streams).
 *
 * Aims (from the issue): server memory growth < 64 MiB; upload throughput ≥ ½ of the copy.
 * A MISS is reported, not an error: the script exits 0 whenever it could measure, and non-zero
 * when the upload itself fails (anything but 201 with the right size and SHA-256).
 *
 *   node scripts/bench-upload.ts [sizeMiB=200] [--json <file>]
 *
 * With --json, also writes the figures and their verdicts to <file> (scripts/bench-report.ts).
 *
 * Linux only (reads /proc). Nothing is fsync'ed, neither by the server nor by the copies.
 */
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { figureLines, jsonPathFromArgs, writeBenchJson } from './bench-report.ts';
import type { Figure } from './bench-report.ts';
import { ensureBuilt, requireNode, root } from './runtime.ts';
import { startServer } from '../tests/helpers/server.ts';
import type { RunningServer } from '../tests/helpers/server.ts';
import { DEMO_PASSWORD, seedDemo } from '#lib/server/seed/demo.ts';
import { loadConfig } from '#lib/server/config.ts';
import { connect } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { openRound } from '#lib/server/rounds/index.ts';

const MiB = 1024 * 1024;
const JSON_FILE = jsonPathFromArgs();
// positional arguments: all but --json and its file
const ARGS = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--json') && all[i - 1] !== '--json');
const SIZE_MIB = Math.max(1, Number(ARGS[0] ?? 200));
const SIZE = SIZE_MIB * MiB;
const UPLOAD_MAX_MB = String(Math.max(300, SIZE_MIB + 10));
const COMMUNE = '19753';
const OFFICER = 'canbo.xa@demo.vn';
const SAMPLE_MS = 20;
const COPY_RUNS = 3;
const AIM_GROWTH_MIB = 64;
const AIM_RATIO = 0.5;

requireNode();
if (process.platform !== 'linux') {
	console.error('bench:upload reads /proc and runs on Linux only.');
	process.exit(1);
}
process.chdir(root);

// --- helpers ------------------------------------------------------------------------------------

const fmtMiB = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const fmtS = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const rate = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);
const fmtRate = (bytes: number, ms: number) => `${rate(bytes, ms).toFixed(1)} MiB/s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** VmRSS and VmHWM of a process, in bytes (undefined once it is gone). */
function memOf(pid: number): { rss: number; hwm: number } | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined;
	}
	const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the process's VmHWM to its current RSS (Linux ≥ 4.0; our own child, so permitted). */
function resetPeak(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * The pid of the process listening on 127.0.0.1:<port>: the server (scripts/start.ts imports
 * build/index.js in its own process). From `ss -ltnp`; failing that, from /proc (the socket's
 * inode in /proc/net/tcp, then the process holding it).
 */
function listenerPid(port: number): number {
	try {
		const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
		const m = /pid=(\d+)/.exec(out);
		if (m) return Number(m[1]);
	} catch {
		/* no ss: below */
	}
	const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
	const inodes = new Set<string>();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		const lines = fs.existsSync(table) ? fs.readFileSync(table, 'utf8').split('\n').slice(1) : [];
		for (const line of lines) {
			const f = line.trim().split(/\s+/);
			if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]);
		}
	}
	for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		let fds: string[];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			try {
				const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
				if (m && inodes.has(m[1])) return Number(pid);
			} catch {
				/* fd closed meanwhile */
			}
		}
	}
	throw new Error(`no process found listening on port ${port}`);
}

/** Samples a process's VmRSS every SAMPLE_MS until stopped; keeps the peak. */
function sampler(pid: number) {
	let peak = 0;
	let samples = 0;
	const take = () => {
		const m = memOf(pid);
		if (m) {
			peak = Math.max(peak, m.rss);
			samples++;
		}
	};
	take();
	const timer = setInterval(take, SAMPLE_MS);
	return {
		stop: () => {
			clearInterval(timer);
			take();
			return { peak, samples };
		}
	};
}

/** Writes `size` bytes: `%PDF-1.7\n`, then pseudo-random bytes, in 4 MiB chunks; returns the SHA-256. */
async function makeFile(file: string, size: number): Promise<string> {
	const hash = crypto.createHash('sha256');
	const handle = await fsp.open(file, 'wx', 0o600);
	try {
		const header = Buffer.from('%PDF-1.7\n', 'latin1');
		// a 4 MiB random block, varied per chunk by a counter so that no two chunks are equal
		const block = crypto.randomBytes(4 * MiB);
		let written = 0;
		let n = 0;
		while (written < size) {
			const len = Math.min(block.length, size - written);
			const chunk = block.subarray(0, len);
			chunk.writeUInt32LE(n++, len >= 64 ? 32 : 0);
			if (written === 0) header.copy(chunk, 0);
			hash.update(chunk);
			await handle.write(chunk, 0, len);
			written += len;
		}
	} finally {
		await handle.close();
	}
	return hash.digest('hex');
}

async function login(url: string, email: string): Promise<string> {
	const res = await fetch(`${url}/login`, {
		method: 'POST',
		headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
		redirect: 'manual'
	});
	await res.arrayBuffer();
	const m = /session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
	if (!m) throw new Error(`sign-in as ${email} failed: no session cookie (HTTP ${res.status})`);
	return `session=${m[1]}`;
}

/**
 * POSTs the text fields, then `file` as the file part, as a multipart body streamed from disk
 * (an async generator over a read stream, fetch with `duplex: 'half'`), with its exact
 * Content-Length so that the server can check it up front.
 */
async function upload(url: string, assessmentId: number, cookie: string, file: string, name: string) {
	const boundary = `----bench${crypto.randomBytes(12).toString('hex')}`;
	const fields: [string, string][] = [
		['kind', 'evidence'],
		['indicator', 'TC07.1'],
		['summary', 'Tệp thử hiệu năng tải lên']
	];
	const head = Buffer.from(
		fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
		'utf8'
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const size = (await fsp.stat(file)).size;
	async function* body(): AsyncGenerator<Uint8Array> {
		yield head;
		for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
		yield tail;
	}
	const res = await fetch(`${url}/assessments/${assessmentId}/evidence/upload`, {
		method: 'POST',
		headers: {
			cookie,
			origin: url,
			accept: 'application/json',
			'content-type': `multipart/form-data; boundary=${boundary}`,
			'content-length': String(head.length + size + tail.length)
		},
		body: NodeReadableStream.from(body()) as unknown as BodyInit,
		duplex: 'half',
		redirect: 'manual'
	} as RequestInit & { duplex: 'half' });
	const text = await res.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { status: res.status, json, text };
}

function expectCreated(r: Awaited<ReturnType<typeof upload>>, size: number, sha256: string, what: string): void {
	if (r.status !== 201) throw new Error(`${what}: HTTP ${r.status} instead of 201: ${r.text.slice(0, 500)}`);
	if (r.json.size !== size || r.json.sha256 !== sha256)
		throw new Error(
			`${what}: the server stored something else (size ${String(r.json.size)} / ${size}, sha256 ${String(r.json.sha256)} / ${sha256})`
		);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
	const t0 = performance.now();
	await fn();
	return performance.now() - t0;
}

/** Both copies, COPY_RUNS times each (the source is in the page cache for all, as for the upload). */
async function copyRuns(src: string, dir: string) {
	const plain: number[] = [];
	const stream: number[] = [];
	for (let i = 0; i < COPY_RUNS; i++) {
		const a = path.join(dir, `copy-${i}.bin`);
		plain.push(await timed(() => fsp.copyFile(src, a))); // mode 0: no COPYFILE_FICLONE, a real copy
		await fsp.rm(a, { force: true });
		const b = path.join(dir, `stream-${i}.bin`);
		stream.push(await timed(() => pipeline(fs.createReadStream(src), fs.createWriteStream(b, { flags: 'wx' }))));
		await fsp.rm(b, { force: true });
	}
	return { plain, stream };
}

// --- the benchmark --------------------------------------------------------------------------------

ensureBuilt();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-bench-upload-'));
const scratch = path.join(dataDir, 'bench'); // same file system as <DATA_DIR>/tmp and /files
fs.mkdirSync(scratch);
let server: RunningServer | undefined;

try {
	// 1. data directory: demo province and accounts, a round for the demo commune
	console.log(`Chuẩn bị dữ liệu (DATA_DIR=${dataDir})…`);
	const config = loadConfig({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province' });
	const conn = await connect(config);
	let assessmentId: number;
	try {
		await prepareDatabase(conn.db);
		await seedDemo(conn.db, config, { withRound: false });
		const set = await conn.db
			.selectFrom('criteria_set')
			.select('id')
			.where('code', '=', 'QD06-2019')
			.where('status', '=', 'active')
			.executeTakeFirstOrThrow();
		const { roundId } = await openRound(
			conn.db,
			'post2025',
			{
				name: 'Đợt thử hiệu năng tải lên',
				year: 2026,
				criteriaSetId: set.id,
				opensOn: '2026-01-01',
				closesOn: '2099-12-31',
				communeCodes: [COMMUNE]
			},
			{ id: null, email: 'bench-upload' }
		);
		const row = await conn.db
			.selectFrom('assessment as a')
			.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
			.select('a.id')
			.where('a.round_id', '=', roundId)
			.where('c.code', '=', COMMUNE)
			.executeTakeFirstOrThrow();
		assessmentId = row.id;
	} finally {
		await conn.close();
	}

	// 2. the file, on the same disk
	console.log(`Tạo tệp ${SIZE_MIB} MiB…`);
	const bigFile = path.join(scratch, 'source.pdf');
	const bigSha = await makeFile(bigFile, SIZE);
	const smallFile = path.join(scratch, 'warmup.pdf');
	const smallSha = await makeFile(smallFile, 64 * 1024);

	// 3. the server
	console.log('Khởi động máy chủ…');
	server = await startServer({ DATA_DIR: dataDir, REVIEW_LEVEL: 'province', UPLOAD_MAX_MB });
	const pid = listenerPid(Number(new URL(server.url).port));
	const cookie = await login(server.url, OFFICER);

	// a small upload first, so that one-time costs (loading busboy and file-type, the first
	// query plans) are not counted as the big upload's memory
	const atStart = memOf(pid)!;
	const warm = await upload(server.url, assessmentId, cookie, smallFile, 'khoi-dong.pdf');
	expectCreated(warm, 64 * 1024, smallSha, 'warm-up upload');
	const afterWarm = memOf(pid)!;
	await new Promise((r) => setTimeout(r, 500));

	// 4. the upload, with the server's memory sampled
	const baseline = median([0, 1, 2, 3, 4].map(() => memOf(pid)!.rss));
	const hwmReset = resetPeak(pid);
	const hwmBefore = memOf(pid)!.hwm;
	const clientBase = process.memoryUsage.rss();
	let clientPeak = clientBase;
	const clientTimer = setInterval(() => (clientPeak = Math.max(clientPeak, process.memoryUsage.rss())), SAMPLE_MS);
	const s = sampler(pid);
	let result: Awaited<ReturnType<typeof upload>>;
	const uploadMs = await timed(async () => {
		result = await upload(server!.url, assessmentId, cookie, bigFile, 'tai-lieu-lon.pdf');
	});
	const { peak, samples } = s.stop();
	clearInterval(clientTimer);
	const after = memOf(pid)!;
	expectCreated(result!, SIZE, bigSha, `upload of ${SIZE_MIB} MiB`);
	const stored = path.join(dataDir, 'files', bigSha.slice(0, 2), bigSha.slice(2, 4), `${bigSha}.pdf`);
	if (!fs.existsSync(stored) || fs.statSync(stored).size !== SIZE) throw new Error(`stored file missing or wrong size: ${stored}`);
	const leftovers = fs.existsSync(path.join(dataDir, 'tmp')) ? fs.readdirSync(path.join(dataDir, 'tmp')) : [];

	// 5. the copies, on the same file system
	console.log(`Sao chép tệp (${COPY_RUNS} lần mỗi cách)…`);
	const copies = await copyRuns(bigFile, scratch);
	const plainMs = median(copies.plain);
	const streamMs = median(copies.stream);

	// 6. the table
	const growth = peak - baseline;
	const hwmGrowth = hwmReset ? after.hwm - baseline : NaN;
	const worstGrowth = Math.max(growth, Number.isFinite(hwmGrowth) ? hwmGrowth : -Infinity);
	const ratioStream = rate(SIZE, uploadMs) / rate(SIZE, streamMs);
	const ratioPlain = rate(SIZE, uploadMs) / rate(SIZE, plainMs);
	const rows: [string, string][] = [
		['File size', `${fmtMiB(SIZE)} (${SIZE.toLocaleString('en-US')} bytes, PDF header + random bytes)`],
		['File system', `${dataDir} (upload temp, store and copies all here)`],
		['Server RSS at start / after warm-up', `${fmtMiB(atStart.rss)} / ${fmtMiB(afterWarm.rss)}`],
		['Server RSS baseline', fmtMiB(baseline)],
		[`Server RSS peak (${samples} samples, ${SAMPLE_MS} ms)`, fmtMiB(peak)],
		['Server RSS growth (peak − baseline)', fmtMiB(growth)],
		[
			'Server VmHWM before / after',
			hwmReset
				? `${fmtMiB(hwmBefore)} / ${fmtMiB(after.hwm)} (reset before upload)`
				: `${fmtMiB(hwmBefore)} / ${fmtMiB(after.hwm)} (not reset: since start)`
		],
		['Server VmHWM growth (HWM − baseline)', Number.isFinite(hwmGrowth) ? fmtMiB(hwmGrowth) : 'n/a'],
		['Server RSS after upload', fmtMiB(after.rss)],
		[
			`fs.copyFile (median of ${COPY_RUNS})`,
			`${fmtS(plainMs)}  ${fmtRate(SIZE, plainMs)}  [${copies.plain.map((t) => (t / 1000).toFixed(3)).join(', ')} s]`
		],
		[
			`stream copy (median of ${COPY_RUNS})`,
			`${fmtS(streamMs)}  ${fmtRate(SIZE, streamMs)}  [${copies.stream.map((t) => (t / 1000).toFixed(3)).join(', ')} s]`
		]
	];
	// the figures: the upload, and the two aims beside it
	const figures: Figure[] = [
		{ name: 'Upload time (HTTP, until 201)', value: uploadMs / 1000, unit: 's' },
		{ name: 'Upload throughput', value: rate(SIZE, uploadMs), unit: 'MiB/s' },
		{
			name: 'Server memory growth',
			value: worstGrowth / MiB,
			unit: 'MiB',
			aim: { op: '<', value: AIM_GROWTH_MIB },
			note: 'the larger of RSS and VmHWM growth'
		},
		{
			name: 'Upload / stream copy',
			value: ratioStream,
			unit: '×',
			aim: { op: '>=', value: AIM_RATIO },
			note: `stream copy ${fmtRate(SIZE, streamMs)}`
		},
		{ name: 'Upload / copyFile', value: ratioPlain, unit: '×', note: `copyFile ${fmtRate(SIZE, plainMs)}` },
		{ name: 'Client RSS growth (this script)', value: (clientPeak - clientBase) / MiB, unit: 'MiB' },
		{ name: 'Temp files left in DATA_DIR/tmp', value: leftovers.length, unit: '' }
	];
	const w = Math.max(...rows.map(([k]) => k.length));
	console.log(`\nbench:upload: node ${process.version}, ${os.cpus().length} CPU, ${os.cpus()[0]?.model ?? ''}`);
	console.log('─'.repeat(w + 50));
	for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
	console.log('─'.repeat(w + 50));
	for (const line of figureLines(figures)) console.log(line);
	console.log('─'.repeat(w + 50));
	if (JSON_FILE) {
		writeBenchJson(JSON_FILE, {
			benchmark: 'upload',
			figures,
			extra: {
				sizeBytes: SIZE,
				serverRss: { atStart: atStart.rss, afterWarmUp: afterWarm.rss, baseline, peak, samples, after: after.rss },
				serverHwm: { reset: hwmReset, before: hwmBefore, after: after.hwm, growth: Number.isFinite(hwmGrowth) ? hwmGrowth : null },
				copyFileMs: copies.plain,
				streamCopyMs: copies.stream
			}
		});
		console.log(`JSON: ${JSON_FILE}`);
	}
} catch (e) {
	console.error(`\nbench:upload failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
	if (server) console.error(`--- server output (last 3000 characters) ---\n${server.log().slice(-3000)}`);
	process.exitCode = 1;
} finally {
	await server?.stop().catch(() => {});
	fs.rmSync(dataDir, { recursive: true, force: true });
}
