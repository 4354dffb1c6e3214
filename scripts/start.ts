/**
 * `npm start`: build if needed, then serve the built app (`build/index.js`, the adapter-node
 * server). With no DATABASE_URL it runs on the embedded PostgreSQL in DATA_DIR (default .data)
 * and loads the demo province and the demo accounts.
 *
 * The adapter-node server assumes HTTPS unless a protocol header says otherwise (it is meant to
 * sit behind a TLS proxy). This launcher serves plain HTTP on this machine, so it marks requests
 * that arrive without such a header as `http`, which keeps SvelteKit's CSRF origin check right.
 */
import type { IncomingMessage, Server } from 'node:http';
import { ensureBuilt, requireNode, root } from './runtime.ts';

requireNode();
process.chdir(root);
ensureBuilt();
process.env.DEMO_SEED ??= process.env.DATABASE_URL ? '0' : '1';
process.env.PORT ??= '3000';
process.env.HOST ??= '127.0.0.1';
// The demo only: without PUBLIC_URL its certificates' QR codes point to the address it listens on
// (said on the console). A real deployment sets PUBLIC_URL; without it certificates are refused.
if (['1', 'true'].includes(process.env.DEMO_SEED) && !process.env.PUBLIC_URL?.trim()) {
	const host = process.env.HOST.trim();
	const shown = ['', '0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
	process.env.PUBLIC_URL = `http://${shown}:${process.env.PORT}`;
	console.log(
		`PUBLIC_URL chưa đặt: bản trình diễn dùng ${process.env.PUBLIC_URL} làm địa chỉ trong mã QR của giấy chứng nhận ` +
			'(triển khai thật phải đặt PUBLIC_URL).'
	);
}
// PDF layout runs in worker threads from the TypeScript sources (src/lib/server/documents/worker.ts)
process.env.PDF_WORKER ??= `${root}/src/lib/server/documents/worker.ts`;
// adapter-node applies BODY_SIZE_LIMIT to every request body, the streamed evidence upload
// included; the hooks refuse large bodies everywhere else.
process.env.BODY_SIZE_LIMIT ??= `${(Number(process.env.UPLOAD_MAX_MB) || 50) + 1}M`;
const plainHttp = !process.env.PROTOCOL_HEADER;
if (plainHttp) process.env.PROTOCOL_HEADER = 'x-forwarded-proto';

const { server } = (await import(new URL('../build/index.js', import.meta.url).href)) as { server: Server };
if (plainHttp) {
	server.prependListener('request', (req: IncomingMessage) => {
		req.headers['x-forwarded-proto'] = 'http';
	});
}
server.once('listening', () => {
	const demo = ['1', 'true'].includes(process.env.DEMO_SEED ?? '');
	console.log(
		`Ứng dụng đang chạy tại http://${process.env.HOST}:${process.env.PORT}` +
			(demo ? ' — dữ liệu trình diễn: đăng nhập bằng một tài khoản trình diễn (README, mật khẩu demo-TreEm-2026).' : '.') +
			' Dừng bằng Ctrl-C.'
	);
});
