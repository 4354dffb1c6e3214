/**
 * Vietnamese names for searching and sorting where the database does it: `fold` (lower case,
 * without diacritics, for a forgiving search: "phu xuan" finds "Phú Xuân") and `sortKey` (a key
 * whose plain byte order is the Vietnamese alphabetical order: a ă â b c d đ e ê … o ô ơ … u ư …,
 * tones after letters, numbers by value: "Phường 2" before "Phường 10"). Both are stored beside
 * the name, so PostgreSQL 15 and the embedded database sort and search alike whatever their
 * locale. Pure.
 */

/** Lower case without Vietnamese diacritics (đ → d), spaces collapsed. */
export function fold(s: string): string {
	return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Whether a name matches a search the way the boards search: without diacritics, anywhere in the name. */
export function matchesQuery(name: string, q: string): boolean {
	const needle = fold(q);
	return needle === '' || fold(name).includes(needle);
}

// Letters that carry a shape mark (breve, circumflex, horn) or the stroke of đ come right after
// their base letter; tone marks only break ties.
const SHAPE: Record<string, string> = { '\u0306': '1', '\u0302': '2', '\u031B': '3' };
const TONE: Record<string, string> = { '\u0300': '1', '\u0309': '2', '\u0303': '3', '\u0301': '4', '\u0323': '5' };

/** A key whose byte order (collation "C") is the Vietnamese alphabetical order of `name`. */
export function sortKey(name: string): string {
	const letters: string[] = [];
	const tones: string[] = [];
	const chars = [...name.normalize('NFD').toLowerCase().replace(/\s+/g, ' ').trim()];
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i];
		if (/\d/.test(ch)) {
			let run = ch;
			while (i + 1 < chars.length && /\d/.test(chars[i + 1])) run += chars[++i];
			letters.push(`0${run.replace(/^0+(?=\d)/, '').padStart(8, '0')}`);
			continue;
		}
		if (SHAPE[ch] !== undefined) {
			if (letters.length) letters[letters.length - 1] = letters[letters.length - 1].slice(0, -1) + SHAPE[ch];
			continue;
		}
		if (TONE[ch] !== undefined) {
			if (tones.length) tones[tones.length - 1] = TONE[ch];
			continue;
		}
		if (/\p{M}/u.test(ch)) continue;
		if (ch === 'đ') {
			letters.push('d1');
			tones.push('0');
			continue;
		}
		letters.push(/[a-z]/.test(ch) ? `${ch}0` : ch === ' ' ? ' ' : `~${ch}`);
		tones.push('0');
	}
	return `${letters.join('')}\u0001${tones.join('')}`;
}

/** `s` as a literal inside a LIKE pattern: `%`, `_` and the escape character itself escaped (PostgreSQL's default escape `\`). */
export function escapeLike(s: string): string {
	return s.replace(/[%_\\]/g, (m) => '\\' + m);
}
