/**
 * The serif font the official documents are set in, and the one-time pdfmake set-up.
 *
 * NĐ 30/2020 asks for Times New Roman; Liberation Serif is metric-compatible. Only version 2 of
 * Liberation (Debian's `fonts-liberation2`) carries the full Vietnamese repertoire: the 1.x fonts
 * (`fonts-liberation`) drop Ơ, Ư and the stacked tone marks, so they are never used. When the
 * Debian files are missing we fall back to DejaVu Serif from the npm package `dejavu-fonts-ttf`.
 * Every candidate is checked for the Vietnamese letters before it is chosen.
 *
 * The chosen files are read once per thread (the main thread, each PDF worker) and kept in
 * memory: pdfmake gets them as data, not as paths, and may read no local file at all.
 *
 * No `$app/*` or `@sveltejs/kit` imports: this also runs under plain Node and in a worker thread.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';

export type FontFiles = { normal: string; bold: string; italics: string; bolditalics: string };
export type SerifFont = { family: string; files: FontFiles };

const LIBERATION2_DIR = '/usr/share/fonts/truetype/liberation2';

/** Every letter Vietnamese needs beyond ASCII (lower and upper case), including Ơ, Ư, Đ. */
const VIETNAMESE =
	'ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ' +
	'àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ';

function liberation2(): SerifFont {
	const f = (style: string) => path.join(LIBERATION2_DIR, `LiberationSerif-${style}.ttf`);
	return {
		family: 'LiberationSerif',
		files: { normal: f('Regular'), bold: f('Bold'), italics: f('Italic'), bolditalics: f('BoldItalic') }
	};
}

function dejavuSerif(): SerifFont | null {
	let dir: string;
	try {
		dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
	} catch {
		return null;
	}
	const f = (suffix: string) => path.join(dir, `DejaVuSerif${suffix}.ttf`);
	return { family: 'DejaVuSerif', files: { normal: f(''), bold: f('-Bold'), italics: f('-Italic'), bolditalics: f('-BoldItalic') } };
}

type Style = keyof FontFiles;
const STYLES: Style[] = ['normal', 'bold', 'italics', 'bolditalics'];

type FontkitFont = {
	hasGlyphForCodePoint(codePoint: number): boolean;
	unitsPerEm: number;
	layout(text: string): { advanceWidth: number };
};
type Fontkit = { create(buffer: Uint8Array): FontkitFont };

/** fontkit as pdfkit itself resolves it (it is pdfkit's dependency, not ours); null if absent. */
function loadFontkit(): Fontkit | null {
	try {
		const fromHere = createRequire(import.meta.url);
		const fromPdfkit = createRequire(fromHere.resolve('pdfkit'));
		return fromPdfkit('fontkit') as Fontkit;
	} catch {
		return null;
	}
}

let fontkitModule: Fontkit | null | undefined;

function fontkitOnce(): Fontkit | null {
	if (fontkitModule === undefined) fontkitModule = loadFontkit();
	return fontkitModule;
}

// ---------------------------------------------------------------------------------------------
// Decoded font tables, shared by every fontkit font made from the same bytes
// ---------------------------------------------------------------------------------------------

/**
 * pdfkit makes a new fontkit font from the font bytes for every document, and fontkit decodes a
 * font's tables (cmap, hmtx, loca, GSUB, GPOS, …) lazily, once per font object: about a quarter
 * of the time of laying out a certificate went into decoding the same tables again. The tables
 * of a font file are the same whatever the document, so the font objects made from the bytes
 * held here share one table cache, as fontkit itself does between a font and its variations
 * (`getVariation` hands `_tables` on). Glyph objects stay per font object, hence per document
 * (pdfkit takes the text a glyph stands for from the first glyph object it meets), so the
 * output is byte for byte what it was.
 *
 * This reaches into fontkit 2's internals (`_getTable`, `_tables`, `stream.buffer`): the font
 * class's `_getTable` is wrapped, once per thread, to adopt the shared cache of the bytes the
 * font was made from. With a fontkit that does not have them, or another copy of fontkit than
 * pdfkit's, nothing is shared and documents are laid out exactly as before, only slower.
 */
const SHARED_TABLES = Symbol.for('xa-phu-hop-tre-em.shared-font-tables');

type Tables = Record<string, unknown>;
type FontkitInternals = {
	stream?: { buffer?: unknown };
	_tables?: Tables;
	_getTable?: (this: FontkitInternals, table: unknown) => unknown;
	/** On the font class: the shared table cache of each font's bytes. */
	[SHARED_TABLES]?: WeakMap<object, Tables>;
};

function shareTables(font: FontkitFont, bytes: Buffer): void {
	const sample = font as unknown as FontkitInternals;
	const proto = Object.getPrototypeOf(sample) as FontkitInternals | null;
	const getTable = proto?._getTable;
	if (!proto || typeof getTable !== 'function' || sample.stream?.buffer !== bytes || typeof sample._tables !== 'object') return;
	let registry = proto[SHARED_TABLES];
	if (!registry) {
		// kept on the class itself, so that a second copy of this module shares the same wrapper
		const tablesOf = new WeakMap<object, Tables>();
		proto._getTable = function (table: unknown) {
			const buffer = this.stream?.buffer;
			const tables = typeof buffer === 'object' && buffer !== null ? tablesOf.get(buffer) : undefined;
			if (tables) this._tables = tables;
			return getTable.call(this, table);
		};
		proto[SHARED_TABLES] = registry = tablesOf;
	}
	if (!registry.has(bytes)) registry.set(bytes, sample._tables);
}

// ---------------------------------------------------------------------------------------------
// The font files, read once per thread
// ---------------------------------------------------------------------------------------------

type Loaded = { font: SerifFont; bytes: Record<Style, Buffer>; parsed: Record<Style, FontkitFont> | null };

/** The letters of `VIETNAMESE` that a font lacks ('' when it has them all). */
function missingLetters(font: FontkitFont): string {
	return [...VIETNAMESE].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0)).join('');
}

/**
 * The candidate's four files read into memory and, when fontkit is there, checked for the
 * Vietnamese letters; null when a file is missing, unreadable or lacks a letter.
 */
function load(candidate: SerifFont, fontkit: Fontkit | null): Loaded | null {
	const bytes = {} as Record<Style, Buffer>;
	const parsed = {} as Record<Style, FontkitFont>;
	try {
		for (const style of STYLES) {
			bytes[style] = fs.readFileSync(candidate.files[style]);
			if (fontkit === null) continue; // cannot inspect: trust the path (liberation2, never 1.x)
			parsed[style] = fontkit.create(bytes[style]);
			if (missingLetters(parsed[style]) !== '') return null;
		}
	} catch {
		return null;
	}
	if (fontkit !== null) for (const style of STYLES) shareTables(parsed[style], bytes[style]);
	return { font: candidate, bytes, parsed: fontkit === null ? null : parsed };
}

let chosen: Loaded | null = null;

function loaded(): Loaded {
	if (chosen) return chosen;
	const fontkit = fontkitOnce();
	for (const candidate of [liberation2(), dejavuSerif()]) {
		const l = candidate && load(candidate, fontkit);
		if (l) {
			chosen = l;
			return chosen;
		}
	}
	throw new Error('Không tìm thấy phông chữ có chữ tiếng Việt: cài gói fonts-liberation2 (Debian) hoặc gói npm dejavu-fonts-ttf.');
}

/**
 * The serif font for the documents: Liberation Serif 2 when installed, else DejaVu Serif.
 * Throws when neither is available with the full Vietnamese repertoire. The chosen files are
 * read once (per thread) and kept in memory.
 */
export function serifFont(): SerifFont {
	return loaded().font;
}

/** The absolute paths of the four font files (read once into memory; pdfmake itself reads no file). */
export function fontFilePaths(): string[] {
	return Object.values(serifFont().files);
}

type VirtualFs = { writeFileSync(name: string, content: Buffer): void };

let configured = false;

/**
 * Sets the fonts on the pdfmake singleton once, as in-memory data (pdfmake's virtual file
 * system, under names that are not paths), and forbids every URL and every local file: pdfmake
 * reads nothing from the disk, not even the fonts. Returns the font family name to use in
 * `defaultStyle.font`.
 */
export function configurePdfmake(): string {
	const { font, bytes } = loaded();
	if (!configured) {
		const vfs = (pdfmake as unknown as { virtualfs?: VirtualFs }).virtualfs;
		if (typeof vfs?.writeFileSync !== 'function') throw new Error('pdfmake has no virtual file system to hold the fonts');
		const names = {} as FontFiles;
		for (const style of STYLES) {
			names[style] = `${font.family}-${style}.ttf`;
			vfs.writeFileSync(names[style], bytes[style]);
		}
		pdfmake.setFonts({ [font.family]: names });
		pdfmake.setUrlAccessPolicy(() => false);
		pdfmake.setLocalAccessPolicy(() => false);
		configured = true;
	}
	return font.family;
}

/**
 * Width in points of one line of `text` set in the serif font at `size` (for rules whose length
 * NĐ 30 ties to the text above them). Without fontkit, an estimate of half an em per character.
 */
export function textWidth(text: string, size: number, style: { bold?: boolean; italics?: boolean } = {}): number {
	const { parsed } = loaded();
	if (parsed === null) return text.length * size * 0.5;
	const font = parsed[style.bold ? (style.italics ? 'bolditalics' : 'bold') : style.italics ? 'italics' : 'normal'];
	return (font.layout(text.normalize('NFC')).advanceWidth / font.unitsPerEm) * size;
}
