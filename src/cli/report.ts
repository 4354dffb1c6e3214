/**
 * `report <roundId> [--province MÃ] --format xlsx|pdf --out <tệp>`: the exports of a round for
 * scheduled use (issue 13). xlsx: the score matrix (the "Tổng hợp" sheet, then one row per
 * commune × indicator) of the province, or of the whole nation without --province; pdf: the
 * summary report (báo cáo kết quả) of the same round and area. The command line acts as the
 * system: it sees every province.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../lib/server/config.ts';
import type { DB } from '../lib/server/db/index.ts';
import { NATION, provinceArea, scoreMatrix, type ExportArea } from '../lib/server/exports/score-matrix.ts';
import { writeXlsxFile } from '../lib/server/exports/xlsx.ts';

export const REPORT_USAGE = `  report <id đợt> [--province MÃ] --format xlsx|pdf --out <tệp>
                                               xuất ma trận điểm (xlsx) hoặc báo cáo kết quả (pdf) của một đợt
                                               cho một tỉnh (mã tỉnh), không có --province thì toàn quốc`;

export class ReportUsageError extends Error {}

const argsSchema = z.object({
	roundId: z.coerce.number().int().positive().max(2_147_483_647),
	province: z
		.string()
		.regex(/^\d{1,3}$/)
		.optional(),
	format: z.enum(['xlsx', 'pdf']),
	out: z.string().min(1)
});

export type ReportArgs = z.infer<typeof argsSchema>;

/** Parses `report`'s arguments (after the word `report`); a usage error says what is wrong, in Vietnamese. */
export function parseReportArgs(argv: string[]): ReportArgs {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: { province: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }
		});
	} catch (e) {
		throw new ReportUsageError(`Tham số không hợp lệ: ${(e as Error).message}`);
	}
	const { values, positionals } = parsed;
	if (positionals.length !== 1) throw new ReportUsageError('Cần đúng một mã đợt đánh giá: report <id đợt> --format xlsx --out <tệp>.');
	const r = argsSchema.safeParse({ roundId: positionals[0], province: values.province, format: values.format, out: values.out });
	if (!r.success) {
		const field = String(r.error.issues[0]?.path[0] ?? '');
		const msg: Record<string, string> = {
			roundId: 'Mã đợt đánh giá phải là số nguyên dương.',
			province: 'Mã tỉnh (--province) phải gồm 1–3 chữ số.',
			format: 'Cần --format xlsx hoặc --format pdf.',
			out: 'Cần --out <tệp>.'
		};
		throw new ReportUsageError(msg[field] ?? 'Tham số không hợp lệ.');
	}
	return r.data;
}

/** Writes the report of `args` into its file; returns a line saying what was written. */
export async function writeReport(db: DB, args: ReportArgs): Promise<string> {
	const area: ExportArea = args.province ? await provinceArea(db, { code: args.province }) : { kind: 'nation', name: NATION, code: null };
	if (args.format === 'pdf') {
		const { summaryReportPdf } = await import('../lib/server/documents/summary-report.ts');
		const { closePool } = await import('../lib/server/documents/pool.ts');
		try {
			// the system sees the whole nation, as an administrator does
			const pdf = await summaryReportPdf(
				db,
				{ role: 'admin', unit: null },
				{ roundId: args.roundId, provinceId: area.kind === 'match' ? area.value : undefined }
			);
			fs.writeFileSync(args.out, pdf);
		} finally {
			await closePool();
		}
		return `Đã ghi báo cáo kết quả của đợt #${args.roundId} (${area.name}) ra ${args.out}.`;
	}
	const m = await scoreMatrix(db, area, args.roundId);
	await writeXlsxFile(args.out, m.write);
	return `Đã ghi ma trận điểm của đợt #${args.roundId} (${area.name}): ${m.communes} xã, ra ${args.out}.`;
}

/** `report …` from the command line: parses, opens the database with `withDb`, writes. */
export async function runReportCommand(
	argv: string[],
	cfg: Config,
	withDb: <T>(cfg: Config, fn: (db: DB) => Promise<T>) => Promise<T>
): Promise<void> {
	const args = parseReportArgs(argv);
	const line = await withDb(cfg, (db) => writeReport(db, args));
	console.log(line);
}
