/**
 * Worker thread that lays out PDFs (pdfmake's layout is synchronous: in the main thread a big
 * document would stall every other request). Receives { id, data }, answers { id, pdf } or
 * { id, error }. Runs as TypeScript under Node's type stripping.
 *
 * The fonts are read and handed to pdfmake once, when the worker starts; every document after
 * that reuses them (and the font tables fontkit decoded for the documents before it).
 *
 * The worker lowers its own scheduling priority (Linux: nice is per thread): when the machine's
 * few cores are all busy, the server's main thread and the database run first and the layout
 * takes what CPU is left, so a batch of certificates does not delay other requests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { configurePdfmake } from './fonts.ts';
import { renderPdf } from './render.ts';
import { renderSummaryReport } from './summary-report-layout.ts';
import { renderSurveyReport } from './survey-report.ts';
import { renderSurveyPrint } from './survey-print.ts';
import type { PooledDocument } from './types.ts';

/** The worker threads' nice value (0 normal, 19 lowest). */
const WORKER_NICE = 10;

/**
 * Lowers this thread's priority, this thread's only: its kernel thread id is read from
 * /proc/thread-self (Linux). Elsewhere, or when refused, the worker keeps the normal priority
 * (never `setPriority(0)`, which on other systems would lower the whole process).
 */
function lowerOwnPriority(): void {
	try {
		const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
		if (!Number.isSafeInteger(tid) || tid <= 0 || tid === process.pid) return; // not a worker thread of its own
		if (os.getPriority(tid) < WORKER_NICE) os.setPriority(tid, WORKER_NICE);
	} catch {
		// not Linux, or not allowed: normal priority
	}
}

lowerOwnPriority();
try {
	configurePdfmake();
} catch {
	// no usable font: renderPdf throws the same error again, and it goes back with the document
}

/**
 * The PDF as a Uint8Array whose memory can be transferred to the main thread: its own buffer
 * when it fills it whole (pdfmake's output does), else a copy (a slice of a shared pool).
 */
function transferable(pdf: Buffer): Uint8Array<ArrayBuffer> {
	if (pdf.buffer instanceof ArrayBuffer && pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength) {
		return new Uint8Array(pdf.buffer);
	}
	const copy = new Uint8Array(pdf.byteLength);
	copy.set(pdf);
	return copy;
}

parentPort!.on('message', async (msg: { id: number; data: PooledDocument }) => {
	try {
		const data = msg.data;
		const pdf = transferable(
			await (data.kind === 'summary_report'
				? renderSummaryReport(data)
				: data.kind === 'survey_report'
					? renderSurveyReport(data)
					: data.kind === 'survey_slips' || data.kind === 'survey_poster' || data.kind === 'survey_paper_form'
						? renderSurveyPrint(data)
						: renderPdf(data))
		);
		parentPort!.postMessage({ id: msg.id, pdf }, [pdf.buffer]);
	} catch (e) {
		parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
	}
});
