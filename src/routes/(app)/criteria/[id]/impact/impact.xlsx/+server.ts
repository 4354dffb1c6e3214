import { page } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { criteriaImpact } from '#lib/server/criteria/impact.ts';
import { xlsxResponse, type Column } from '#lib/server/exports/xlsx.ts';
import { IMPACT_CSV_HEADER, impactCsvRows } from '#lib/domain/criteria/impact.ts';
import { VERDICT_LABELS } from '#lib/domain/terms.ts';
import type { RequestHandler } from './$types';

/** The impact preview as a workbook (issue 14): the communes, then the change by criterion. */
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'criteria.manage');
		const id = parseId(event.params.id, 'Không tìm thấy bộ tiêu chí.');
		const raw = event.url.searchParams.get('round');
		const impact = await criteriaImpact(db(), id, raw ? parseId(raw, 'Không tìm thấy đợt đánh giá.') : undefined);
		const kinds: Column['kind'][] = ['text', 'text', 'text', 'int', 'text', 'int', 'text', 'int', 'text'];
		const name = `tac-dong-${impact.draft.code}@${impact.draft.version}-dot-${impact.round?.id ?? 0}.xlsx`;
		return xlsxResponse(name, async (x) => {
			const communes = x.sheet(
				'Đơn vị',
				IMPACT_CSV_HEADER.map((header, i) => ({ header, kind: kinds[i], width: i === 1 ? 32 : 16 }))
			);
			for (const row of impactCsvRows(impact.report?.rows ?? [], (v) => VERDICT_LABELS[v])) await communes.add(row);
			await communes.done();
			const criteria = x.sheet('Theo tiêu chí', [
				{ header: 'Mã tiêu chí', width: 12 },
				{ header: 'Tên tiêu chí', width: 48 },
				{ header: 'Có trong dự thảo', width: 14 },
				{ header: 'Tổng chênh lệch điểm', kind: 'int', width: 16 },
				{ header: 'Chênh lệch bình quân', kind: 'number', width: 16 },
				{ header: 'Số đơn vị thay đổi điểm', kind: 'int', width: 16 }
			]);
			for (const c of impact.report?.criteria ?? [])
				await criteria.add([c.code, c.title, c.inDraft ? 'Có' : 'Không', c.sum, c.average, c.affected]);
			await criteria.done();
			await x.finish();
		});
	});
