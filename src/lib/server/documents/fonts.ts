/**
 * The serif font the official documents are set in, and the one-time pdfmake set-up.
 *
 * NĐ 30/2020 asks for Times New Roman; Liberation Serif is metric-compatible. Only version 2 of
 * Liberation (Debian's `fonts-liberation2`) carries the full Vietnamese repertoire: the 1.x fonts
 * (`fonts-liberation`) drop Ơ, Ư and the stacked tone marks, so they are never used. When the
 * Debian files are missing we fall back to DejaVu Serif from the npm package `dejavu-fonts-ttf`.
 * Every candidate is checked for the Vietnamese letters before it is chosen.
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

type FontkitFont = {
	hasGlyphForCodePoint(codePoint: number): boolean;
	unitsPerEm: number;
	layout(text: string): { advanceWidth: number };
};
type Fontkit = { openSync(filename: string): FontkitFont };

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

/** The letters of `VIETNAMESE` that one font file lacks ('' when it has them all). */
function missingLetters(fontkit: Fontkit, file: string): string {
	const font = fontkit.openSync(file);
	return [...VIETNAMESE].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0)).join('');
}

function usable(candidate: SerifFont, fontkit: Fontkit | null): boolean {
	const files = Object.values(candidate.files);
	if (!files.every((file) => fs.existsSync(file))) return false;
	if (fontkit === null) return true; // cannot inspect: trust the path (liberation2, never 1.x)
	try {
		return files.every((file) => missingLetters(fontkit, file) === '');
	} catch {
		return false;
	}
}

let chosen: SerifFont | null = null;
let fontkitModule: Fontkit | null | undefined;

function fontkitOnce(): Fontkit | null {
	if (fontkitModule === undefined) fontkitModule = loadFontkit();
	return fontkitModule;
}

/**
 * The serif font for the documents: Liberation Serif 2 when installed, else DejaVu Serif.
 * Throws when neither is available with the full Vietnamese repertoire.
 */
export function serifFont(): SerifFont {
	if (chosen) return chosen;
	const fontkit = fontkitOnce();
	for (const candidate of [liberation2(), dejavuSerif()]) {
		if (candidate && usable(candidate, fontkit)) {
			chosen = candidate;
			return chosen;
		}
	}
	throw new Error('Không tìm thấy phông chữ có chữ tiếng Việt: cài gói fonts-liberation2 (Debian) hoặc gói npm dejavu-fonts-ttf.');
}

/** The absolute paths of the four font files: the only local files pdfmake may read. */
export function fontFilePaths(): string[] {
	return Object.values(serifFont().files);
}

let configured = false;

/**
 * Sets the fonts on the pdfmake singleton once, forbids every URL and restricts local file
 * access to the font files. Returns the font family name to use in `defaultStyle.font`.
 */
export function configurePdfmake(): string {
	const font = serifFont();
	if (!configured) {
		const allowed = new Set(Object.values(font.files));
		pdfmake.setFonts({ [font.family]: { ...font.files } });
		pdfmake.setUrlAccessPolicy(() => false);
		pdfmake.setLocalAccessPolicy((p: string) => allowed.has(p));
		configured = true;
	}
	return font.family;
}

const opened = new Map<string, FontkitFont>();

/**
 * Width in points of one line of `text` set in the serif font at `size` (for rules whose length
 * NĐ 30 ties to the text above them). Without fontkit, an estimate of half an em per character.
 */
export function textWidth(text: string, size: number, style: { bold?: boolean; italics?: boolean } = {}): number {
	const fontkit = fontkitOnce();
	if (fontkit === null) return text.length * size * 0.5;
	const { files } = serifFont();
	const file = style.bold ? (style.italics ? files.bolditalics : files.bold) : style.italics ? files.italics : files.normal;
	let font = opened.get(file);
	if (!font) {
		font = fontkit.openSync(file);
		opened.set(file, font);
	}
	return (font.layout(text.normalize('NFC')).advanceWidth / font.unitsPerEm) * size;
}
