/**
 * Whether an uploaded PDF may be shown inside the app's pages (`?view=1`): a PDF that carries
 * scripts or other active content is not, whatever the viewer. Browsers' PDF viewers run a
 * document's JavaScript (Chromium's runs /OpenAction `app.alert(…)` even under a CSP sandbox
 * and shows its dialog over the app's page), so a file from a commune could speak in the app's
 * name. Such a file is refused for inline viewing and offered as a download instead (sandboxed,
 * opened in a PDF reader the reviewer chooses).
 *
 * The check is a conservative scan of name tokens, not a PDF parser: it looks at the raw bytes
 * and at every FlateDecode stream after decompression (object streams hold dictionaries in
 * compressed form), and decodes `#xx` escapes in names (`/J#53` is `/JS`). An object stream it
 * cannot read (another filter, encryption, a broken stream) counts as active content. A false
 * alarm costs a download; a miss is still shown under the sandbox, without the app's origin.
 */
import zlib from 'node:zlib';
import { AppError } from '../errors.ts';

/**
 * Names of actions and active content: scripts, launching programs, submitting or importing
 * data, embedded files, rich media, XFA forms, automatic actions. Not /OpenAction itself: office
 * suites write it to open at a page and zoom; when it runs a script, /JS or /JavaScript is there.
 */
export const ACTIVE_PDF_NAMES: ReadonlySet<string> = new Set([
	'JS',
	'JavaScript',
	'AA',
	'Launch',
	'SubmitForm',
	'ImportData',
	'EmbeddedFile',
	'EmbeddedFiles',
	'RichMedia',
	'XFA',
	'GoToE'
]);

/** Largest PDF checked for inline viewing (bytes); a larger one is offered as a download. */
export const INLINE_SCAN_MAX_BYTES = 64 * 1024 * 1024;
/** Largest decompressed stream looked at; a larger object stream counts as unreadable. */
const INFLATE_MAX_BYTES = 32 * 1024 * 1024;

export const ACTIVE_PDF_MESSAGE =
	'Tệp PDF này có mã lệnh hoặc nội dung tự động (JavaScript, hành động khi mở, tệp đính kèm, biểu mẫu XFA…): để an toàn, hệ thống không mở tệp ngay trên trang. Hãy tải về và mở bằng phần mềm đọc PDF.';
export const TOO_LARGE_TO_VIEW_MESSAGE = 'Tệp PDF này quá lớn để kiểm tra và xem ngay trên trang. Hãy tải về và mở bằng phần mềm đọc PDF.';

const NAME = /\/([^\s/[\]()<>{}%]+)/g;

function decodeName(raw: string): string {
	return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The active-content names found in `text` (latin1). */
function namesIn(text: string, found: Set<string>): void {
	for (const m of text.matchAll(NAME)) {
		const name = m[1].includes('#') ? decodeName(m[1]) : m[1];
		if (ACTIVE_PDF_NAMES.has(name)) found.add(name);
	}
}

/**
 * What makes `pdf` unfit for inline viewing: the active-content names it carries (e.g.
 * `['JavaScript', 'OpenAction']`), plus `'ObjStm?'` for an object stream that could not be read.
 * Empty: nothing found.
 */
export function pdfActiveContent(pdf: Buffer): string[] {
	const found = new Set<string>();
	const text = pdf.toString('latin1');
	namesIn(text, found);
	// every stream: `stream` EOL … data …; its dictionary is what stands between `obj` and `stream`
	const STREAM = /stream\r?\n/g;
	for (const m of text.matchAll(STREAM)) {
		const at = m.index;
		if (at > 0 && /[A-Za-z]/.test(text[at - 1])) continue; // endstream, not stream
		const objAt = text.lastIndexOf('obj', at);
		const dict = objAt >= 0 ? text.slice(objAt + 3, at) : '';
		const filters = [...dict.matchAll(/\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>]+)/g)].map((f) => f[1]);
		const objectStream = /\/Type\s*\/ObjStm\b/.test(dict);
		const flate = filters.length === 1 && /^(\[\s*)?\/(FlateDecode|Fl)\s*\]?$/.test(filters[0].trim());
		if (!flate) {
			if (objectStream) found.add('ObjStm?');
			continue;
		}
		const start = at + m[0].length;
		const length = /\/Length\s+(\d+)\b(?!\s+\d+\s+R)/.exec(dict);
		const end = length ? Math.min(text.length, start + Number(length[1])) : text.indexOf('endstream', start);
		if (end <= start) {
			if (objectStream) found.add('ObjStm?');
			continue;
		}
		let inflated: Buffer;
		try {
			inflated = zlib.inflateSync(pdf.subarray(start, end), {
				finishFlush: zlib.constants.Z_SYNC_FLUSH,
				maxOutputLength: INFLATE_MAX_BYTES
			});
		} catch {
			if (objectStream) found.add('ObjStm?');
			continue;
		}
		namesIn(inflated.toString('latin1'), found);
	}
	return [...found].sort();
}

/** Refuses (AppError 'unsupported') inline viewing of a PDF that carries active content or is too large to check. */
export function assertViewableInline(pdf: Buffer): void {
	if (pdf.length > INLINE_SCAN_MAX_BYTES) throw new AppError('unsupported', TOO_LARGE_TO_VIEW_MESSAGE);
	const found = pdfActiveContent(pdf);
	if (found.length) throw new AppError('unsupported', ACTIVE_PDF_MESSAGE, { details: { found } });
}
