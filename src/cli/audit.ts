/**
 * Audit trail commands of the command line: `audit verify` (every record, chain head and anchor;
 * exit 1 when anything is wrong) and `audit anchor` (writes an anchor over every chain's head
 * now, unless nothing changed since the last one).
 *
 * main.ts calls `runAuditCommand(key, cfg)` before its own commands; `true` means the command
 * was handled.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../lib/server/config.ts';
import { connect, type DB } from '../lib/server/db/index.ts';
import { prepareDatabase } from '../lib/server/setup/index.ts';
import { verifyAuditChain, writeAnchor } from '../lib/server/audit/index.ts';

/** The usage lines for main.ts's help text. */
export const AUDIT_USAGE = `  audit verify                                 kiểm tra nhật ký: mọi bản ghi, đầu chuỗi và mốc neo; mã thoát 1 nếu bị sửa
  audit anchor                                 ghi ngay một mốc neo trên đầu mọi chuỗi (bỏ qua nếu không có gì mới)`;

const num = (n: number) => n.toLocaleString('vi-VN');
const seconds = (ms: number) => `${(ms / 1000).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;

async function withDb(cfg: Config, fn: (db: DB) => Promise<void>): Promise<void> {
	const conn = await connect(cfg);
	try {
		await prepareDatabase(conn.db);
		await fn(conn.db);
	} finally {
		await conn.close();
	}
}

export async function runAuditCommand(key: string, cfg: Config): Promise<boolean> {
	switch (key.trim()) {
		case 'audit verify':
			await withDb(cfg, async (db) => {
				const started = performance.now();
				const r = await verifyAuditChain(db);
				const took = seconds(performance.now() - started);
				const counts = `${num(r.records)} bản ghi, ${num(r.chains)} chuỗi, ${num(r.anchors)} mốc neo`;
				if (r.ok) {
					console.log(`Nhật ký toàn vẹn: ${counts} (kiểm tra trong ${took}).`);
					return;
				}
				console.error(`NHẬT KÝ KHÔNG TOÀN VẸN (${num(r.problemCount)} vấn đề; đã kiểm ${counts} trong ${took}):`);
				for (const p of r.problems) console.error(`  ${p}`);
				if (r.problemCount > r.problems.length) console.error(`  … và ${num(r.problemCount - r.problems.length)} vấn đề khác`);
				process.exitCode = 1;
			});
			return true;
		case 'audit anchor':
			await withDb(cfg, async (db) => {
				const a = await writeAnchor(db, { by: `cli:${process.env.USER ?? 'unknown'}` });
				if (!a) {
					console.log('Không có gì mới kể từ mốc neo trước: không ghi mốc neo.');
					return;
				}
				console.log(
					`Đã ghi mốc neo #${num(a.seq)}: ${num(a.chains)} chuỗi, ${num(a.records)} bản ghi (${num(a.changed)} chuỗi thay đổi từ mốc trước).`
				);
				console.log(`  mã băm gốc ${a.root}\n  mã băm mốc ${a.hash}`);
			});
			return true;
		default:
			return false;
	}
}
