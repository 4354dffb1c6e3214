/**
 * The province dashboard's tables as .xlsx (issue 13): one sheet per table the page shows
 * (communes by state, the recognised share against the national targets by category, totals
 * against each category's threshold, the criteria breakdown, the criteria holding communes back),
 * from `provinceDashboard(...)` itself, so the numbers are the page's numbers. Shares are written
 * as fractions shown as percentages (`0.0%`).
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import type { DB } from '../db/index.ts';
import type { ActorUnit, Role } from '../../domain/access.ts';
import { TOTAL_BUCKETS, TOTAL_BUCKET_LABELS, type CriterionRow } from '../../domain/dashboard.ts';
import { provinceDashboard, type Dashboard, type DashboardOptions } from '../dashboard/index.ts';
import { vnDate } from '../reviews/queue.ts';
import { excelDate, type Cell, type Column, type XlsxWriter } from './xlsx.ts';

type DashboardActor = { role: Role; unit: Pick<ActorUnit, 'id' | 'level' | 'name'> | null };

/** A share in percent (one decimal, as the page shows it) as the fraction a `0.0%` cell shows. */
const fraction = (percent: number | null): number | null => (percent === null ? null : Math.round(percent * 10) / 1000);

const reachedLabel = (r: boolean | null) => (r === null ? '' : r ? 'Đạt' : 'Chưa đạt');

const CRITERIA_COLUMNS: Column[] = [
	{ header: 'Mã tiêu chí', width: 10 },
	{ header: 'Tiêu chí', width: 48 },
	{ header: 'Điểm tối đa', kind: 'int', width: 10 },
	{ header: 'Số xã đã có điểm', kind: 'int', width: 11 },
	{ header: 'Số xã 0 điểm', kind: 'int', width: 10 },
	{ header: 'Số xã dưới điểm tối đa', kind: 'int', width: 12 },
	{ header: 'Số xã đạt điểm tối đa', kind: 'int', width: 12 },
	{ header: 'Số xã chưa đủ số liệu', kind: 'int', width: 12 },
	{ header: 'Tỷ lệ 0 điểm', kind: 'percent', width: 10 },
	{ header: 'Tỷ lệ dưới điểm tối đa', kind: 'percent', width: 12 },
	{ header: 'Tỷ lệ đạt điểm tối đa', kind: 'percent', width: 12 }
];

const criterionCells = (c: CriterionRow): Cell[] => [
	c.code,
	c.title,
	c.maxPoints,
	c.scored,
	c.zero,
	c.below,
	c.max,
	c.pending,
	fraction(c.zeroPercent),
	fraction(c.belowPercent),
	fraction(c.maxPercent)
];

/** Writes the dashboard's tables, one sheet each, and finishes the workbook. */
export async function writeDashboard(x: XlsxWriter, d: Dashboard, today: string): Promise<void> {
	const info = x.sheet('Thông tin', [
		{ header: 'Mục', width: 28 },
		{ header: 'Giá trị', width: 40 }
	]);
	await info.add(['Địa bàn', d.area?.name ?? '']);
	await info.add(['Đợt đánh giá', d.round ? `${d.round.name} (${d.round.year})` : 'Chưa có đợt đánh giá']);
	await info.add(['Số xã trong đợt', String(d.summary?.total ?? 0)]);
	await info.add(['Ngày xuất', excelDate(today)]);
	if (d.unverified) await info.add(['Lưu ý', 'Bộ tiêu chí của đợt còn mục chưa đối chiếu với văn bản gốc.']);
	await info.done();

	const byState = x.sheet('Theo trạng thái', [
		{ header: 'Trạng thái', width: 24 },
		{ header: 'Số xã', kind: 'int', width: 10 }
	]);
	for (const s of d.byState) await byState.add([s.label, s.count]);
	await byState.done();

	const [t1, t2] = d.targets;
	const shares = x.sheet('Tỷ lệ công nhận', [
		{ header: 'Loại xã', width: 26 },
		{ header: 'Số xã', kind: 'int', width: 10 },
		{ header: 'Số xã được công nhận', kind: 'int', width: 12 },
		{ header: 'Tỷ lệ được công nhận', kind: 'percent', width: 12 },
		{ header: `Mục tiêu ${t1.year} (${t1.percent}%)`, width: 14 },
		{ header: `Mục tiêu ${t2.year} (${t2.percent}%)`, width: 14 }
	]);
	for (const s of d.shares)
		await shares.add([
			s.label,
			s.communes,
			s.recognised,
			fraction(s.percent),
			...d.targets.map((t) => reachedLabel(s.targets.find((x) => x.year === t.year)?.reached ?? null))
		]);
	await shares.done();

	const totals = x.sheet('Tổng điểm so với ngưỡng', [
		{ header: 'Loại xã', width: 26 },
		{ header: 'Ngưỡng', width: 12 },
		...TOTAL_BUCKETS.map((b): Column => ({ header: TOTAL_BUCKET_LABELS[b], kind: 'int', width: 16 })),
		{ header: 'Chưa đủ số liệu', kind: 'int', width: 12 },
		{ header: 'Số xã', kind: 'int', width: 10 }
	]);
	for (const r of d.totals)
		await totals.add([
			r.label,
			r.thresholds.join(', '),
			...TOTAL_BUCKETS.map((b) => r.buckets.find((x) => x.bucket === b)?.count ?? 0),
			r.incomplete,
			r.communes
		]);
	await totals.done();

	const criteria = x.sheet('Theo tiêu chí', CRITERIA_COLUMNS);
	for (const c of d.criteria) await criteria.add(criterionCells(c));
	await criteria.done();

	const held = x.sheet('Tiêu chí hạn chế nhiều nhất', CRITERIA_COLUMNS);
	for (const c of d.heldBack) await held.add(criterionCells(c));
	await held.done();

	await x.finish();
}

/** The dashboard of `actor` (the page's own figures) and a writer for its workbook. */
export async function dashboardWorkbook(
	db: DB,
	actor: DashboardActor,
	opts: DashboardOptions,
	today: string = vnDate(new Date())
): Promise<{ dashboard: Dashboard; filename: string; write: (x: XlsxWriter) => Promise<void> }> {
	const d = await provinceDashboard(db, actor, opts, today);
	const area = (d.area?.name ?? '').toLowerCase().replace(/\s+/g, '-');
	return {
		dashboard: d,
		filename: `bảng-điều-hành-${d.round?.year ?? ''}-đợt-${d.round?.id ?? ''}-${area}.xlsx`,
		write: (x) => writeDashboard(x, d, today)
	};
}
