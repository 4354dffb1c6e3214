/**
 * The score matrix (issue 13) for one round and one area as .xlsx: a first sheet "Tổng hợp" with
 * one row per commune (the totals and verdicts stored on each assessment's row, self-assessed and
 * reviewed), then "Ma trận điểm" in long format, one row per commune × indicator (good for pivot
 * tables): the commune's figures as entered, the source and period it recorded, the self-assessed
 * points, the reviewed points (blank where the reviewing level has not reviewed the indicator)
 * and the indicator's maximum.
 *
 * The stored answers and the reviewer's points are read by one query for the round and area
 * (no per-commune query) and scored in memory by the domain's scoring engine, as the dashboard
 * does (server/dashboard). Area rules: the dashboard's (`dashboard.read`, the actor's area);
 * administrators choose a province, or the whole nation without one; the command line passes
 * its area directly.
 *
 * Reviewed points of an indicator: the reviewed score's points (R10: the reviewer's points in
 * place of the computed ones) where the reviewing level has an item for it with points set or
 * accepted; blank otherwise.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { ActorUnit, Role } from '../../domain/access.ts';
import type { AssessmentState } from '../../domain/workflow.ts';
import { STATE_LABELS } from '../../domain/workflow.ts';
import { COMMUNE_CATEGORY_LABELS, type CommuneCategory } from '../../domain/units.ts';
import type { CriteriaSet, Indicator } from '../../domain/criteria/index.ts';
import { INDICATOR_KIND_LABELS } from '../../domain/criteria/schema.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { readStoredAnswers, score, VERDICT_LABELS, type IndicatorStatus, type Verdict } from '../../domain/scoring/index.ts';
import { reviewedPoints } from '../../domain/dossier.ts';
import { criteriaSetOf } from '../criteria/index.ts';
import { communeScope } from '../units/read.ts';
import { AppError, notFound } from '../errors.ts';
import type { Column, XlsxWriter } from './xlsx.ts';

/** Where the export reads: the whole nation, or the communes whose `column` equals `value`. */
export type ExportArea =
	| { kind: 'nation'; name: string; code: null }
	| { kind: 'match'; column: 'id' | 'district_id' | 'province_id'; value: number; name: string; code: string | null };

type AreaActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level' | 'name'> | null };

export const NATION = 'Toàn quốc';

/** A province by id or code (either era), or "not found". */
export async function provinceArea(db: DB, ref: { id: number } | { code: string }): Promise<ExportArea> {
	let q = db.selectFrom('admin_unit').select(['id', 'code', 'name']).where('level', '=', 'province');
	q = 'id' in ref ? q.where('id', '=', ref.id) : q.where('code', '=', ref.code);
	const p = await q.orderBy('id', 'desc').executeTakeFirst();
	if (!p) throw notFound('Không tìm thấy tỉnh, thành phố.');
	return { kind: 'match', column: 'province_id', value: p.id, name: p.name, code: p.code };
}

/**
 * The area `actor` may export for `dashboard.read`: its own (province, district or commune);
 * an administrator the chosen province, or the whole nation when none is chosen.
 */
export async function exportArea(db: DB, actor: AreaActor, provinceId?: number): Promise<ExportArea> {
	const scope = communeScope(actor, 'dashboard.read');
	if (scope.kind === 'none') throw new AppError('forbidden', 'Bạn không có quyền thực hiện thao tác này.');
	if (scope.kind === 'all') return provinceId ? provinceArea(db, { id: provinceId }) : { kind: 'nation', name: NATION, code: null };
	const unit = actor.unit ? await db.selectFrom('admin_unit').select('code').where('id', '=', actor.unit.id).executeTakeFirst() : undefined;
	return { kind: 'match', column: scope.column, value: scope.value, name: actor.unit?.name ?? '', code: unit?.code ?? null };
}

export type ExportRound = { id: number; name: string; year: number };

/** The round `roundId` ("not found" if none), or the newest round with assessments in the area. */
export async function exportRound(db: DB, area: ExportArea, roundId?: number): Promise<ExportRound | null> {
	let q = db.selectFrom('round as r').select(['r.id', 'r.name', 'r.year']);
	if (roundId !== undefined) {
		const r = await q.where('r.id', '=', roundId).executeTakeFirst();
		if (!r) throw notFound('Không tìm thấy đợt đánh giá.');
		return r;
	}
	q = q.where((eb) => {
		let sub = eb
			.selectFrom('assessment as a')
			.select(sql`1`.as('x'))
			.whereRef('a.round_id', '=', 'r.id');
		if (area.kind === 'match') sub = sub.where(`a.${area.column}`, '=', area.value);
		return eb.exists(sub);
	});
	return (await q.orderBy('r.year', 'desc').orderBy('r.id', 'desc').executeTakeFirst()) ?? null;
}

type MatrixRow = {
	id: number;
	state: AssessmentState;
	category: CommuneCategory;
	criteria_set_id: number;
	self_total: number;
	self_verdict: Verdict;
	reviewed_total: number;
	reviewed_verdict: Verdict;
	commune_code: string;
	commune_name: string;
	province_code: string | null;
	province_name: string | null;
	answers: Record<string, unknown> | string;
	review: { indicatorCode: string; points: number | null; status: string }[] | string;
};

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/**
 * One query: the round's assessments in the area with their commune, stored figures, answers and
 * review items. The answers and items come as JSON text, parsed one commune at a time while
 * writing: a national export then holds 3,321 strings rather than some 90,000 objects.
 */
async function matrixRows(db: DB, roundId: number, area: ExportArea): Promise<MatrixRow[]> {
	let where = sql`a.round_id = ${roundId}`;
	if (area.kind === 'match') where = sql`${where} and ${sql.ref(`a.${area.column}`)} = ${area.value}`;
	return (
		await sql<MatrixRow>`
			select a.id, a.state, a.category, a.criteria_set_id, a.self_total, a.self_verdict, a.reviewed_total, a.reviewed_verdict,
				c.code as commune_code, c.name as commune_name, p.code as province_code, p.name as province_name,
				coalesce((select json_object_agg(x.indicator_code, x.answer) from assessment_answer x where x.assessment_id = a.id), '{}')::text as answers,
				coalesce((select json_agg(json_build_object('indicatorCode', v.indicator_code, 'points', v.points, 'status', v.status))
					from review_item v where v.assessment_id = a.id), '[]')::text as review
			from assessment a
			join admin_unit c on c.id = a.commune_id
			left join admin_unit p on p.id = a.province_id
			where ${where}
			order by p.code, (c.sort_key collate "C"), c.code`.execute(db)
	).rows;
}

export const SUMMARY_COLUMNS: Column[] = [
	{ header: 'Tỉnh, thành phố', width: 22 },
	{ header: 'Mã xã', width: 9 },
	{ header: 'Tên xã', width: 26 },
	{ header: 'Loại xã', width: 22 },
	{ header: 'Trạng thái', width: 20 },
	{ header: 'Ngưỡng', kind: 'int', width: 9 },
	{ header: 'Điểm tối đa', kind: 'int', width: 10 },
	{ header: 'Tổng điểm tự đánh giá', kind: 'int', width: 12 },
	{ header: 'Kết luận tự đánh giá', width: 24 },
	{ header: 'Tổng điểm thẩm định', kind: 'int', width: 12 },
	{ header: 'Kết luận thẩm định', width: 24 }
];

export const MATRIX_COLUMNS: Column[] = [
	{ header: 'Tỉnh, thành phố', width: 22 },
	{ header: 'Mã xã', width: 9 },
	{ header: 'Tên xã', width: 26 },
	{ header: 'Loại xã', width: 22 },
	{ header: 'Trạng thái', width: 20 },
	{ header: 'Mã tiêu chí', width: 9 },
	{ header: 'Tiêu chí', width: 40 },
	{ header: 'Mã chỉ tiêu', width: 10 },
	{ header: 'Chỉ tiêu', width: 50 },
	{ header: 'Loại số liệu', width: 16 },
	{ header: 'Tử số / số trường hợp', kind: 'int', width: 12 },
	{ header: 'Mẫu số / dân số', kind: 'int', width: 12 },
	{ header: 'Tỷ lệ khảo sát (%)', kind: 'number', width: 11 },
	{ header: 'Có/Không', width: 9 },
	{ header: 'Mức', width: 22 },
	{ header: 'Giải trình (chấm trực tiếp)', width: 30 },
	{ header: 'Giá trị tính điểm', width: 14 },
	{ header: 'Tình trạng số liệu', width: 24 },
	{ header: 'Nguồn số liệu', width: 28 },
	{ header: 'Kỳ số liệu', width: 14 },
	{ header: 'Điểm tự đánh giá', kind: 'int', width: 11 },
	{ header: 'Điểm thẩm định', kind: 'int', width: 11 },
	{ header: 'Điểm tối đa', kind: 'int', width: 10 }
];

const STATUS_LABELS: Record<IndicatorStatus, string> = { answered: 'Đã nhập', unanswered: 'Chưa nhập', invalid: 'Không hợp lệ' };

/** "Đã nhập", "Chưa nhập", or "Không hợp lệ: <lý do>" (a reason that only repeats the status is left out). */
const statusText = (status: IndicatorStatus, reason: string | null): string =>
	reason && status !== 'unanswered' && reason !== STATUS_LABELS[status] ? `${STATUS_LABELS[status]}: ${reason}` : STATUS_LABELS[status];

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The figure columns (tử số … giải trình) of one stored answer, as the commune entered it. */
export function figureCells(indicator: Indicator, stored: unknown): (string | number | null)[] {
	const a = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
	switch (indicator.kind) {
		case 'rate':
			return [num(a.numerator), num(a.denominator), null, null, null, null];
		case 'incidence':
			return [num(a.count), num(a.population), null, null, null, null];
		case 'survey':
			return [null, null, num(a.percent), null, null, null];
		case 'check':
			return [null, null, null, typeof a.value === 'boolean' ? (a.value ? 'Có' : 'Không') : null, null, null];
		case 'level': {
			const code = str(a.level);
			const level = code ? indicator.levels.find((l) => l.code === code) : undefined;
			return [null, null, null, null, level ? `${level.code}: ${level.label}` : code, null];
		}
		case 'manual':
			return [null, null, null, null, null, str(a.justification)];
	}
}

export type ScoreMatrix = {
	round: ExportRound | null;
	area: ExportArea;
	communes: number;
	filename: string;
	/** Writes both sheets and finishes the workbook. */
	write: (x: XlsxWriter) => Promise<void>;
};

const slug = (s: string) => s.toLowerCase().replace(/\s+/g, '-');

/**
 * The score matrix of `roundId` (else the newest round with assessments in the area) for `area`.
 * Reads everything before returning (a refusal or a failing query happens before any byte is
 * sent); `write` then scores each commune and streams its rows.
 */
export async function scoreMatrix(db: DB, area: ExportArea, roundId?: number): Promise<ScoreMatrix> {
	const round = await exportRound(db, area, roundId);
	const rows = round ? await matrixRows(db, round.id, area) : [];
	const setIds = [...new Set(rows.map((r) => r.criteria_set_id))];
	const stamps = setIds.length
		? await db.selectFrom('criteria_set').select(['id', 'status', 'updated_at']).where('id', 'in', setIds).execute()
		: [];
	const sets = new Map<number, CriteriaSet>();
	for (const s of stamps)
		sets.set(s.id, await criteriaSetOf(db, { id: s.id, status: s.status, updatedAt: s.updated_at, confirmedAt: null, confirmedBy: null }));
	const filename = `ma-trận-điểm-${round?.year ?? ''}-đợt-${round?.id ?? ''}-${slug(area.code ?? area.name)}.xlsx`;

	const write = async (x: XlsxWriter) => {
		const summary = x.sheet('Tổng hợp', SUMMARY_COLUMNS);
		for (const r of rows) {
			const index = criteriaIndex(sets.get(r.criteria_set_id)!);
			const reviewed = json(r.review).length > 0;
			await summary.add([
				r.province_name,
				r.commune_code,
				r.commune_name,
				COMMUNE_CATEGORY_LABELS[r.category],
				STATE_LABELS[r.state],
				index.threshold(r.category),
				index.maxTotal,
				r.self_total,
				VERDICT_LABELS[r.self_verdict],
				reviewed ? r.reviewed_total : null,
				reviewed ? VERDICT_LABELS[r.reviewed_verdict] : null
			]);
		}
		await summary.done();

		const matrix = x.sheet('Ma trận điểm', MATRIX_COLUMNS);
		for (const r of rows) {
			const set = sets.get(r.criteria_set_id)!;
			const stored = json(r.answers);
			const items = json(r.review);
			const answers = readStoredAnswers(set, stored);
			const self = score(set, r.category, answers);
			const overrides = reviewedPoints(items);
			const rev = Object.keys(overrides).length ? score(set, r.category, answers, overrides) : self;
			const reviewedCodes = new Set(items.filter((i) => i.points !== null || i.status === 'accepted').map((i) => i.indicatorCode));
			const head = [r.province_name, r.commune_code, r.commune_name, COMMUNE_CATEGORY_LABELS[r.category], STATE_LABELS[r.state]];
			const selfOf = new Map(self.criteria.flatMap((c) => c.indicators.map((i) => [i.code, i] as const)));
			const revOf = new Map(rev.criteria.flatMap((c) => c.indicators.map((i) => [i.code, i] as const)));
			for (const c of set.criteria) {
				for (const ind of c.indicators) {
					const s = selfOf.get(ind.code)!;
					const v = revOf.get(ind.code)!;
					const raw = stored[ind.code];
					const meta = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
					await matrix.add([
						...head,
						c.code,
						c.title,
						ind.code,
						ind.title,
						INDICATOR_KIND_LABELS[ind.kind],
						...figureCells(ind, raw),
						s.valueDisplay,
						statusText(s.status, s.reason),
						str(meta.source),
						str(meta.period),
						s.points,
						reviewedCodes.has(ind.code) ? v.points : null,
						ind.maxPoints
					]);
				}
			}
		}
		await matrix.done();
		await x.finish();
	};
	return { round, area, communes: rows.length, filename, write };
}
