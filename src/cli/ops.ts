/**
 * Operations commands of the command line: `backup <dir>`, `restore <dir>`, `storage check [--fix]`.
 * `main.ts` hands its key (`group command`) and positionals over to `runOpsCommand`.
 *
 * Exit codes: 0 when all is well; 2 for bad input (a non-empty backup directory, a damaged or
 * unknown backup, a target database that already holds data, a wrong argument), printed here as
 * "Lỗi: …"; 1 when the work was done but found problems (a backup or restore with missing stored
 * files, a storage check finding missing, damaged or orphan files) or on an unexpected error.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../lib/server/config.ts';
import { connect } from '../lib/server/db/index.ts';
import { createFileStore } from '../lib/server/storage/index.ts';
import { isAppError } from '../lib/server/errors.ts';
import { backup, checkableLocalStore, restore, storageCheck, type FileProblem } from '../lib/server/ops/backup.ts';

export const OPS_USAGE = `  backup <thư mục>                             sao lưu CSDL và mọi tệp minh chứng vào một thư mục mới (trống)
  restore <thư mục>                            khôi phục bản sao lưu vào một CSDL mới, trống (kiểm tra toàn vẹn trước)
  storage check [--fix]                        đối chiếu kho tệp với CSDL: tệp thiếu, sai nội dung, tệp mồ côi
                                               (--fix xóa tệp mồ côi cũ hơn 10 phút; không bao giờ xóa dòng CSDL)`;

const num = (n: number) => n.toLocaleString('vi-VN');
const seconds = (ms: number) => `${(ms / 1000).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;

/** A size in the units of the app's settings (1 MB = 1024 × 1024 bytes), Vietnamese decimals. */
export function formatBytes(bytes: number): string {
	const units = ['byte', 'kB', 'MB', 'GB', 'TB'];
	let v = bytes;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return u === 0 ? `${num(v)} byte` : `${v.toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${units[u]}`;
}

function problemLines(problems: FileProblem[], max = 20): string[] {
	const lines = problems.slice(0, max).map((p) => `  ${p.problem === 'missing' ? 'thiếu' : 'sai nội dung'}: ${p.key} (${p.detail})`);
	if (problems.length > max) lines.push(`  … và ${num(problems.length - max)} tệp khác (xem manifest.json)`);
	return lines;
}

function list<T>(items: T[], show: (x: T) => string, max = 20): string[] {
	const lines = items.slice(0, max).map((x) => `  ${show(x)}`);
	if (items.length > max) lines.push(`  … và ${num(items.length - max)} mục khác`);
	return lines;
}

/** Splits `backup /dir` (main.ts's key) or `backup` + positionals into the command's words. */
function words(key: string, positionals: string[]): { group: string; args: string[] } {
	const space = key.indexOf(' ');
	const group = space < 0 ? key : key.slice(0, space);
	const command = space < 0 ? '' : key.slice(space + 1);
	return { group, args: [...(command ? [command] : []), ...positionals] };
}

class OpsUsageError extends Error {}

/**
 * Runs `backup <dir>`, `restore <dir>` or `storage check [--fix]`; returns false for any other
 * command (so main.ts goes on to its own).
 */
export async function runOpsCommand(key: string, positionals: string[], values: { fix?: boolean }, cfg: Config): Promise<boolean> {
	const { group, args } = words(key.trim(), positionals);
	if (group !== 'backup' && group !== 'restore' && !(group === 'storage' && args[0] === 'check')) return false;
	try {
		switch (group) {
			case 'backup': {
				if (args.length !== 1) throw new OpsUsageError('Cách dùng: backup <thư mục> (một thư mục mới hoặc trống).');
				const started = performance.now();
				const conn = await connect(cfg);
				try {
					const { dir, manifest: m } = await backup(conn.db, createFileStore(cfg.storage), args[0], {
						source: conn.kind
					});
					const took = performance.now() - started;
					console.log(
						`Đã sao lưu ${num(m.totals.tables)} bảng (${num(m.totals.rows)} dòng) và ${num(m.totals.files)} tệp (${formatBytes(m.totals.fileBytes)}) vào ${dir} trong ${seconds(took)}.`
					);
					console.log(
						`  CSDL ${m.source === 'embedded' ? 'nhúng' : 'PostgreSQL'}, lược đồ ${m.migrations.at(-1) ?? '(chưa có)'}; ${m.sequences.length} sequence.`
					);
					if (m.problems.length) {
						console.error(
							`Cảnh báo: ${num(m.problems.length)} tệp không sao lưu được (đã ghi trong manifest.json; các dòng CSDL vẫn được sao lưu):`
						);
						for (const l of problemLines(m.problems)) console.error(l);
						process.exitCode = 1;
					}
				} finally {
					await conn.close();
				}
				return true;
			}
			case 'restore': {
				if (args.length !== 1) throw new OpsUsageError('Cách dùng: restore <thư mục sao lưu>.');
				const started = performance.now();
				const settings = cfg.storage;
				const conn = await connect(cfg);
				try {
					const r = await restore(conn.db, createFileStore(settings), args[0], { tmpDir: settings.tmpDir });
					const took = performance.now() - started;
					console.log(
						`Đã khôi phục ${num(r.tables)} bảng (${num(r.rows)} dòng) và ${num(r.files)} tệp (${formatBytes(r.fileBytes)}) từ ${args[0]} trong ${seconds(took)}.`
					);
					console.log(
						`  Bản sao lưu tạo lúc ${r.manifest.createdAt} (CSDL ${r.manifest.source === 'embedded' ? 'nhúng' : 'PostgreSQL'}); nhật ký toàn vẹn: ${num(r.audit.records)} bản ghi.`
					);
					if (r.migratedAfter.length) console.log(`  Đã cập nhật lược đồ lên phiên bản mới: ${r.migratedAfter.join(', ')}.`);
					if (r.problems.length) {
						console.error(
							`Cảnh báo: bản sao lưu thiếu ${num(r.problems.length)} tệp (đã thiếu khi sao lưu); các dòng tương ứng đã được khôi phục nhưng không có tệp:`
						);
						for (const l of problemLines(r.problems)) console.error(l);
						process.exitCode = 1;
					}
				} finally {
					await conn.close();
				}
				return true;
			}
			default: {
				if (args.length !== 1) throw new OpsUsageError('Cách dùng: storage check [--fix].');
				const started = performance.now();
				const settings = cfg.storage;
				const conn = await connect(cfg);
				try {
					const r = await storageCheck(conn.db, checkableLocalStore(settings.filesDir), { fix: values.fix === true });
					const took = performance.now() - started;
					console.log(
						`Kiểm tra kho tệp ${settings.filesDir}: ${num(r.rows)} tệp trong CSDL, ${num(r.ok)} đúng nội dung (${formatBytes(r.bytesChecked)} đã đọc) trong ${seconds(took)}.`
					);
					if (r.missing.length) {
						console.error(`Thiếu ${num(r.missing.length)} tệp (có dòng trong CSDL nhưng không có trong kho):`);
						for (const l of list(r.missing, (m) => `${m.key}`)) console.error(l);
					}
					if (r.mismatched.length) {
						console.error(`Sai nội dung ${num(r.mismatched.length)} tệp (SHA-256 hoặc kích thước khác dòng CSDL):`);
						for (const l of list(r.mismatched, (m) => `${m.key}: SHA-256 ${m.actualSha256}, ${num(m.actualSize)} byte`)) console.error(l);
					}
					if (r.orphans.length) {
						console.log(
							`${num(r.orphans.length)} tệp mồ côi (trong kho nhưng không có dòng nào trong CSDL)${values.fix ? `; đã xóa ${num(r.removed.length)}` : ''}:`
						);
						for (const l of list(r.orphans, (o) => `${o.path} (${formatBytes(o.size)})${r.removed.includes(o.path) ? ' — đã xóa' : ''}`))
							console.log(l);
						if (r.kept.length)
							console.log(`  ${num(r.kept.length)} tệp còn mới (dưới 10 phút, có thể đang được tải lên) hoặc vừa được dùng: chưa xóa.`);
						else if (!values.fix) console.log('  Chạy lại với --fix để xóa các tệp mồ côi (không bao giờ xóa dòng CSDL).');
					}
					const unresolvedOrphans = r.orphans.length - r.removed.length;
					if (r.missing.length || r.mismatched.length || unresolvedOrphans) process.exitCode = 1;
					else console.log('Kho tệp khớp với CSDL.');
				} finally {
					await conn.close();
				}
				return true;
			}
		}
	} catch (e) {
		if (!(e instanceof OpsUsageError) && !isAppError(e)) throw e;
		console.error(`Lỗi: ${e.message}`);
		process.exitCode = 2;
		return true;
	}
}
