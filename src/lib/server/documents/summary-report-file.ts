/**
 * The summary report as a file (issue 13): the PDF (laid out in the worker pool) or the .docx
 * (officials edit it before signing), from the same data, each download recorded in the audit
 * trail. What the routes and the command line call.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import type { DB } from '../db/index.ts';
import { by, recordAudit } from '../audit/index.ts';
import { renderInPool } from './pool.ts';
import { summaryReportData, summaryReportFileName, type SummaryReportActor, type SummaryReportOptions } from './summary-report.ts';
import { summaryReportDocxFrom } from './summary-report-docx.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export async function summaryReportFile(
	db: DB,
	actor: SummaryReportActor & { id: number | null; email: string },
	opts: SummaryReportOptions,
	format: 'pdf' | 'docx'
): Promise<{ bytes: Buffer; fileName: string; mime: string }> {
	// the dashboard's query may carry more (its table's sort): the report takes the round and the area
	const data = await summaryReportData(db, actor, { roundId: opts.roundId, provinceId: opts.provinceId });
	const bytes = format === 'pdf' ? await renderInPool(data) : await summaryReportDocxFrom(data);
	await recordAudit(db, {
		...by(actor),
		action: 'document.summary_report',
		objectType: 'round',
		objectId: data.round.id,
		unitId: data.areaId,
		details: { round: data.round.name, area: data.area, format, communes: data.communes.length, bytes: bytes.length }
	});
	return { bytes, fileName: summaryReportFileName(data, format), mime: format === 'pdf' ? 'application/pdf' : DOCX_TYPE };
}
