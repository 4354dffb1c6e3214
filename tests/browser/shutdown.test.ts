/**
 * Graceful shutdown of the built server: on SIGTERM it stops accepting connections, finishes the
 * requests in flight (here an upload still streaming when the signal arrives), closes the
 * database (the embedded database's lock file is released) and exits 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionCookie, startServer } from '../helpers/server.ts';
import { pdf } from '../helpers/files.ts';
import { withDataDir } from '../helpers/db.ts';

describe('graceful shutdown', () => {
	it('finishes an upload in flight after SIGTERM, closes the database and exits 0', async () => {
		const server = await startServer();
		try {
			const cookie = await sessionCookie(server.url, 'canbo.xa@demo.vn');
			const home = await (await fetch(`${server.url}/assessments`, { headers: { cookie } })).text();
			const assessmentId = Number(/href="\/assessments\/(\d+)"/.exec(home)![1]);

			// a multipart body sent in pieces: fields, then the file, slowly
			const boundary = 'xa-boundary-7f3a';
			const bytes = pdf('Tai lieu gui khi may chu dang tat', 2_000_000);
			const head = Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nevidence\r\n` +
					`--${boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\nTC07.1\r\n` +
					`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tat-may.pdf"\r\nContent-Type: application/pdf\r\n\r\n`
			);
			const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
			const pieces = [
				head,
				...Array.from({ length: 10 }, (_, i) => bytes.subarray((i * bytes.length) / 10, ((i + 1) * bytes.length) / 10)),
				tail
			];
			let signalled = false;
			const body = new ReadableStream<Uint8Array>({
				async pull(controller) {
					const next = pieces.shift();
					if (!next) return controller.close();
					controller.enqueue(new Uint8Array(next));
					if (!signalled && pieces.length < 8) {
						signalled = true;
						server.process.kill('SIGTERM'); // while the upload is still streaming
					}
					await new Promise((r) => setTimeout(r, 100));
				}
			});
			const exited = new Promise<number | null>((r) => server.process.once('exit', (code) => r(code)));
			const res = await fetch(`${server.url}/assessments/${assessmentId}/evidence/upload`, {
				method: 'POST',
				headers: { cookie, origin: server.url, accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
				body,
				duplex: 'half'
			} as RequestInit);
			expect(signalled).toBe(true);
			expect(res.status, await res.clone().text()).toBe(201);
			const saved = (await res.json()) as { id: number; size: number };
			expect(saved.size).toBe(bytes.length);
			// no new connection is accepted any more, and the process ends cleanly
			expect(await exited).toBe(0);
			await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
			expect(server.log()).toContain('shutdown: requests finished, closing the database');
			expect(fs.existsSync(path.join(server.dataDir, 'pglite', '.app.lock'))).toBe(false);
			// what the upload wrote is there after a restart
			const row = await withDataDir(server.dataDir, (t) =>
				t.db.selectFrom('evidence').select(['id', 'original_name']).where('id', '=', saved.id).executeTakeFirst()
			);
			expect(row).toMatchObject({ original_name: 'tat-may.pdf' });
		} finally {
			await server.stop();
		}
	}, 120_000);
});
