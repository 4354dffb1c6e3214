/**
 * `db seed-scale [--era post2025|pre2025]`: national-scale data for load tests (every commune of
 * the official list, their accounts, one round in every workflow state; see
 * src/lib/server/seed/scale.ts). Meant for a test database: it refuses to run twice.
 *
 * main.ts calls `runScaleCommand(key, values, cfg)` before its own commands (it needs the
 * `--era` string option in its parseArgs options); `true` means the command was handled.
 */
import type { Config } from '../lib/server/config.ts';
import { connect } from '../lib/server/db/index.ts';
import { prepareDatabase } from '../lib/server/db/migrate.ts';
import { createFileStore, loadStorageSettings } from '../lib/server/storage/index.ts';
import { eraForReviewLevel } from '../lib/domain/units.ts';
import { assertScaleEra, SCALE_PASSWORD, ScaleSeedError, scaleEmail, seedScale } from '../lib/server/seed/scale.ts';

export { ScaleSeedError };

/** The usage line for main.ts's help text. */
export const SCALE_USAGE =
	'  db seed-scale [--era post2025|pre2025]      nạp dữ liệu thử tải toàn quốc (mọi xã, tài khoản, một đợt đánh giá ở mọi trạng thái)';

export async function runScaleCommand(key: string, values: { era?: string }, cfg: Config): Promise<boolean> {
	if (key !== 'db seed-scale') return false;
	const era = values.era ?? eraForReviewLevel(cfg.reviewLevel);
	assertScaleEra(era, cfg.reviewLevel); // before touching the database
	const conn = await connect(cfg);
	try {
		await prepareDatabase(conn.db);
		const store = createFileStore(loadStorageSettings(process.env, cfg.dataDir));
		const r = await seedScale(conn.db, cfg, store, { era });
		console.log(
			`\nDữ liệu thử tải (${era === 'pre2025' ? 'danh mục 01/03/2025, thẩm định cấp huyện' : 'danh mục từ 01/07/2025, thẩm định cấp tỉnh'}): đợt #${r.roundId}`
		);
		console.log(`  ${r.communes} xã, ${r.accounts} tài khoản (mật khẩu chung: ${SCALE_PASSWORD})`);
		console.log(
			`  hồ sơ: ${Object.entries(r.states)
				.map(([s, n]) => `${s} ${n}`)
				.join(', ')}`
		);
		console.log(
			`  ${r.answers} câu trả lời, ${r.evidence} tài liệu (${r.storedFiles} tệp lưu trữ dùng chung), ${r.submissions} lần gửi, ${r.reviewItems} mục thẩm định`
		);
		console.log(
			`  ${r.appraisals} báo cáo thẩm định, ${r.decisions} quyết định (${r.decisionItems} xã), ${r.certificates} giấy chứng nhận, ${r.notifications} thông báo, ${r.auditRecords} bản ghi nhật ký`
		);
		console.log(
			`  ví dụ tài khoản: ${scaleEmail.officer('<mã xã>')}, ${scaleEmail.reviewer(era === 'pre2025' ? '<mã huyện>' : '<mã tỉnh>')}, ${scaleEmail.admin}`
		);
		console.log(`  thời gian: ${(r.ms / 1000).toFixed(1)} s`);
	} finally {
		await conn.close();
	}
	return true;
}
