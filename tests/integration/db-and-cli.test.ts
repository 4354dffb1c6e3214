import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, DatabaseLockedError, EmbeddedInProductionError } from '#lib/server/db/index.ts';
import { loadConfig } from '#lib/server/config.ts';
import { usingPostgres, freshDb } from '../helpers/db.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('embedded database guards', () => {
	it('refuses a second process on the same data directory with a bilingual message', async () => {
		const cfg = loadConfig({ DATA_DIR: path.join(tmp, 'locked') });
		const first = await connect(cfg);
		try {
			fs.writeFileSync(path.join(cfg.embeddedDbDir, '.app.lock'), String(process.ppid)); // a live process other than us
			await expect(connect(cfg)).rejects.toThrow(DatabaseLockedError);
			await expect(connect(cfg)).rejects.toThrow(/đang được tiến trình .* sử dụng[\s\S]*is in use by process/);
		} finally {
			fs.writeFileSync(path.join(cfg.embeddedDbDir, '.app.lock'), String(process.pid));
			await first.close();
		}
		expect(fs.existsSync(path.join(cfg.embeddedDbDir, '.app.lock'))).toBe(false);
		// a stale lock (dead process) is taken over
		fs.writeFileSync(path.join(cfg.embeddedDbDir, '.app.lock'), '999999');
		const again = await connect(cfg);
		await again.close();
	});

	it('refuses the embedded database in production unless allowed', async () => {
		await expect(connect(loadConfig({ NODE_ENV: 'production', DATA_DIR: path.join(tmp, 'prod') }))).rejects.toThrow(
			EmbeddedInProductionError
		);
		const allowed = await connect(
			loadConfig({ NODE_ENV: 'production', ALLOW_EMBEDDED_DB_IN_PRODUCTION: '1', DATA_DIR: path.join(tmp, 'prod') })
		);
		await allowed.close();
	});
});

describe(`command line on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	const env: Record<string, string> = { ...process.env, DATA_DIR: path.join(tmp, 'cli'), REVIEW_LEVEL: 'province' } as Record<
		string,
		string
	>;
	let dropDb: (() => Promise<void>) | undefined;
	const cli = (...args: string[]) => {
		const r = spawnSync(process.execPath, ['src/cli/main.ts', ...args], {
			env,
			encoding: 'utf8',
			cwd: path.resolve(import.meta.dirname, '../..')
		});
		return { code: r.status, out: r.stdout, err: r.stderr };
	};
	afterAll(async () => dropDb?.());

	it('migrates, seeds the demo, creates the first administrator, resets a password', async () => {
		if (usingPostgres) {
			const t = await freshDb();
			env.DATABASE_URL = t.config.databaseUrl!;
			await t.close();
			dropDb = t.drop;
		}
		const m = cli('db', 'migrate');
		expect(m.code, m.err).toBe(0);
		const seed = cli('db', 'seed-demo');
		expect(seed.code, seed.err).toBe(0);
		expect(seed.out).toContain('quantri@demo.vn');
		const admin = cli('user', 'create', '--role', 'admin', '--email', 'Admin@Tinh.VN', '--name', 'Quản trị viên');
		expect(admin.code, admin.err).toBe(0);
		expect(admin.out).toMatch(/Đã tạo tài khoản #\d+ admin@tinh\.vn \(admin\)/);
		expect(admin.out).toMatch(/Mật khẩu tạm thời: \S{12,}/);
		const reset = cli('user', 'reset-password', '--email', 'admin@tinh.vn', '--password', 'mot-mat-khau-moi');
		expect(reset.code, reset.err).toBe(0);
		const audit = cli('audit', 'verify');
		expect(audit.code, audit.err).toBe(0);
		expect(audit.out).toMatch(/Nhật ký toàn vẹn: \d+ bản ghi/);
	});

	it('fails clearly, non-zero, and writes nothing on bad input', () => {
		const unknownUnit = cli('user', 'create', '--role', 'commune_officer', '--unit', '00000', '--email', 'x@xa.vn');
		expect(unknownUnit.code).toBe(2);
		expect(unknownUnit.err).toContain('Không tìm thấy đơn vị cấp commune có mã 00000');
		const badRole = cli('user', 'create', '--role', 'king', '--email', 'x@xa.vn');
		expect(badRole.code).toBe(2);
		expect(badRole.err).toContain('Cần --role');
		const dup = cli('user', 'create', '--role', 'admin', '--email', 'admin@tinh.vn');
		expect(dup.code).toBe(2);
		expect(dup.err).toContain('đã có tài khoản');
		const badEmail = cli('user', 'reset-password', '--email', 'not-an-email');
		expect(badEmail.code).toBe(2);
		expect(badEmail.err).toContain('Email không hợp lệ');
		const notAList = path.join(tmp, 'not-units.json');
		fs.writeFileSync(notAList, JSON.stringify({ rows: [1, 2, 3] }));
		const badFile = cli('units', 'import', notAList);
		expect(badFile.code).toBe(2);
		expect(badFile.err).toContain('không đúng định dạng danh mục');
		const unknown = cli('frobnicate');
		expect(unknown.code).toBe(2);
		expect(unknown.err).toContain('Lệnh không rõ');
	});
});
