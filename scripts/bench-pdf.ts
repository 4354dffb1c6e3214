/**
 * npm run bench:pdf [batch size, default 1000]
 *
 * Certificate PDFs: one certificate cold (fonts loaded, first layout) and warm (average of 20),
 * in this thread; then a batch laid out by the worker-thread pool the server uses, while a
 * trivial HTTP endpoint of this same process is requested every 20 ms: the largest delay any of
 * those requests saw is the event-loop delay a user of the server would feel during a batch.
 * Aims: under 100 ms per certificate warm; no request delayed by more than 100 ms.
 */
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { renderPdf } from '../src/lib/server/documents/render.ts';
import { PdfPool, workerPath } from '../src/lib/server/documents/pool.ts';
import type { CertificateDocument } from '../src/lib/server/documents/types.ts';

const batch = Number(process.argv[2] ?? 1000);

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

const ms = (x: number) => `${x.toFixed(1)} ms`;

let t0 = performance.now();
await renderPdf(certificate(0));
const cold = performance.now() - t0;
t0 = performance.now();
for (let i = 1; i <= 20; i++) await renderPdf(certificate(i));
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
		while (next < batch) bytes += (await pool.render(certificate(next++))).length;
	})
);
const total = performance.now() - t0;
loop.disable();
probing = false;
await probe;
await pool.close();
server.close();
agent.destroy();

console.log(`Giấy chứng nhận PDF (${os.availableParallelism()} CPU, ${pool.size} luồng dựng PDF)`);
console.log(`  một giấy, lần đầu (nạp phông):   ${ms(cold)}`);
console.log(`  một giấy, đã nóng (trung bình 20): ${ms(warm)}   (mục tiêu < 100 ms)`);
console.log(
	`  lô ${batch} giấy:                 ${(total / 1000).toFixed(1)} s = ${ms(total / batch)}/giấy, ${(bytes / batch / 1024).toFixed(0)} KB/giấy`
);
console.log(
	`  trong lúc chạy lô: ${requests} yêu cầu HTTP, chậm nhất ${ms(worstRequest)}; độ trễ vòng sự kiện lớn nhất ${ms(loop.max / 1e6)}   (mục tiêu ≤ 100 ms)`
);
