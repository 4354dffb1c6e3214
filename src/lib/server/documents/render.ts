/**
 * Renders the official documents to PDF with pdfmake (server side): dispatches on `data.kind` to
 * the layouts, NFC-normalises every string, sets the PDF metadata (with the creation date
 * fixed from the document date, so the same input gives the same bytes) and renders with the
 * serif font, no URL access and local file access restricted to the font files.
 *
 * No `$app/*` or `@sveltejs/kit` imports: callable from plain Node and from a worker thread.
 */
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { appraisalReport } from './appraisal.ts';
import { certificateDocument } from './certificate.ts';
import { collectionForm } from './collection-form.ts';
import { decisionDocument } from './decision.ts';
import { configurePdfmake } from './fonts.ts';
import { normalizeNfc, parseIsoDate, PDF_AUTHOR } from './layout.ts';
import { selfAssessmentReport } from './self-assessment.ts';
import type { DocumentData } from './types.ts';

/** Title and subject for the PDF metadata. */
function metadata(data: DocumentData): { title: string; subject: string } {
	const subject = 'Đánh giá, công nhận xã, phường, thị trấn phù hợp với trẻ em (QĐ 06/QĐ-TTg)';
	switch (data.kind) {
		case 'self_assessment':
			return { title: `Báo cáo kết quả tự đánh giá - ${data.commune.name} - ${data.round}`, subject };
		case 'appraisal':
			return { title: `Báo cáo thẩm định - ${data.commune.name} - ${data.round}`, subject };
		case 'decision':
			return {
				title: `Quyết định số ${data.number} về việc ${data.outcome === 'recognise' ? 'công nhận' : 'không công nhận'} xã, phường, thị trấn phù hợp với trẻ em`,
				subject
			};
		case 'certificate':
			return { title: `Giấy chứng nhận - ${data.commune.name} - Số ${data.serial}`, subject };
		case 'collection_form':
			return {
				title: `Phiếu thu thập số liệu - ${data.criteriaSet.code}@${data.criteriaSet.version}${data.dossier ? ` - ${data.dossier.commune}` : ''}`,
				subject
			};
	}
}

/** Midnight of the document date in Vietnam (UTC+7): the PDF creation date. */
function creationDate(date: string): Date {
	const { year, month, day } = parseIsoDate(date);
	return new Date(Date.UTC(year, month - 1, day) - 7 * 3600 * 1000);
}

function layout(data: DocumentData): TDocumentDefinitions {
	switch (data.kind) {
		case 'self_assessment':
			return selfAssessmentReport(data);
		case 'appraisal':
			return appraisalReport(data);
		case 'decision':
			return decisionDocument(data);
		case 'certificate':
			return certificateDocument(data);
		case 'collection_form':
			return collectionForm(data);
		default: {
			const unknown: never = data;
			throw new Error(`Loại văn bản không hỗ trợ: ${(unknown as { kind: string }).kind}`);
		}
	}
}

/**
 * The pdfmake document definition for `data`, every string in NFC, metadata set. A fresh object
 * on each call (pdfmake mutates the definition it renders).
 */
export function documentDefinition(data: DocumentData): TDocumentDefinitions {
	const input = normalizeNfc(data);
	const { title, subject } = metadata(input);
	const definition: TDocumentDefinitions = {
		...layout(input),
		language: 'vi-VN',
		info: { title, author: PDF_AUTHOR, subject, creator: PDF_AUTHOR, producer: 'pdfmake', creationDate: creationDate(input.date) }
	};
	return normalizeNfc(definition);
}

/** Renders `data` to a PDF. */
export async function renderPdf(data: DocumentData): Promise<Buffer> {
	configurePdfmake();
	return pdfmake.createPdf(documentDefinition(data)).getBuffer();
}
