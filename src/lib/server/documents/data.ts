/**
 * Gathers the data of each official document from the database (the layout itself is in the
 * files beside this one and never touches the database).
 *
 * Names of offices are not facts we could check for the post-2025 structure (shared/domain/qd06.md
 * §2): the reviewing office's name is the setting REVIEW_OFFICE_NAME, and the deciding body is
 * the People's Committee of the unit the approver belongs to.
 */
import { vnDate } from '../../domain/dates.ts';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Dossier } from '../dossier/index.ts';
import { loadAppraisal } from '../reviews/index.ts';
import { RECOMMENDATION_LABELS } from '../../domain/review.ts';
import { VERDICT_LABELS } from '../../domain/scoring/index.ts';
import { COMMUNE_CATEGORY_LABELS, type CommuneCategory } from '../../domain/units.ts';
import { canIssueDecisions } from '../../domain/criteria/verification.ts';
import type { AppraisalReport, DecisionDocument, Issuer, SelfAssessmentReport, Signature } from './types.ts';

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

export function reviewOfficeIssuer(cfg: Pick<Config, 'reviewOfficeName'>, unitName: string, provinceName: string): Issuer {
	const office = cfg.reviewOfficeName;
	return { parent: `UBND ${upper(unitName)}`, body: upper(office), place: placeName(provinceName) };
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
	const appraisal = await loadAppraisal(db, a.id);
	const names = await unitNames(db, [a.commune.provinceId, a.commune.districtId]);
	const province = names.get(a.commune.provinceId ?? -1) ?? '';
	const reviewingUnit = cfg.reviewLevel === 'district' && a.commune.districtId ? (names.get(a.commune.districtId) ?? province) : province;
	const rows = dossier.criteria.map((c) => ({
		code: c.code,
		title: c.title,
		maxPoints: c.maxPoints,
		selfPoints: c.selfPoints,
		reviewedPoints: appraisal?.criteria.find((x) => x.code === c.code)?.reviewedPoints ?? c.reviewedPoints,
		note: null
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
		issuer: reviewOfficeIssuer(cfg, reviewingUnit, province),
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
		signature: { onBehalfOf: '', title: 'NGƯỜI THẨM ĐỊNH', name: appraisal?.reviewer ?? '' },
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
};

/** 3. The decision and its annex (from an issued decision, or from the form for a preview). */
export async function decisionData(db: DB, d: DecisionSource): Promise<DecisionDocument> {
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
		bases: [
			'Căn cứ Luật Tổ chức chính quyền địa phương;',
			'Căn cứ Quyết định số 06/QĐ-TTg ngày 03 tháng 01 năm 2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, trình tự đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em;',
			'Theo đề nghị của cơ quan thẩm định.'
		],
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
		preview: false
	};
}
