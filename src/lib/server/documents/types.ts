/**
 * The data each official document is laid out from (issue 6). Server modules gather it from the
 * database; the layout functions (one per document) turn it into a pdfmake document definition
 * and never touch the database, so they can run in a worker thread. All strings are Vietnamese
 * as shown; dates are 'YYYY-MM-DD'.
 */

/** The issuing body and place, for the header of Decree 30/2020 (NĐ 30) documents. */
export type Issuer = {
	/** Upper line at top left, e.g. "UBND THÀNH PHỐ HUẾ" (the parent body); may be empty. */
	parent: string;
	/** The issuing body itself, bold, e.g. "SỞ Y TẾ" or "ỦY BAN NHÂN DÂN". */
	body: string;
	/** Place name for the date line, e.g. "Huế" → "Huế, ngày 20 tháng 11 năm 2026". */
	place: string;
};

/** A signature block at bottom right. */
export type Signature = {
	/** e.g. "TM. ỦY BAN NHÂN DÂN" (may be empty) */
	onBehalfOf: string;
	/** e.g. "CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG PHÒNG" */
	title: string;
	name: string;
};

/** Marks every document may carry. */
export type Marks = {
	/** "BẢN XEM TRƯỚC" watermark: a preview before the decision is signed / the certificate issued. */
	preview: boolean;
	/** The criteria set is neither verified nor confirmed: a visible "provisional" mark (TẠM TÍNH …). */
	provisional: boolean;
};

export type ScoredIndicator = {
	code: string;
	title: string;
	maxPoints: number;
	/** The commune's figure in words, e.g. "198/200 (99%)", "Có". */
	answer: string;
	/** Source and period the commune cited, e.g. "Trạm y tế · Năm 2026"; null when none. */
	source: string | null;
	/** Evidence codes backing it, e.g. ["TC01-01", "TC01-02"]. */
	evidenceCodes: string[];
	points: number | null;
};

export type ScoredCriterion = { code: string; title: string; maxPoints: number; points: number; indicators: ScoredIndicator[] };

/** 1. Báo cáo tự đánh giá (the commune's self-assessment report). */
export type SelfAssessmentReport = {
	kind: 'self_assessment';
	marks: Marks;
	issuer: Issuer; // the commune's People's Committee
	number: string | null; // e.g. "…/BC-UBND" or null for "Số:      /BC-UBND"
	date: string;
	commune: { name: string; code: string; province: string; category: string };
	round: string;
	criteriaSet: string; // e.g. "QD06-2019@1 — Bộ tiêu chí QĐ 06/QĐ-TTg"
	criteria: ScoredCriterion[];
	total: number;
	maxTotal: number;
	threshold: number;
	/** e.g. "Đạt chuẩn" (domain/terms.ts) */
	verdict: string;
	reasons: string[];
	/** What still blocks the dossier's submission (empty once complete), as the pages list it. */
	blockers: string[];
	signature: Signature;
	recipients: string[];
};

export type AppraisedRow = {
	code: string;
	title: string;
	maxPoints: number;
	selfPoints: number;
	reviewedPoints: number;
	/**
	 * "Ghi chú": the reviewer's reasons for the criterion's indicators and each return for
	 * correction that concerned them, one per line; null when there is nothing to say.
	 */
	note: string | null;
};

/** 2. Báo cáo thẩm định (the appraisal report), self and reviewed points side by side. */
export type AppraisalReport = {
	kind: 'appraisal';
	marks: Marks;
	issuer: Issuer; // the reviewing office
	number: string | null;
	date: string;
	commune: { name: string; code: string; province: string; category: string };
	round: string;
	criteriaSet: string;
	rows: AppraisedRow[];
	selfTotal: number;
	reviewedTotal: number;
	maxTotal: number;
	threshold: number;
	verdict: string;
	/** "Đề nghị công nhận" / "Đề nghị không công nhận" */
	recommendation: string;
	remarks: string;
	/** Per-indicator adjustments: "TC03.1: 100 → 95 (lý do …)" */
	adjustments: string[];
	/** Who carried out the review (named in the report; the head of the office signs it). */
	reviewer?: string | null;
	signature: Signature;
	recipients: string[];
};

export type DecisionCommune = {
	name: string;
	code: string;
	district: string | null;
	province: string;
	category: string;
	total: number;
	validFrom: string | null;
	validUntil: string | null;
};

/** 3. Quyết định công nhận / không công nhận, with its articles and the annex of communes. */
export type DecisionDocument = {
	kind: 'decision';
	marks: Marks;
	issuer: Issuer; // e.g. parent "", body "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ"
	number: string; // "15/QĐ-UBND"
	date: string;
	outcome: 'recognise' | 'not_recognise';
	/** Legal bases, each a line starting "Căn cứ …" */
	bases: string[];
	round: string;
	communes: DecisionCommune[];
	/**
	 * Optional: who carries out the decision (Điều 3), e.g. ["Chánh Văn phòng Ủy ban nhân dân
	 * thành phố", "Giám đốc Sở Y tế", "Chủ tịch Ủy ban nhân dân các xã, phường có tên tại Điều 1"].
	 * When absent or empty, Điều 3 names them generically.
	 */
	implementers?: string[];
	signature: Signature;
	recipients: string[];
};

/** 4. Giấy chứng nhận, A4 landscape, one per recognised commune. */
export type CertificateDocument = {
	kind: 'certificate';
	marks: Marks;
	/** "UBND THÀNH PHỐ HUẾ" or similar: the deciding authority, shown at the top. */
	authority: string;
	commune: { name: string; province: string };
	decision: { number: string; date: string };
	validFrom: string;
	validUntil: string;
	serial: string;
	/** The full text the QR encodes (the verification URL with the signed payload). */
	qr: string;
	/** Printed in bold under the QR code (a preview without PUBLIC_URL: "PUBLIC_URL chưa được đặt"). */
	qrNotice?: string;
	/** Short verification code printed beside the QR. */
	verificationCode: string;
	signature: Signature;
	place: string;
	date: string;
	/** Colour (decorative border) or black and white. */
	colour: boolean;
	/**
	 * The national emblem (Quốc huy), PNG or JPEG bytes, printed at the top centre; only when an
	 * administrator supplied the image (none is shipped). Never a path: the layout reads no file.
	 */
	emblem?: Uint8Array;
};

/** One thing to write down on the collection form: a figure (with room to write it) and, below it, a hint. */
export type FormFigure = {
	/** e.g. "Tử số: Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ" */
	label: string;
	/** e.g. "bằng số trẻ em dưới 1 tuổi ở Phần I"; null when none */
	hint: string | null;
	/** "%", "trẻ em", "điểm"…: printed at the end of the writing space; null when none */
	unit: string | null;
	/** a taller space (a written explanation rather than a number) */
	tall?: boolean;
};

/** One indicator on the collection form: what is measured and where to write the figures. */
export type FormIndicator = {
	code: string;
	title: string;
	/** The indicator kind in words, e.g. "Tỷ lệ (%)" */
	kindLabel: string;
	measure: string;
	guidance: string;
	/** Numbers to collect (numerator/denominator, count/population, a percentage, points…). */
	figures: FormFigure[];
	/** Boxes to tick, one to be chosen ("Có", "Không", or the levels) with their points in words; empty when none. */
	options: { label: string; points: string | null }[];
	/** The points scale in short, e.g. "≥ 98%: 50 điểm; ≥ 95%: 40 điểm"; printed small. */
	scale: string;
	maxPoints: number;
};

export type FormCriterion = { code: string; title: string; maxPoints: number; indicators: FormIndicator[] };

/**
 * 5. Phiếu thu thập số liệu: a blank form per criteria set, printed to collect the figures on
 * paper (health station, police, schools…) before they are entered. For a dossier it names the
 * commune (its People's Committee in the header) and the round; from the criteria set page the
 * commune is left blank to be written in.
 */
export type CollectionForm = {
	kind: 'collection_form';
	marks: Marks;
	/** The commune's People's Committee, or null: blank lines to write the commune in. */
	issuer: Issuer | null;
	/** The day it was printed (PDF metadata); the form's own date line is left blank. */
	date: string;
	/** For a dossier: the commune and the round, printed in the general information. */
	dossier: { commune: string; province: string; round: string } | null;
	criteriaSet: { code: string; version: number; name: string; legalReference: string };
	/** The base counts (số trẻ em dùng chung), first section of the form. */
	baseCounts: { label: string; usedBy: string[] }[];
	criteria: FormCriterion[];
	maxTotal: number;
};

export type DocumentData = SelfAssessmentReport | AppraisalReport | DecisionDocument | CertificateDocument | CollectionForm;

/** One row of a summary report's table of communes. */
export type SummaryCommune = {
	code: string;
	name: string;
	/** Only in a national report (the province of the commune); null otherwise. */
	province: string | null;
	category: string;
	selfTotal: number;
	reviewedTotal: number;
	/** The commune's state in the round ("Đã công nhận", "Đã thẩm định"…). */
	result: string;
};

/** One criterion in the summary report: how many communes are at 0, below and at the maximum. */
export type SummaryCriterion = {
	code: string;
	title: string;
	maxPoints: number;
	zero: number;
	below: number;
	max: number;
	/** Communes without a score on it yet (data incomplete). */
	pending: number;
};

/** The recognised share of a group of communes against the national targets. */
export type SummaryShare = {
	label: string;
	communes: number;
	recognised: number;
	percent: number | null;
	targets: { year: number; percent: number; reached: boolean | null }[];
};

/**
 * 6. Báo cáo kết quả đánh giá, công nhận xã, phường phù hợp với trẻ em for a round and an area
 * (a province, or the nation), from the province dashboard's figures, the board and the decisions.
 */
export type SummaryReportDocument = {
	kind: 'summary_report';
	marks: Marks;
	issuer: Issuer;
	number: string | null;
	date: string;
	/** "Thành phố Huế", or "toàn quốc" for the national report. */
	area: string;
	/** The province reported on; null for the nation. */
	areaId: number | null;
	national: boolean;
	round: { id: number; name: string; year: number; opensOn: string; closesOn: string };
	/** Assessments of the round in the area (every state). */
	total: number;
	byState: { label: string; count: number }[];
	/** Overall first, then by category. */
	shares: SummaryShare[];
	communes: SummaryCommune[];
	/** Every criterion, those holding the most communes back first. */
	criteria: SummaryCriterion[];
	decisions: { number: string; date: string; commune: string; result: string }[];
	signature: Signature;
	recipients: string[];
};

/** One group's results in the survey report (issue 15). */
export type SurveyReportGroup = {
	label: string;
	template: string;
	/** Valid responses, satisfied among them, and the share (e.g. "82,50%"). */
	base: number;
	satisfied: number;
	percent: string;
	byChannel: { label: string; count: number }[];
	excluded: number;
	questions: { code: string; text: string; counts: { label: string; count: number }[]; satisfiedPercent: string }[];
	breakdowns: { title: string; rows: { label: string; base: number; percent: string }[] }[];
};

/**
 * 7. Báo cáo kết quả khảo sát mức độ hài lòng (criterion 13): the method, the dates, the sample
 * against the target, the results per group and question, the flags and how they were treated,
 * and the provisional-questionnaire notice.
 */
export type SurveyReportDocument = {
	kind: 'survey_report';
	marks: Marks;
	issuer: Issuer;
	date: string;
	commune: string;
	round: string;
	opensOn: string;
	closesOn: string;
	method: string[];
	/** The notice that the questionnaires are provisional; null when every one is official. */
	provisionalNotice: string | null;
	sampleRule: string;
	figures: { indicator: string; title: string; base: number; satisfied: number; percent: string; target: number; suggested: number }[];
	groups: SurveyReportGroup[];
	flags: { label: string; flagged: number; accepted: number; excluded: number }[];
	flagRule: string;
	signature: Signature;
	recipients: string[];
};

/** Everything the PDF worker pool lays out. */
/** The printed matter of a satisfaction survey (laid out by survey-print.ts). */
export type SurveySlipsDocument = {
	kind: 'survey_slips';
	date: string;
	commune: string;
	groupLabel: string;
	/** Each slip: its code and the full link its QR code opens. */
	slips: { code: string; url: string }[];
	/** The page to type a code by hand, e.g. "https://…/khao-sat". */
	manualUrl: string;
	closesOn: string;
};

export type SurveyPosterDocument = {
	kind: 'survey_poster';
	date: string;
	commune: string;
	url: string;
	opensOn: string;
	closesOn: string;
	groups: string[];
};

export type SurveyPaperQuestion = { code: string; text: string; options: string[] };

export type SurveyPaperFormDocument = {
	kind: 'survey_paper_form';
	date: string;
	commune: string;
	round: string;
	provisionalNotice: string | null;
	forms: { group: string; name: string; intro: string; questions: SurveyPaperQuestion[]; ageGroups: string[]; sex: string[] }[];
};

export type SurveyPrintDocument = SurveySlipsDocument | SurveyPosterDocument | SurveyPaperFormDocument;

export type PooledDocument = DocumentData | SummaryReportDocument | SurveyReportDocument | SurveyPrintDocument;
