import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { parseQueueQuery, reviewQueue } from '#lib/server/reviews/queue.ts';
import { toCsv } from '#lib/domain/csv.ts';
import type { RequestHandler } from './$types';

// The progress board as CSV (same filters and sorting as the page), safe to open in a spreadsheet.
export const GET: RequestHandler = async (event) => {
	const account = authorize(event, 'assessment.read');
	const queue = await reviewQueue(db(), actorOf(account), parseQueueQuery(event.url.searchParams));
	const csv = toCsv(
		['Mã đơn vị', 'Đơn vị', 'Trạng thái', 'Điểm tự đánh giá', 'Ngưỡng', 'Kết luận', 'Số ngày từ khi gửi', 'Quá hạn'],
		queue.rows.map((r) => [
			r.communeCode,
			r.communeName,
			r.stateLabel,
			r.total,
			r.threshold,
			r.verdictLabel,
			r.daysSinceSubmission,
			r.overdue?.label ?? ''
		])
	);
	const name = `tien-do-${queue.round?.year ?? ''}-${queue.round?.id ?? ''}.csv`;
	return new Response(csv, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` }
	});
};
