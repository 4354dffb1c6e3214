/**
 * National-scale data for load tests (issue 7): every commune of the official list of one era
 * (3,321 after the 07/2025 reform, 10,047 before it), their accounts, one round over all of them
 * under the active default criteria set, and assessments spread over every workflow state as on
 * the last day before the submission deadline: answers, evidence (small real PDFs in the store,
 * content-addressed and shared), submission snapshots, review items, correction requests and
 * comments, appraisals, decisions with their items, certificates, notifications, and the audit
 * trail those steps would have written (chained like `recordAudit`, per commune).
 *
 * Accounts (all with SCALE_PASSWORD, hashed once and the hash reused: argon2 per account would
 * take minutes): per commune `canbo.<code>@scale.vn` and `chutich.<code>@scale.vn`; per reviewing
 * unit (province after 07/2025, district before) `thamdinh.<code>@scale.vn` and
 * `lanhdao.<code>@scale.vn`; per province `tinh.<code>@scale.vn`; and `quantri@scale.vn`.
 *
 * Everything after the unit import runs in ONE transaction with bulk inserts in batches, so a
 * failure leaves nothing half-written; the stored PDFs (a handful, content-addressed) may stay.
 * Refuses to run twice (a scale round or a @scale.vn account already exists). Deterministic for a
 * given `seed` (dates are relative to now).
 *
 * A tool, not part of the running app: `npm run seed:scale` (scripts/seed-scale.ts) and the load
 * benchmark (scripts/bench-load.ts) call it.
 */
import { vnDate } from '#lib/domain/dates.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { DB } from '#lib/server/db/index.ts';
import type { Config } from '#lib/server/config.ts';
import type { FileStore } from '#lib/server/storage/index.ts';
import type { AppraisedCriterion, AssessmentState, CorrectionItem, EvidenceKind } from '#lib/server/db/schema.ts';
import type { Role } from '#lib/domain/access.ts';
import type { SubmissionSnapshot, SubmittedEvidence } from '#lib/domain/review.ts';
import { eraForReviewLevel, type CommuneCategory, type UnitEra } from '#lib/domain/units.ts';
import { QD06_2019, type CriteriaSet, type Indicator } from '#lib/domain/criteria/index.ts';
import { parseAnswers, score, type ScoreResult } from '#lib/domain/scoring/index.ts';
import { needsEvidence } from '#lib/domain/completeness.ts';
import { assessDossier, type ReviewMark } from '#lib/domain/dossier.ts';
import { readStoredAnswers } from '#lib/domain/scoring/answers.ts';
import { FIGURES_REV } from '#lib/server/dossier/index.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { hashPassword } from '#lib/server/auth/password.ts';
import { findCriteriaSet } from '#lib/server/criteria/index.ts';
import { appendAuditRecords } from '#lib/server/audit/index.ts';
import { evidenceCodes } from '#lib/domain/evidence.ts';
import { generateSigningKey, loadSigningKey, signClaims } from '#lib/server/certificates/signing.ts';

export const SCALE_PASSWORD = 'thuTai-TreEm-2026';
export const SCALE_EMAIL_DOMAIN = 'scale.vn';
/** Ends the name of the round this seed opens (how a second run recognises it). */
export const SCALE_ROUND_MARK = '(dữ liệu thử tải)';

export const scaleEmail = {
	officer: (communeCode: string) => `canbo.${communeCode}@${SCALE_EMAIL_DOMAIN}`,
	chair: (communeCode: string) => `chutich.${communeCode}@${SCALE_EMAIL_DOMAIN}`,
	reviewer: (areaCode: string) => `thamdinh.${areaCode}@${SCALE_EMAIL_DOMAIN}`,
	approver: (areaCode: string) => `lanhdao.${areaCode}@${SCALE_EMAIL_DOMAIN}`,
	provinceOfficer: (provinceCode: string) => `tinh.${provinceCode}@${SCALE_EMAIL_DOMAIN}`,
	admin: `quantri@${SCALE_EMAIL_DOMAIN}`
};

/**
 * Shares of the states on the last day before the deadline: most dossiers still being written
 * or just sent, a fifth in review, a few already decided.
 */
export const SCALE_STATE_SHARES: Record<AssessmentState, number> = {
	draft: 0.4,
	submitted: 0.22,
	under_review: 0.12,
	returned: 0.06,
	resubmitted: 0.04,
	appraised: 0.06,
	recognised: 0.08,
	not_recognised: 0.02
};

export class ScaleSeedError extends Error {}

export type ScaleOptions = {
	era: UnitEra;
	/** Progress lines (default: console.log). */
	log?: (line: string) => void;
	/** PRNG seed (default 2026). */
	seed?: number;
	/** Rows per INSERT (default 1,000). */
	batchSize?: number;
	/** Only the communes of these provinces (GSO codes; default all): a small copy for smoke tests. */
	provinces?: string[];
};

export type ScaleReport = {
	era: UnitEra;
	roundId: number;
	communes: number;
	accounts: number;
	states: Record<AssessmentState, number>;
	answers: number;
	evidence: number;
	evidenceLinks: number;
	storedFiles: number;
	submissions: number;
	reviewItems: number;
	comments: number;
	correctionRequests: number;
	appraisals: number;
	decisions: number;
	decisionItems: number;
	certificates: number;
	notifications: number;
	auditRecords: number;
	ms: number;
};

// ---------------------------------------------------------------------------------------------
// Small helpers (exported ones are reused by scripts/bench-load.ts)
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

/** A small deterministic PRNG (mulberry32). */
export function makeRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const between = (rng: Rng, min: number, max: number) => min + rng() * (max - min);
const intBetween = (rng: Rng, min: number, max: number) => Math.floor(between(rng, min, max + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

function shuffle<T>(rng: Rng, xs: T[]): T[] {
	for (let i = xs.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[xs[i], xs[j]] = [xs[j], xs[i]];
	}
	return xs;
}

const DAY = 86_400_000;
/** The calendar date ('YYYY-MM-DD') of an instant in Asia/Ho_Chi_Minh. */
function addYears(date: string, years: number, days = 0): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCFullYear(d.getUTCFullYear() + years);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** A PDF of these objects (numbered from 1, the first being the catalogue), with its xref table. */
export function pdfOfObjects(objects: string[]): Buffer {
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

/** A one-page PDF showing `note` (ASCII), padded with PDF comments up to `padTo` bytes. */
export function samplePdf(note: string, padTo = 0): Buffer {
	const content = `BT /F1 12 Tf 20 100 Td (${note.replace(/[()\\]/g, '')}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`
	];
	const body = pdfOfObjects(objects);
	if (padTo <= body.length) return body;
	const pad = Buffer.alloc(padTo - body.length, 0x20);
	for (let i = 0; i < pad.length; i += 80) pad[i] = 0x25; // '%': comment lines
	pad[pad.length - 1] = 0x0a;
	return Buffer.concat([body, pad]);
}

export type ScaleBaseCounts = { under1: number; under5: number; under16: number };

export function sampleBaseCounts(rng: Rng): ScaleBaseCounts {
	const under16 = intBetween(rng, 1200, 9000);
	return { under16, under5: Math.round(under16 * between(rng, 0.3, 0.38)), under1: Math.round(under16 * between(rng, 0.055, 0.075)) };
}

const SOURCES = [
	'Trạm y tế xã',
	'Công an xã',
	'Trường tiểu học',
	'Trường trung học cơ sở',
	'Báo cáo thống kê của UBND xã',
	'Hội Liên hiệp Phụ nữ xã',
	'Đoàn Thanh niên xã'
];

/**
 * One valid answer for `indicator` (the shapes of src/lib/domain/scoring/answers.ts) with its
 * source and period. `quality` 1 gives full points; lower values lower the figures.
 */
export function scaleAnswer(
	indicator: Indicator,
	rng: Rng,
	quality: number,
	base: Partial<ScaleBaseCounts>,
	year: number,
	withMeta = true
): Record<string, unknown> {
	const full = quality >= 1;
	const meta = withMeta ? { source: pick(rng, SOURCES), period: rng() < 0.7 ? `Năm ${year - 1}` : `6 tháng đầu năm ${year}` } : {};
	switch (indicator.kind) {
		case 'check':
			return { value: full || rng() < 0.45 + 0.55 * quality, ...meta };
		case 'rate': {
			const denominator = (indicator.baseCount ? base[indicator.baseCount] : undefined) ?? intBetween(rng, 80, 2000);
			const percent = full ? 100 : 100 - (1 - quality) * between(rng, 0, 60);
			return { numerator: Math.min(denominator, Math.floor((denominator * percent) / 100)), denominator, ...meta };
		}
		case 'incidence': {
			const population = (indicator.baseCount ? base[indicator.baseCount] : undefined) ?? intBetween(rng, 500, 4000);
			return { count: full ? 0 : Math.round((1 - quality) * between(rng, 0, 8)), population, ...meta };
		}
		case 'level': {
			const levels = [...indicator.levels].sort((a, b) => b.points - a.points);
			return {
				level: full ? levels[0].code : levels[Math.min(levels.length - 1, Math.floor((1 - quality) * rng() * levels.length * 1.5))].code,
				...meta
			};
		}
		case 'survey':
			return { percent: full ? 100 : Math.round((100 - (1 - quality) * between(rng, 0, 50)) * 100) / 100, ...meta };
		case 'manual':
			return {
				points: full ? indicator.maxPoints : Math.round(indicator.maxPoints * quality * between(rng, 0.5, 1)),
				justification: 'Hội đồng đánh giá cấp xã chấm theo biên bản họp',
				...meta
			};
	}
}

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thu', 'Ngọc', 'Quốc', 'Thanh', 'Đức', 'Thị Thu', 'Xuân'];
const GIVEN = [
	'An',
	'Bình',
	'Chi',
	'Dũng',
	'Hà',
	'Hải',
	'Hạnh',
	'Hoa',
	'Hùng',
	'Hương',
	'Lan',
	'Linh',
	'Long',
	'Mai',
	'Nam',
	'Phương',
	'Quang',
	'Sơn',
	'Tâm',
	'Thảo',
	'Trang',
	'Tuấn',
	'Việt',
	'Yến'
];
const personName = (rng: Rng) => `${pick(rng, SURNAMES)} ${pick(rng, MIDDLE)} ${pick(rng, GIVEN)}`;

const DOC_TITLES = [
	'Báo cáo kết quả thực hiện',
	'Kế hoạch thực hiện',
	'Biên bản kiểm tra',
	'Quyết định thành lập',
	'Danh sách trẻ em',
	'Sổ theo dõi',
	'Hình ảnh hoạt động'
];
const DOSSIER_NAMES: Record<Exclude<EvidenceKind, 'evidence'>, string> = {
	request_letter: 'Công văn đề nghị công nhận.pdf',
	council_minutes: 'Biên bản họp hội đồng đánh giá cấp xã.pdf',
	explanatory_notes: 'Thuyết minh kết quả tự đánh giá.pdf'
};

/** Verification codes as the certificates module makes them (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function verificationCode(): string {
	const chars = [...crypto.randomBytes(10)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
	return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

async function inBatches<R>(rows: R[], size: number, fn: (batch: R[]) => Promise<unknown>): Promise<void> {
	for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

/** Ids for `n` new rows of a serial column, taken from its sequence (so rows can refer to each other before they are inserted). */
async function takeIds(trx: DB, table: string, n: number): Promise<number[]> {
	if (n === 0) return [];
	const r = await sql<{
		id: number;
	}>`select nextval(pg_get_serial_sequence(${table}, 'id'))::int as id from generate_series(1, ${n})`.execute(trx);
	return r.rows.map((x) => Number(x.id));
}

// ---------------------------------------------------------------------------------------------
// The plan of one assessment
// ---------------------------------------------------------------------------------------------

type Commune = {
	id: number;
	code: string;
	name: string;
	category: CommuneCategory | null;
	province_id: number;
	district_id: number | null;
};
type Area = { id: number; code: string; name: string };
type Step = { name: 'submit' | 'start_review' | 'return' | 'resubmit' | 'appraise' | 'recognise' | 'refuse'; at: number };
type PlannedAnswer = { answer: Record<string, unknown>; revision: number; at: number };
type PlannedEvidence = {
	id: number;
	kind: EvidenceKind;
	name: string;
	fileIndex: number;
	indicators: string[];
	at: number;
	docNumber: string | null;
	issuedOn: string | null;
	issuer: string | null;
	summary: string | null;
};

type Plan = {
	commune: Commune;
	areaId: number;
	assessmentId: number;
	state: AssessmentState;
	category: CommuneCategory;
	baseCounts: Partial<ScaleBaseCounts>;
	answers: Map<string, PlannedAnswer>;
	/** Answers of flagged indicators as they were at the first submission (returned and corrected). */
	before: Map<string, Record<string, unknown>>;
	evidence: PlannedEvidence[];
	steps: Step[];
	flagged: string[];
	lastAt: number;
	/** When the base counts were saved (none: never). */
	baseAt?: number;
};

const FLOW: Record<AssessmentState, Step['name'][]> = {
	draft: [],
	submitted: ['submit'],
	under_review: ['submit', 'start_review'],
	returned: ['submit', 'start_review', 'return'],
	resubmitted: ['submit', 'start_review', 'return', 'resubmit'],
	appraised: ['submit', 'start_review', 'appraise'],
	recognised: ['submit', 'start_review', 'appraise', 'recognise'],
	not_recognised: ['submit', 'start_review', 'appraise', 'refuse']
};
const LOOP: Step['name'][] = ['submit', 'start_review', 'return', 'resubmit', 'start_review', 'appraise'];
const STEP_TO: Record<Step['name'], AssessmentState> = {
	submit: 'submitted',
	start_review: 'under_review',
	return: 'returned',
	resubmit: 'resubmitted',
	appraise: 'appraised',
	recognise: 'recognised',
	refuse: 'not_recognised'
};

/** Step times, going back from the last one with realistic gaps (days). */
function timeline(rng: Rng, names: Step['name'][], lastAt: number, opensAt: number): Step[] {
	const gap: Record<Step['name'], [number, number]> = {
		submit: [0.5, 8], // submit → start_review
		start_review: [1, 8],
		return: [1, 6],
		resubmit: [0.5, 5],
		appraise: [1, 6],
		recognise: [1, 10],
		refuse: [1, 10]
	};
	const out: Step[] = [];
	let t = lastAt;
	for (let i = names.length - 1; i >= 0; i--) {
		out.unshift({ name: names[i], at: Math.max(t, opensAt + DAY * (i + 1)) });
		if (i > 0) t -= between(rng, ...gap[names[i - 1]]) * DAY;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// The seed
// ---------------------------------------------------------------------------------------------

/** The era must be the deployment's: reviewers and approvers are bound to its reviewing level. */
export function assertScaleEra(era: string, reviewLevel: Config['reviewLevel']): asserts era is UnitEra {
	if (era !== 'post2025' && era !== 'pre2025') throw new ScaleSeedError(`Giai đoạn danh mục không hợp lệ: ${era} (post2025 hoặc pre2025).`);
	if (eraForReviewLevel(reviewLevel) !== era) {
		throw new ScaleSeedError(
			`Dữ liệu ${era} cần REVIEW_LEVEL=${era === 'pre2025' ? 'district' : 'province'} (đang là ${reviewLevel}): tài khoản thẩm định và phê duyệt gắn với cấp ${era === 'pre2025' ? 'huyện' : 'tỉnh'}.`
		);
	}
}

export async function seedScale(
	db: DB,
	cfg: Pick<Config, 'reviewLevel' | 'signingKeyFile'>,
	store: FileStore,
	opts: ScaleOptions
): Promise<ScaleReport> {
	const started = Date.now();
	const log = opts.log ?? ((line: string) => console.log(line));
	const say = (line: string) => log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
	const batch = opts.batchSize ?? 1000;
	const era = opts.era;
	assertScaleEra(era, cfg.reviewLevel);
	const rng = makeRng(opts.seed ?? 2026);

	// --- refuse a second run --------------------------------------------------------------------
	const existing = await db.selectFrom('round').select(['id', 'name']).where('name', 'like', `%${SCALE_ROUND_MARK}`).executeTakeFirst();
	if (existing)
		throw new ScaleSeedError(`Dữ liệu thử tải đã có: đợt #${existing.id} «${existing.name}». Không nạp lại (hãy dùng một CSDL mới).`);
	const anyAccount = await db.selectFrom('account').select('email').where('email', 'like', `%@${SCALE_EMAIL_DOMAIN}`).executeTakeFirst();
	if (anyAccount) throw new ScaleSeedError(`Đã có tài khoản thử tải (${anyAccount.email}). Không nạp lại (hãy dùng một CSDL mới).`);

	const setRow = await db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', QD06_2019.code)
		.where('status', '=', 'active')
		.executeTakeFirst();
	const found = setRow ? await findCriteriaSet(db, setRow.id) : undefined;
	if (!found) throw new ScaleSeedError(`Không có bộ tiêu chí ${QD06_2019.code} đang áp dụng: hãy chạy "db migrate" trước.`);
	const set: CriteriaSet = found.set;
	const indicators = set.criteria.flatMap((c) => c.indicators.map((i) => ({ criterion: c, indicator: i })));

	// --- units (their own transactions; idempotent upserts) --------------------------------------
	say(`Nhập danh mục đơn vị hành chính (${opts.provinces ? `tỉnh ${opts.provinces.join(', ')}` : 'toàn quốc'})…`);
	const pre = await importUnits(db, readUnitFile(BUNDLED_UNIT_FILES.pre2025), era === 'pre2025' ? opts.provinces : undefined);
	say(`  danh mục 01/03/2025: ${pre.provinces} tỉnh, ${pre.districts} huyện, ${pre.communes} xã`);
	if (era === 'post2025') {
		const post = await importUnits(db, readUnitFile(BUNDLED_UNIT_FILES.post2025), opts.provinces);
		say(`  danh mục từ 01/07/2025: ${post.provinces} tỉnh, ${post.communes} xã, ${post.lineageLinks} liên kết với đơn vị cũ`);
	}
	const provinces: Area[] = (
		await db
			.selectFrom('admin_unit')
			.select(['id', 'code', 'name'])
			.where('era', '=', era)
			.where('level', '=', 'province')
			.orderBy('code')
			.execute()
	).filter((p) => !opts.provinces || opts.provinces.includes(p.code));
	const inProvinces = new Set(provinces.map((p) => p.id));
	const communes = (
		(await db
			.selectFrom('admin_unit')
			.select(['id', 'code', 'name', 'category', 'province_id', 'district_id'])
			.where('era', '=', era)
			.where('level', '=', 'commune')
			.orderBy('code')
			.execute()) as Commune[]
	).filter((c) => inProvinces.has(c.province_id));
	const areas: Area[] =
		era === 'pre2025'
			? (
					await db
						.selectFrom('admin_unit')
						.select(['id', 'code', 'name'])
						.where('era', '=', era)
						.where('level', '=', 'district')
						.orderBy('code')
						.execute()
				).filter((d) => communes.some((c) => c.district_id === d.id))
			: provinces;
	const areaOf = (c: Commune) => (era === 'pre2025' ? c.district_id! : c.province_id);

	// --- files: a few distinct small PDFs, shared by every evidence row ---------------------------
	say('Lưu các tệp PDF mẫu vào kho tệp…');
	const fileSpecs = [
		{ note: 'Bao cao ket qua thuc hien (du lieu thu tai)', size: 6 * 1024 },
		{ note: 'Ke hoach thuc hien (du lieu thu tai)', size: 14 * 1024 },
		{ note: 'Bien ban kiem tra (du lieu thu tai)', size: 24 * 1024 },
		{ note: 'Quyet dinh thanh lap (du lieu thu tai)', size: 38 * 1024 },
		{ note: 'Danh sach tre em (du lieu thu tai)', size: 52 * 1024 },
		{ note: 'Hinh anh hoat dong (du lieu thu tai)', size: 90 * 1024 },
		{ note: 'Giay chung nhan (du lieu thu tai)', size: 20 * 1024 }
	];
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-scale-'));
	const files: { sha256: string; size: number; key: string }[] = [];
	try {
		for (const [i, spec] of fileSpecs.entries()) {
			const bytes = samplePdf(spec.note, spec.size);
			const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
			const tmp = path.join(scratch, `${i}.pdf`);
			fs.writeFileSync(tmp, bytes);
			files.push({ sha256, size: bytes.length, key: await store.put(tmp, sha256, 'pdf') });
		}
	} finally {
		fs.rmSync(scratch, { recursive: true, force: true });
	}
	const CERT_FILE = files.length - 1;
	const EVIDENCE_FILES = files.length - 1;

	const key = loadSigningKey(cfg.signingKeyFile) ?? generateSigningKey(cfg.signingKeyFile);

	// --- the plans ---------------------------------------------------------------------------------
	say(`Lập kế hoạch dữ liệu cho ${communes.length} xã…`);
	const now = Date.now();
	const opensAt = now - 75 * DAY;
	const year = Number(vnDate(now).slice(0, 4));
	const decisionAt = new Map(areas.map((a) => [a.id, now - between(rng, 1, 12) * DAY]));
	const order = shuffle(
		rng,
		communes.map((_, i) => i)
	);
	const stateOf: AssessmentState[] = new Array(communes.length);
	{
		const states = Object.keys(SCALE_STATE_SHARES) as AssessmentState[];
		let k = 0;
		for (const [si, s] of states.entries()) {
			const n = si === states.length - 1 ? communes.length - k : Math.round(SCALE_STATE_SHARES[s] * communes.length);
			for (let j = 0; j < n && k < communes.length; j++) stateOf[order[k++]] = s;
		}
	}

	const plans: Plan[] = communes.map((commune, idx) => {
		const state = stateOf[idx];
		const category = commune.category ?? 'standard';
		const counts = sampleBaseCounts(rng);
		const baseCounts: Partial<ScaleBaseCounts> = state !== 'draft' || rng() < 0.8 ? counts : {};
		const areaId = areaOf(commune);
		// steps and their times
		let names = FLOW[state];
		if ((state === 'appraised' || state === 'recognised' || state === 'not_recognised') && rng() < 0.2) {
			names = [...LOOP, ...(state === 'recognised' ? (['recognise'] as const) : state === 'not_recognised' ? (['refuse'] as const) : [])];
		}
		const lastAt =
			state === 'recognised' || state === 'not_recognised'
				? decisionAt.get(areaId)!
				: state === 'draft'
					? now - between(rng, 0, 20) * DAY
					: state === 'submitted'
						? now - between(rng, 0.05, 35) * DAY
						: now - between(rng, 0.05, 10) * DAY;
		const steps = timeline(rng, names, Math.min(lastAt, now - 60_000), opensAt);
		const submitAt = steps.find((s) => s.name === 'submit')?.at ?? lastAt;
		const returnAt = steps.find((s) => s.name === 'return')?.at ?? null;
		const lastEntry = Math.max(opensAt + DAY, submitAt - between(rng, 0.05, 4) * DAY);

		// answers: complete once submitted; a draft has some, or all (ready to submit)
		const quality =
			state === 'recognised'
				? 1
				: state === 'not_recognised'
					? between(rng, 0.2, 0.5)
					: state === 'appraised'
						? rng() < 0.7
							? 1
							: between(rng, 0.2, 0.6)
						: rng() < 0.35
							? 1
							: between(rng, 0.5, 0.95);
		const answered = state === 'draft' ? (rng() < 0.12 ? 0 : rng() < 0.25 ? 1 : between(rng, 0.1, 0.95)) : 1;
		const answers = new Map<string, PlannedAnswer>();
		const build = (q: number) => {
			answers.clear();
			for (const { indicator } of indicators) {
				if (answered < 1 && rng() > answered) continue;
				const withMeta = state !== 'draft' || rng() < 0.85;
				const at = lastEntry - between(rng, 0, 25) * DAY;
				answers.set(indicator.code, {
					answer: scaleAnswer(indicator, rng, q, baseCounts, year, withMeta),
					revision: intBetween(rng, 1, 3),
					at: Math.max(opensAt + DAY / 2, at)
				});
			}
		};
		build(quality);
		// decided dossiers must agree with their decision
		const verdictOf = () => scoreAnswers(set, category, answers).verdict;
		if (state === 'recognised' && verdictOf() !== 'pass') build(1);
		for (let tries = 0; state === 'not_recognised' && verdictOf() === 'pass' && tries < 5; tries++) build(0.2);

		// flagged indicators of a returned dossier, and what they said before the correction
		const flagged: string[] = [];
		const before = new Map<string, Record<string, unknown>>();
		if (returnAt !== null) {
			const n = intBetween(rng, 1, 4);
			for (const { indicator } of shuffle(rng, [...indicators]).slice(0, n)) flagged.push(indicator.code);
			const corrected = steps.some((s) => s.name === 'resubmit');
			for (const code of flagged) {
				const a = answers.get(code);
				if (!a) continue;
				if (corrected) {
					const ind = indicators.find((x) => x.indicator.code === code)!.indicator;
					before.set(code, scaleAnswer(ind, rng, 0.6, baseCounts, year));
					a.revision += 1;
					a.at = returnAt + between(rng, 0.1, 0.9) * (steps.find((s) => s.name === 'resubmit')!.at - returnAt || DAY);
				}
			}
		}

		// evidence: per criterion one document backing the answered indicators that need one, some
		// extra reports for figures, the dossier documents once the dossier is complete
		const evidence: PlannedEvidence[] = [];
		const complete = state !== 'draft' || answered === 1;
		const uploadAt = () => Math.max(opensAt + DAY / 2, lastEntry - between(rng, 0, 30) * DAY);
		const doc = (kind: EvidenceKind, codes: string[], name: string, at: number) => {
			const issued = vnDate(at - between(rng, 5, 200) * DAY);
			evidence.push({
				id: 0,
				kind,
				name,
				fileIndex: Math.floor(rng() * EVIDENCE_FILES),
				indicators: codes,
				at,
				docNumber:
					kind === 'evidence' && rng() < 0.3
						? null
						: `${intBetween(rng, 1, 480)}/${kind === 'request_letter' ? 'TTr' : kind === 'council_minutes' ? 'BB' : 'BC'}-UBND`,
				issuedOn: issued,
				issuer: `UBND ${commune.name}`,
				summary:
					kind === 'evidence'
						? `${name.replace(/\.pdf$/, '')}`
						: DOSSIER_NAMES[kind as Exclude<EvidenceKind, 'evidence'>].replace(/\.pdf$/, '')
			});
		};
		for (const c of set.criteria) {
			const codes = c.indicators
				.filter((i) => answers.has(i.code) && needsEvidence(i.kind, answers.get(i.code)!.answer))
				.map((i) => i.code);
			const backed = complete || rng() < 0.6 ? codes : codes.filter(() => rng() < 0.4);
			if (backed.length) doc('evidence', backed, `${pick(rng, DOC_TITLES)} ${c.code}.pdf`, uploadAt());
			const figures = c.indicators
				.filter((i) => answers.has(i.code) && (i.kind === 'rate' || i.kind === 'incidence' || i.kind === 'survey'))
				.map((i) => i.code);
			if (figures.length && rng() < 0.3) doc('evidence', [pick(rng, figures)], `Báo cáo số liệu ${c.code}.pdf`, uploadAt());
		}
		if (complete && (state !== 'draft' || rng() < 0.5)) {
			for (const kind of ['request_letter', 'council_minutes', 'explanatory_notes'] as const)
				doc(kind, [], DOSSIER_NAMES[kind], Math.max(opensAt + DAY, submitAt - between(rng, 0.05, 3) * DAY));
		}
		if (returnAt !== null && steps.some((s) => s.name === 'resubmit') && flagged.length) {
			const resubmitAt = steps.find((s) => s.name === 'resubmit')!.at;
			doc('evidence', [flagged[0]], `Tài liệu bổ sung ${flagged[0]}.pdf`, returnAt + (resubmitAt - returnAt) * between(rng, 0.2, 0.9));
		}

		const lastAtAll = Math.max(steps.at(-1)?.at ?? 0, ...[...answers.values()].map((a) => a.at), ...evidence.map((e) => e.at), opensAt);
		return { commune, areaId, assessmentId: 0, state, category, baseCounts, answers, before, evidence, steps, flagged, lastAt: lastAtAll };
	});
	const states = Object.fromEntries(
		(Object.keys(SCALE_STATE_SHARES) as AssessmentState[]).map((s) => [s, plans.filter((p) => p.state === s).length])
	) as Record<AssessmentState, number>;
	say(
		`  trạng thái: ${Object.entries(states)
			.map(([s, n]) => `${s} ${n}`)
			.join(', ')}`
	);

	const passwordHash = await hashPassword(SCALE_PASSWORD);

	// --- one transaction for everything else ------------------------------------------------------
	const report = await db.transaction().execute(async (trx) => {
		const audit: AuditEvent[] = [];

		// accounts
		type AccountRow = { email: string; full_name: string; role: Role; unit_id: number | null; created_at: Date };
		const accountRows: AccountRow[] = [];
		const createdAt = new Date(opensAt - 10 * DAY);
		for (const c of communes) {
			accountRows.push({
				email: scaleEmail.officer(c.code),
				full_name: personName(rng),
				role: 'commune_officer',
				unit_id: c.id,
				created_at: createdAt
			});
			accountRows.push({
				email: scaleEmail.chair(c.code),
				full_name: personName(rng),
				role: 'commune_chair',
				unit_id: c.id,
				created_at: createdAt
			});
		}
		for (const a of areas) {
			accountRows.push({
				email: scaleEmail.reviewer(a.code),
				full_name: personName(rng),
				role: 'reviewer',
				unit_id: a.id,
				created_at: createdAt
			});
			accountRows.push({
				email: scaleEmail.approver(a.code),
				full_name: personName(rng),
				role: 'approver',
				unit_id: a.id,
				created_at: createdAt
			});
		}
		for (const p of provinces)
			accountRows.push({
				email: scaleEmail.provinceOfficer(p.code),
				full_name: personName(rng),
				role: 'province_officer',
				unit_id: p.id,
				created_at: createdAt
			});
		accountRows.push({
			email: scaleEmail.admin,
			full_name: 'Quản trị hệ thống (thử tải)',
			role: 'admin',
			unit_id: null,
			created_at: createdAt
		});
		say(`Tạo ${accountRows.length} tài khoản (một mã băm mật khẩu dùng chung)…`);
		const accountIds = new Map<string, number>();
		const accountNames = new Map<number, string>();
		await inBatches(accountRows, batch, async (b) => {
			const out = await trx
				.insertInto('account')
				.values(b.map((r) => ({ ...r, password_hash: passwordHash, updated_at: r.created_at })))
				.returning(['id', 'email', 'full_name'])
				.execute();
			for (const r of out) {
				accountIds.set(r.email, r.id);
				accountNames.set(r.id, r.full_name);
			}
		});
		for (const r of accountRows) {
			const id = accountIds.get(r.email)!;
			audit.push({
				at: r.created_at.getTime(),
				actorId: null,
				actorLabel: 'seed-scale',
				action: 'account.create',
				objectType: 'account',
				objectId: id,
				unitId: r.unit_id,
				details: { email: r.email, role: r.role }
			});
		}
		const areaById = new Map(areas.map((a) => [a.id, a]));
		const officerOf = (p: Plan) => accountIds.get(scaleEmail.officer(p.commune.code))!;
		const chairOf = (p: Plan) => accountIds.get(scaleEmail.chair(p.commune.code))!;
		const reviewerOf = (p: Plan) => accountIds.get(scaleEmail.reviewer(areaById.get(p.areaId)!.code))!;
		const approverOf = (p: Plan) => accountIds.get(scaleEmail.approver(areaById.get(p.areaId)!.code))!;
		const emailOf = new Map([...accountIds].map(([e, id]) => [id, e]));

		// the round and its assessments
		say('Mở đợt đánh giá cho mọi xã…');
		const roundName = `Đánh giá xã, phường phù hợp với trẻ em năm ${year} — toàn quốc ${SCALE_ROUND_MARK}`;
		const round = await trx
			.insertInto('round')
			.values({
				name: roundName,
				year,
				criteria_set_id: setRow!.id,
				era,
				opens_on: vnDate(opensAt),
				closes_on: vnDate(now + DAY),
				created_by: accountIds.get(scaleEmail.admin)!,
				created_at: new Date(opensAt)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		audit.push({
			at: opensAt,
			actorId: accountIds.get(scaleEmail.admin)!,
			actorLabel: scaleEmail.admin,
			action: 'round.open',
			objectType: 'round',
			objectId: round.id,
			unitId: null,
			details: { name: roundName, year, criteriaSetId: setRow!.id, communes: communes.length }
		});
		const byCommune = new Map<number, Plan>(plans.map((p) => [p.commune.id, p]));
		await inBatches(plans, batch, async (b) => {
			const out = await trx
				.insertInto('assessment')
				.values(
					b.map((p) => {
						const submits = p.steps.filter((s) => s.name === 'submit' || s.name === 'resubmit');
						return {
							round_id: round.id,
							commune_id: p.commune.id,
							criteria_set_id: setRow!.id,
							category: p.category,
							state: p.state,
							state_version: p.steps.length,
							base_counts: JSON.stringify(p.baseCounts),
							base_revision: Object.keys(p.baseCounts).length ? 1 : 0,
							submitted_at: submits.length ? new Date(submits.at(-1)!.at) : null,
							submitted_by: submits.length ? chairOf(p) : null,
							created_at: new Date(opensAt),
							updated_at: new Date(p.lastAt)
						};
					})
				)
				.returning(['id', 'commune_id'])
				.execute();
			for (const r of out) byCommune.get(r.commune_id)!.assessmentId = r.id;
		});

		// answers and base counts
		say('Ghi câu trả lời…');
		const answerRows = plans.flatMap((p) =>
			[...p.answers].map(([code, a]) => ({
				assessment_id: p.assessmentId,
				indicator_code: code,
				answer: JSON.stringify(a.answer),
				revision: a.revision,
				updated_by: officerOf(p),
				updated_at: new Date(a.at)
			}))
		);
		await inBatches(answerRows, batch, (b) => trx.insertInto('assessment_answer').values(b).execute());
		for (const p of plans) {
			for (const [code, a] of p.answers) {
				audit.push({
					at: a.at,
					actorId: officerOf(p),
					actorLabel: scaleEmail.officer(p.commune.code),
					action: 'assessment.answer_save',
					objectType: 'assessment',
					objectId: p.assessmentId,
					unitId: p.commune.id,
					details: { indicator: code, revision: a.revision }
				});
			}
			if (Object.keys(p.baseCounts).length) {
				const at = Math.max(opensAt + DAY / 4, Math.min(...[...p.answers.values()].map((a) => a.at), p.lastAt) - DAY / 2);
				p.baseAt = at;
				audit.push({
					at,
					actorId: officerOf(p),
					actorLabel: scaleEmail.officer(p.commune.code),
					action: 'assessment.base_counts_save',
					objectType: 'assessment',
					objectId: p.assessmentId,
					unitId: p.commune.id,
					details: { revision: 1, baseCounts: p.baseCounts }
				});
			}
		}
		say(`  ${answerRows.length} câu trả lời`);

		// stored files and evidence
		say('Ghi tài liệu minh chứng…');
		const fileIds: number[] = [];
		for (const f of files) {
			const r = await trx
				.insertInto('stored_file')
				.values({ sha256: f.sha256, size: f.size, mime: 'application/pdf', ext: 'pdf', storage_key: f.key, created_at: new Date(opensAt) })
				.onConflict((oc) => oc.column('sha256').doUpdateSet({ size: f.size }))
				.returning('id')
				.executeTakeFirstOrThrow();
			fileIds.push(r.id);
		}
		const allEvidence = plans.flatMap((p) => p.evidence.map((e) => ({ p, e })));
		const evidenceIds = await takeIds(trx, 'evidence', allEvidence.length);
		allEvidence.forEach(({ e }, i) => (e.id = evidenceIds[i]));
		await inBatches(allEvidence, batch, (b) =>
			trx
				.insertInto('evidence')
				.values(
					b.map(({ p, e }) => ({
						id: e.id,
						assessment_id: p.assessmentId,
						file_id: fileIds[e.fileIndex],
						kind: e.kind,
						original_name: e.name,
						doc_number: e.docNumber,
						issued_on: e.issuedOn,
						issuer: e.issuer,
						summary: e.summary,
						uploaded_by: officerOf(p),
						uploaded_at: new Date(e.at)
					}))
				)
				.execute()
		);
		const linkRows = allEvidence.flatMap(({ e }) => e.indicators.map((code) => ({ evidence_id: e.id, indicator_code: code })));
		await inBatches(linkRows, batch * 2, (b) => trx.insertInto('evidence_link').values(b).execute());
		for (const { p, e } of allEvidence) {
			const f = files[e.fileIndex];
			audit.push({
				at: e.at,
				actorId: officerOf(p),
				actorLabel: scaleEmail.officer(p.commune.code),
				action: 'evidence.upload',
				objectType: 'evidence',
				objectId: e.id,
				unitId: p.commune.id,
				details: {
					assessmentId: p.assessmentId,
					kind: e.kind,
					name: e.name,
					sha256: f.sha256,
					size: f.size,
					mime: 'application/pdf',
					indicators: e.indicators,
					deduplicated: true
				}
			});
		}
		say(`  ${allEvidence.length} tài liệu, ${linkRows.length} liên kết chỉ số, ${files.length} tệp lưu trữ`);

		// submissions, review, appraisal, notifications and the workflow's audit records
		say('Ghi lần gửi hồ sơ, thẩm định, thông báo…');
		const submissionRows: {
			assessment_id: number;
			seq: number;
			submitted_by: number;
			submitted_at: Date;
			snapshot: string;
			total: number;
			verdict: string;
		}[] = [];
		const reviewRows: {
			assessment_id: number;
			indicator_code: string;
			points: number | null;
			reason: string | null;
			status: 'pending' | 'accepted' | 'needs_supplement';
			request: string | null;
			revision: number;
			updated_by: number;
			updated_at: Date;
		}[] = [];
		const commentRows: { assessment_id: number; indicator_code: string; author_id: number; body: string; created_at: Date }[] = [];
		const correctionRows: { assessment_id: number; created_by: number; created_at: Date; message: string; items: string }[] = [];
		const appraisalRows: {
			assessment_id: number;
			reviewer_id: number;
			recommendation: 'recognise' | 'not_recognise';
			self_total: number;
			reviewed_total: number;
			reviewed_verdict: string;
			criteria: string;
			remarks: string;
			created_at: Date;
		}[] = [];
		const notificationRows: {
			account_id: number;
			assessment_id: number;
			kind: string;
			message: string;
			link: string;
			created_at: Date;
			read_at: Date | null;
		}[] = [];
		const totals = new Map<number, { total: number; verdict: string }>();
		const indicatorTitle = new Map(indicators.map((x) => [x.indicator.code, x.indicator.title]));

		for (const p of plans) {
			if (p.state === 'draft') continue;
			const codes = evidenceCodes(
				p.evidence.map((e) => ({ id: e.id, kind: e.kind, uploadedAt: new Date(e.at), indicatorCodes: e.indicators })),
				set
			);
			const finalAnswers = Object.fromEntries([...p.answers].map(([c, a]) => [c, a.answer]));
			const finalScore = scoreAnswers(set, p.category, p.answers);
			totals.set(p.assessmentId, { total: finalScore.total, verdict: finalScore.verdict });
			const snapshotAt = (t: number, answers: Record<string, unknown>): SubmissionSnapshot => ({
				answers,
				baseCounts: p.baseCounts as Record<string, number>,
				evidence: p.evidence
					.filter((e) => e.at <= t)
					.map((e): SubmittedEvidence => ({
						id: e.id,
						code: codes.get(e.id) ?? '',
						name: e.name,
						sha256: files[e.fileIndex].sha256,
						kind: e.kind,
						indicators: e.indicators
					}))
			});
			const reviewer = reviewerOf(p);
			const chair = chairOf(p);
			const officer = officerOf(p);
			const communeAccounts = [officer, chair];
			let seq = 0;
			let state: AssessmentState = 'draft';
			for (const step of p.steps) {
				const from = state;
				state = STEP_TO[step.name];
				let actor = reviewer;
				let details: Record<string, unknown> = {};
				let answersNow = finalAnswers;
				let scored: ScoreResult = finalScore;
				if (step.name === 'submit' || step.name === 'resubmit') {
					actor = chair;
					seq++;
					if (step.name === 'submit' && p.before.size) {
						answersNow = { ...finalAnswers, ...Object.fromEntries(p.before) };
						scored = scoreRaw(set, p.category, answersNow);
					}
					submissionRows.push({
						assessment_id: p.assessmentId,
						seq,
						submitted_by: chair,
						submitted_at: new Date(step.at),
						snapshot: JSON.stringify(snapshotAt(step.at, answersNow)),
						total: scored.total,
						verdict: scored.verdict
					});
				} else if (step.name === 'return') {
					const items: CorrectionItem[] = p.flagged.map((code) => ({
						indicatorCode: code,
						title: indicatorTitle.get(code) ?? code,
						request: `Bổ sung tài liệu minh chứng và số liệu gốc cho ${code}.`
					}));
					correctionRows.push({
						assessment_id: p.assessmentId,
						created_by: reviewer,
						created_at: new Date(step.at),
						message: 'Đề nghị xã bổ sung các nội dung dưới đây và gửi lại hồ sơ.',
						items: JSON.stringify(items)
					});
					details = { flagged: p.flagged, message: 'Đề nghị xã bổ sung các nội dung dưới đây và gửi lại hồ sơ.' };
				} else if (step.name === 'appraise') {
					const recommendation = finalScore.verdict === 'pass' ? 'recognise' : 'not_recognise';
					const criteria: AppraisedCriterion[] = finalScore.criteria.map((c) => ({
						code: c.code,
						title: c.title,
						maxPoints: c.maxPoints,
						selfPoints: c.points,
						reviewedPoints: c.points
					}));
					appraisalRows.push({
						assessment_id: p.assessmentId,
						reviewer_id: reviewer,
						recommendation,
						self_total: finalScore.total,
						reviewed_total: finalScore.total,
						reviewed_verdict: finalScore.verdict,
						criteria: JSON.stringify(criteria),
						remarks:
							recommendation === 'recognise'
								? 'Hồ sơ đầy đủ, số liệu có nguồn; đề nghị công nhận.'
								: 'Chưa đạt một số tiêu chí; đề nghị chưa công nhận.',
						created_at: new Date(step.at)
					});
					details = { recommendation, reviewedTotal: finalScore.total, reviewedVerdict: finalScore.verdict };
				} else if (step.name === 'recognise' || step.name === 'refuse') {
					actor = approverOf(p);
				}
				audit.push({
					at: step.at,
					actorId: actor,
					actorLabel: emailOf.get(actor)!,
					action: `assessment.${step.name}`,
					objectType: 'assessment',
					objectId: p.assessmentId,
					unitId: p.commune.id,
					details: {
						from,
						to: state,
						...details,
						snapshot: {
							criteriaSet: `${set.code}@${set.version}`,
							category: p.category,
							answers: answersNow,
							baseCounts: p.baseCounts,
							total: scored.total,
							verdict: scored.verdict,
							criteria: scored.criteria.map((c) => ({ code: c.code, points: c.points }))
						}
					}
				});
				// in-app notifications (who is told what: src/lib/server/notifications)
				const n = NOTICES[step.name];
				if (n) {
					const recipients = [
						...(n.commune ? communeAccounts : []),
						...(n.area === 'reviewer' ? [reviewer] : n.area === 'approver' ? [approverOf(p)] : [])
					].filter((id) => id !== actor);
					const old = step.at < now - 2 * DAY;
					for (const account of recipients) {
						const read = rng() < (old ? 0.8 : 0.3);
						notificationRows.push({
							account_id: account,
							assessment_id: p.assessmentId,
							kind: n.kind,
							message: n.message(p.commune.name, roundName),
							link: n.kind === 'submitted' || n.kind === 'resubmitted' ? `/review/${p.assessmentId}` : `/assessments/${p.assessmentId}`,
							created_at: new Date(step.at),
							read_at: read ? new Date(Math.min(now, step.at + between(rng, 0.01, 2) * DAY)) : null
						});
					}
				}
			}

			// review items: what the reviewer has looked at so far
			const startAt = p.steps.find((s) => s.name === 'start_review')?.at;
			if (startAt !== undefined) {
				const endAt = p.steps.find((s) => s.name === 'appraise' || s.name === 'return')?.at ?? Math.min(now, startAt + 5 * DAY);
				const reviewedShare = p.state === 'under_review' ? between(rng, 0.2, 0.9) : 1;
				for (const { indicator } of indicators) {
					const flagged = p.flagged.includes(indicator.code);
					if (!flagged && reviewedShare < 1 && rng() > reviewedShare) continue;
					const stillFlagged = flagged && (p.state === 'returned' || p.state === 'resubmitted');
					const at = new Date(startAt + (endAt - startAt) * rng());
					reviewRows.push({
						assessment_id: p.assessmentId,
						indicator_code: indicator.code,
						points: null,
						reason: null,
						status: stillFlagged ? 'needs_supplement' : p.state === 'under_review' && rng() < 0.15 ? 'pending' : 'accepted',
						request: flagged ? `Bổ sung tài liệu minh chứng và số liệu gốc cho ${indicator.code}.` : null,
						revision: flagged && !stillFlagged ? 2 : 1,
						updated_by: reviewer,
						updated_at: at
					});
					audit.push({
						at: at.getTime(),
						actorId: reviewer,
						actorLabel: emailOf.get(reviewer)!,
						action: 'review.item_save',
						objectType: 'assessment',
						objectId: p.assessmentId,
						unitId: p.commune.id,
						details: {
							indicator: indicator.code,
							communePoints: null,
							points: null,
							reason: null,
							status: stillFlagged || flagged ? 'needs_supplement' : 'accepted',
							request: flagged ? `Bổ sung tài liệu minh chứng và số liệu gốc cho ${indicator.code}.` : null,
							revision: 1
						}
					});
				}
			}
			// the thread of a returned dossier: the reviewer asks, the commune sometimes answers
			const returnAt = p.steps.find((s) => s.name === 'return')?.at;
			if (returnAt !== undefined) {
				for (const code of p.flagged) {
					commentRows.push({
						assessment_id: p.assessmentId,
						indicator_code: code,
						author_id: reviewer,
						body: `Đề nghị xã gửi bản gốc số liệu ${code} và tài liệu kèm theo.`,
						created_at: new Date(returnAt - 3_600_000)
					});
					if (rng() < 0.6)
						commentRows.push({
							assessment_id: p.assessmentId,
							indicator_code: code,
							author_id: officer,
							body: 'Xã đã bổ sung, đề nghị cấp thẩm định xem lại.',
							created_at: new Date(Math.min(now - 60_000, returnAt + between(rng, 0.2, 2) * DAY))
						});
				}
			}
		}
		await inBatches(submissionRows, Math.max(50, Math.floor(batch / 4)), (b) => trx.insertInto('submission').values(b).execute());
		await inBatches(reviewRows, batch, (b) => trx.insertInto('review_item').values(b).execute());
		await inBatches(commentRows, batch, (b) => trx.insertInto('review_comment').values(b).execute());
		await inBatches(correctionRows, batch, (b) => trx.insertInto('correction_request').values(b).execute());
		await inBatches(appraisalRows, batch, (b) => trx.insertInto('appraisal').values(b).execute());
		say(
			`  ${submissionRows.length} lần gửi, ${reviewRows.length} mục thẩm định, ${commentRows.length} trao đổi, ${appraisalRows.length} báo cáo thẩm định`
		);

		// decisions: per reviewing unit, one recognising and one refusing decision
		say('Ghi quyết định và giấy chứng nhận…');
		const decided = plans.filter((p) => p.state === 'recognised' || p.state === 'not_recognised');
		const groups = new Map<string, Plan[]>();
		for (const p of decided) {
			const k = `${p.areaId}:${p.state}`;
			groups.set(k, [...(groups.get(k) ?? []), p]);
		}
		const decisionIds = await takeIds(trx, 'decision', groups.size);
		const itemIds = await takeIds(trx, 'decision_item', decided.length);
		const decisionRows: {
			id: number;
			number: string;
			issuing_unit_id: number;
			outcome: 'recognise' | 'not_recognise';
			issued_on: string;
			signer_name: string;
			signer_title: string;
			round_id: number;
			issued_by: number;
			created_at: Date;
		}[] = [];
		const itemRows: {
			id: number;
			decision_id: number;
			assessment_id: number;
			commune_id: number;
			category: string;
			reviewed_total: number;
			valid_from: string | null;
			valid_until: string | null;
		}[] = [];
		const certificatePlans: {
			itemId: number;
			p: Plan;
			issuedOn: string;
			number: string;
			validFrom: string;
			validUntil: string;
			approver: number;
			at: number;
		}[] = [];
		let di = 0;
		let ii = 0;
		const numberOf = new Map<number, number>();
		for (const group of groups.values()) {
			const p0 = group[0];
			const outcome = p0.state === 'recognised' ? 'recognise' : 'not_recognise';
			const at = decisionAt.get(p0.areaId)!;
			const issuedOn = vnDate(at);
			const approver = approverOf(p0);
			const k = (numberOf.get(p0.areaId) ?? intBetween(rng, 100, 900)) + 1;
			numberOf.set(p0.areaId, k);
			const number = `${k}/QĐ-UBND`;
			const id = decisionIds[di++];
			decisionRows.push({
				id,
				number,
				issuing_unit_id: p0.areaId,
				outcome,
				issued_on: issuedOn,
				signer_name: accountNames.get(approver)!,
				signer_title: 'Chủ tịch Ủy ban nhân dân',
				round_id: round.id,
				issued_by: approver,
				created_at: new Date(at)
			});
			for (const p of group) {
				const itemId = itemIds[ii++];
				const validFrom = issuedOn;
				const validUntil = addYears(issuedOn, 3, -1);
				itemRows.push({
					id: itemId,
					decision_id: id,
					assessment_id: p.assessmentId,
					commune_id: p.commune.id,
					category: p.category,
					reviewed_total: totals.get(p.assessmentId)!.total,
					valid_from: outcome === 'recognise' ? validFrom : null,
					valid_until: outcome === 'recognise' ? validUntil : null
				});
				if (outcome === 'recognise')
					certificatePlans.push({
						itemId,
						p,
						issuedOn,
						number,
						validFrom,
						validUntil,
						approver,
						at: Math.min(now - 60_000, at + between(rng, 0.05, 1) * DAY)
					});
			}
			audit.push({
				at,
				actorId: approver,
				actorLabel: emailOf.get(approver)!,
				action: 'decision.issue',
				objectType: 'decision',
				objectId: id,
				unitId: p0.areaId,
				details: { outcome, number, issuedOn, assessments: group.map((p) => ({ id: p.assessmentId, commune: p.commune.code })) }
			});
		}
		await inBatches(decisionRows, batch, (b) => trx.insertInto('decision').values(b).execute());
		await inBatches(itemRows, batch, (b) => trx.insertInto('decision_item').values(b).execute());

		const serials = certificatePlans.length
			? (
					await sql<{
						seq: number;
					}>`select nextval('certificate_serial_seq')::int as seq from generate_series(1, ${certificatePlans.length})`.execute(trx)
				).rows.map((r) => Number(r.seq))
			: [];
		const usedCodes = new Set<string>();
		const certificateRows = certificatePlans.map((c, i) => {
			let code = verificationCode();
			while (usedCodes.has(code)) code = verificationCode();
			usedCodes.add(code);
			const serial = `${c.issuedOn.slice(0, 4)}-${c.p.commune.code}-${String(serials[i]).padStart(6, '0')}`;
			const payload = signClaims(
				{ s: serial, v: code, c: c.p.commune.code, n: c.p.commune.name, d: c.number, t: c.issuedOn, f: c.validFrom, u: c.validUntil },
				key
			);
			return {
				decision_item_id: c.itemId,
				serial,
				code,
				payload,
				key_id: key.keyId,
				file_id: fileIds[CERT_FILE],
				pdf_sha256: files[CERT_FILE].sha256,
				issued_by: c.approver,
				issued_at: new Date(c.at)
			};
		});
		const certIds = await takeIds(trx, 'certificate', certificateRows.length);
		const certRowsWithIds = certificateRows.map((r, i) => ({ id: certIds[i], ...r }));
		await inBatches(certRowsWithIds, batch, (b) => trx.insertInto('certificate').values(b).execute());
		for (const [i, r] of certRowsWithIds.entries()) {
			const c = certificatePlans[i];
			audit.push({
				at: r.issued_at.getTime(),
				actorId: r.issued_by,
				actorLabel: emailOf.get(r.issued_by)!,
				action: 'certificate.issue',
				objectType: 'certificate',
				objectId: r.id,
				unitId: null,
				details: {
					decisionId: itemRows.find((x) => x.id === c.itemId)?.decision_id ?? null,
					decisionItemId: c.itemId,
					serial: r.serial,
					code: r.code,
					sha256: r.pdf_sha256,
					commune: c.p.commune.code
				}
			});
		}
		say(`  ${decisionRows.length} quyết định, ${itemRows.length} xã trong quyết định, ${certificateRows.length} giấy chứng nhận`);

		await inBatches(notificationRows, batch, (b) => trx.insertInto('notification').values(b).execute());

		// what the app keeps as state beside the rows: each dossier's figures (from the same rules as
		// the app, domain assessDossier), who saved the base counts, who took part in each review
		say('Ghi điểm, số mục còn thiếu và người tham gia thẩm định của từng hồ sơ…');
		const marks = new Map<number, ReviewMark[]>();
		for (const r of reviewRows)
			marks.set(r.assessment_id, [
				...(marks.get(r.assessment_id) ?? []),
				{ indicatorCode: r.indicator_code, points: r.points, status: r.status }
			]);
		const figureRows = plans.map((p) => {
			const stored = Object.fromEntries([...p.answers].map(([code, a]) => [code, a.answer]));
			const f = assessDossier({
				set,
				category: p.category,
				answers: readStoredAnswers(set, stored),
				evidence: p.evidence.map((e) => ({ kind: e.kind, indicatorCodes: e.indicators })),
				reviewItems: marks.get(p.assessmentId) ?? []
			}).figures;
			return { p, f };
		});
		await inBatches(figureRows, batch, (b) =>
			sql`update assessment a set self_total = v.self_total, self_verdict = v.self_verdict, reviewed_total = v.reviewed_total,
				reviewed_verdict = v.reviewed_verdict, blockers = v.blockers, figures_rev = ${FIGURES_REV},
				base_updated_by = v.base_by, base_updated_at = v.base_at
				from (values ${sql.join(
					b.map(
						({ p, f }) =>
							sql`(${p.assessmentId}::int, ${f.selfTotal}::int, ${f.selfVerdict}::text, ${f.reviewedTotal}::int, ${f.reviewedVerdict}::text, ${f.blockers}::int, ${p.baseAt === undefined ? null : officerOf(p)}::int, ${p.baseAt === undefined ? null : new Date(p.baseAt)}::timestamptz)`
					)
				)}) as v(id, self_total, self_verdict, reviewed_total, reviewed_verdict, blockers, base_by, base_at)
				where a.id = v.id`.execute(trx)
		);
		const participantRows = plans.flatMap((p) => {
			const steps = p.steps.filter((s) => s.name === 'start_review' || s.name === 'return' || s.name === 'appraise');
			return steps.length
				? [
						{
							assessment_id: p.assessmentId,
							account_id: reviewerOf(p),
							first_at: new Date(steps[0].at),
							last_at: new Date(steps.at(-1)!.at)
						}
					]
				: [];
		});
		await inBatches(participantRows, batch, (b) => trx.insertInto('review_participant').values(b).execute());
		say(`  ${figureRows.length} hồ sơ, ${participantRows.length} người tham gia thẩm định`);
		say(`  ${notificationRows.length} thông báo`);

		// the audit trail, chained after what is already there
		audit.push({
			at: now,
			actorId: null,
			actorLabel: 'seed-scale',
			action: 'seed.scale',
			objectType: 'round',
			objectId: round.id,
			unitId: null,
			details: { era, communes: communes.length, states }
		});
		say(`Ghi ${audit.length} bản ghi nhật ký (chuỗi băm)…`);
		await writeAuditChain(trx, audit);

		return {
			era,
			roundId: round.id,
			communes: communes.length,
			accounts: accountRows.length,
			states,
			answers: answerRows.length,
			evidence: allEvidence.length,
			evidenceLinks: linkRows.length,
			storedFiles: files.length,
			submissions: submissionRows.length,
			reviewItems: reviewRows.length,
			comments: commentRows.length,
			correctionRequests: correctionRows.length,
			appraisals: appraisalRows.length,
			decisions: decisionRows.length,
			decisionItems: itemRows.length,
			certificates: certificateRows.length,
			notifications: notificationRows.length,
			auditRecords: audit.length,
			ms: 0
		};
	});
	say('Cập nhật thống kê của CSDL (ANALYZE)…');
	await sql`analyze`.execute(db);
	report.ms = Date.now() - started;
	say(`Xong: ${report.communes} xã, ${report.accounts} tài khoản trong ${(report.ms / 1000).toFixed(1)} s.`);
	return report;
}

// ---------------------------------------------------------------------------------------------
// Scoring and notifications as the app does them
// ---------------------------------------------------------------------------------------------

function scoreRaw(set: CriteriaSet, category: CommuneCategory, raw: Record<string, unknown>): ScoreResult {
	const parsed = parseAnswers(set, raw);
	if (!parsed.ok)
		throw new Error(`seed-scale produced invalid answers: ${parsed.errors.map((e) => `${e.location}: ${e.message}`).join('; ')}`);
	return score(set, category, parsed.value);
}

function scoreAnswers(set: CriteriaSet, category: CommuneCategory, answers: Map<string, PlannedAnswer>): ScoreResult {
	return scoreRaw(set, category, Object.fromEntries([...answers].map(([c, a]) => [c, a.answer])));
}

/** Who is told about which step, with the messages of src/lib/server/assessments/workflow.ts. */
const NOTICES: Partial<
	Record<
		Step['name'],
		{ kind: string; commune: boolean; area: 'reviewer' | 'approver' | null; message: (commune: string, round: string) => string }
	>
> = {
	submit: { kind: 'submitted', commune: false, area: 'reviewer', message: (n, r) => `${n} đã gửi hồ sơ tự đánh giá (${r}).` },
	resubmit: { kind: 'resubmitted', commune: false, area: 'reviewer', message: (n) => `${n} đã gửi lại hồ sơ sau khi bổ sung.` },
	return: { kind: 'returned', commune: true, area: null, message: (n) => `Cấp thẩm định yêu cầu ${n} bổ sung hồ sơ.` },
	appraise: { kind: 'appraised', commune: true, area: 'approver', message: (n) => `Hồ sơ của ${n} đã được thẩm định xong.` },
	recognise: { kind: 'recognised', commune: true, area: 'reviewer', message: (n) => `${n} được công nhận đạt chuẩn phù hợp với trẻ em.` },
	refuse: { kind: 'not_recognised', commune: true, area: 'reviewer', message: (n, r) => `${n} không được công nhận trong ${r}.` }
};

// ---------------------------------------------------------------------------------------------
// The audit trail in bulk, chained exactly as recordAudit does
// ---------------------------------------------------------------------------------------------

type AuditEvent = {
	at: number;
	actorId: number | null;
	actorLabel: string | null;
	action: string;
	objectType: string | null;
	objectId: number | string | null;
	unitId: number | null;
	details: Record<string, unknown>;
};

/** The events in time order, each appended to its chain (after what the chains already hold). */
async function writeAuditChain(trx: DB, events: AuditEvent[]): Promise<void> {
	const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
	await appendAuditRecords(
		trx,
		sorted.map(({ e }) => ({ ...e, ip: null, at: new Date(Math.round(e.at)) }))
	);
}
