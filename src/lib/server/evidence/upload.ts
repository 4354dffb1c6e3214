/**
 * Receiving one uploaded file from a multipart/form-data request body, streamed: the body is
 * parsed with busboy as it arrives and the file part is written to a temporary file while its
 * SHA-256 and size are computed, in writes of at least 256 KB (a smaller file: one write at the end).
 * Nothing larger is held in memory.
 *
 * The form carries its text fields FIRST and the file part LAST (one file per request): the
 * fields are validated when the file part begins, so an invalid form is refused before any
 * byte of the file is written. A field after the file part is refused.
 *
 * Limits: the file may have at most `maxBytes` (→ 413); the whole body at most
 * `maxBytes + FORM_OVERHEAD_BYTES` (a larger Content-Length is refused before reading; a body
 * without Content-Length is cut off there). After a refusal the rest of a body within that bound
 * is read and discarded, so that the client receives the answer instead of a reset connection.
 *
 * The type is decided afterwards from the file's bytes (`detectAcceptedType`), never from the
 * client's declared name or type. Whatever fails, the temporary file is removed.
 */
import { NUL_MESSAGE } from '../http/security.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { discardTemp, newTempPath } from '../storage/index.ts';
import { AppError, type AppErrorKind } from '../errors.ts';
import { tooBigMessage } from './messages.ts';
import type { FieldMap } from '../../domain/evidence.ts';

/** Room for the text fields and multipart framing on top of the file. */
/** A refusal of the upload, with the field errors for the form and the cause for the log. */
function uploadError(
	kind: AppErrorKind,
	message: string,
	fieldErrors: Record<string, string> = {},
	opts: { cause?: unknown } = {}
): AppError {
	return new AppError(kind, message, { fieldErrors, cause: opts.cause });
}

export const FORM_OVERHEAD_BYTES = 1024 * 1024;
/** The temporary file is written in pieces of at least this size (the last one: what is left). */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Name of the file part. */
export const FILE_FIELD = 'file';

export const SERVER_LIMIT_MESSAGE =
	'Máy chủ đang giới hạn dung lượng mỗi lần gửi thấp hơn mức cho phép nên chưa nhận được tệp này. Hãy báo quản trị hệ thống (cấu hình BODY_SIZE_LIMIT).';

/** What is accepted, by detected type. Office formats are zip containers recognised by their content. */
export const ACCEPTED_TYPES = [
	{ ext: 'pdf', mime: 'application/pdf', label: 'PDF', aliases: [] },
	{ ext: 'jpg', mime: 'image/jpeg', label: 'JPEG', aliases: ['jpeg'] },
	{ ext: 'png', mime: 'image/png', label: 'PNG', aliases: [] },
	{ ext: 'webp', mime: 'image/webp', label: 'WebP', aliases: [] },
	{ ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'Word (.docx)', aliases: [] },
	{ ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'Excel (.xlsx)', aliases: [] },
	{ ext: 'odt', mime: 'application/vnd.oasis.opendocument.text', label: 'OpenDocument văn bản (.odt)', aliases: [] },
	{ ext: 'ods', mime: 'application/vnd.oasis.opendocument.spreadsheet', label: 'OpenDocument bảng tính (.ods)', aliases: [] }
] as const;

export type AcceptedType = { ext: string; mime: string };

/** Extensions for an `<input type="file" accept>` and the client-side check (a hint only). */
export const ACCEPT_EXTENSIONS: string[] = ACCEPTED_TYPES.flatMap((t) => [t.ext, ...t.aliases]);

export const REFUSED_TYPE_MESSAGE =
	'Định dạng tệp không được chấp nhận. Chỉ nhận PDF, ảnh (JPEG, PNG, WebP), Word (.docx), Excel (.xlsx) và OpenDocument (.odt, .ods); nội dung tệp phải đúng định dạng, không chỉ đổi đuôi tên tệp.';

/**
 * The file's type from its magic bytes if it is accepted; otherwise an `AppError` 415. `source`:
 * the file's path, or its whole content when it is in memory (`ReceivedFile.content`).
 */
export async function detectAcceptedType(source: string | Uint8Array): Promise<AcceptedType> {
	const found = await (typeof source === 'string' ? fileTypeFromFile(source) : fileTypeFromBuffer(source)).catch(() => undefined);
	const t = found && ACCEPTED_TYPES.find((a) => a.ext === found.ext && a.mime === found.mime);
	if (!t) throw uploadError('unsupported', REFUSED_TYPE_MESSAGE);
	return { ext: t.ext, mime: t.mime };
}

export type ReceivedFile = {
	tempPath: string;
	size: number;
	sha256: string;
	/** As the client declared it (untrusted; clean it with `cleanFileName`). */
	declaredName: string;
	/** The whole content when it was written in one piece (at most 256 KB): its type is read from here, not from the disk. */
	content: Buffer | null;
};

export type ReceiveOptions<T> = {
	maxBytes: number;
	tmpDir: string;
	/** Validates the text fields when the file part begins; throw an `AppError` to refuse. */
	parseFields: (fields: FieldMap) => T;
};

function statusOf(e: unknown): number | undefined {
	const s = (e as { status?: unknown } | null)?.status;
	return typeof s === 'number' ? s : undefined;
}

/**
 * Streams the single file of a multipart request to a temporary file. On success the caller
 * owns the temporary file (and must remove it); on failure it is already gone.
 */
export async function receiveUpload<T>(request: Request, opts: ReceiveOptions<T>): Promise<{ fields: T; file: ReceivedFile }> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data\s*;/i.test(contentType)) throw uploadError('invalid', 'Yêu cầu phải gửi dạng multipart/form-data.');
	const cap = opts.maxBytes + FORM_OVERHEAD_BYTES;
	const declaredLength = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declaredLength) && declaredLength > cap) throw uploadError('too_large', tooBigMessage(opts.maxBytes));
	if (!request.body) throw uploadError('invalid', 'Chưa chọn tệp để tải lên.');

	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': contentType },
			defParamCharset: 'utf8',
			// larger chunks: fewer small buffers to hash, write and collect
			highWaterMark: 1 << 20,
			fileHwm: 1 << 20,
			// busboy signals 'limit' when a file REACHES fileSize: one byte above ours, so that a file
			// of exactly the limit is accepted and one byte more is refused
			limits: { fileSize: opts.maxBytes + 1, files: 1, fields: 60, parts: 62, fieldNameSize: 50, fieldSize: 16 * 1024, headerPairs: 20 }
		});
	} catch (e) {
		throw uploadError('invalid', 'Dữ liệu gửi lên không đúng dạng multipart/form-data.', {}, { cause: e });
	}

	const tempPath = await newTempPath(opts.tmpDir);
	const fields: FieldMap = Object.create(null); // field names are the client's: no prototype
	let parsed: { value: T } | undefined;
	let failure: AppError | undefined;
	let unexpected: { error: unknown } | undefined;
	const fail = (e: AppError) => {
		failure ??= e;
	};
	let fileSeen = false;
	let declaredName = '';
	let size = 0;
	const hash = crypto.createHash('sha256');
	let writer: fs.WriteStream | undefined;
	let writerClosed: Promise<void> = Promise.resolve();
	let fileDone: Promise<void> = Promise.resolve();
	let content: Buffer | null = null;

	parser.on('field', (name, value, info) => {
		if (fileSeen) return fail(uploadError('invalid', 'Các trường thông tin phải được gửi trước tệp.'));
		if (info.nameTruncated || info.valueTruncated)
			return fail(uploadError('invalid', `Nội dung trường “${name}” quá dài.`, { [name]: 'Nội dung quá dài.' }));
		if (name.includes('\0') || value.includes('\0')) return fail(uploadError('invalid', NUL_MESSAGE));
		(fields[name] ??= []).push(value);
	});
	parser.on('file', (name, stream, info) => {
		if (name !== FILE_FIELD || fileSeen || failure) {
			stream.resume();
			if (name !== FILE_FIELD) fail(uploadError('invalid', `Tệp phải được gửi trong trường “${FILE_FIELD}”.`));
			return;
		}
		fileSeen = true;
		declaredName = info.filename ?? '';
		if (declaredName.includes('\0')) {
			stream.resume();
			return fail(uploadError('invalid', NUL_MESSAGE));
		}
		try {
			parsed = { value: opts.parseFields(fields) };
		} catch (e) {
			stream.resume();
			if (e instanceof AppError) return fail(e);
			unexpected ??= { error: e };
			return;
		}
		// counts and hashes the bytes, and passes them on in batches of WRITE_BATCH_BYTES (the
		// rest at the end): the body arrives in packets of a few KB, and each write of the
		// temporary file is a round trip to libuv's thread pool
		let batch: Buffer[] = [];
		let batched = 0;
		let pieces = 0;
		const meter = new Transform({
			transform(chunk: Buffer, _enc, cb) {
				size += chunk.length;
				hash.update(chunk);
				batch.push(chunk);
				batched += chunk.length;
				if (batched < WRITE_BATCH_BYTES) return cb();
				const out = Buffer.concat(batch, batched);
				batch = [];
				batched = 0;
				pieces++;
				cb(null, out);
			},
			flush(cb) {
				const last = Buffer.concat(batch, batched);
				if (pieces === 0) content = last;
				cb(null, batched > 0 ? last : undefined);
			}
		});
		stream.once('limit', () => fail(uploadError('too_large', tooBigMessage(opts.maxBytes))));
		const w = fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 });
		writer = w;
		writerClosed = new Promise((resolve) => w.once('close', () => resolve()));
		fileDone = pipeline(stream, meter, w);
		fileDone.catch((err: unknown) => {
			// the temporary file could not be written (disk full…): nothing more can be kept, so
			// stop parsing the request instead of reading it to the end
			if (!parser.destroyed) parser.destroy(err instanceof Error ? err : new Error(String(err)));
		});
	});
	parser.on('filesLimit', () => fail(uploadError('invalid', 'Mỗi lần chỉ tải lên một tệp.')));
	parser.on('fieldsLimit', () => fail(uploadError('invalid', 'Quá nhiều trường thông tin.')));
	parser.on('partsLimit', () => fail(uploadError('invalid', 'Quá nhiều phần trong dữ liệu gửi lên.')));

	let total = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _enc, cb) {
			total += chunk.length;
			if (total > cap) cb(uploadError('too_large', tooBigMessage(opts.maxBytes)));
			else cb(null, chunk);
		}
	});

	const cleanup = async () => {
		if (writer && !writer.closed) writer.destroy();
		await writerClosed;
		await discardTemp(tempPath);
	};

	try {
		await pipeline(Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>), counter, parser);
		await fileDone;
	} catch (e) {
		const fileError = await fileDone.then(
			() => undefined,
			(x: unknown) => x
		);
		await cleanup();
		if (e instanceof AppError) throw e;
		if (unexpected) throw unexpected.error;
		// a file-system error writing the temporary file is the server's, not the client's
		if (fileError && typeof (fileError as NodeJS.ErrnoException).syscall === 'string') throw fileError;
		if (statusOf(e) === 413) {
			// adapter-node's BODY_SIZE_LIMIT cut the body off below our own limit: a deployment error
			console.error(
				`evidence upload: the server's BODY_SIZE_LIMIT refused a body within UPLOAD_MAX_MB; set BODY_SIZE_LIMIT to at least ${Math.ceil(cap / 1024 / 1024)}M (${(e as Error).message})`
			);
			throw uploadError('too_large', SERVER_LIMIT_MESSAGE, {}, { cause: e });
		}
		if (failure) throw failure;
		throw uploadError(
			'invalid',
			'Không nhận được trọn vẹn dữ liệu gửi lên (kết nối bị ngắt hoặc dữ liệu sai dạng). Hãy thử lại.',
			{},
			{ cause: e }
		);
	}
	if (unexpected) {
		await cleanup();
		throw unexpected.error;
	}
	if (failure || !parsed) {
		await cleanup();
		throw failure ?? uploadError('invalid', 'Chưa chọn tệp để tải lên.', { [FILE_FIELD]: 'Chưa chọn tệp.' });
	}
	if (size === 0) {
		await cleanup();
		if (!declaredName) throw uploadError('invalid', 'Chưa chọn tệp để tải lên.', { [FILE_FIELD]: 'Chưa chọn tệp.' });
		throw uploadError('invalid', 'Tệp rỗng (0 byte).', { [FILE_FIELD]: 'Tệp rỗng.' });
	}
	return { fields: parsed.value, file: { tempPath, size, sha256: hash.digest('hex'), declaredName, content } };
}
