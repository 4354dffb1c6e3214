/**
 * Operations commands of the command line: `backup <dir>`, `backup keygen [--force]`,
 * `backup public-key`, `restore <dir> [--public-key FILE] [--trust-unsigned] [--anchor HASH]`,
 * `storage check [--fix]`. `main.ts` hands its key (`group command`), positionals and options
 * over to `runOpsCommand`.
 *
 * Backups are signed with the deployment's backup key (BACKUP_SIGNING_KEY_FILE, created by the
 * first `backup` when missing); `restore` verifies the signature with that key's public half by
 * default, with `--public-key` against another deployment's, and not at all only with
 * `--trust-unsigned`.
 *
 * Exit codes: 0 when all is well; 2 for bad input (a non-empty backup directory, a damaged or
 * unknown backup, a target database that already holds data, a wrong argument), printed here as
 * "Lỗi: …"; 1 when the work was done but found problems (a backup or restore with missing stored
 * files, a storage check finding missing, damaged or orphan files) or on an unexpected error.
 */
import type crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../lib/server/config.ts';
import { connect } from '../lib/server/db/index.ts';
import { createFileStore } from '../lib/server/storage/index.ts';
import { isAppError, notFound } from '../lib/server/errors.ts';
import { backup, checkableLocalStore, restore, storageCheck, type FileProblem } from '../lib/server/ops/backup.ts';
import {
	backupPublicKeyPem,
	ensureBackupKey,
	generateBackupKey,
	loadBackupKey,
	MISSING_BACKUP_KEY_MESSAGE,
	readPublicKeyFile
} from '../lib/server/ops/backup-key.ts';

export const OPS_USAGE = `  backup <thư mục>                             sao lưu CSDL và mọi tệp minh chứng vào một thư mục mới (trống), ký bằng
                                               khóa sao lưu (BACKUP_SIGNING_KEY_FILE, tự tạo nếu chưa có); in mã băm mốc neo
  backup keygen [--force]                      tạo khóa ký bản sao lưu (Ed25519); không thay khóa đã có nếu thiếu --force
  backup public-key                            in khóa công khai của khóa sao lưu (PEM), để khôi phục ở hệ thống khác
  restore <thư mục> [--public-key tệp] [--trust-unsigned] [--anchor mã_băm]
                                               khôi phục vào một CSDL mới, trống: kiểm tra chữ ký (mặc định bằng khóa
                                               sao lưu của hệ thống này; --public-key: khóa của hệ thống đã sao lưu;
                                               --trust-unsigned: bỏ kiểm tra, chỉ khi chắc chắn), mọi mã băm, nhật ký
                                               và đầu chuỗi; --anchor: nhật ký phải chứa mốc neo này
  storage check [--fix]                        đối chiếu kho tệp với CSDL: tệp thiếu, sai nội dung, tệp mồ côi
                                               (--fix xóa tệp mồ côi cũ hơn 10 phút; không bao giờ xóa dòng CSDL)`;

/** The options of main.ts's parser that these commands read. */
export type OpsValues = { fix?: boolean; force?: boolean; publicKey?: string; trustUnsigned?: boolean; anchor?: string };

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

const who = () => `cli:${process.env.USER ?? 'unknown'}`;

/**
 * Runs `backup <dir>`, `backup keygen`, `backup public-key`, `restore <dir>` or
 * `storage check [--fix]`; returns false for any other command (so main.ts goes on to its own).
 */
export async function runOpsCommand(key: string, positionals: string[], values: OpsValues, cfg: Config): Promise<boolean> {
	const { group, args } = words(key.trim(), positionals);
	if (group !== 'backup' && group !== 'restore' && !(group === 'storage' && args[0] === 'check')) return false;
	try {
		switch (group) {
			case 'backup': {
				// `backup keygen` and `backup public-key` (a backup directory of that name: ./keygen)
				if (args.length === 1 && args[0] === 'keygen') {
					const k = generateBackupKey(cfg.backupKeyFile, { force: values.force === true });
					console.log(`Đã tạo khóa ký bản sao lưu ${k.keyId} tại ${cfg.backupKeyFile}. Khóa công khai (giữ ở nơi khác bản sao lưu):`);
					console.log(backupPublicKeyPem(k).trimEnd());
					return true;
				}
				if (args.length === 1 && args[0] === 'public-key') {
					const k = loadBackupKey(cfg.backupKeyFile);
					if (!k) throw notFound(`${MISSING_BACKUP_KEY_MESSAGE} (${cfg.backupKeyFile})`);
					console.log(backupPublicKeyPem(k).trimEnd());
					return true;
				}
				if (args.length !== 1) throw new OpsUsageError('Cách dùng: backup <thư mục> (một thư mục mới hoặc trống).');
				const started = performance.now();
				const { key: signingKey, created } = ensureBackupKey(cfg.backupKeyFile);
				if (created)
					console.log(
						`Đã tạo khóa ký bản sao lưu ${signingKey.keyId} tại ${cfg.backupKeyFile}: giữ khóa này trên hệ thống, không để cùng bản sao lưu; ` +
							'lưu khóa công khai ("backup public-key") để khôi phục ở nơi khác.'
					);
				const conn = await connect(cfg);
				try {
					const {
						dir,
						manifest: m,
						signedBy
					} = await backup(conn.db, createFileStore(cfg.storage), args[0], {
						source: conn.kind,
						signingKey
					});
					const took = performance.now() - started;
					console.log(
						`Đã sao lưu ${num(m.totals.tables)} bảng (${num(m.totals.rows)} dòng) và ${num(m.totals.files)} tệp (${formatBytes(m.totals.fileBytes)}) vào ${dir} trong ${seconds(took)}.`
					);
					console.log(
						`  CSDL ${m.source === 'embedded' ? 'nhúng' : 'PostgreSQL'}, lược đồ ${m.migrations.at(-1) ?? '(chưa có)'}; ${m.sequences.length} sequence; không sao lưu: ${m.excluded?.join(', ') || 'không'}.`
					);
					console.log(`  Đã ký bằng khóa sao lưu ${signedBy} (${cfg.backupKeyFile}).`);
					const anchor = m.audit?.anchor;
					if (anchor)
						console.log(
							`  Mốc neo nhật ký #${num(anchor.seq)}: ${anchor.hash}\n  Ghi lại mã băm này ở nơi khác; khi khôi phục: restore ${dir} --anchor ${anchor.hash}`
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
				if (args.length !== 1)
					throw new OpsUsageError('Cách dùng: restore <thư mục sao lưu> [--public-key tệp.pem] [--trust-unsigned] [--anchor mã_băm].');
				if (values.trustUnsigned && values.publicKey)
					throw new OpsUsageError('--trust-unsigned bỏ qua chữ ký, --public-key kiểm tra chữ ký: chỉ dùng một trong hai.');
				// the key to check the signature with: the one named, else this deployment's backup key
				let publicKey: crypto.KeyObject | undefined;
				if (values.publicKey) publicKey = readPublicKeyFile(values.publicKey);
				else if (!values.trustUnsigned) publicKey = loadBackupKey(cfg.backupKeyFile)?.publicKey;
				const started = performance.now();
				const settings = cfg.storage;
				const conn = await connect(cfg);
				try {
					const r = await restore(conn.db, createFileStore(settings), args[0], {
						tmpDir: settings.tmpDir,
						publicKey,
						trustUnsigned: values.trustUnsigned === true,
						anchor: values.anchor,
						actorLabel: who()
					});
					const took = performance.now() - started;
					console.log(
						`Đã khôi phục ${num(r.tables)} bảng (${num(r.rows)} dòng) và ${num(r.files)} tệp (${formatBytes(r.fileBytes)}) từ ${args[0]} trong ${seconds(took)}.`
					);
					console.log(
						`  Bản sao lưu tạo lúc ${r.manifest.createdAt} (CSDL ${r.manifest.source === 'embedded' ? 'nhúng' : 'PostgreSQL'}); nhật ký toàn vẹn: ${num(r.audit.records)} bản ghi.`
					);
					if (r.signature.status === 'verified') console.log(`  Chữ ký hợp lệ: khóa sao lưu ${r.signature.keyId}.`);
					else
						console.error(
							`Cảnh báo: không kiểm tra chữ ký (--trust-unsigned; bản sao lưu ${r.signature.signed ? 'có' : 'không có'} chữ ký). Việc khôi phục này đã được ghi vào nhật ký.`
						);
					if (r.anchor) console.log(`  Nhật ký chứa mốc neo #${num(r.anchor.seq)} ${r.anchor.hash}.`);
					console.log('  Phiên đăng nhập không được khôi phục: mọi người đăng nhập lại.');
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
