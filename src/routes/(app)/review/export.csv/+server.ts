import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { boardRows, parseQueueQuery } from '#lib/server/reviews/queue.ts';
import { toCsv } from '#lib/domain/csv.ts';
import type { RequestHandler } from './$types';

// The progress board as CSV (same filters and sorting as the page, every page), safe to open in a spreadsheet.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'assessment.read');
		const { round, rows } = await boardRows(db(), a, parseQueueQuery(event.url.searchParams));
		const csv = toCsv(
			['Mã đơn vị', 'Đơn vị', 'Trạng thái', 'Điểm tự đánh giá', 'Ngưỡng', 'Kết luận', 'Số mục còn thiếu', 'Số ngày từ khi gửi', 'Quá hạn'],
			rows.map((r) => [
				r.communeCode,
				r.communeName,
				r.stateLabel,
				r.total,
				r.threshold,
				r.verdictLabel,
				r.blockers,
				r.daysSinceSubmission,
				r.overdue?.label ?? ''
			])
		);
		const name = `tien-do-${round?.year ?? ''}-${round?.id ?? ''}.csv`;
		return new Response(csv, {
			headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` }
		});
	});
