/**
 * The progress board (/review) as .xlsx: the same rows, filters and order as the page and its
 * CSV export (`boardRows`), with the submission date as a real date.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import type { DB } from '../db/index.ts';
import type { RuleActor } from '../../domain/access.ts';
import { boardRows, vnDate, type QueueOptions, type QueueRound } from '../reviews/queue.ts';
import { excelDate, type Column, type XlsxWriter } from './xlsx.ts';

export const BOARD_COLUMNS: Column[] = [
	{ header: 'Mã đơn vị', width: 11 },
	{ header: 'Đơn vị', width: 30 },
	{ header: 'Trạng thái', width: 20 },
	{ header: 'Điểm tự đánh giá', kind: 'int', width: 12 },
	{ header: 'Điểm tối đa', kind: 'int', width: 11 },
	{ header: 'Ngưỡng', kind: 'int', width: 10 },
	{ header: 'Kết luận', width: 26 },
	{ header: 'Số mục còn thiếu', kind: 'int', width: 12 },
	{ header: 'Ngày gửi', kind: 'date', width: 12 },
	{ header: 'Số ngày từ khi gửi', kind: 'int', width: 12 },
	{ header: 'Quá hạn', width: 34 }
];

/** The board's rows for `actor` (the page's filters, every page) and a writer for the workbook. */
export async function boardWorkbook(
	db: DB,
	actor: RuleActor,
	opts: QueueOptions,
	today: string = vnDate(new Date())
): Promise<{ round: QueueRound | null; filename: string; rows: number; write: (x: XlsxWriter) => Promise<void> }> {
	const { round, rows } = await boardRows(db, actor, opts, today);
	return {
		round,
		rows: rows.length,
		filename: `tiến-độ-${round?.year ?? ''}-đợt-${round?.id ?? ''}.xlsx`,
		write: async (x) => {
			const sheet = x.sheet('Tiến độ', BOARD_COLUMNS);
			for (const r of rows) {
				await sheet.add([
					r.communeCode,
					r.communeName,
					r.stateLabel,
					r.total,
					r.maxTotal,
					r.threshold,
					r.verdictLabel,
					r.blockers,
					r.submittedAt ? excelDate(vnDate(r.submittedAt)) : null,
					r.daysSinceSubmission,
					r.overdue?.label ?? ''
				]);
			}
			await sheet.done();
			await x.finish();
		}
	};
}
