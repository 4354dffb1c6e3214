/** Small valid files made by hand for upload tests. */

import zlib from 'node:zlib';
import { samplePdf } from '../../scripts/seed/scale.ts';

/** A one-page PDF showing `note`; padded with PDF comments after %%EOF up to `padTo` bytes
 * (still a valid, just larger, file). The same builder makes the national seed's files. */
export const pdf = (note: string, padTo = 0): Buffer => samplePdf(note, padTo);

/** An RGB PNG of `w` × `h` pixels: a red disc with a gold star-ish centre on white. */
export function png(w: number, h: number = w): Buffer {
	const rows: Buffer[] = [];
	for (let y = 0; y < h; y++) {
		const row = Buffer.alloc(1 + 3 * w);
		for (let x = 0; x < w; x++) {
			const d = Math.hypot(x - w / 2, y - h / 2) / (Math.min(w, h) / 2);
			const [r, g, b] = d < 0.35 ? [0xe8, 0xc2, 0x2a] : d < 1 ? [0xc8, 0x10, 0x2e] : [0xff, 0xff, 0xff];
			row.set([r, g, b], 1 + 3 * x);
		}
		rows.push(row);
	}
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const out = Buffer.alloc(12 + data.length);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(zlib.crc32(body) >>> 0, 8 + data.length);
		return out;
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0))
	]);
}
