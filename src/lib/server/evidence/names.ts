/**
 * File names of uploaded documents. The name a client declares is never trusted: it is kept
 * only as metadata (NFC-normalised, without path or control characters), and the name a
 * download carries always ends with the extension of the detected type.
 */

const MAX_NAME_LENGTH = 200;

// C0/C1 control characters, and the bidirectional overrides/isolates and zero-width marks that
// can disguise an extension ("hoadon\u202Efdp.exe").
const CONTROL = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/** The same extension family (`.jpeg` is a JPEG). */
const EXT_ALIASES: Record<string, string[]> = { jpg: ['jpg', 'jpeg', 'jpe', 'jfif'] };

/**
 * A safe display name from the client's declared name: NFC, only the last path segment,
 * no control characters, whitespace collapsed, at most 200 characters (keeping the extension).
 * Empty or dot-only names become `tai-lieu.<ext>`.
 */
export function cleanFileName(declared: string | undefined | null, ext: string): string {
	let name = (declared ?? '').normalize('NFC').replace(CONTROL, '');
	name = name.split(/[/\\]/).pop() ?? '';
	name = name.replace(/\s+/g, ' ').trim();
	if (/^\.*$/.test(name)) name = '';
	if (!name) return `tai-lieu.${ext}`;
	if ([...name].length > MAX_NAME_LENGTH) {
		const dot = name.lastIndexOf('.');
		const suffix = dot > 0 && name.length - dot <= 11 ? name.slice(dot) : '';
		name =
			[...name.slice(0, name.length - suffix.length)]
				.slice(0, MAX_NAME_LENGTH - [...suffix].length)
				.join('')
				.trimEnd() + suffix;
	}
	return name;
}

/** The name a download is offered under: the stored name, with the detected extension if it lacks it. */
export function downloadName(originalName: string, ext: string): string {
	const dot = originalName.lastIndexOf('.');
	const current = dot > 0 ? originalName.slice(dot + 1).toLowerCase() : '';
	const family = EXT_ALIASES[ext] ?? [ext];
	return family.includes(current) ? originalName : `${originalName}.${ext}`;
}

/** Plain ASCII for the `filename=` fallback: Vietnamese letters without diacritics, others as "_". */
export function asciiFileName(name: string): string {
	const base = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/đ/g, 'd')
		.replace(/Đ/g, 'D')
		.replace(/[^A-Za-z0-9._ -]/g, '_')
		.replace(/_+/g, '_');
	return base.trim() || 'tai-lieu';
}

/** RFC 5987 `ext-value` encoding (UTF-8, percent-encoded beyond attr-char). */
export function rfc5987(value: string): string {
	return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="…ascii…"; filename*=UTF-8''…` (RFC 6266 / RFC 5987). */
export function attachmentDisposition(name: string): string {
	return `attachment; filename="${asciiFileName(name)}"; filename*=UTF-8''${rfc5987(name.normalize('NFC'))}`;
}
