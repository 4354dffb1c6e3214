/**
 * Evidence: receiving a streamed upload, type detection by content, storage (dedupe, temporary
 * files, no leftovers on failure), the evidence module (codes, links, removal, editable states)
 * and the download's audit record. On the embedded database, or PostgreSQL with
 * TEST_DATABASE_URL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { seedRound, someActor } from '../helpers/fixtures.ts';
import { assessmentCriteriaSet, listEvidence, loadAssessment, loadDossierById } from '#lib/server/dossier/index.ts';
import { AppError } from '#lib/server/errors.ts';
import { httpStatus } from '#lib/edge/index.ts';
import { parseEvidenceFields, type EvidenceMeta } from '#lib/domain/evidence.ts';
import type { CriteriaSet } from '#lib/domain/criteria/index.ts';
import { localFileStore, newTempPath, storageKeyFor, sweepTemp, type FileStore } from '#lib/server/storage/index.ts';
import {
	addEvidence,
	cleanFileName,
	detectAcceptedType,
	linkIndicator,
	openEvidenceDownload,
	receiveUpload,
	removeEvidence,
	unlinkIndicator
} from '#lib/server/evidence/index.ts';

// ---------------------------------------------------------------------------------------------
// Small valid files, written by hand
// ---------------------------------------------------------------------------------------------

function minimalPdf(note = 'Bien ban'): Buffer {
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
		`<< /Length ${`BT /F1 12 Tf 20 100 Td (${note}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 20 100 Td (${note}) Tj ET\nendstream`
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(out));
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out);
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

function pngChunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(body) >>> 0);
	return Buffer.concat([len, body, crc]);
}

/** A valid 1×1 RGB PNG (one pixel of colour `rgb`). */
function minimalPng(rgb: [number, number, number] = [11, 110, 79]): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(1, 0);
	ihdr.writeUInt32BE(1, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // truecolour
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, ...rgb]))),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

const jpeg = () =>
	Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
		Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
		Buffer.from([0xff, 0xd9])
	]);
const webp = () => {
	const vp8 = Buffer.alloc(10);
	const body = Buffer.concat([Buffer.from('WEBPVP8 ', 'latin1'), Buffer.from([vp8.length, 0, 0, 0]), vp8]);
	const size = Buffer.alloc(4);
	size.writeUInt32LE(body.length);
	return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
};

/** A stored (uncompressed) zip archive. */
function zip(entries: [string, string][]): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const [name, content] of entries) {
		const data = Buffer.from(content);
		const n = Buffer.from(name);
		const crc = zlib.crc32(data) >>> 0;
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0);
		lh.writeUInt16LE(20, 4);
		lh.writeUInt32LE(crc, 14);
		lh.writeUInt32LE(data.length, 18);
		lh.writeUInt32LE(data.length, 22);
		lh.writeUInt16LE(n.length, 26);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0);
		ch.writeUInt16LE(20, 4);
		ch.writeUInt16LE(20, 6);
		ch.writeUInt32LE(crc, 16);
		ch.writeUInt32LE(data.length, 20);
		ch.writeUInt32LE(data.length, 24);
		ch.writeUInt16LE(n.length, 28);
		ch.writeUInt32LE(offset, 42);
		locals.push(lh, n, data);
		centrals.push(ch, n);
		offset += 30 + n.length + data.length;
	}
	const cd = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(cd.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}
const contentTypes = (part: string, type: string) =>
	`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${part}" ContentType="${type}"/></Types>`;
const docx = () =>
	zip([
		[
			'[Content_Types].xml',
			contentTypes('word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml')
		],
		['word/document.xml', '<w:document/>']
	]);
const xlsx = () =>
	zip([
		['[Content_Types].xml', contentTypes('xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml')],
		['xl/workbook.xml', '<workbook/>']
	]);
const odt = () =>
	zip([
		['mimetype', 'application/vnd.oasis.opendocument.text'],
		['content.xml', '<x/>']
	]);
const ods = () =>
	zip([
		['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'],
		['content.xml', '<x/>']
	]);

// ---------------------------------------------------------------------------------------------

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let set: CriteriaSet;
let root: string;
let tmpDir: string;
let filesDir: string;
let store: FileStore;
const officerA = () => someActor(f.officerA, 'canbo.xa@demo.vn');
const MAX = 64 * 1024;

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const listFiles = (dir: string): string[] =>
	fs.existsSync(dir)
		? fs
				.readdirSync(dir, { recursive: true, withFileTypes: true })
				.filter((e) => e.isFile())
				.map((e) => path.join(e.parentPath, e.name))
		: [];

function uploadRequest(
	fields: [string, string][],
	file?: { name: string; bytes: Buffer; type?: string },
	after: [string, string][] = []
): Request {
	const form = new FormData();
	for (const [k, v] of fields) form.append(k, v);
	if (file) form.append('file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? 'application/octet-stream' }));
	for (const [k, v] of after) form.append(k, v);
	return new Request('http://127.0.0.1/assessments/1/evidence/upload', { method: 'POST', body: form });
}

/** The upload endpoint's check of the form fields. */
function parseEvidenceFieldsOrThrow(fields: Record<string, string[]>, s: CriteriaSet): EvidenceMeta {
	const r = parseEvidenceFields(fields, s);
	if (!r.ok) throw new AppError('invalid', r.message, { fieldErrors: r.fieldErrors });
	return r.value;
}

const receive = (req: Request, maxBytes = MAX) =>
	receiveUpload(req, { maxBytes, tmpDir, parseFields: (fl) => parseEvidenceFieldsOrThrow(fl, set) });

/** A refusal, with the HTTP status the edge answers it with. */
async function expectRefused(p: Promise<unknown>, status: number, message?: RegExp): Promise<AppError> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(AppError);
	expect(httpStatus(e as AppError)).toBe(status);
	if (message) expect((e as AppError).message).toMatch(message);
	return e as AppError;
}

/** Receive, detect and add, as the upload endpoint does. */
async function upload(
	assessmentId: number,
	bytes: Buffer,
	name: string,
	fields: [string, string][] = [['indicator', 'TC07.1']],
	actor = officerA()
) {
	const { fields: meta, file } = await receive(uploadRequest(fields, { name, bytes }));
	try {
		const type = await detectAcceptedType(file.content ?? file.tempPath);
		return await addEvidence(t.db, store, set, {
			assessment: (await loadAssessment(t.db, assessmentId))!,
			actor,
			meta,
			file: { ...file, ...type, originalName: cleanFileName(file.declaredName, type.ext) }
		});
	} finally {
		fs.rmSync(file.tempPath, { force: true });
	}
}

const meta = (m: Partial<EvidenceMeta> = {}): EvidenceMeta => ({
	kind: 'evidence',
	indicatorCodes: ['TC07.1'],
	docNumber: null,
	issuedOn: null,
	issuer: null,
	summary: null,
	...m
});

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	set = await assessmentCriteriaSet(t.db, (await loadAssessment(t.db, f.assessmentA))!);
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-evidence-'));
	tmpDir = path.join(root, 'tmp');
	filesDir = path.join(root, 'files');
	store = localFileStore(filesDir);
}, 180_000);
afterAll(async () => {
	await t?.drop();
	if (root) fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
	expect(listFiles(tmpDir), 'a previous test left a temporary file').toEqual([]);
});

describe(`receiving a streamed upload (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('writes the file to a temporary file with its SHA-256 and size, and validates the fields first', async () => {
		const pdf = minimalPdf();
		const r = await receive(
			uploadRequest(
				[
					['kind', 'evidence'],
					['indicator', 'TC07.1'],
					['indicator', 'TC01.1'],
					['doc_number', '12/BC-UBND'],
					['issued_on', '2025-03-04'],
					['issuer', 'UBND phường Phú Xuân'],
					['summary', 'Báo cáo tiêm chủng']
				],
				{ name: 'Báo cáo tiêm chủng.pdf', bytes: pdf }
			)
		);
		expect(r.fields).toEqual({
			kind: 'evidence',
			indicatorCodes: ['TC07.1', 'TC01.1'],
			docNumber: '12/BC-UBND',
			issuedOn: '2025-03-04',
			issuer: 'UBND phường Phú Xuân',
			summary: 'Báo cáo tiêm chủng'
		});
		expect(r.file).toMatchObject({ size: pdf.length, sha256: sha(pdf), declaredName: 'Báo cáo tiêm chủng.pdf' });
		expect(path.dirname(r.file.tempPath)).toBe(tmpDir);
		expect(fs.readFileSync(r.file.tempPath).equals(pdf)).toBe(true);
		// small enough to be written in one piece: the content is also handed over in memory
		expect(r.file.content?.equals(pdf)).toBe(true);
		fs.rmSync(r.file.tempPath);
	});

	it('a body arriving in small packets is written to the temporary file in large pieces, whole', async () => {
		const bytes = Buffer.concat([minimalPdf(), crypto.randomBytes(600 * 1024 + 123)]);
		const form = uploadRequest([['indicator', 'TC07.1']], { name: 'lon.pdf', bytes });
		const body = Buffer.from(await form.arrayBuffer());
		// the same body in packets of one TCP segment (1,460 bytes), as a client on a slow link sends it
		let at = 0;
		const packets = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (at >= body.length) return controller.close();
				controller.enqueue(new Uint8Array(body.subarray(at, at + 1460)));
				at += 1460;
			}
		});
		const req = new Request(form.url, {
			method: 'POST',
			body: packets,
			headers: { 'content-type': form.headers.get('content-type')! },
			duplex: 'half'
		} as RequestInit);
		// what the temporary file's write stream hands to the file system (fs.write, or fs.writev
		// for pieces queued behind a write in flight), counted on the way through
		const writes: number[] = [];
		const { write, writev } = fs;
		fs.write = function (this: unknown, ...args: unknown[]) {
			writes.push((args[1] as Uint8Array).byteLength);
			return (write as (...a: unknown[]) => void).apply(this, args);
		} as typeof fs.write;
		fs.writev = function (this: unknown, ...args: unknown[]) {
			for (const b of args[1] as Uint8Array[]) writes.push(b.byteLength);
			return (writev as (...a: unknown[]) => void).apply(this, args);
		} as typeof fs.writev;
		let r: Awaited<ReturnType<typeof receive>>;
		try {
			r = await receive(req, 1024 * 1024);
		} finally {
			Object.assign(fs, { write, writev });
		}
		expect(r.file).toMatchObject({ size: bytes.length, sha256: sha(bytes) });
		expect(fs.readFileSync(r.file.tempPath).equals(bytes)).toBe(true);
		// two pieces of at least 256 KB, then the rest at the end: not one write per packet (about 430)
		expect(writes).toHaveLength(3);
		expect(Math.min(writes[0], writes[1])).toBeGreaterThanOrEqual(256 * 1024);
		expect(writes[2]).toBeLessThan(256 * 1024);
		expect(writes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
		// written in three pieces: not held in memory whole
		expect(r.file.content).toBeNull();
		fs.rmSync(r.file.tempPath);
	});

	it('refuses a file over the limit with 413 and leaves no temporary file', async () => {
		const big = Buffer.concat([minimalPdf(), crypto.randomBytes(MAX)]);
		await expectRefused(
			receive(uploadRequest([['indicator', 'TC07.1']], { name: 'lon.pdf', bytes: big })),
			413,
			/Tệp quá lớn: dung lượng tối đa/
		);
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('refuses a declared Content-Length over the limit before reading the body', async () => {
		let pulled = false;
		const body = new ReadableStream(
			{
				pull() {
					pulled = true;
					throw new Error('should not be read');
				}
			},
			{ highWaterMark: 0 }
		);
		const req = new Request('http://127.0.0.1/u', {
			method: 'POST',
			body,
			headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX + 2 * 1024 * 1024) },
			duplex: 'half'
		} as RequestInit);
		await expectRefused(receive(req), 413);
		expect(pulled).toBe(false);
	});

	it("explains when the server's own body limit (adapter-node BODY_SIZE_LIMIT) cut the upload off", async () => {
		const boundary = 'b';
		let step = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				step++;
				if (step === 1)
					controller.enqueue(
						new Uint8Array(
							Buffer.from(
								`--${boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\nTC07.1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n`
							)
						)
					);
				else controller.error(Object.assign(new Error('request body size exceeded BODY_SIZE_LIMIT of 524288'), { status: 413 }));
			}
		});
		const req = new Request('http://127.0.0.1/u', {
			method: 'POST',
			body,
			headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
			duplex: 'half'
		} as RequestInit);
		const errors: unknown[] = [];
		const original = console.error;
		console.error = (...args: unknown[]) => void errors.push(args);
		try {
			await expectRefused(receive(req), 413, /BODY_SIZE_LIMIT/);
		} finally {
			console.error = original;
		}
		expect(String((errors[0] as unknown[])[0])).toMatch(/set BODY_SIZE_LIMIT to at least 2M/);
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('fails (without hanging) when the temporary file cannot be written', async () => {
		const big = Buffer.concat([minimalPdf(), crypto.randomBytes(48 * 1024)]);
		// a directory where no file can be created, even by root
		const req = uploadRequest([['indicator', 'TC07.1']], { name: 'a.pdf', bytes: big });
		const e = await receiveUpload(req, {
			maxBytes: MAX,
			tmpDir: '/proc/self',
			parseFields: (fl) => parseEvidenceFieldsOrThrow(fl, set)
		}).then(
			() => null,
			(err: unknown) => err
		);
		expect(e).toBeInstanceOf(Error);
		expect(e).not.toBeInstanceOf(AppError);
		expect((e as NodeJS.ErrnoException).code).toMatch(/^E/);
	});

	it('refuses invalid fields with 400 before writing the file', async () => {
		const e = await expectRefused(
			receive(uploadRequest([['indicator', 'TC99.9']], { name: 'a.pdf', bytes: minimalPdf() })),
			400,
			/TC99\.9/
		);
		expect(e.fieldErrors).toHaveProperty('indicator');
		await expectRefused(receive(uploadRequest([], { name: 'a.pdf', bytes: minimalPdf() })), 400, /ít nhất một chỉ số/);
		await expectRefused(
			receive(uploadRequest([['indicator', 'TC07.1']], { name: 'a.pdf', bytes: minimalPdf() }, [['summary', 'muộn']])),
			400,
			/trước tệp/
		);
		await expectRefused(receive(uploadRequest([['indicator', 'TC07.1']])), 400, /Chưa chọn tệp/);
		for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
			await expectRefused(
				receive(
					uploadRequest(
						[
							['indicator', 'TC07.1'],
							[name, 'x']
						],
						{ name: 'a.pdf', bytes: minimalPdf() }
					)
				),
				400,
				new RegExp(`Trường không hợp lệ: ${name}`)
			);
		}
		await expectRefused(receive(uploadRequest([['indicator', 'TC07.1']], { name: 'rong.pdf', bytes: Buffer.alloc(0) })), 400, /rỗng/);
		await expectRefused(
			receiveUpload(
				new Request('http://x/', { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
				{ maxBytes: MAX, tmpDir, parseFields: () => null }
			),
			400
		);
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('removes the temporary file when the client goes away mid-stream', async () => {
		const boundary = 'ranh-gioi-123';
		const head = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\nTC07.1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`
		);
		let step = 0;
		const body = new ReadableStream<Uint8Array>({
			async pull(controller) {
				step++;
				if (step === 1) controller.enqueue(new Uint8Array(head));
				else if (step <= 4) controller.enqueue(new Uint8Array(crypto.randomBytes(8 * 1024)));
				else {
					// by now the file part is being written
					expect(listFiles(tmpDir)).toHaveLength(1);
					controller.error(new Error('aborted'));
				}
			}
		});
		const req = new Request('http://127.0.0.1/u', {
			method: 'POST',
			body,
			headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
			duplex: 'half'
		} as RequestInit);
		await expectRefused(receive(req), 400, /kết nối bị ngắt/);
		expect(listFiles(tmpDir)).toEqual([]);
	});
});

describe('type detection by content', () => {
	const cases: [string, Buffer, string | null][] = [
		['pdf', minimalPdf(), 'application/pdf'],
		['png', minimalPng(), 'image/png'],
		['jpg', jpeg(), 'image/jpeg'],
		['webp', webp(), 'image/webp'],
		['docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
		['xlsx', xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
		['odt', odt(), 'application/vnd.oasis.opendocument.text'],
		['ods', ods(), 'application/vnd.oasis.opendocument.spreadsheet'],
		['zip', zip([['a.txt', 'xin chào']]), null],
		['txt', Buffer.from('Đây là văn bản thường, không phải PDF.\n'), null],
		['html', Buffer.from('<!doctype html><script>alert(1)</script>'), null],
		['exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), null]
	];
	for (const [ext, bytes, mime] of cases) {
		it(`${ext}: ${mime ? 'accepted' : 'refused with 415'}`, async () => {
			const p = path.join(root, `sample.${ext}`);
			fs.writeFileSync(p, bytes);
			// from the disk, and from memory (an upload of at most 256 KB): the same answer
			for (const source of [p, bytes]) {
				if (mime) expect(await detectAcceptedType(source)).toEqual({ ext, mime });
				else await expectRefused(detectAcceptedType(source), 415, /Định dạng tệp không được chấp nhận/);
			}
		});
	}

	it('a text file named .pdf is refused whatever the declared name and type', async () => {
		const { file } = await receive(
			uploadRequest([['indicator', 'TC07.1']], { name: 'gia-mao.pdf', bytes: Buffer.from('không phải PDF'), type: 'application/pdf' })
		);
		try {
			expect(file.content?.toString()).toBe('không phải PDF');
			await expectRefused(detectAcceptedType(file.content!), 415);
			await expectRefused(detectAcceptedType(file.tempPath), 415);
		} finally {
			fs.rmSync(file.tempPath, { force: true });
		}
	});
});

describe('storing and recording documents', () => {
	it("writes the dossier's stored figures with the upload: the board's blockers are the dossier's", async () => {
		const figures = async () => ({
			stored: (await loadAssessment(t.db, f.assessmentA))!.figures,
			live: await loadDossierById(t.db, f.assessmentA).then((d) => ({ figures: d!.figures, blockers: d!.blockers }))
		});
		const before = await figures();
		expect(before.live.blockers.map((b) => `${b.kind}:${b.code}`)).toContain('document:council_minutes');
		expect(before.stored).toEqual(before.live.figures);
		await upload(f.assessmentA, minimalPdf('Bien ban hop'), 'Biên bản họp hội đồng.pdf', [['kind', 'council_minutes']]);
		const after = await figures();
		expect(after.live.blockers.map((b) => `${b.kind}:${b.code}`)).not.toContain('document:council_minutes');
		expect(after.live.figures.blockers).toBe(before.live.figures.blockers - 1);
		// what the board, the dashboard and the exports read (the row) moved with it
		expect(after.stored).toEqual(after.live.figures);
	});

	it('stores new content once, under its content address, and records the upload', async () => {
		const pdf = minimalPdf('Lan 1');
		const r = await upload(f.assessmentA, pdf, 'Kế hoạch.pdf', [
			['indicator', 'TC07.1'],
			['doc_number', '01/KH-UBND']
		]);
		expect(r).toMatchObject({ code: 'TC07-01', name: 'Kế hoạch.pdf', size: pdf.length, sha256: sha(pdf), deduplicated: false });
		const key = storageKeyFor(sha(pdf), 'pdf');
		expect(fs.readFileSync(path.join(filesDir, key)).equals(pdf)).toBe(true);
		const stored = await t.db.selectFrom('stored_file').selectAll().where('sha256', '=', sha(pdf)).execute();
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ mime: 'application/pdf', ext: 'pdf', storage_key: key, size: pdf.length });
		const audit = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'evidence.upload')
			.where('object_id', '=', String(r.id))
			.executeTakeFirstOrThrow();
		expect(audit.actor_id).toBe(f.officerA);
		expect(audit.details).toMatchObject({ sha256: sha(pdf), indicators: ['TC07.1'], deduplicated: false });
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('the same content uploaded again (even by another commune) reuses the stored file', async () => {
		const png = minimalPng([1, 2, 3]);
		const first = await upload(f.assessmentA, png, 'anh.png');
		const again = await upload(f.assessmentA, png, 'anh-ban-sao.png', [['indicator', 'TC08.1']]);
		const other = await upload(f.assessmentB, png, 'anh.png', [['indicator', 'TC07.1']], someActor(f.officerB, 'canbo.xa2@demo.vn'));
		expect([first.deduplicated, again.deduplicated, other.deduplicated]).toEqual([false, true, true]);
		expect(await t.db.selectFrom('stored_file').select('id').where('sha256', '=', sha(png)).execute()).toHaveLength(1);
		expect(listFiles(filesDir).filter((p) => p.includes(sha(png)))).toHaveLength(1);
		const ids = await t.db.selectFrom('evidence').select('file_id').where('id', 'in', [first.id, again.id, other.id]).execute();
		expect(new Set(ids.map((i) => i.file_id)).size).toBe(1);
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('concurrent uploads of the same new content store it once', async () => {
		const bytes = minimalPdf('Dong thoi');
		const results = await Promise.all([0, 1, 2].map((i) => upload(f.assessmentA, bytes, `dong-thoi-${i}.pdf`)));
		expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
		expect(await t.db.selectFrom('stored_file').select('id').where('sha256', '=', sha(bytes)).execute()).toHaveLength(1);
		expect(listFiles(filesDir).filter((p) => p.includes(sha(bytes)))).toHaveLength(1);
	});

	it('a failed database insert leaves no row and no file', async () => {
		const bytes = minimalPdf('That bai');
		const before = await t.db
			.selectFrom('evidence')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		// an uploader that does not exist: the evidence insert fails after the file was moved
		await expect(upload(f.assessmentA, bytes, 'loi.pdf', [['indicator', 'TC07.1']], someActor(999_999, 'ma'))).rejects.toThrow();
		expect(await t.db.selectFrom('stored_file').select('id').where('sha256', '=', sha(bytes)).execute()).toHaveLength(0);
		expect(listFiles(filesDir).filter((p) => p.includes(sha(bytes)))).toEqual([]);
		const after = await t.db
			.selectFrom('evidence')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
		expect(listFiles(tmpDir)).toEqual([]);
	});

	it('a failed move into the store rolls the rows back', async () => {
		const bytes = minimalPdf('Khong di chuyen duoc');
		const broken: FileStore = { ...store, put: async () => Promise.reject(new Error('disk full')) };
		const tempPath = await newTempPath(tmpDir);
		fs.writeFileSync(tempPath, bytes);
		await expect(
			addEvidence(t.db, broken, set, {
				assessment: (await loadAssessment(t.db, f.assessmentA))!,
				actor: officerA(),
				meta: meta(),
				file: { tempPath, sha256: sha(bytes), size: bytes.length, mime: 'application/pdf', ext: 'pdf', originalName: 'x.pdf' }
			})
		).rejects.toThrow('disk full');
		expect(await t.db.selectFrom('stored_file').select('id').where('sha256', '=', sha(bytes)).execute()).toHaveLength(0);
		fs.rmSync(tempPath);
	});

	it('restores a stored copy that went missing when the same content is uploaded again', async () => {
		const bytes = minimalPdf('Mat tep');
		await upload(f.assessmentA, bytes, 'mat.pdf');
		const p = path.join(filesDir, storageKeyFor(sha(bytes), 'pdf'));
		fs.rmSync(p);
		const again = await upload(f.assessmentA, bytes, 'mat-lai.pdf');
		expect(again.deduplicated).toBe(true);
		expect(fs.readFileSync(p).equals(bytes)).toBe(true);
	});

	it('refuses changes once the dossier is submitted (409), and allows them again when returned', async () => {
		const bytes = minimalPdf('Da gui');
		const item = await upload(f.assessmentB, bytes, 'truoc.pdf', [['indicator', 'TC07.1']], someActor(f.officerB, 'b'));
		await t.db.updateTable('assessment').set({ state: 'submitted' }).where('id', '=', f.assessmentB).execute();
		try {
			await expectRefused(
				upload(f.assessmentB, minimalPdf('Sau khi gui'), 'sau.pdf', [['indicator', 'TC07.1']], someActor(f.officerB, 'b')),
				409,
				/không thể thay đổi tài liệu/
			);
			expect(listFiles(filesDir).filter((p) => p.includes(sha(minimalPdf('Sau khi gui'))))).toEqual([]);
			await expectRefused(
				removeEvidence(t.db, { assessmentId: f.assessmentB, evidenceId: item.id, actor: someActor(f.officerB, 'b') }),
				409
			);
			await expectRefused(
				linkIndicator(t.db, set, {
					assessmentId: f.assessmentB,
					evidenceId: item.id,
					indicatorCode: 'TC01.1',
					actor: someActor(f.officerB, 'b')
				}),
				409
			);
			// returned for correction: only documents of flagged indicators change
			await t.db.updateTable('assessment').set({ state: 'returned' }).where('id', '=', f.assessmentB).execute();
			await expectRefused(
				removeEvidence(t.db, { assessmentId: f.assessmentB, evidenceId: item.id, actor: someActor(f.officerB, 'b') }),
				409,
				/chỉ sửa được các chỉ số/
			);
			await t.db
				.insertInto('review_item')
				.values({
					assessment_id: f.assessmentB,
					indicator_code: 'TC07.1',
					status: 'needs_supplement',
					request: 'Bổ sung',
					updated_by: f.officerB
				})
				.execute();
			await expectRefused(
				linkIndicator(t.db, set, {
					assessmentId: f.assessmentB,
					evidenceId: item.id,
					indicatorCode: 'TC01.1',
					actor: someActor(f.officerB, 'b')
				}),
				409
			);
			await removeEvidence(t.db, { assessmentId: f.assessmentB, evidenceId: item.id, actor: someActor(f.officerB, 'b') });
		} finally {
			await t.db.deleteFrom('review_item').where('assessment_id', '=', f.assessmentB).execute();
			await t.db.updateTable('assessment').set({ state: 'draft' }).where('id', '=', f.assessmentB).execute();
		}
	});
});

describe('listing, codes, links and removal', () => {
	let a: number;
	beforeAll(async () => {
		// a fresh assessment of its own: commune A's assessment in a second round
		const row = await t.db
			.selectFrom('assessment')
			.select(['round_id', 'commune_id', 'criteria_set_id', 'category'])
			.where('id', '=', f.assessmentA)
			.executeTakeFirstOrThrow();
		const round = await t.db
			.insertInto('round')
			.values({
				name: 'Đợt thử mã minh chứng',
				year: 2027,
				criteria_set_id: row.criteria_set_id,
				era: 'post2025',
				opens_on: '2027-01-01',
				closes_on: '2099-12-31'
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		a = (
			await t.db
				.insertInto('assessment')
				.values({
					round_id: round.id,
					commune_id: row.commune_id,
					criteria_set_id: row.criteria_set_id,
					category: row.category,
					base_counts: '{}'
				})
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	});

	it('numbers evidence per criterion of its first indicator; removal does not renumber', async () => {
		const e1 = await upload(a, minimalPdf('m1'), 'tiem-chung.pdf', [['indicator', 'TC07.1']]);
		const e2 = await upload(a, minimalPdf('m2'), 'nhieu-chi-so.pdf', [
			['indicator', 'TC08.1'],
			['indicator', 'TC07.1']
		]);
		const e3 = await upload(a, minimalPdf('m3'), 'dinh-duong.pdf', [['indicator', 'TC08.1']]);
		const letter = await upload(a, minimalPdf('m4'), 'Công văn đề nghị.pdf', [['kind', 'request_letter']]);
		expect([e1.code, e2.code, e3.code, letter.code]).toEqual(['TC07-01', 'TC07-02', 'TC08-01', null]);

		const list = await listEvidence(t.db, a, set);
		expect(list.map((e) => [e.originalName, e.code, e.kind, e.indicatorCodes])).toEqual([
			['tiem-chung.pdf', 'TC07-01', 'evidence', ['TC07.1']],
			['nhieu-chi-so.pdf', 'TC07-02', 'evidence', ['TC07.1', 'TC08.1']],
			['dinh-duong.pdf', 'TC08-01', 'evidence', ['TC08.1']],
			['Công văn đề nghị.pdf', null, 'request_letter', []]
		]);
		expect(list[0].uploadedBy).toEqual({ id: f.officerA, name: 'Nguyễn Thị Hoa' });
		expect(list[0]).toMatchObject({ mime: 'application/pdf', ext: 'pdf', size: minimalPdf('m1').length });

		await removeEvidence(t.db, { assessmentId: a, evidenceId: e1.id, actor: officerA() });
		const after = await listEvidence(t.db, a, set);
		expect(after.map((e) => e.code)).toEqual(['TC07-02', 'TC08-01', null]);
		expect(await t.db.selectFrom('evidence').select('removed_at').where('id', '=', e1.id).executeTakeFirstOrThrow()).toMatchObject({
			removed_at: expect.any(Date)
		});
		await expectRefused(removeEvidence(t.db, { assessmentId: a, evidenceId: e1.id, actor: officerA() }), 404);
		// a document of another assessment cannot be removed through this one
		await expectRefused(removeEvidence(t.db, { assessmentId: f.assessmentB, evidenceId: e2.id, actor: officerA() }), 404);
		const audit = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('object_type', '=', 'evidence')
			.where('object_id', '=', String(e1.id))
			.orderBy('id')
			.execute();
		expect(audit.map((x) => x.action)).toEqual(['evidence.upload', 'evidence.remove']);
	});

	it('links and unlinks indicators; the last indicator stays', async () => {
		const e = await upload(a, minimalPdf('lien ket'), 'lien-ket.pdf', [['indicator', 'TC10.1']]);
		await linkIndicator(t.db, set, { assessmentId: a, evidenceId: e.id, indicatorCode: 'tc02.1', actor: officerA() });
		await linkIndicator(t.db, set, { assessmentId: a, evidenceId: e.id, indicatorCode: 'TC02.1', actor: officerA() }); // idempotent
		let item = (await listEvidence(t.db, a, set)).find((x) => x.id === e.id)!;
		expect(item.indicatorCodes).toEqual(['TC02.1', 'TC10.1']);
		expect(item.code).toBe('TC02-01');
		await expectRefused(linkIndicator(t.db, set, { assessmentId: a, evidenceId: e.id, indicatorCode: 'TC42.1', actor: officerA() }), 400);
		await unlinkIndicator(t.db, { assessmentId: a, evidenceId: e.id, indicatorCode: 'TC02.1', actor: officerA() });
		item = (await listEvidence(t.db, a, set)).find((x) => x.id === e.id)!;
		expect(item.indicatorCodes).toEqual(['TC10.1']);
		await expectRefused(
			unlinkIndicator(t.db, { assessmentId: a, evidenceId: e.id, indicatorCode: 'TC10.1', actor: officerA() }),
			409,
			/ít nhất một chỉ số/
		);
		await expectRefused(unlinkIndicator(t.db, { assessmentId: a, evidenceId: e.id, indicatorCode: 'TC01.1', actor: officerA() }), 404);
		const actions = await t.db
			.selectFrom('audit_log')
			.select('action')
			.where('object_id', '=', String(e.id))
			.where('object_type', '=', 'evidence')
			.orderBy('id')
			.execute();
		expect(actions.map((x) => x.action)).toEqual(['evidence.upload', 'evidence.link', 'evidence.unlink']);
	});
});

describe('downloading', () => {
	it('streams the stored bytes and records every download in the audit trail', async () => {
		const bytes = minimalPdf('Tai ve');
		const e = await upload(f.assessmentA, bytes, 'Biên bản họp.pdf');
		const reviewer = someActor(f.reviewer, 'thamdinh@demo.vn');
		for (let i = 0; i < 2; i++) {
			const d = await openEvidenceDownload(t.db, store, {
				assessmentId: f.assessmentA,
				evidenceId: e.id,
				actor: reviewer,
				ip: '127.0.0.1'
			});
			expect(d).toMatchObject({ fileName: 'Biên bản họp.pdf', mime: 'application/pdf', size: bytes.length });
			expect(await text(d.stream)).toBe(bytes.toString('latin1'));
		}
		const audit = await t.db
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'evidence.download')
			.where('object_id', '=', String(e.id))
			.execute();
		expect(audit).toHaveLength(2);
		expect(audit[0]).toMatchObject({ actor_id: f.reviewer, ip: '127.0.0.1', object_type: 'evidence' });
		expect(audit[0].details).toMatchObject({ assessmentId: f.assessmentA, sha256: sha(bytes) });
	});

	it('answers 404 for a document of another assessment, a removed one, and one whose copy is gone', async () => {
		const bytes = minimalPdf('Khong cho');
		const e = await upload(f.assessmentA, bytes, 'rieng.pdf');
		const reviewer = someActor(f.reviewer, 'r');
		const downloads = async () =>
			Number(
				(
					await t.db
						.selectFrom('audit_log')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('action', '=', 'evidence.download')
						.executeTakeFirstOrThrow()
				).n
			);
		const before = await downloads();
		await expectRefused(openEvidenceDownload(t.db, store, { assessmentId: f.assessmentB, evidenceId: e.id, actor: reviewer }), 404);
		fs.rmSync(path.join(filesDir, storageKeyFor(sha(bytes), 'pdf')));
		await expectRefused(
			openEvidenceDownload(t.db, store, { assessmentId: f.assessmentA, evidenceId: e.id, actor: reviewer }),
			404,
			/nội dung tệp/
		);
		await removeEvidence(t.db, { assessmentId: f.assessmentA, evidenceId: e.id, actor: officerA() });
		await expectRefused(openEvidenceDownload(t.db, store, { assessmentId: f.assessmentA, evidenceId: e.id, actor: reviewer }), 404);
		expect(await downloads()).toBe(before);
	});
});

describe('temporary files', () => {
	it('sweepTemp removes leftovers older than the threshold, and only upload files', async () => {
		const old = await newTempPath(tmpDir);
		const fresh = await newTempPath(tmpDir);
		fs.writeFileSync(old, 'x');
		fs.writeFileSync(fresh, 'y');
		fs.writeFileSync(path.join(tmpDir, 'khac.txt'), 'z');
		const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
		fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
		expect(await sweepTemp({ tmpDir })).toBe(1);
		expect(fs.existsSync(old)).toBe(false);
		expect(fs.existsSync(fresh)).toBe(true);
		expect(await sweepTemp({ tmpDir, olderThanMs: 0 })).toBe(1);
		expect(fs.existsSync(fresh)).toBe(false);
		fs.rmSync(path.join(tmpDir, 'khac.txt'));
		expect(await sweepTemp({ tmpDir: path.join(root, 'khong-co') })).toBe(0);
	});
});

describe('the file store', () => {
	it("moves a file into its key's directory, and creates that directory when it is missing", async () => {
		const store2 = localFileStore(path.join(root, 'store-dirs'));
		const put = async (sha256: string, content: string) => {
			const tmp = await newTempPath(tmpDir);
			fs.writeFileSync(tmp, content);
			const key = await store2.put(tmp, sha256, 'pdf');
			expect(fs.existsSync(tmp)).toBe(false);
			return key;
		};
		// three keys in one directory (ab/cd): the first creates it, the second finds it, the third
		// comes after it was removed from under the running store
		const [a, b, c] = ['0', '1', '2'].map((d) => `abcd${d.repeat(60)}`);
		const keyA = await put(a, 'một');
		const keyB = await put(b, 'hai');
		expect(path.dirname(keyA)).toBe(path.dirname(keyB));
		expect(await text(await store2.open(keyA))).toBe('một');
		expect(await text(await store2.open(keyB))).toBe('hai');
		fs.rmSync(path.join(root, 'store-dirs', 'ab'), { recursive: true });
		const keyC = await put(c, 'ba');
		expect(await text(await store2.open(keyC))).toBe('ba');
		expect(fs.statSync(path.join(root, 'store-dirs', 'ab', 'cd')).mode & 0o777).toBe(0o700);
		// a temporary file that is gone is an error, not a directory to create
		await expect(store2.put(path.join(tmpDir, 'khong-co.upload'), a, 'pdf')).rejects.toMatchObject({ code: 'ENOENT' });
	});
});
