/**
 * The summary report of a round (báo cáo kết quả đánh giá, công nhận xã, phường phù hợp với trẻ
 * em, issue 13) for a province or, for the accounts that see the whole country (the ministry,
 * administrators who choose no province), for the nation: as PDF (laid out in the PDF worker pool,
 * summary-report-layout.ts) and as .docx (summary-report-docx.ts).
 *
 * The figures are the dashboard's by construction: the counts, the shares and the criteria come
 * from `provinceDashboard` (for the nation: the provinces' dashboards of the same round, added
 * up); the communes from the board's own rows (`boardRows`, the same area rule) with the reviewed
 * totals stored on each assessment's row; the decisions through `loadDecision` (only the
 * communes the area holds). The issuer and the signature are the reviewing office's settings, as
 * in the appraisal report.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import type { ActorUnit, Role, RuleActor } from '../../domain/access.ts';
import { COMMUNE_CATEGORIES, COMMUNE_CATEGORY_LABELS, type CommuneCategory } from '../../domain/units.ts';
import { DASHBOARD_TARGETS, percentOf, type CriterionRow, type RecognisedShare } from '../../domain/dashboard.ts';
import { ASSESSMENT_STATES, STATE_LABELS } from '../../domain/workflow.ts';
import { canIssueDecisions } from '../../domain/criteria/verification.ts';
import { communeScope } from '../units/read.ts';
import { provinceDashboard, provincesWithAssessments, type Dashboard } from '../dashboard/index.ts';
import { boardRows, roundOverview, vnDate, type QueueRound } from '../reviews/queue.ts';
import { loadDecision } from '../decisions/index.ts';
import { criteriaSetOf } from '../criteria/index.ts';
import { loadDocumentSettings } from '../settings/index.ts';
import type { Config } from '../config.ts';
import { invalid, notFound } from '../errors.ts';
import { reviewOfficeIssuer } from './data.ts';
import { renderInPool } from './pool.ts';
import type { SummaryCommune, SummaryCriterion, SummaryReportDocument, SummaryShare } from './types.ts';

export type SummaryReportActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level' | 'name'> | null };

const id = z.number().int().positive().max(2_147_483_647);
export const summaryReportOptionsSchema = z.object({ roundId: id.optional(), provinceId: id.optional() }).strict();
export type SummaryReportOptions = z.infer<typeof summaryReportOptionsSchema>;

/** Shorter category names for the table of communes (the shares table spells them out). */
export const CATEGORY_SHORT: Record<CommuneCategory, string> = {
	urban_ward: 'Phường đô thị',
	disadvantaged: 'Xã miền núi, hải đảo, ĐBKK',
	standard: 'Xã, phường còn lại'
};

const OUTCOME_LABELS = { recognise: 'Công nhận', not_recognise: 'Không công nhận' } as const;

/** The national figures: the provinces' dashboards of the same round, added up. */
function addUp(dashboards: Dashboard[]): Pick<Dashboard, 'byState' | 'shares' | 'criteria' | 'unverified'> {
	const byState = ASSESSMENT_STATES.map((state) => ({
		state,
		label: STATE_LABELS[state],
		count: dashboards.reduce((n, d) => n + (d.byState.find((s) => s.state === state)?.count ?? 0), 0)
	}));
	const keys: RecognisedShare['key'][] = ['all', ...COMMUNE_CATEGORIES];
	const shares: RecognisedShare[] = keys.map((key) => {
		const mine = dashboards.map((d) => d.shares.find((s) => s.key === key)).filter((s): s is RecognisedShare => !!s);
		const communes = mine.reduce((n, s) => n + s.communes, 0);
		const recognised = mine.reduce((n, s) => n + s.recognised, 0);
		const percent = percentOf(recognised, communes);
		return {
			key,
			label: key === 'all' ? 'Tất cả' : COMMUNE_CATEGORY_LABELS[key],
			communes,
			recognised,
			percent,
			targets: DASHBOARD_TARGETS.map((t) => ({ ...t, reached: percent === null ? null : percent >= t.percent }))
		};
	});
	const criteria = new Map<string, CriterionRow>();
	for (const d of dashboards)
		for (const c of d.criteria) {
			const e = criteria.get(c.code);
			if (!e) {
				criteria.set(c.code, { ...c });
				continue;
			}
			e.zero += c.zero;
			e.below += c.below;
			e.max += c.max;
			e.pending += c.pending;
			e.scored += c.scored;
		}
	for (const e of criteria.values()) {
		e.zeroPercent = percentOf(e.zero, e.scored);
		e.belowPercent = percentOf(e.below, e.scored);
		e.maxPercent = percentOf(e.max, e.scored);
	}
	return { byState, shares, criteria: [...criteria.values()], unverified: dashboards.some((d) => d.unverified) };
}

/** The criteria holding the most communes back first (as the dashboard's `mostHeldBack`), then the rest in order. */
function criteriaOrder(rows: CriterionRow[]): SummaryCriterion[] {
	const order = new Map(rows.map((r, i) => [r.code, i]));
	return [...rows]
		.sort((a, b) => b.zero - a.zero || b.below - a.below || order.get(a.code)! - order.get(b.code)!)
		.map((r) => ({ code: r.code, title: r.title, maxPoints: r.maxPoints, zero: r.zero, below: r.below, max: r.max, pending: r.pending }));
}

/** Whether the round's criteria set is provisional (not verified, not confirmed): the TẠM TÍNH mark. */
async function provisional(db: DB, roundId: number): Promise<boolean> {
	const s = await db
		.selectFrom('round as r')
		.innerJoin('criteria_set as s', 's.id', 'r.criteria_set_id')
		.leftJoin('account as sc', 'sc.id', 's.confirmed_by')
		.select(['s.id', 's.status', 's.updated_at', 's.confirmed_at', 'sc.full_name'])
		.where('r.id', '=', roundId)
		.executeTakeFirst();
	if (!s) return false;
	const set = await criteriaSetOf(db, {
		id: s.id,
		status: s.status,
		updatedAt: s.updated_at,
		confirmedAt: s.confirmed_at,
		confirmedBy: s.full_name
	});
	return !canIssueDecisions(set, set.confirmation);
}

/**
 * The summary report's data for `actor`: the round chosen (else the newest in the area) and the
 * area of the dashboard (the actor's own; with a nation-wide scope, the province chosen or the
 * nation). `today` is for the tests.
 */
export async function summaryReportData(
	db: DB,
	actor: SummaryReportActor,
	opts: SummaryReportOptions = {},
	today: string = vnDate(new Date()),
	cfg?: Pick<Config, 'reviewOfficeName'>
): Promise<SummaryReportDocument> {
	const o = summaryReportOptionsSchema.safeParse(opts);
	if (!o.success) throw invalid('Đợt đánh giá hoặc tỉnh không hợp lệ.');
	const { roundId, provinceId } = o.data;
	const scope = communeScope(actor, 'dashboard.read');
	if (scope.kind === 'none') throw notFound('Không có dữ liệu trong địa bàn của bạn.');
	const national = scope.kind === 'all' && provinceId === undefined;

	let figures: Pick<Dashboard, 'byState' | 'shares' | 'criteria' | 'unverified'>;
	let round: QueueRound;
	let area: { id: number; name: string } | null;
	/** Who reads the board and the decisions: the area as its province officer reads it, or the actor. */
	let reader: RuleActor;
	if (national) {
		const overview = await roundOverview(db, actor, { roundId }, today);
		if (!overview.round) throw notFound('Chưa có đợt đánh giá nào.');
		round = overview.round;
		const dashboards: Dashboard[] = [];
		for (const p of await provincesWithAssessments(db)) {
			const d = await provinceDashboard(db, actor, { roundId: round.id, provinceId: p.id }, today);
			if (d.round?.id === round.id) dashboards.push(d);
		}
		figures = addUp(dashboards);
		area = null;
		reader = actor;
	} else {
		const d = await provinceDashboard(db, actor, { roundId, provinceId }, today);
		if (scope.kind === 'all' && d.area?.id !== provinceId) throw notFound('Không tìm thấy tỉnh có hồ sơ đánh giá.');
		if (!d.round || !d.area) throw notFound('Chưa có đợt đánh giá nào trong địa bàn.');
		if (roundId !== undefined && d.round.id !== roundId) throw notFound('Không tìm thấy đợt đánh giá trong địa bàn.');
		round = d.round;
		figures = d;
		area = d.area;
		reader = scope.kind === 'all' ? { role: 'province_officer', unit: { id: d.area.id, level: 'province' } } : actor;
	}

	// the communes: the board's rows (the same area rule), with the figures stored on each row
	const board = await boardRows(db, reader, { roundId: round.id, sort: 'commune', dir: 'asc' }, today);
	const ids = board.rows.map((r) => r.id);
	const stored = new Map<number, { category: CommuneCategory; reviewed: number; province: string | null; provinceCode: string | null }>();
	for (let i = 0; i < ids.length; i += 5000) {
		const rows = await db
			.selectFrom('assessment as a')
			.leftJoin('admin_unit as p', 'p.id', 'a.province_id')
			.select(['a.id', 'a.category', 'a.reviewed_total', 'p.name as province', 'p.code as province_code'])
			.where('a.id', 'in', ids.slice(i, i + 5000))
			.execute();
		for (const r of rows)
			stored.set(r.id, {
				category: r.category as CommuneCategory,
				reviewed: r.reviewed_total,
				province: r.province ?? null,
				provinceCode: r.province_code ?? null
			});
	}
	// the nation: by province (by code), then in the board's order
	const rowsInOrder = national
		? board.rows
				.map((r, i) => ({ r, i }))
				.sort((a, b) => {
					const pa = stored.get(a.r.id)?.provinceCode ?? '';
					const pb = stored.get(b.r.id)?.provinceCode ?? '';
					return pa < pb ? -1 : pa > pb ? 1 : a.i - b.i;
				})
				.map((x) => x.r)
		: board.rows;
	const communes: SummaryCommune[] = rowsInOrder.map((r) => {
		const s = stored.get(r.id);
		return {
			code: r.communeCode,
			name: r.communeName,
			province: national ? (s?.province ?? '') : null,
			category: s ? CATEGORY_SHORT[s.category] : '',
			selfTotal: r.total,
			reviewedTotal: s?.reviewed ?? r.total,
			result: r.stateLabel
		};
	});

	// the decisions of the round covering a commune of the area (their items in the area only)
	let dq = db.selectFrom('decision as d').select(['d.id']).where('d.round_id', '=', round.id);
	if (area)
		dq = dq.where((eb) =>
			eb.exists(
				eb
					.selectFrom('decision_item as i')
					.innerJoin('admin_unit as c', 'c.id', 'i.commune_id')
					.select('i.id')
					.whereRef('i.decision_id', '=', 'd.id')
					.where('c.province_id', '=', area.id)
			)
		);
	const decisionIds = await dq.orderBy('d.issued_on').orderBy('d.id').execute();
	const decisions: SummaryReportDocument['decisions'] = [];
	for (const { id: decisionId } of decisionIds) {
		const v = await loadDecision(db, reader, decisionId);
		if (!v) continue;
		for (const item of v.items)
			decisions.push({
				number: v.number,
				date: v.issuedOn,
				commune: `${item.communeName} (${item.communeCode})`,
				result: OUTCOME_LABELS[v.outcome] + (item.revocation ? ' (đã thu hồi)' : '')
			});
	}

	const settings = await loadDocumentSettings(db, ...(cfg ? [cfg] : []));
	const office = settings.reviewOffice.value;
	const shares: SummaryShare[] = figures.shares.map((s) => ({
		label: s.key === 'all' ? 'Tất cả các xã, phường' : s.label,
		communes: s.communes,
		recognised: s.recognised,
		percent: s.percent,
		targets: s.targets.map((t) => ({ year: t.year, percent: t.percent, reached: t.reached }))
	}));
	return {
		kind: 'summary_report',
		marks: { preview: false, provisional: await provisional(db, round.id) },
		issuer: area
			? reviewOfficeIssuer(office, area.name, area.name)
			: { parent: '', body: office.name.normalize('NFC').toLocaleUpperCase('vi'), place: '' },
		number: null,
		date: today,
		area: area?.name ?? 'Toàn quốc',
		areaId: area?.id ?? null,
		national,
		round: { id: round.id, name: round.name, year: round.year, opensOn: round.opensOn, closesOn: round.closesOn },
		total: figures.byState.reduce((n, s) => n + s.count, 0),
		byState: figures.byState.map((s) => ({ label: s.label, count: s.count })),
		shares,
		communes,
		criteria: criteriaOrder(figures.criteria),
		decisions,
		// signed by the head of the reviewing office (the setting's title), as the appraisal report
		signature: { onBehalfOf: '', title: office.headTitle, name: '' },
		recipients: national
			? ['Bộ, cơ quan ngang Bộ có liên quan;', 'Lưu: VT.']
			: [`Ủy ban nhân dân ${area?.name ?? ''};`, 'Các xã, phường có tên trong báo cáo;', 'Lưu: VT.']
	};
}

/** The summary report as a PDF, laid out in the PDF worker pool. */
export async function summaryReportPdf(
	db: DB,
	actor: SummaryReportActor,
	opts: SummaryReportOptions = {},
	today?: string
): Promise<Buffer> {
	return renderInPool(await summaryReportData(db, actor, opts, today));
}

/** A file name for the report: "bao-cao-ket-qua-2026-thanh-pho-hue.pdf". */
export function summaryReportFileName(data: SummaryReportDocument, ext: 'pdf' | 'docx'): string {
	const slug = (data.national ? 'toan-quoc' : data.area)
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[đĐ]/g, 'd')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return `bao-cao-ket-qua-${data.round.year}-${slug || 'dia-ban'}.${ext}`;
}
