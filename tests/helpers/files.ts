/** Small valid files made by hand for upload tests. */

/** A one-page PDF showing `note`; padded with PDF comments after %%EOF up to `padTo` bytes
 * (still a valid, just larger, file). */
export function pdf(note: string, padTo = 0): Buffer {
	const content = `BT /F1 12 Tf 20 100 Td (${note}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	const body = Buffer.from(out, 'latin1');
	if (padTo <= body.length) return body;
	const pad = Buffer.alloc(padTo - body.length, 0x20);
	for (let i = 0; i < pad.length; i += 80) pad[i] = 0x25; // '%'
	pad[pad.length - 1] = 0x0a;
	return Buffer.concat([body, pad]);
}
