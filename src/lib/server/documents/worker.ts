/**
 * Worker thread that lays out PDFs (pdfmake's layout is synchronous: in the main thread a big
 * document would stall every other request). Receives { id, data }, answers { id, pdf } or
 * { id, error }. Runs as TypeScript under Node's type stripping.
 */
import { parentPort } from 'node:worker_threads';
import { renderPdf } from './render.ts';
import type { DocumentData } from './types.ts';

parentPort!.on('message', async (msg: { id: number; data: DocumentData }) => {
	try {
		const pdf = await renderPdf(msg.data);
		const copy = new Uint8Array(pdf.byteLength);
		copy.set(pdf);
		parentPort!.postMessage({ id: msg.id, pdf: copy }, [copy.buffer]);
	} catch (e) {
		parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
	}
});
