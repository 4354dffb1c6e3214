/**
 * 3. Quyết định công nhận / không công nhận xã, phường, thị trấn phù hợp với trẻ em, NĐ 30
 * layout, A4 portrait: header, "QUYẾT ĐỊNH" and the subject line, the deciding authority, the
 * legal bases in italics, "QUYẾT ĐỊNH:", Điều 1–3, signature and recipients; then, on a new page,
 * the annex listing the communes (the table header repeats on every page of the annex).
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
	BODY_FONT_SIZE,
	centredRule,
	closingBlock,
	documentTitle,
	formatDateShort,
	formatDateVi,
	formatNumber,
	gridTable,
	lines,
	nd30Header,
	numberLine,
	paragraph,
	portraitDocument,
	provisionalNotice,
	upper
} from './layout.ts';
import type { DecisionCommune, DecisionDocument, Issuer, Signature } from './types.ts';

const ANNEX_FONT_SIZE = 11;
const STANDARD = 'xã, phường, thị trấn phù hợp với trẻ em';

/**
 * The deciding authority in upper case, from the issuer and the signature:
 * - "TM. …" (on behalf of the collective body): the body itself, "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ";
 * - "KT. CHỦ TỊCH" / "Q. …" / "TL. …" / "TUQ. …": the head's title the signer acts for, then the body;
 * - otherwise the signer's own title, then the body: "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ".
 */
export function decisionAuthority(issuer: Issuer, signature: Signature): string {
	const body = upper(lines(issuer.body).join(' '));
	const behalf = upper(signature.onBehalfOf);
	if (/^TM\.?\s/.test(behalf)) return body;
	const acting = /^(?:KT|Q|TL|TUQ)\.?\s+(.+)$/.exec(behalf);
	const title = acting ? acting[1].trim() : upper(signature.title);
	if (!title || body.startsWith(title)) return body;
	return `${title} ${body}`;
}

/** Ends each basis with ";" and the last one with "." (unless punctuated already). */
function basisLines(bases: string[]): string[] {
	const items = bases.map((b) => b.trim()).filter((b) => b !== '');
	return items.map((b, i) => (/[;.,:]$/.test(b) ? b : b + (i === items.length - 1 ? '.' : ';')));
}

function validity(c: DecisionCommune): string {
	if (c.validFrom && c.validUntil) return `từ ${formatDateShort(c.validFrom)}\nđến ${formatDateShort(c.validUntil)}`;
	if (c.validFrom) return `từ ${formatDateShort(c.validFrom)}`;
	if (c.validUntil) return `đến ${formatDateShort(c.validUntil)}`;
	return '';
}

/** The sentence on validity in Điều 1: shared dates spelt out, else a pointer to the annex. */
function validitySentence(communes: DecisionCommune[]): string {
	if (!communes.length) return '';
	const first = communes[0];
	const same = communes.every((c) => c.validFrom === first.validFrom && c.validUntil === first.validUntil);
	if (same && first.validFrom && first.validUntil) {
		return ` Thời hạn công nhận: từ ${formatDateVi(first.validFrom)} đến ${formatDateVi(first.validUntil)}.`;
	}
	if (communes.some((c) => c.validFrom || c.validUntil)) {
		return ' Thời hạn công nhận của từng đơn vị được ghi tại Danh sách kèm theo Quyết định này.';
	}
	return '';
}

function article(n: number, text: string): Content {
	return paragraph([{ text: `Điều ${n}. `, bold: true }, text]);
}

/**
 * "trong đợt đánh giá năm 2026": the round inside the sentence, without brackets of ours around
 * it (a round name may carry its own: "Đợt đánh giá năm 2026 (lần 2)" must not end in "…))").
 */
export function roundPhrase(round: string): string {
	const r = round.replace(/\s+/g, ' ').trim();
	if (!r) return '';
	if (/^đợt\s/iu.test(r)) return ` trong ${r.charAt(0).toLocaleLowerCase('vi')}${r.slice(1)}`;
	return ` trong đợt đánh giá ${r}`;
}

function article1(data: DecisionDocument): string {
	const n = data.communes.length;
	const round = roundPhrase(data.round);
	const which =
		n === 1
			? `${data.communes[0].name}, ${data.communes[0].province}`
			: `${formatNumber(n)} xã, phường, thị trấn có tên trong Danh sách kèm theo Quyết định này`;
	// one commune: the annex (its total and validity) is pointed to after the round, in words
	const annex = n === 1 ? ', theo Danh sách kèm theo Quyết định này' : '';
	if (data.outcome === 'recognise') {
		return `Công nhận ${which} đạt tiêu chuẩn ${STANDARD}${round}${annex}.${validitySentence(data.communes)}`;
	}
	return `Không công nhận ${which} đạt tiêu chuẩn ${STANDARD}${round}${annex}, do chưa đáp ứng đủ điều kiện theo quy định.`;
}

function article3(data: DecisionDocument): string {
	const who = (data.implementers ?? []).map((s) => s.trim()).filter((s) => s !== '');
	if (who.length) return `${who.join(', ')} chịu trách nhiệm thi hành Quyết định này.`;
	return (
		'Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan và Chủ tịch Ủy ban nhân dân các ' +
		'xã, phường, thị trấn có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.'
	);
}

function annex(data: DecisionDocument): Content {
	const recognise = data.outcome === 'recognise';
	const withDistrict = data.communes.some((c) => c.district !== null && c.district.trim() !== '');
	const widths: (number | '*')[] = [24, '*'];
	const header: string[] = ['STT', 'Xã, phường, thị trấn'];
	if (withDistrict) {
		widths.push('*');
		header.push('Quận, huyện, thị xã');
	}
	widths.push(withDistrict ? 72 : 78, withDistrict ? 96 : 118, 36);
	header.push('Tỉnh, thành phố', 'Loại đơn vị', 'Tổng điểm');
	if (recognise) {
		widths.push(70);
		header.push('Thời hạn công nhận');
	}
	const rows: TableCell[][] = data.communes.map((c, i) => {
		const row: TableCell[] = [{ text: String(i + 1), alignment: 'center' }, c.name];
		if (withDistrict) row.push(c.district ?? '');
		row.push(c.province, c.category, { text: formatNumber(c.total), alignment: 'right' });
		if (recognise) row.push({ text: validity(c), alignment: 'center' });
		return row;
	});
	const title = recognise
		? `DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN ĐƯỢC CÔNG NHẬN\nĐẠT TIÊU CHUẨN ${upper(STANDARD)}`
		: `DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN KHÔNG ĐƯỢC CÔNG NHẬN\nĐẠT TIÊU CHUẨN ${upper(STANDARD)}`;
	const stack: Content[] = [];
	if (data.marks.provisional) stack.push(provisionalNotice());
	stack.push(
		{ text: title, bold: true, fontSize: BODY_FONT_SIZE, alignment: 'center' },
		{
			text: `(Kèm theo Quyết định số ${data.number.trim() || '…'} ${formatDateVi(data.date)})`,
			italics: true,
			fontSize: BODY_FONT_SIZE,
			alignment: 'center'
		},
		centredRule(120, 4),
		{ text: '', margin: [0, 0, 0, 8] },
		gridTable(widths, header, rows, ANNEX_FONT_SIZE)
	);
	return { stack, pageBreak: 'before' };
}

export function decisionDocument(data: DecisionDocument): TDocumentDefinitions {
	const recognise = data.outcome === 'recognise';
	const header = nd30Header({
		issuer: data.issuer,
		number: numberLine(data.number, '/QĐ-UBND'),
		place: data.issuer.place,
		date: data.date
	});
	const content: Content[] = [
		documentTitle('QUYẾT ĐỊNH', [recognise ? `Về việc công nhận ${STANDARD}` : `Về việc không công nhận ${STANDARD}`]),
		{
			text: decisionAuthority(data.issuer, data.signature),
			bold: true,
			fontSize: BODY_FONT_SIZE,
			alignment: 'center',
			margin: [0, 0, 0, 10]
		},
		...basisLines(data.bases).map((b) => paragraph(b, { italics: true })),
		{ text: 'QUYẾT ĐỊNH:', bold: true, fontSize: BODY_FONT_SIZE, alignment: 'center', margin: [0, 6, 0, 10] },
		article(1, article1(data)),
		article(2, 'Quyết định này có hiệu lực kể từ ngày ký.'),
		article(3, article3(data)),
		closingBlock(data.signature, data.recipients),
		annex(data)
	];
	return portraitDocument(header, content, data.marks);
}
