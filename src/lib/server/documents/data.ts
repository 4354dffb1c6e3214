/**
 * Gathers the data of each official document from the database (the layout itself is in the
 * files beside this one and never touches the database).
 *
 * Names of offices are not facts we could check for the post-2025 structure (shared/domain/qd06.md
 * §2): the reviewing office's name and its head's title are settings an administrator corrects
 * (settings/index.ts; by default REVIEW_OFFICE_NAME), and the deciding body is the People's
 * Committee of the unit the approver belongs to. The decision's legal bases are a setting too,
 * kept with each decision when it is issued (`decision_wording`).
 */
import { sql } from 'kysely';
import { vnDate, viDate } from '../../domain/dates.ts';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Dossier } from '../dossier/index.ts';
import { loadAppraisal } from '../reviews/index.ts';
import { RECOMMENDATION_LABELS } from '../../domain/review.ts';
import { VERDICT_LABELS } from '../../domain/scoring/index.ts';
import { COMMUNE_CATEGORY_LABELS, type CommuneCategory } from '../../domain/units.ts';
import { canIssueDecisions } from '../../domain/criteria/verification.ts';
import type { AppraisalReport, DecisionDocument, Issuer, SelfAssessmentReport, Signature } from './types.ts';
import { decisionWording, loadDocumentSettings, type DecisionWording, type ReviewOffice } from '../settings/index.ts';
import type { CorrectionItem } from '../db/schema.ts';

export const today = () => vnDate();

/** "Thành phố Huế" → "Huế", "Tỉnh Quảng Trị" → "Quảng Trị" (the place on the date line). */
export function placeName(unitName: string): string {
	return unitName.replace(/^(Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Đặc khu)\s+/u, '');
}

const upper = (s: string) => s.normalize('NFC').toLocaleUpperCase('vi');

/** The People's Committee of a unit, as an issuer: "ỦY BAN NHÂN DÂN" over the unit's name. */
export function committeeIssuer(unitName: string, provinceName: string): Issuer {
	return { parent: '', body: `ỦY BAN NHÂN DÂN\n${upper(unitName)}`, place: placeName(provinceName) };
}

export function reviewOfficeIssuer(office: Pick<ReviewOffice, 'name'>, unitName: string, provinceName: string): Issuer {
	return { parent: `UBND ${upper(unitName)}`, body: upper(office.name), place: placeName(provinceName) };
}

/** A note in the appraisal's "Ghi chú" column is cut at this many characters (the full text is in the app). */
const NOTE_MAX = 240;
const clip = (s: string) => {
	const t = s.normalize('NFC').replace(/\s+/g, ' ').trim();
	return t.length > NOTE_MAX ? `${t.slice(0, NOTE_MAX - 1).trimEnd()}…` : t;
};

/** Every correction request of an assessment (when it was returned and what was asked), oldest first. */
async function correctionHistory(db: DB, assessmentId: number): Promise<{ createdAt: Date; items: CorrectionItem[] }[]> {
	const rows = await db
		.selectFrom('correction_request')
		.select(['created_at', 'items'])
		.where('assessment_id', '=', assessmentId)
		.orderBy('id')
		.execute();
	return rows.map((r) => ({ createdAt: new Date(r.created_at), items: r.items }));
}

/**
 * The "Ghi chú" of one criterion in the appraisal report: the reviewer's reason for each of its
 * indicators whose points were set or that was asked to be supplemented, then each time the
 * dossier was returned for them ("Trả bổ sung 12/11/2026: TC03.1 – …").
 */
export function criterionNote(
	indicatorCodes: string[],
	reviewItems: Map<string, { reason: string | null; request: string | null }>,
	returns: { createdAt: Date; items: CorrectionItem[] }[]
): string | null {
	const codes = new Set(indicatorCodes);
	const lines: string[] = [];
	for (const code of indicatorCodes) {
		const item = reviewItems.get(code);
		const reason = item?.reason?.trim();
		if (reason) lines.push(`${code}: ${clip(reason)}`);
		const request = item?.request?.trim();
		if (request && request !== reason) lines.push(`${code} (cần bổ sung): ${clip(request)}`);
	}
	for (const r of returns) {
		const asked = r.items.filter((i) => codes.has(i.indicatorCode));
		if (asked.length === 0) continue;
		const what = asked.map((i) => (i.request?.trim() ? `${i.indicatorCode} – ${clip(i.request)}` : i.indicatorCode)).join('; ');
		lines.push(`Trả bổ sung ${viDate(vnDate(r.createdAt))}: ${what}`);
	}
	return lines.length ? lines.join('\n') : null;
}

async function unitNames(db: DB, ids: (number | null)[]): Promise<Map<number, string>> {
	const list = ids.filter((i): i is number => i !== null);
	if (list.length === 0) return new Map();
	const rows = await db.selectFrom('admin_unit').select(['id', 'name']).where('id', 'in', list).execute();
	return new Map(rows.map((r) => [r.id, r.name]));
}

function criteriaSetLabel(set: { code: string; version: number; name: string }) {
	return `${set.code}@${set.version} — ${set.name}`;
}

/** 1. The commune's self-assessment report, from the dossier as it stands. */
export async function selfAssessmentData(db: DB, dossier: Dossier): Promise<SelfAssessmentReport> {
	const a = dossier.assessment;
	const names = await unitNames(db, [a.commune.provinceId]);
	const province = names.get(a.commune.provinceId ?? -1) ?? '';
	const codeOf = new Map(dossier.evidence.map((e) => [e.id, e.code]));
	const chair = await db
		.selectFrom('account')
		.select('full_name')
		.where('unit_id', '=', a.commune.id)
		.where('role', '=', 'commune_chair')
		.where('active', '=', true)
		.orderBy('id')
		.executeTakeFirst();
	return {
		kind: 'self_assessment',
		marks: {
			preview: a.state === 'draft' || a.state === 'returned',
			provisional: !canIssueDecisions(dossier.set, dossier.set.confirmation)
		},
		issuer: committeeIssuer(a.commune.name, province),
		number: null,
		date: today(),
		commune: { name: a.commune.name, code: a.commune.code, province, category: COMMUNE_CATEGORY_LABELS[a.category] },
		round: a.round.name,
		criteriaSet: criteriaSetLabel(dossier.set),
		criteria: dossier.criteria.map((c) => ({
			code: c.code,
			title: c.title,
			maxPoints: c.maxPoints,
			points: c.selfPoints,
			indicators: c.indicators.map((i) => ({
				code: i.code,
				title: i.title,
				maxPoints: i.maxPoints,
				answer: i.summary,
				source: i.source,
				evidenceCodes: [...new Set(i.evidenceIds.map((id) => codeOf.get(id)).filter((x): x is string => !!x))].sort(),
				points: i.selfPoints
			}))
		})),
		total: dossier.self.total,
		maxTotal: dossier.self.maxTotal,
		threshold: dossier.self.threshold,
		verdict: VERDICT_LABELS[dossier.self.verdict],
		reasons: dossier.self.reasons,
		blockers: dossier.blockers.map((b) => b.message),
		signature: { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', name: chair?.full_name ?? '' },
		recipients: ['Cấp thẩm định;', 'Lưu: VT.']
	};
}

/** 2. The appraisal report (a preview until the appraisal is recorded). */
export async function appraisalData(
	db: DB,
	cfg: Pick<Config, 'reviewLevel' | 'reviewOfficeName'>,
	dossier: Dossier
): Promise<AppraisalReport> {
	const a = dossier.assessment;
	const [appraisal, settings, returns] = await Promise.all([
		loadAppraisal(db, a.id),
		loadDocumentSettings(db, cfg),
		correctionHistory(db, a.id)
	]);
	const office = settings.reviewOffice.value;
	const names = await unitNames(db, [a.commune.provinceId, a.commune.districtId]);
	const province = names.get(a.commune.provinceId ?? -1) ?? '';
	const reviewingUnit = cfg.reviewLevel === 'district' && a.commune.districtId ? (names.get(a.commune.districtId) ?? province) : province;
	const rows = dossier.criteria.map((c) => ({
		code: c.code,
		title: c.title,
		maxPoints: c.maxPoints,
		selfPoints: c.selfPoints,
		reviewedPoints: appraisal?.criteria.find((x) => x.code === c.code)?.reviewedPoints ?? c.reviewedPoints,
		note: criterionNote(
			c.indicators.map((i) => i.code),
			dossier.reviewItems,
			returns
		)
	}));
	const adjustments: string[] = [];
	for (const c of dossier.criteria)
		for (const i of c.indicators) {
			const item = dossier.reviewItems.get(i.code);
			if (item?.points !== null && item?.points !== undefined && item.points !== i.selfPoints) {
				adjustments.push(`${i.code}: ${i.selfPoints ?? '—'} → ${item.points}${item.reason ? ` (${item.reason})` : ''}`);
			}
		}
	return {
		kind: 'appraisal',
		marks: { preview: appraisal === null, provisional: !canIssueDecisions(dossier.set, dossier.set.confirmation) },
		issuer: reviewOfficeIssuer(office, reviewingUnit, province),
		number: null,
		date: appraisal ? vnDate(appraisal.createdAt) : today(),
		commune: { name: a.commune.name, code: a.commune.code, province, category: COMMUNE_CATEGORY_LABELS[a.category] },
		round: a.round.name,
		criteriaSet: criteriaSetLabel(dossier.set),
		rows,
		selfTotal: dossier.self.total,
		reviewedTotal: appraisal?.reviewedTotal ?? dossier.reviewed.total,
		maxTotal: dossier.self.maxTotal,
		threshold: dossier.self.threshold,
		verdict: VERDICT_LABELS[(appraisal?.reviewedVerdict ?? dossier.reviewed.verdict) as keyof typeof VERDICT_LABELS] ?? '',
		recommendation: appraisal ? RECOMMENDATION_LABELS[appraisal.recommendation] : 'Chưa kết luận',
		remarks: appraisal?.remarks ?? '',
		adjustments,
		reviewer: appraisal?.reviewer ?? null,
		// signed by the head of the reviewing office (the setting's title), not by the reviewer
		signature: { onBehalfOf: '', title: office.headTitle, name: '' },
		recipients: ['Lãnh đạo ra quyết định;', `UBND ${a.commune.name};`, 'Lưu: VT.']
	};
}

export type DecisionSource = {
	number: string;
	issuedOn: string;
	outcome: 'recognise' | 'not_recognise';
	signerName: string;
	signerTitle: string;
	issuingUnitId: number;
	roundName: string;
	items: { communeId: number; category: string; total: number; validFrom: string | null; validUntil: string | null }[];
	preview: boolean;
	/** The legal bases and the proposer it was issued with; absent: the settings in force (a preview). */
	wording?: DecisionWording;
};

/** The legal bases of a decision, then "Theo đề nghị của …". */
export function decisionBases(wording: DecisionWording): string[] {
	return [...wording.legalBases, `Theo đề nghị của ${wording.proposer}.`];
}

/** 3. The decision and its annex (from an issued decision, or from the form for a preview). */
export async function decisionData(db: DB, d: DecisionSource): Promise<DecisionDocument> {
	const wording = d.wording ?? decisionWording(await loadDocumentSettings(db));
	const communes = d.items.length
		? await db
				.selectFrom('admin_unit')
				.select(['id', 'code', 'name', 'district_id', 'province_id'])
				.where(
					'id',
					'in',
					d.items.map((i) => i.communeId)
				)
				.execute()
		: [];
	const names = await unitNames(db, [d.issuingUnitId, ...communes.flatMap((c) => [c.district_id, c.province_id])]);
	const issuing = names.get(d.issuingUnitId) ?? '';
	const issuingUnit = await db
		.selectFrom('admin_unit')
		.select(['province_id', 'level'])
		.where('id', '=', d.issuingUnitId)
		.executeTakeFirst();
	const province = issuingUnit?.level === 'province' ? issuing : (names.get(issuingUnit?.province_id ?? -1) ?? issuing);
	const byId = new Map(communes.map((c) => [c.id, c]));
	return {
		kind: 'decision',
		marks: { preview: d.preview, provisional: false },
		issuer: committeeIssuer(issuing, province),
		number: d.number,
		date: d.issuedOn,
		outcome: d.outcome,
		bases: decisionBases(wording),
		round: d.roundName,
		communes: d.items
			.map((i) => {
				const c = byId.get(i.communeId);
				return {
					name: c?.name ?? '',
					code: c?.code ?? '',
					district: c?.district_id ? (names.get(c.district_id) ?? null) : null,
					province: names.get(c?.province_id ?? -1) ?? '',
					category: COMMUNE_CATEGORY_LABELS[i.category as CommuneCategory] ?? i.category,
					total: i.total,
					validFrom: i.validFrom,
					validUntil: i.validUntil
				};
			})
			.sort((a, b) => a.code.localeCompare(b.code)),
		signature: signatureOf(d.signerTitle, d.signerName),
		recipients: ['Như Điều 3;', 'Lưu: VT.']
	};
}

/** "Chủ tịch" → TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; "Phó Chủ tịch" → KT. CHỦ TỊCH / PHÓ CHỦ TỊCH. */
export function signatureOf(title: string, name: string): Signature {
	const t = upper(title.trim());
	if (t.startsWith('PHÓ CHỦ TỊCH')) return { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH', title: t, name };
	return { onBehalfOf: 'TM. ỦY BAN NHÂN DÂN', title: t, name };
}

/** The decision as stored, ready for `decisionData`. */
export async function storedDecisionSource(db: DB, decisionId: number): Promise<DecisionSource | undefined> {
	const d = await db
		.selectFrom('decision as d')
		.innerJoin('round as r', 'r.id', 'd.round_id')
		.select(['d.number', 'd.issued_on', 'd.outcome', 'd.signer_name', 'd.signer_title', 'd.issuing_unit_id', 'r.name as round_name'])
		.where('d.id', '=', decisionId)
		.executeTakeFirst();
	if (!d) return undefined;
	const items = await db
		.selectFrom('decision_item')
		.select(['commune_id', 'category', 'reviewed_total', 'valid_from', 'valid_until'])
		.where('decision_id', '=', decisionId)
		.execute();
	// the wording it was issued with; a decision issued before it was kept: the settings in force
	const kept = (
		await sql<{ legal_bases: string[]; proposer: string }>`
			select legal_bases, proposer from decision_wording where decision_id = ${decisionId}`.execute(db)
	).rows[0];
	const wording = kept ? { legalBases: kept.legal_bases, proposer: kept.proposer } : decisionWording(await loadDocumentSettings(db));
	return {
		number: d.number,
		issuedOn: d.issued_on,
		outcome: d.outcome,
		signerName: d.signer_name,
		signerTitle: d.signer_title,
		issuingUnitId: d.issuing_unit_id,
		roundName: d.round_name,
		items: items.map((i) => ({
			communeId: i.commune_id,
			category: i.category,
			total: i.reviewed_total,
			validFrom: i.valid_from,
			validUntil: i.valid_until
		})),
		preview: false,
		wording
	};
}
