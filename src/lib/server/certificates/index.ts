/**
 * Certificates (giấy chứng nhận) of the communes a decision recognised: issued once each, in a
 * background job with bounded concurrency (layout runs in worker threads), each with a serial, a
 * verification code, the signed payload its QR carries and the stored PDF whose SHA-256 the
 * public verification page shows. Printing an issued certificate again needs a reason; every
 * print is in the audit trail. An issued certificate may also be printed in black and white: the
 * same certificate (serial, verification code, signed payload) laid out again without colour, a
 * print copy counted like any print; the stored colour PDF stays the original.
 *
 * The national emblem, when an administrator supplied it (settings), is printed at the top of
 * every certificate laid out from then on.
 */
import { vnDate } from '../../domain/dates.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { FileStore } from '../storage/index.ts';
import { newTempPath, discardTemp, storageKeyFor } from '../storage/index.ts';
import { by, recordAudit } from '../audit/index.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { canOnUnit, type Action, type Actor } from '../../domain/access.ts';
import { authorize } from '../auth/guard.ts';
import { countedOverLimit } from '../auth/rate-limit.ts';
import type { CertificateDocument } from '../documents/types.ts';
import { certificateLayoutProblem } from '../documents/certificate.ts';
import { placeName, signatureOf, today } from '../documents/data.ts';
import { loadSigningKey, MISSING_KEY_MESSAGE, signClaims, type SigningKey } from './signing.ts';
import { currentEmblem } from '../settings/index.ts';
import { Readable } from 'node:stream';

export type Renderer = (doc: CertificateDocument) => Promise<Buffer>;

/** Verification codes: 10 characters without look-alikes (no 0/O, 1/I/L), shown as XXXXX-XXXXX. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newVerificationCode(): string {
	const bytes = crypto.randomBytes(10);
	const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]);
	return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}
export const VERIFICATION_CODE = /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/;

export function verificationUrl(baseUrl: string, code: string, payload?: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/verify/${code}${payload ? `?p=${payload}` : ''}`;
}

/**
 * The QR codes' base URL is the deployment's PUBLIC_URL and nothing else: never the address a
 * request came in on, which its Host header decides (a preview asked for with `Host:
 * evil.example` would otherwise carry a QR code to evil.example).
 */
export const PUBLIC_URL_MISSING_MESSAGE =
	'Chưa đặt địa chỉ công khai của hệ thống (PUBLIC_URL), nên mã QR trên giấy chứng nhận chưa có địa chỉ xác minh: chưa cấp được giấy chứng nhận. Hãy đề nghị quản trị hệ thống đặt PUBLIC_URL (ví dụ https://treem.example.gov.vn) rồi cấp lại.';

/** What a preview's QR points to without PUBLIC_URL: a reserved, never-resolving name (RFC 2606) that says so. */
export const PREVIEW_PLACEHOLDER_BASE = 'https://chua-dat-public-url.invalid';
/** Printed under a preview's QR code without PUBLIC_URL. */
export const PREVIEW_PLACEHOLDER_NOTICE = 'PUBLIC_URL chưa được đặt';

type ItemRow = {
	id: number;
	decision_id: number;
	valid_from: string | null;
	valid_until: string | null;
	commune_id: number;
	district_id: number | null;
	province_id: number | null;
	commune_code: string;
	commune_name: string;
	province_name: string | null;
	number: string;
	issued_on: string;
	outcome: 'recognise' | 'not_recognise';
	signer_name: string;
	signer_title: string;
	issuing_name: string;
};

/** Whether the commune of a decision item lies in the actor's area for `action`. */
const inArea = (actor: Actor, action: Action, r: Pick<ItemRow, 'commune_id' | 'district_id' | 'province_id'>) =>
	canOnUnit(actor, action, { id: r.commune_id, districtId: r.district_id, provinceId: r.province_id });

export const NOT_IN_AREA_MESSAGE = 'Không tìm thấy xã này trong quyết định.';

async function items(db: DB, decisionId: number, onlyItem?: number): Promise<ItemRow[]> {
	let q = db
		.selectFrom('decision_item as i')
		.innerJoin('decision as d', 'd.id', 'i.decision_id')
		.innerJoin('admin_unit as c', 'c.id', 'i.commune_id')
		.leftJoin('admin_unit as p', 'p.id', 'c.province_id')
		.innerJoin('admin_unit as u', 'u.id', 'd.issuing_unit_id')
		.select([
			'i.id',
			'i.decision_id',
			'i.valid_from',
			'i.valid_until',
			'c.id as commune_id',
			'c.district_id',
			'c.province_id',
			'c.code as commune_code',
			'c.name as commune_name',
			'p.name as province_name',
			'd.number',
			'd.issued_on',
			'd.outcome',
			'd.signer_name',
			'd.signer_title',
			'u.name as issuing_name'
		])
		.where('i.decision_id', '=', decisionId);
	if (onlyItem !== undefined) q = q.where('i.id', '=', onlyItem);
	return q.orderBy('c.code').execute();
}

function certificateDoc(
	r: ItemRow,
	c: { serial: string; code: string; qr: string; qrNotice?: string; preview: boolean; colour?: boolean; emblem?: Uint8Array | null }
): CertificateDocument {
	const province = r.province_name ?? r.issuing_name;
	return {
		kind: 'certificate',
		marks: { preview: c.preview, provisional: false },
		authority: `ỦY BAN NHÂN DÂN ${r.issuing_name.toLocaleUpperCase('vi')}`,
		commune: { name: r.commune_name, province },
		decision: { number: r.number, date: r.issued_on },
		validFrom: r.valid_from ?? r.issued_on,
		validUntil: r.valid_until ?? r.issued_on,
		serial: c.serial,
		qr: c.qr,
		...(c.qrNotice ? { qrNotice: c.qrNotice } : {}),
		verificationCode: c.code,
		signature: signatureOf(r.signer_title, r.signer_name),
		place: placeName(province),
		date: r.issued_on,
		colour: c.colour ?? true,
		...(c.emblem ? { emblem: c.emblem } : {})
	};
}

/**
 * A preview of one item's certificate (watermarked, sample serial, QR to the verification page
 * under PUBLIC_URL). Without PUBLIC_URL the QR points to a placeholder that says so, and the
 * same words are printed under it.
 */
export async function previewCertificate(
	db: DB,
	cfg: Pick<Config, 'publicUrl'>,
	actor: Actor,
	decisionId: number,
	itemId: number,
	opts: { store?: FileStore } = {}
): Promise<CertificateDocument | undefined> {
	authorize(actor, 'certificate.print');
	const [r] = await items(db, decisionId, itemId);
	if (!r || !inArea(actor, 'certificate.print', r)) throw notFound(NOT_IN_AREA_MESSAGE);
	if (r.outcome !== 'recognise') return undefined;
	const code = 'XXXXX-XXXXX';
	const doc = certificateDoc(r, {
		serial: 'XEM TRƯỚC',
		code,
		qr: verificationUrl(cfg.publicUrl ?? PREVIEW_PLACEHOLDER_BASE, code),
		...(cfg.publicUrl ? {} : { qrNotice: PREVIEW_PLACEHOLDER_NOTICE }),
		preview: true,
		emblem: opts.store ? await currentEmblem(db, opts.store) : null
	});
	// a certificate that would not fit one A4 page says so, naming what is too long
	const problem = certificateLayoutProblem(doc);
	if (problem) throw invalid(problem);
	return doc;
}

/**
 * Checks that `emblem` can go on a certificate: the longest sample certificate still fits one
 * page with it, and the PDF library reads the image (`render` lays one out). Throws otherwise.
 */
export async function checkEmblemLayout(emblem: Uint8Array, render: Renderer): Promise<void> {
	const doc: CertificateDocument = {
		kind: 'certificate',
		marks: { preview: true, provisional: false },
		authority: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH',
		commune: { name: 'Phường Phú Xuân', province: 'Thành phố Huế' },
		decision: { number: '15/QĐ-UBND', date: '2026-11-20' },
		validFrom: '2026-11-20',
		validUntil: '2029-11-19',
		serial: 'KIỂM TRA',
		qr: verificationUrl(PREVIEW_PLACEHOLDER_BASE, 'XXXXX-XXXXX'),
		verificationCode: 'XXXXX-XXXXX',
		signature: signatureOf('Phó Chủ tịch', 'Nguyễn Văn A'),
		place: 'Huế',
		date: '2026-11-20',
		colour: true,
		emblem
	};
	const problem = certificateLayoutProblem(doc);
	if (problem) throw new Error(problem);
	await render(doc);
}

/**
 * A running job writes a heartbeat (`heartbeat_at`, the database's clock) every few seconds and
 * after each certificate; one whose heartbeat is older than STALE_AFTER_MS died with its process
 * (a crash, a kill, a restart), and a retry takes it over at once instead of waiting.
 */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;
export const JOB_RUNNING_MESSAGE = 'Đang cấp giấy chứng nhận cho quyết định này; hãy chờ xong.';
export const JOB_INTERRUPTED_MESSAGE = 'bị gián đoạn vì máy chủ dừng giữa chừng';

/** `heartbeat_at` is older than the threshold (by the database's clock, shared by every instance). */
const staleSql = sql<boolean>`heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_MS / 1000})`;

export type JobView = { id: number; total: number; done: number; status: 'running' | 'done' | 'failed'; error: string | null };

/** The decision's latest job; a "running" job whose heartbeat stopped is shown as interrupted (failed). */
export async function latestJob(db: DB, decisionId: number): Promise<JobView | null> {
	const j = await db
		.selectFrom('document_job')
		.select(['id', 'total', 'done', 'status', 'error', staleSql.as('stale')])
		.where('decision_id', '=', decisionId)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!j) return null;
	const { stale, ...view } = j;
	return view.status === 'running' && stale ? { ...view, status: 'failed', error: JOB_INTERRUPTED_MESSAGE } : view;
}

const running = new Map<number, Promise<void>>();
/** Test hook: the promise of a running job. */
export const jobPromise = (jobId: number) => running.get(jobId);

/**
 * Starts issuing the certificates a recognition decision still lacks; returns the job id at
 * once. Each certificate is one transaction (row + audit) after its PDF is stored, so a job
 * stopped half-way leaves whole certificates only, and starting again issues the rest.
 */
export async function startCertificateJob(
	db: DB,
	cfg: Pick<Config, 'signingKeyFile' | 'publicUrl'>,
	store: FileStore,
	actor: Actor,
	decisionId: number,
	opts: { render: Renderer; concurrency?: number; tmpDir: string; onlyItems?: number[]; heartbeatMs?: number }
): Promise<number> {
	authorize(actor, 'certificate.issue');
	// the QR codes' base: PUBLIC_URL only (never the request's address); refused before anything is written
	const baseUrl = cfg.publicUrl;
	if (!baseUrl) throw conflict(PUBLIC_URL_MISSING_MESSAGE);
	const key = loadSigningKey(cfg.signingKeyFile);
	if (!key) throw conflict(MISSING_KEY_MESSAGE);
	// only the communes of the actor's area: the module checks it, whatever the page sent
	const all = (await items(db, decisionId)).filter((r) => inArea(actor, 'certificate.issue', r));
	if (all.length === 0) throw notFound('Không tìm thấy quyết định.');
	if (all[0].outcome !== 'recognise') throw conflict('Chỉ cấp giấy chứng nhận cho quyết định công nhận.');
	// the emblem in force when the job starts, for every certificate of the job (and its layout check)
	const emblem = await currentEmblem(db, store);
	const revoked = new Set(
		(
			await db
				.selectFrom('revocation as v')
				.innerJoin('decision_item as i', 'i.id', 'v.decision_item_id')
				.select('i.id')
				.where('i.decision_id', '=', decisionId)
				.execute()
		).map((r) => r.id)
	);
	const issued = new Set(
		(
			await db
				.selectFrom('certificate as c')
				.innerJoin('decision_item as i', 'i.id', 'c.decision_item_id')
				.select('i.id')
				.where('i.decision_id', '=', decisionId)
				.execute()
		).map((r) => r.id)
	);
	// every certificate must fit one page: refused before anything is written, naming the commune
	for (const [i, r] of all.entries()) {
		// ~2 ms each: let other requests through now and then (a decision may cover a thousand communes)
		if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
		const problem = certificateLayoutProblem(
			certificateDoc(r, { serial: 'KIỂM TRA', code: 'XXXXX-XXXXX', qr: verificationUrl(baseUrl, 'XXXXX-XXXXX'), preview: false, emblem })
		);
		if (problem) throw conflict(`${r.commune_name}: ${problem}`);
	}
	const todo = all.filter((r) => !issued.has(r.id) && !revoked.has(r.id) && (!opts.onlyItems || opts.onlyItems.includes(r.id)));
	// one job per decision at a time (across instances): checked and recorded under the decision's row lock.
	// A running job whose heartbeat stopped died with its process: it is taken over by a conditional
	// update (still running, still stale), so that of two retries only one can take it.
	const job = await db.transaction().execute(async (trx) => {
		await trx.selectFrom('decision').select('id').where('id', '=', decisionId).forUpdate().executeTakeFirst();
		const active = await trx
			.selectFrom('document_job')
			.select(['id', staleSql.as('stale')])
			.where('decision_id', '=', decisionId)
			.where('status', '=', 'running')
			.execute();
		for (const j of active) {
			if (!j.stale) throw conflict(JOB_RUNNING_MESSAGE);
			const taken = await trx
				.updateTable('document_job')
				.set({ status: 'failed', error: JOB_INTERRUPTED_MESSAGE, finished_at: sql<Date>`now()` })
				.where('id', '=', j.id)
				.where('status', '=', 'running')
				.where(staleSql)
				.returning('id')
				.executeTakeFirst();
			if (!taken) throw conflict(JOB_RUNNING_MESSAGE);
			await recordAudit(trx, {
				...by(actor),
				action: 'certificate.job_takeover',
				objectType: 'decision',
				objectId: decisionId,
				details: { interruptedJob: j.id }
			});
		}
		return trx
			.insertInto('document_job')
			.values({
				kind: 'certificates',
				decision_id: decisionId,
				total: todo.length,
				created_by: actor.id,
				status: todo.length ? 'running' : 'done'
			})
			.returning('id')
			.executeTakeFirstOrThrow();
	});
	if (todo.length === 0) return job.id;
	const work = runJob(db, store, actor, key, job.id, todo, { ...opts, baseUrl, emblem }).catch(async (e) => {
		console.error(`certificate job ${job.id} failed:`, e);
		// the user sees a Vietnamese summary; the details are in the server log
		await db
			.updateTable('document_job')
			.set({ status: 'failed', error: 'lỗi khi tạo hoặc lưu giấy chứng nhận, chi tiết trong nhật ký máy chủ', finished_at: new Date() })
			.where('id', '=', job.id)
			.where('status', '=', 'running')
			.execute();
	});
	running.set(
		job.id,
		work.finally(() => running.delete(job.id))
	);
	return job.id;
}

async function runJob(
	db: DB,
	store: FileStore,
	actor: Actor,
	key: SigningKey,
	jobId: number,
	todo: ItemRow[],
	opts: { baseUrl: string; render: Renderer; concurrency?: number; tmpDir: string; heartbeatMs?: number; emblem: Uint8Array | null }
) {
	// the heartbeat: while this process lives, the job counts as running (a failed beat is retried at the next one)
	const beat = setInterval(() => {
		db.updateTable('document_job')
			.set({ heartbeat_at: sql<Date>`now()` })
			.where('id', '=', jobId)
			.where('status', '=', 'running')
			.execute()
			.catch((e) => console.error(`certificate job ${jobId}: heartbeat not written:`, e));
	}, opts.heartbeatMs ?? HEARTBEAT_MS);
	beat.unref();
	try {
		let next = 0;
		const worker = async () => {
			while (next < todo.length) {
				const r = todo[next++];
				await issueOne(db, store, actor, key, r, opts);
				await db
					.updateTable('document_job')
					.set({ done: sql<number>`done + 1`, heartbeat_at: sql<Date>`now()` })
					.where('id', '=', jobId)
					.execute();
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, todo.length)) }, worker));
	} finally {
		clearInterval(beat);
	}
	// (a job taken over after its heartbeat stalled stays as the retry left it)
	await db
		.updateTable('document_job')
		.set({ status: 'done', finished_at: new Date() })
		.where('id', '=', jobId)
		.where('status', '=', 'running')
		.execute();
}

const isRevoked = async (db: DB, itemId: number) =>
	(await db.selectFrom('revocation').select('id').where('decision_item_id', '=', itemId).executeTakeFirst()) !== undefined;

async function issueOne(
	db: DB,
	store: FileStore,
	actor: Actor,
	key: SigningKey,
	r: ItemRow,
	opts: { baseUrl: string; render: Renderer; tmpDir: string; emblem: Uint8Array | null }
) {
	// a recognition revoked while the job runs gets no certificate
	if (await isRevoked(db, r.id)) return;
	const { seq } = (await sql<{ seq: string }>`select nextval('certificate_serial_seq') as seq`.execute(db)).rows[0];
	const serial = `${r.issued_on.slice(0, 4)}-${r.commune_code}-${String(seq).padStart(6, '0')}`;
	const code = newVerificationCode();
	const payload = signClaims(
		{
			s: serial,
			v: code,
			c: r.commune_code,
			n: r.commune_name,
			d: r.number,
			t: r.issued_on,
			f: r.valid_from ?? r.issued_on,
			u: r.valid_until ?? r.issued_on
		},
		key
	);
	const pdf = await opts.render(
		certificateDoc(r, { serial, code, qr: verificationUrl(opts.baseUrl, code, payload), preview: false, emblem: opts.emblem })
	);
	const sha256 = crypto.createHash('sha256').update(pdf).digest('hex');
	const tmp = await newTempPath(opts.tmpDir);
	try {
		await fs.promises.writeFile(tmp, pdf);
		const storageKey = await store.put(tmp, sha256, 'pdf');
		await db.transaction().execute(async (trx) => {
			await trx.selectFrom('decision_item').select('id').where('id', '=', r.id).forUpdate().executeTakeFirst();
			if (await isRevoked(trx, r.id)) return;
			const file = await trx
				.insertInto('stored_file')
				.values({ sha256, size: pdf.length, mime: 'application/pdf', ext: 'pdf', storage_key: storageKey || storageKeyFor(sha256, 'pdf') })
				.onConflict((oc) => oc.column('sha256').doUpdateSet({ size: pdf.length }))
				.returning('id')
				.executeTakeFirstOrThrow();
			const c = await trx
				.insertInto('certificate')
				.values({
					decision_item_id: r.id,
					serial,
					code,
					payload,
					key_id: key.keyId,
					file_id: file.id,
					pdf_sha256: sha256,
					issued_by: actor.id
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			await recordAudit(trx, {
				...by(actor),
				action: 'certificate.issue',
				objectType: 'certificate',
				objectId: c.id,
				unitId: r.commune_id,
				details: { decisionId: r.decision_id, decisionItemId: r.id, serial, code, sha256, commune: r.commune_code }
			});
		});
	} finally {
		await discardTemp(tmp);
	}
}

export type CertificateRow = {
	id: number;
	decisionItemId: number;
	serial: string;
	code: string;
	sha256: string;
	issuedAt: Date;
	printed: number;
};

/** The certificates of a decision, by decision item, with how often each was printed. */
export async function certificatesOf(db: DB, decisionId: number): Promise<Map<number, CertificateRow>> {
	const rows = await db
		.selectFrom('certificate as c')
		.innerJoin('decision_item as i', 'i.id', 'c.decision_item_id')
		.select(['c.id', 'c.decision_item_id', 'c.serial', 'c.code', 'c.pdf_sha256', 'c.issued_at'])
		.where('i.decision_id', '=', decisionId)
		.execute();
	const prints = rows.length
		? await db
				.selectFrom('certificate_print')
				.select(['certificate_id', (eb) => eb.fn.countAll<string>().as('n')])
				.where(
					'certificate_id',
					'in',
					rows.map((r) => r.id)
				)
				.groupBy('certificate_id')
				.execute()
		: [];
	const printed = new Map(prints.map((p) => [p.certificate_id, Number(p.n)]));
	return new Map(
		rows.map((r) => [
			r.decision_item_id,
			{
				id: r.id,
				decisionItemId: r.decision_item_id,
				serial: r.serial,
				code: r.code,
				sha256: r.pdf_sha256,
				issuedAt: r.issued_at,
				printed: printed.get(r.id) ?? 0
			}
		])
	);
}

export const REPRINT_REASON_MESSAGE = 'Giấy chứng nhận này đã được in: in lại cần ghi lý do (5–500 ký tự).';

/** A black-and-white print needs the QR's address (PUBLIC_URL) to lay the same QR out again. */
export const BW_PUBLIC_URL_MISSING_MESSAGE =
	'Chưa đặt địa chỉ công khai của hệ thống (PUBLIC_URL), nên chưa in được bản đen trắng có mã QR xác minh; bản gốc (bản màu) vẫn in được. Hãy đề nghị quản trị hệ thống đặt PUBLIC_URL.';

/** How an issued certificate is printed: the stored colour PDF (the original), or the same certificate laid out again in black and white. */
export type PrintRendition = { kind: 'original' } | { kind: 'black_and_white'; cfg: Pick<Config, 'publicUrl'>; render: Renderer };

/**
 * Opens an issued certificate for printing: the first print needs nothing, every later one a
 * reason; both are recorded in the audit trail before any byte is sent. The original is the
 * stored colour PDF; a black-and-white print is the same certificate (same serial, verification
 * code and signed QR payload) laid out again without colour, as a print copy, and counts as a
 * print like any other.
 */
export async function openCertificateForPrint(
	db: DB,
	store: FileStore,
	actor: Actor,
	decisionId: number,
	itemId: number,
	reason: string | null,
	rendition: PrintRendition = { kind: 'original' }
): Promise<{ stream: Readable; size: number; fileName: string }> {
	authorize(actor, 'certificate.print');
	const [item] = await items(db, decisionId, itemId);
	if (!item || !inArea(actor, 'certificate.print', item)) throw notFound(NOT_IN_AREA_MESSAGE);
	const text = (reason ?? '').normalize('NFC').trim();
	const bw = rendition.kind === 'black_and_white';
	const baseUrl = bw ? rendition.cfg.publicUrl : null;
	if (bw && !baseUrl) throw conflict(BW_PUBLIC_URL_MISSING_MESSAGE);
	// the count of earlier prints and this print's record are one step under the item's lock,
	// so two people printing at once cannot both count as the first print
	const c = await db.transaction().execute(async (trx) => {
		await trx
			.selectFrom('decision_item')
			.select('id')
			.where('id', '=', itemId)
			.where('decision_id', '=', decisionId)
			.forUpdate()
			.executeTakeFirst();
		const c = await trx
			.selectFrom('certificate as c')
			.innerJoin('decision_item as i', 'i.id', 'c.decision_item_id')
			.innerJoin('stored_file as f', 'f.id', 'c.file_id')
			.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
			.select([
				'c.id',
				'c.serial',
				'c.code',
				'c.payload',
				'f.storage_key',
				'f.size',
				'c.pdf_sha256',
				'v.id as revocation_id',
				'i.commune_id'
			])
			.where('i.decision_id', '=', decisionId)
			.where('i.id', '=', itemId)
			.executeTakeFirst();
		if (!c) throw notFound('Chưa có giấy chứng nhận cho xã này.');
		if (c.revocation_id !== null) throw conflict('Công nhận của xã này đã bị thu hồi: không in giấy chứng nhận.');
		const printed = Number(
			(
				await trx
					.selectFrom('certificate_print')
					.select((eb) => eb.fn.countAll<string>().as('n'))
					.where('certificate_id', '=', c.id)
					.executeTakeFirstOrThrow()
			).n
		);
		if (printed > 0 && (text.length < 5 || text.length > 500)) throw invalid(REPRINT_REASON_MESSAGE, { reason: REPRINT_REASON_MESSAGE });
		await trx
			.insertInto('certificate_print')
			.values({ certificate_id: c.id, printed_by: actor.id, reason: printed > 0 ? text : null })
			.execute();
		await recordAudit(trx, {
			...by(actor),
			action: printed > 0 ? 'certificate.reprint' : 'certificate.print',
			objectType: 'certificate',
			objectId: c.id,
			unitId: c.commune_id,
			details: {
				serial: c.serial,
				sha256: c.pdf_sha256,
				...(printed > 0 ? { reason: text } : {}),
				...(bw ? { rendition: 'black_and_white' } : {})
			}
		});
		return c;
	});
	if (rendition.kind === 'black_and_white') {
		const pdf = await rendition.render(
			certificateDoc(item, {
				serial: c.serial,
				code: c.code,
				qr: verificationUrl(baseUrl!, c.code, c.payload),
				preview: false,
				colour: false,
				emblem: await currentEmblem(db, store)
			})
		);
		return { stream: Readable.from([pdf]), size: pdf.length, fileName: `giay-chung-nhan-${c.serial}-ban-in-den-trang.pdf` };
	}
	return { stream: await store.open(c.storage_key), size: Number(c.size), fileName: `giay-chung-nhan-${c.serial}.pdf` };
}

// ---------------------------------------------------------------------------------------------
// Public verification
// ---------------------------------------------------------------------------------------------

export type VerificationStatus = 'valid' | 'expired' | 'revoked' | 'superseded' | 'not_yet_valid';
export const VERIFICATION_STATUS_LABELS: Record<VerificationStatus, string> = {
	valid: 'Còn hiệu lực',
	expired: 'Hết hiệu lực',
	revoked: 'Đã bị thu hồi',
	superseded: 'Đơn vị đã sắp xếp, sáp nhập (giấy chứng nhận không còn áp dụng cho đơn vị mới)',
	not_yet_valid: 'Chưa đến thời hạn hiệu lực'
};

export type Verification = {
	status: VerificationStatus;
	statusLabel: string;
	serial: string;
	commune: string;
	province: string | null;
	decisionNumber: string;
	decisionDate: string;
	issuingBody: string;
	criteriaSet: string;
	validFrom: string;
	validUntil: string;
	sha256: string;
	revokedOn: string | null;
};

/** What the public page shows for a verification code (no personal data); undefined if unknown. */
export async function verifyCertificate(db: DB, code: string, on: string = today()): Promise<Verification | undefined> {
	if (!VERIFICATION_CODE.test(code)) return undefined;
	const r = await db
		.selectFrom('certificate as c')
		.innerJoin('decision_item as i', 'i.id', 'c.decision_item_id')
		.innerJoin('decision as d', 'd.id', 'i.decision_id')
		.innerJoin('admin_unit as u', 'u.id', 'i.commune_id')
		.leftJoin('admin_unit as p', 'p.id', 'u.province_id')
		.innerJoin('admin_unit as g', 'g.id', 'd.issuing_unit_id')
		.innerJoin('assessment as a', 'a.id', 'i.assessment_id')
		.innerJoin('criteria_set as s', 's.id', 'a.criteria_set_id')
		.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
		.select([
			'c.serial',
			'c.pdf_sha256',
			'u.id as unit_id',
			'u.era',
			'u.name as commune',
			'p.name as province',
			'd.number',
			'd.issued_on',
			'g.name as issuing',
			's.code as set_code',
			's.version as set_version',
			'i.valid_from',
			'i.valid_until',
			'v.revoked_at'
		])
		.where('c.code', '=', code)
		.executeTakeFirst();
	if (!r) return undefined;
	const merged =
		r.era === 'pre2025'
			? await db.selectFrom('unit_lineage').select('unit_id').where('old_unit_id', '=', r.unit_id).limit(1).executeTakeFirst()
			: undefined;
	const from = r.valid_from ?? r.issued_on;
	const until = r.valid_until ?? r.issued_on;
	const status: VerificationStatus = r.revoked_at
		? 'revoked'
		: merged
			? 'superseded'
			: on > until
				? 'expired'
				: on < from
					? 'not_yet_valid'
					: 'valid';
	return {
		status,
		statusLabel: VERIFICATION_STATUS_LABELS[status],
		serial: r.serial,
		commune: r.commune,
		province: r.province,
		decisionNumber: r.number,
		decisionDate: r.issued_on,
		issuingBody: `Ủy ban nhân dân ${r.issuing}`,
		criteriaSet: `${r.set_code}@${r.set_version}`,
		validFrom: from,
		validUntil: until,
		sha256: r.pdf_sha256,
		revokedOn: r.revoked_at ? vnDate(r.revoked_at) : null
	};
}

/** Per-address limit of the public page, kept in the database like the sign-in limits. */
export const VERIFY_LIMIT = { maxRequests: 30, windowMs: 60_000 };

export async function verifyRateLimited(db: DB, ip: string, now = new Date()): Promise<boolean> {
	return countedOverLimit(db, `verify:${ip}`, VERIFY_LIMIT, now);
}

/**
 * The certificate of an assessment's recognition, for the commune's own dossier page: its serial,
 * verification code and stored file; undefined when none was issued. A revoked one is marked.
 */
export async function certificateOfAssessment(db: DB, assessmentId: number) {
	return db
		.selectFrom('certificate as c')
		.innerJoin('decision_item as i', 'i.id', 'c.decision_item_id')
		.innerJoin('stored_file as f', 'f.id', 'c.file_id')
		.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
		.select(['c.serial', 'c.code', 'f.storage_key', 'f.size', 'v.id as revocation_id'])
		.where('i.assessment_id', '=', assessmentId)
		.executeTakeFirst();
}
