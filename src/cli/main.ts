/**
 * The administration command line: `npm run cli -- <command>`. Works against PostgreSQL
 * (DATABASE_URL) or the embedded database alike. Errors print clearly and exit non-zero.
 */
import { parseArgs } from 'node:util';
import crypto from 'node:crypto';
import { ZodError } from 'zod';
import { ConfigError, loadConfig, type Config } from '../lib/server/config.ts';
import { connect, type DB } from '../lib/server/db/index.ts';
import { prepareDatabase } from '../lib/server/setup/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '../lib/server/units/import.ts';
import { actorByEmail, createAccount, setPassword } from '../lib/server/accounts/index.ts';
import { isAppError, notFound } from '../lib/server/errors.ts';
import { seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../lib/server/seed/demo.ts';
import { ROLES, type Role, type SystemActor } from '../lib/domain/access.ts';
import fs from 'node:fs';
import { COMMUNE_CATEGORIES, type CommuneCategory } from '../lib/domain/units.ts';
import { criteriaSetJsonSchema, validateCriteriaSet, type CriteriaSet, type ValidationError } from '../lib/domain/criteria/index.ts';
import { parseAnswers, score, gapAnalysis } from '../lib/domain/scoring/index.ts';
import { findCriteriaSet, importCriteriaSet } from '../lib/server/criteria/index.ts';
import { OPS_USAGE, runOpsCommand } from './ops.ts';
import { ownerOnlyUmask } from '../lib/server/storage/index.ts';
import { AUDIT_USAGE, runAuditCommand } from './audit.ts';
import { REPORT_USAGE, ReportUsageError, runReportCommand } from './report.ts';
import { REMINDERS_USAGE, runRemindersCommand } from './reminders.ts';
import {
	generateSigningKey,
	loadSigningKey,
	MISSING_KEY_MESSAGE,
	publicKeyPem,
	verifyPayload
} from '../lib/server/certificates/signing.ts';

const USAGE = `Cách dùng: npm run cli -- <lệnh>

  db migrate                                   cập nhật lược đồ CSDL
  db seed-demo                                 nạp dữ liệu và tài khoản trình diễn
${OPS_USAGE}
  units import [tệp …]                         nhập danh mục đơn vị hành chính (mặc định: hai tệp chính thức kèm theo)
  user create --role R --unit MÃ --email E [--name "Họ tên"] [--password P]
                                               tạo tài khoản (vai trò: ${ROLES.join(', ')}); không có --password thì sinh ngẫu nhiên
  user reset-password --email E [--password P] đặt lại mật khẩu, kết thúc mọi phiên đăng nhập
${AUDIT_USAGE}
${REMINDERS_USAGE}
  criteria validate <tệp>                      kiểm tra tệp bộ tiêu chí (.json hoặc .xlsx); mã thoát 0 nếu hợp lệ
  criteria schema [tệp]                        JSON Schema của định dạng bộ tiêu chí (sinh từ schema zod)
  criteria import <tệp>                        nhập một phiên bản bộ tiêu chí (.json hoặc .xlsx; ở trạng thái dự thảo)
  criteria export <id|MÃ@phiên_bản> [tệp]      xuất bộ tiêu chí ra JSON (mặc định ra màn hình); tệp .xlsx: bảng tính Excel
  criteria form <id|MÃ@phiên_bản> --out <tệp.pdf>  in phiếu thu thập số liệu (PDF, để trống tên xã)
  certificate keygen [--force]                 tạo khóa Ed25519 ký mã QR của giấy chứng nhận (SIGNING_KEY_FILE)
  certificate public-key                       in khóa công khai (PEM) để kiểm tra ngoại tuyến
  certificate verify <mã|URL> [--public-key tệp]
                                               kiểm tra chữ ký của mã trong QR; mã thoát 0 nếu hợp lệ, 1 nếu không
${REPORT_USAGE}
  score --criteria <tệp|MÃ@phiên_bản> --category <${COMMUNE_CATEGORIES.join('|')}> <answers.json>
                                               chấm điểm một bộ câu trả lời, in kết quả JSON

Cấu hình qua biến môi trường: DATABASE_URL (PostgreSQL; bỏ trống thì dùng CSDL nhúng trong DATA_DIR), REVIEW_LEVEL.`;

class UsageError extends Error {}

/** Invalid input files: every error listed with its path. */
class InputError extends Error {
	constructor(title: string, errors: ValidationError[]) {
		super(`${title}\n${errors.map((e) => `- ${e.location || e.path || '(toàn bộ tệp)'}: ${e.message}`).join('\n')}`);
	}
}

function readJson(file: string): unknown {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (e) {
		throw new UsageError(`Không đọc được tệp ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
	}
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new InputError(`Tệp ${file} không phải JSON hợp lệ:`, [{ path: '', location: '(toàn bộ tệp)', message: (e as Error).message }]);
	}
}

/** A criteria set file: an Excel workbook (told by its content) or JSON; the workbook is validated here. */
async function readSetFile(file: string): Promise<unknown> {
	const { looksLikeWorkbook, readCriteriaWorkbook } = await import('../lib/server/criteria/xlsx.ts');
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch (e) {
		throw new UsageError(`Không đọc được tệp ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
	}
	if (!looksLikeWorkbook(bytes)) return readJson(file);
	const { workbookErrorLocation } = await import('../lib/domain/criteria/workbook.ts');
	const r = await readCriteriaWorkbook(bytes);
	if (!r.ok)
		throw new InputError(
			`Bảng tính ${file} có ${r.errors.length} lỗi, không có gì được ghi:`,
			r.errors.map((e) => ({ path: '', location: workbookErrorLocation(e), message: e.message }))
		);
	return r.value;
}

const isSetRef = (s: string) => /^\d{1,9}$|^[A-Z0-9._-]+@\d{1,9}$/.test(s) && !fs.existsSync(s);

const CLI_ACTOR: SystemActor = { id: null, email: `cli:${process.env.USER ?? 'unknown'}` };

function generatedPassword(): string {
	return crypto.randomBytes(12).toString('base64url');
}

async function withDb<T>(cfg: Config, fn: (db: DB) => Promise<T>): Promise<T> {
	const conn = await connect(cfg);
	try {
		await prepareDatabase(conn.db);
		return await fn(conn.db);
	} finally {
		await conn.close();
	}
}

export async function run(argv: string[], cfg: Config = loadConfig()): Promise<void> {
	const [group, command, ...rest] = argv;
	if (group === 'report') return runReportCommand(argv.slice(1), cfg, withDb);
	if (await runRemindersCommand(argv, cfg)) return;
	const { values, positionals } = parseArgs({
		args: group === 'score' ? [] : rest,
		allowPositionals: true,
		options: {
			role: { type: 'string' },
			unit: { type: 'string' },
			email: { type: 'string' },
			name: { type: 'string' },
			password: { type: 'string' },
			criteria: { type: 'string' },
			category: { type: 'string' },
			force: { type: 'boolean' },
			fix: { type: 'boolean' },
			'public-key': { type: 'string' },
			'trust-unsigned': { type: 'boolean' },
			anchor: { type: 'string' },
			out: { type: 'string' }
		}
	});
	const key = group === 'score' ? 'score' : `${group ?? ''} ${command ?? ''}`.trim();
	// backup <dir>, backup keygen, backup public-key, restore <dir> […], storage check [--fix]
	const ops = {
		fix: values.fix === true,
		force: values.force === true,
		publicKey: values['public-key'],
		trustUnsigned: values['trust-unsigned'] === true,
		anchor: values.anchor
	};
	if (await runOpsCommand(key, positionals, ops, cfg)) return;
	if (await runAuditCommand(key, cfg)) return;
	switch (key) {
		case 'db migrate': {
			const conn = await connect(cfg);
			try {
				const applied = await prepareDatabase(conn.db);
				console.log(applied.length ? `Đã áp dụng: ${applied.join(', ')}` : 'Lược đồ CSDL đã ở phiên bản mới nhất.');
			} finally {
				await conn.close();
			}
			return;
		}
		case 'db seed-demo':
			return withDb(cfg, async (db) => {
				const { created } = await seedDemo(db, cfg);
				console.log(`Dữ liệu trình diễn sẵn sàng (cấp thẩm định: ${cfg.reviewLevel}); tạo mới ${created.length} tài khoản.`);
				for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(17)} ${a.email}  /  ${DEMO_PASSWORD}`);
			});
		case 'units import':
			return withDb(cfg, async (db) => {
				const files = positionals.length ? positionals : [BUNDLED_UNIT_FILES.pre2025, BUNDLED_UNIT_FILES.post2025];
				const parsed = files.map((f) => ({ f, data: readUnitFile(f) })); // validate every file before writing any
				parsed.sort((a, b) => (a.data.era === b.data.era ? 0 : a.data.era === 'pre2025' ? -1 : 1));
				for (const { f, data } of parsed) {
					const r = await importUnits(db, data);
					console.log(
						`${f}: ${r.era === 'pre2025' ? 'danh mục 01/03/2025' : 'danh mục từ 01/07/2025'}: ${r.provinces} tỉnh, ${r.districts} huyện, ${r.communes} xã` +
							(r.era === 'post2025' ? `, ${r.lineageLinks} liên kết với đơn vị cũ (${r.unresolvedLinks} chưa khớp)` : '')
					);
				}
			});
		case 'user create': {
			const role = values.role as Role | undefined;
			if (!role || !ROLES.includes(role)) throw new UsageError(`Cần --role, một trong: ${ROLES.join(', ')}.`);
			if (!values.email) throw new UsageError('Cần --email.');
			if (role !== 'admin' && role !== 'ministry_officer' && !values.unit) throw new UsageError('Cần --unit (mã đơn vị hành chính).');
			const password = values.password ?? generatedPassword();
			return withDb(cfg, async (db) => {
				const row = await createAccount(
					db,
					cfg,
					{ email: values.email!, fullName: values.name ?? values.email!, role, unitCode: values.unit ?? null, password },
					CLI_ACTOR
				);
				console.log(`Đã tạo tài khoản #${row.id} ${row.email} (${row.role}).`);
				if (!values.password) console.log(`Mật khẩu tạm thời: ${password}`);
			});
		}
		case 'user reset-password': {
			if (!values.email) throw new UsageError('Cần --email.');
			const email = values.email;
			const password = values.password ?? generatedPassword();
			return withDb(cfg, async (db) => {
				const acct = await actorByEmail(db, email);
				if (!acct) throw notFound(`Không có tài khoản với email ${email}.`);
				await setPassword(db, acct.id, password, CLI_ACTOR);
				console.log(`Đã đặt lại mật khẩu cho ${email}; mọi phiên đăng nhập của tài khoản đã kết thúc.`);
				if (!values.password) console.log(`Mật khẩu tạm thời: ${password}`);
			});
		}
		case 'certificate keygen': {
			const key = generateSigningKey(cfg.signingKeyFile, { force: values.force === true });
			console.log(`Đã tạo khóa ký ${key.keyId} tại ${cfg.signingKeyFile}. Khóa công khai (công bố tại /verify/public-key.pem):`);
			console.log(publicKeyPem(key));
			return;
		}
		case 'certificate public-key': {
			const key = loadSigningKey(cfg.signingKeyFile);
			if (!key) throw notFound(MISSING_KEY_MESSAGE);
			console.log(publicKeyPem(key));
			return;
		}
		case 'certificate verify': {
			if (positionals.length !== 1) throw new UsageError('Cần đúng một mã (hoặc URL trong QR).');
			const publicKey = values['public-key']
				? fs.readFileSync(values['public-key'], 'utf8')
				: loadSigningKey(cfg.signingKeyFile)?.publicKey;
			if (!publicKey) throw notFound(`${MISSING_KEY_MESSAGE} Hoặc dùng --public-key <tệp PEM>.`);
			const r = verifyPayload(positionals[0], publicKey);
			if (!r.ok) {
				console.error(`KHÔNG HỢP LỆ: ${r.reason}`);
				process.exitCode = 1;
				return;
			}
			const c = r.claims;
			console.log(`HỢP LỆ: chữ ký của khóa ${c.k}.`);
			console.log(
				`  Số giấy chứng nhận: ${c.s}\n  Mã xác minh: ${c.v}\n  Đơn vị: ${c.n} (${c.c})\n  Quyết định: ${c.d} ngày ${c.t}\n  Hiệu lực: ${c.f} đến ${c.u}`
			);
			console.log('  (Trạng thái hiện tại, ví dụ đã thu hồi, xem tại trang xác minh trực tuyến.)');
			return;
		}
		case 'criteria validate': {
			if (positionals.length !== 1) throw new UsageError('Cần đúng một tệp: criteria validate <tệp>.');
			const v = validateCriteriaSet(await readSetFile(positionals[0]));
			if (!v.ok) throw new InputError(`Bộ tiêu chí không hợp lệ (${v.errors.length} lỗi):`, v.errors);
			console.log(`Hợp lệ: ${v.value.code}@${v.value.version}, ${v.value.criteria.length} tiêu chí.`);
			return;
		}
		case 'criteria schema': {
			const text = JSON.stringify(criteriaSetJsonSchema(), null, '\t') + '\n';
			if (positionals[0]) {
				fs.writeFileSync(positionals[0], text);
				console.log(`Đã ghi JSON Schema ra ${positionals[0]}.`);
			} else process.stdout.write(text);
			return;
		}
		case 'criteria import': {
			if (positionals.length !== 1) throw new UsageError('Cần đúng một tệp: criteria import <tệp>.');
			const input = await readSetFile(positionals[0]);
			return withDb(cfg, async (db) => {
				const r = await importCriteriaSet(db, input, CLI_ACTOR);
				if (!r.ok) throw new InputError(`Không nhập được bộ tiêu chí (${r.errors.length} lỗi), không có gì được ghi:`, r.errors);
				const what = { create: 'Đã nhập', 'replace-draft': 'Đã thay thế bản dự thảo', unchanged: 'Không thay đổi' }[r.outcome];
				console.log(`${what}: ${r.preview.set.code}@${r.preview.set.version} (id ${r.id}, trạng thái dự thảo nếu mới).`);
				for (const m of r.preview.diff?.messages ?? []) console.log(`  ${m}`);
			});
		}
		case 'criteria export': {
			if (positionals.length < 1 || positionals.length > 2) throw new UsageError('Cách dùng: criteria export <id|MÃ@phiên_bản> [tệp].');
			return withDb(cfg, async (db) => {
				const found = await findCriteriaSet(db, positionals[0]);
				if (!found) throw notFound(`Không có bộ tiêu chí ${positionals[0]}.`);
				const out = positionals[1];
				if (out?.toLowerCase().endsWith('.xlsx')) {
					const { criteriaWorkbook } = await import('../lib/server/criteria/xlsx.ts');
					fs.writeFileSync(out, await criteriaWorkbook(found.set));
					console.log(`Đã xuất ${found.row.code}@${found.row.version} ra bảng tính ${out}.`);
					return;
				}
				const text = JSON.stringify(found.set, null, 2) + '\n';
				if (out) {
					fs.writeFileSync(out, text);
					console.log(`Đã xuất ${found.row.code}@${found.row.version} ra ${positionals[1]}.`);
				} else process.stdout.write(text);
			});
		}
		case 'criteria form': {
			if (positionals.length !== 1 || !values.out) throw new UsageError('Cách dùng: criteria form <id|MÃ@phiên_bản> --out <tệp.pdf>.');
			const out = values.out;
			return withDb(cfg, async (db) => {
				const found = await findCriteriaSet(db, positionals[0]);
				if (!found) throw notFound(`Không có bộ tiêu chí ${positionals[0]}.`);
				const { collectionFormData } = await import('../lib/server/documents/collection-form.ts');
				const { renderPdf } = await import('../lib/server/documents/render.ts');
				const { vnDate } = await import('../lib/domain/dates.ts');
				fs.writeFileSync(out, await renderPdf(collectionFormData(found.set, { date: vnDate() })));
				console.log(`Đã in phiếu thu thập số liệu của ${found.row.code}@${found.row.version} ra ${out}.`);
			});
		}
		case 'score': {
			// `score` has no sub-command: its first argument is already an option or the answers file.
			const args = parseArgs({
				args: argv.slice(1),
				allowPositionals: true,
				options: { criteria: { type: 'string' }, category: { type: 'string' } }
			});
			const ref = args.values.criteria;
			const category = args.values.category as CommuneCategory | undefined;
			if (!ref) throw new UsageError('Cần --criteria <tệp|MÃ@phiên_bản>.');
			if (!category || !COMMUNE_CATEGORIES.includes(category))
				throw new UsageError(`Cần --category, một trong: ${COMMUNE_CATEGORIES.join(', ')}.`);
			if (args.positionals.length !== 1) throw new UsageError('Cần đúng một tệp câu trả lời (answers.json).');
			const answersInput = readJson(args.positionals[0]);
			const run = (set: CriteriaSet) => {
				const a = parseAnswers(set, answersInput);
				if (!a.ok) throw new InputError(`Câu trả lời không hợp lệ (${a.errors.length} lỗi):`, a.errors);
				const result = score(set, category, a.value);
				console.log(JSON.stringify({ result, gap: gapAnalysis(set, category, a.value, result) }, null, 2));
			};
			if (isSetRef(ref)) {
				return withDb(cfg, async (db) => {
					const found = await findCriteriaSet(db, ref);
					if (!found) throw notFound(`Không có bộ tiêu chí ${ref}.`);
					run(found.set);
				});
			}
			const v = validateCriteriaSet(readJson(ref));
			if (!v.ok) throw new InputError(`Bộ tiêu chí không hợp lệ (${v.errors.length} lỗi):`, v.errors);
			run(v.value);
			return;
		}
		default:
			throw new UsageError(key ? `Lệnh không rõ: ${key}` : 'Thiếu lệnh.');
	}
}

function describe(e: unknown): string {
	if (e instanceof ZodError) return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('\n');
	if (e instanceof UsageError || e instanceof ReportUsageError) return `${e.message}\n\n${USAGE}`;
	if (e instanceof Error) return e.message;
	return String(e);
}

if (import.meta.main) {
	// everything the command line writes (backups, keys, the embedded database, exports) is owner-only
	ownerOnlyUmask();
	const argv = process.argv.slice(2);
	if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
		console.log(USAGE);
	} else {
		try {
			await run(argv);
		} catch (e) {
			const known =
				e instanceof UsageError ||
				e instanceof ReportUsageError ||
				e instanceof InputError ||
				isAppError(e) ||
				e instanceof ZodError ||
				e instanceof ConfigError;
			console.error(`Lỗi: ${describe(e)}`);
			if (!known && process.env.DEBUG) console.error(e);
			process.exitCode = known ? 2 : 1;
		}
	}
}
