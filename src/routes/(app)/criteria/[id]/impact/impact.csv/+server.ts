import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { criteriaImpact } from '#lib/server/criteria/impact.ts';
import { IMPACT_CSV_HEADER, impactCsvRows } from '#lib/domain/criteria/impact.ts';
import { VERDICT_LABELS } from '#lib/domain/terms.ts';
import { toCsv } from '#lib/domain/csv.ts';
import type { RequestHandler } from './$types';

// The per-commune rows of the impact preview (every commune of the round), safe to open in a spreadsheet.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'criteria.manage');
		const id = parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.');
		const raw = event.url.searchParams.get('round');
		const impact = await criteriaImpact(db(), id, raw ? parseId(raw, 'Không tìm thấy đợt đánh giá.') : undefined);
		const csv = toCsv(
			IMPACT_CSV_HEADER,
			impactCsvRows(impact.report?.rows ?? [], (v) => VERDICT_LABELS[v])
		);
		const name = `tac-dong-${impact.draft.code}@${impact.draft.version}-dot-${impact.round?.id ?? 0}.csv`;
		return new Response(csv, {
			headers: {
				'Content-Type': 'text/csv; charset=utf-8',
				'Content-Disposition': `attachment; filename="${name}"`,
				'Cache-Control': 'no-store',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	});
