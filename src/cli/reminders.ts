/**
 * `npm run cli -- reminders run [--date YYYY-MM-DD]`: one pass of the reminders (issue 13), as the
 * running server's timer does it: takes the scheduler's lease (nothing happens while a server's
 * pass holds it), sends what is due on the day (Vietnam; `--date` for another day) and not sent
 * before, prints the counts.
 *
 * main.ts calls `runRemindersCommand(argv, cfg)` before parsing its own options; `true` means the
 * command was handled.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../lib/server/config.ts';
import { connect } from '../lib/server/db/index.ts';
import { prepareDatabase } from '../lib/server/setup/index.ts';
import { REMINDER_KIND_LABELS, REMINDER_KINDS, runScheduledPass } from '../lib/server/reminders/index.ts';

/** The usage lines for main.ts's help text. */
export const REMINDERS_USAGE = `  reminders run [--date YYYY-MM-DD]            chạy một lượt nhắc hạn (hạn gửi hồ sơ, quá hạn thẩm định, công nhận sắp hết hiệu lực);
                                               mỗi lời nhắc chỉ gửi một lần; --date: tính cho ngày khác hôm nay`;

const dateSchema = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: '--date phải có dạng YYYY-MM-DD.' })
	.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
		error: '--date không phải là một ngày có thật.'
	});

export async function runRemindersCommand(argv: string[], cfg: Config): Promise<boolean> {
	const [group, command, ...rest] = argv;
	if (group !== 'reminders' || command !== 'run') return false;
	const { values } = parseArgs({ args: rest, options: { date: { type: 'string' } }, allowPositionals: false });
	const today = values.date === undefined ? undefined : dateSchema.parse(values.date);
	const conn = await connect(cfg);
	try {
		await prepareDatabase(conn.db);
		const r = await runScheduledPass(conn.db, { today, by: `cli:${process.env.USER ?? 'unknown'}`, auditEmpty: true });
		if (!r.ran) {
			console.log('Một lượt nhắc hạn khác đang chạy (máy chủ hoặc lệnh khác); không chạy thêm.');
			return true;
		}
		const { report } = r;
		const [y, m, d] = report.today.split('-');
		console.log(
			`Lượt nhắc hạn ngày ${d}/${m}/${y}: đã gửi ${report.total} lời nhắc (${report.alreadySent} lời nhắc đến hạn đã gửi từ trước).`
		);
		for (const k of REMINDER_KINDS) console.log(`  ${REMINDER_KIND_LABELS[k]}: ${report.sent[k]}`);
		if (cfg.smtp) console.log(`  Thư điện tử: ${report.emails.sent} đã gửi, ${report.emails.failed} không gửi được.`);
		else console.log('  Thư điện tử: không gửi (chưa cấu hình SMTP_URL); chỉ thông báo trong ứng dụng.');
	} finally {
		await conn.close();
	}
	return true;
}
