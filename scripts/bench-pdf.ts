/**
 * npm run bench:pdf [batch size, default 1000] [--json <file>]
 *
 * Certificate PDFs, in this thread: one certificate cold (fonts loaded, first layout), the 20
 * next (V8 still compiling and optimising the layout code: their average was once reported as
 * "warm"), then, after 40 more, warm: the average of 20. Then a batch laid out by the
 * worker-thread pool the server uses, while a trivial HTTP endpoint of this same process is
 * requested every 20 ms: the largest delay any of those requests saw is the event-loop delay a
 * user of the server would feel during a batch.
 * Aims: under 25 ms per certificate warm; a batch of 1,000 in under 30 s (30 ms a certificate
 * for other sizes); no request, and no turn of the event loop, delayed by 100 ms or more.
 * With --json, also writes the figures and their verdicts to <file> (scripts/bench-report.ts).
 */
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { renderPdf } from '../src/lib/server/documents/render.ts';
import { PdfPool, workerPath } from '../src/lib/server/documents/pool.ts';
import type { CertificateDocument } from '../src/lib/server/documents/types.ts';
import { figureLines, jsonPathFromArgs, writeBenchJson } from './bench-report.ts';
import type { Figure } from './bench-report.ts';

const jsonFile = jsonPathFromArgs();
// positional arguments: all but --json and its file
const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--json') && all[i - 1] !== '--json');
const batch = Number(args[0] ?? 1000);

function certificate(i: number): CertificateDocument {
	const code = `AB${String(i % 1000)
		.padStart(3, '2')
		.replace(/[01]/g, '7')}-CDEFG`;
	return {
		kind: 'certificate',
		marks: { preview: false, provisional: false },
		authority: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ',
		commune: { name: `Phường Phú Xuân ${i}`, province: 'Thành phố Huế' },
		decision: { number: '15/QĐ-UBND', date: '2026-11-20' },
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		serial: `2026-19753-${String(i).padStart(6, '0')}`,
		qr: `https://treem.example.vn/verify/${code}?p=XP1.${'e'.repeat(260)}.${'s'.repeat(86)}`,
		verificationCode: code,
		signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: 'Phạm Quốc Việt' },
		place: 'Huế',
		date: '2026-11-20',
		colour: true
	};
}

let t0 = performance.now();
await renderPdf(certificate(0));
const cold = performance.now() - t0;
t0 = performance.now();
for (let i = 1; i <= 20; i++) await renderPdf(certificate(i));
const warming = (performance.now() - t0) / 20;
for (let i = 21; i <= 60; i++) await renderPdf(certificate(i));
t0 = performance.now();
for (let i = 61; i <= 80; i++) await renderPdf(certificate(i));
const warm = (performance.now() - t0) / 20;

// the batch, with a trivial endpoint answering meanwhile
const server = http.createServer((_req, res) => res.end('ok'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const agent = new http.Agent({ keepAlive: true });
let probing = true;
let worstRequest = 0;
let requests = 0;
const probe = (async () => {
	while (probing) {
		const start = performance.now();
		await new Promise<void>((resolve, reject) =>
			http.get({ host: '127.0.0.1', port, agent, path: '/' }, (res) => res.resume().on('end', resolve)).on('error', reject)
		);
		worstRequest = Math.max(worstRequest, performance.now() - start);
		requests++;
		await new Promise((r) => setTimeout(r, 20));
	}
})();
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const file = workerPath();
if (!file) throw new Error('worker not found');
const pool = new PdfPool(file);
t0 = performance.now();
let bytes = 0;
let next = 0;
// keep the pool busy without queueing the whole batch at once
await Promise.all(
	Array.from({ length: pool.size * 2 }, async () => {
		while (next < batch) {
			const pdf = await pool.render(certificate(next++));
			bytes += pdf.length; // not `bytes += await …`: that would add to a stale total
		}
	})
);
const total = performance.now() - t0;
loop.disable();
probing = false;
await probe;
await pool.close();
server.close();
agent.destroy();

const figures: Figure[] = [
	{ name: 'một giấy, lần đầu (nạp phông)', value: cold, unit: 'ms' },
	{ name: '20 giấy tiếp theo (V8 còn đang tối ưu, trung bình)', value: warming, unit: 'ms' },
	{ name: 'một giấy, đã nóng (trung bình 20, sau 60 giấy)', value: warm, unit: 'ms', aim: { op: '<', value: 25 } },
	{ name: `lô ${batch} giấy`, value: total / 1000, unit: 's', aim: { op: '<', value: (30 * batch) / 1000 } },
	{ name: 'mỗi giấy trong lô', value: total / batch, unit: 'ms' },
	{ name: 'cỡ mỗi giấy', value: bytes / batch / 1024, unit: 'KB' },
	{
		name: 'yêu cầu HTTP chậm nhất trong lúc chạy lô',
		value: worstRequest,
		unit: 'ms',
		aim: { op: '<', value: 100 },
		note: `${requests} yêu cầu, mỗi 20 ms`
	},
	{ name: 'độ trễ vòng sự kiện lớn nhất trong lúc chạy lô', value: loop.max / 1e6, unit: 'ms', aim: { op: '<', value: 100 } },
	{ name: 'độ trễ vòng sự kiện, bách phân vị 99', value: loop.percentile(99) / 1e6, unit: 'ms' }
];

console.log(`Giấy chứng nhận PDF (${os.availableParallelism()} CPU, ${pool.size} luồng dựng PDF)`);
for (const line of figureLines(figures)) console.log(`  ${line}`);
if (jsonFile) {
	writeBenchJson(jsonFile, { benchmark: 'pdf', figures, extra: { batch, poolSize: pool.size, requests, bytes } });
	console.log(`  JSON: ${jsonFile}`);
}
