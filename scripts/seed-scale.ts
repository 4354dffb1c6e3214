/**
 * `npm run seed:scale [-- --era post2025|pre2025]`: national-scale data for load tests (every
 * commune of the official list, their accounts, one round in every workflow state; see
 * scripts/seed/scale.ts) in the database of DATABASE_URL (or the embedded one in DATA_DIR).
 * Meant for a test database: it refuses to run twice. A tool, not part of the running app.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '#lib/server/config.ts';
import { connect } from '#lib/server/db/index.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { createFileStore } from '#lib/server/storage/index.ts';
import { eraForReviewLevel } from '#lib/domain/units.ts';
import { requireNode } from './runtime.ts';
import { assertScaleEra, SCALE_PASSWORD, scaleEmail, seedScale } from './seed/scale.ts';

requireNode();
const { values } = parseArgs({ options: { era: { type: 'string' } } });
const cfg = loadConfig();
try {
	const era = values.era ?? eraForReviewLevel(cfg.reviewLevel);
	assertScaleEra(era, cfg.reviewLevel); // before touching the database
	const conn = await connect(cfg);
	try {
		await prepareDatabase(conn.db);
		const r = await seedScale(conn.db, cfg, createFileStore(cfg.storage), { era });
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
} catch (e) {
	console.error(`Lỗi: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 2;
}
