/**
 * A small pool of worker threads that render PDFs, so that layout never blocks the server's
 * event loop; at most `size` documents are laid out at once, the rest wait in a queue. Each
 * worker loads the fonts once and keeps them for all its documents; the finished PDF comes back
 * by transfer (no copy).
 *
 * The worker runs the TypeScript sources directly (Node's type stripping): it is found at
 * PDF_WORKER, or `src/lib/server/documents/worker.ts` under the working directory (the project
 * root for `npm start`). Without it, documents are laid out in the main thread (logged once).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PooledDocument } from './types.ts';

type Task = { id: number; data: PooledDocument; resolve: (b: Buffer) => void; reject: (e: Error) => void };

let configuredWorker: string | null = null;

/** The worker module from the configuration (config.ts's `pdfWorker`, from PDF_WORKER); the app sets it at start. */
export function usePdfWorker(file: string | null): void {
	configuredWorker = file;
}

export function workerPath(): string | null {
	const candidates = [configuredWorker, path.resolve(process.cwd(), 'src/lib/server/documents/worker.ts')].filter((p): p is string => !!p);
	return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * How many workers by default: one per CPU, at most 2. On Linux the workers lower their own
 * priority (worker.ts), so they may take every core: the main thread and the database still run
 * first when they need a CPU. Elsewhere one core is left to the main thread, as before.
 */
export function defaultPoolSize(): number {
	const cpus = os.availableParallelism();
	return Math.max(1, Math.min(2, process.platform === 'linux' ? cpus : cpus - 1));
}

export class PdfPool {
	readonly size: number;
	private workers: { worker: Worker; busy: Task | null }[] = [];
	private queue: Task[] = [];
	private nextId = 1;
	private file: string;

	constructor(file: string, size = defaultPoolSize()) {
		this.file = file;
		this.size = size;
	}

	render(data: PooledDocument): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			this.queue.push({ id: this.nextId++, data, resolve, reject });
			this.pump();
		});
	}

	private spawn() {
		const slot: { worker: Worker; busy: Task | null } = { worker: new Worker(this.file), busy: null };
		slot.worker.unref();
		slot.worker.on('message', (msg: { id: number; pdf?: Uint8Array; error?: string }) => {
			const task = slot.busy;
			slot.busy = null;
			slot.worker.unref();
			if (task) {
				if (msg.pdf) task.resolve(Buffer.from(msg.pdf.buffer, msg.pdf.byteOffset, msg.pdf.byteLength));
				else task.reject(new Error(msg.error ?? 'PDF worker failed'));
			}
			this.pump();
		});
		slot.worker.on('error', (e) => {
			slot.busy?.reject(e);
			slot.busy = null;
			this.workers = this.workers.filter((w) => w !== slot);
			this.pump();
		});
		this.workers.push(slot);
		return slot;
	}

	private pump() {
		while (this.queue.length) {
			let slot = this.workers.find((w) => !w.busy);
			if (!slot && this.workers.length < this.size) slot = this.spawn();
			if (!slot) return;
			const task = this.queue.shift()!;
			slot.busy = task;
			slot.worker.ref();
			slot.worker.postMessage({ id: task.id, data: task.data });
		}
	}

	async close(): Promise<void> {
		await Promise.all(this.workers.map((w) => w.worker.terminate()));
		this.workers = [];
	}
}

let shared: PdfPool | null | undefined;
let warned = false;

/** Renders in the shared pool, or in this thread when the worker file is not available. */
export async function renderInPool(data: PooledDocument): Promise<Buffer> {
	if (shared === undefined) {
		const file = workerPath();
		shared = file ? new PdfPool(file) : null;
	}
	if (shared) return shared.render(data);
	if (!warned) {
		warned = true;
		console.warn('PDF worker not found (PDF_WORKER or src/lib/server/documents/worker.ts): laying out in the main thread.');
	}
	if (data.kind === 'summary_report') return (await import('./summary-report-layout.ts')).renderSummaryReport(data);
	if (data.kind === 'survey_report') return (await import('./survey-report.ts')).renderSurveyReport(data);
	if (data.kind === 'survey_slips' || data.kind === 'survey_poster' || data.kind === 'survey_paper_form')
		return (await import('./survey-print.ts')).renderSurveyPrint(data);
	const { renderPdf } = await import('./render.ts');
	return renderPdf(data);
}

export async function closePool(): Promise<void> {
	const p = shared;
	shared = undefined;
	await p?.close();
}
