/**
 * Settings an administrator corrects from the app (/admin/settings), kept in the `setting` table
 * (one row per key, a JSON value):
 * - `decision.legal_bases`: the ordered legal bases ("Căn cứ …") of every new decision;
 * - `review.office`: the reviewing office's name (the appraisal report's issuer) and its head's
 *   title (the appraisal report's signature, and "Theo đề nghị của <title> <office>" in the
 *   decision);
 * - `certificate.emblem`: the national emblem's image (a PNG or JPEG in the file store), printed
 *   at the top of each certificate when present.
 *
 * Read with one query per document (`loadDocumentSettings`), never cached in the process: a
 * change made through another instance shows in the next document. What is not stored yet falls
 * back to the defaults below, which the page marks as such. Each change is one transaction with
 * its audit record.
 *
 * The defaults are what we could write without the gazetted texts at hand (shared/domain/qd06.md):
 * QĐ 06/QĐ-TTg of 03/01/2019 is confirmed there; the numbers and dates of the two laws are not in
 * that document (Luật Tổ chức chính quyền địa phương 72/2025/QH15 of 16/06/2025, in force since
 * the 2025 reform; Luật Trẻ em 102/2016/QH13 of 05/04/2016), so they are editable like the rest.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { sql } from 'kysely';
import { fileTypeFromBuffer } from 'file-type';
import { z } from 'zod';
import type { DB } from '../db/index.ts';
import { config, type Config } from '../config.ts';
import type { FileStore } from '../storage/index.ts';
import { discardTemp, newTempPath } from '../storage/index.ts';
import { by, recordAudit } from '../audit/index.ts';
import { AppError, invalid } from '../errors.ts';
import { authorize } from '../auth/guard.ts';
import type { Actor } from '../../domain/access.ts';

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

export const DEFAULT_LEGAL_BASES: readonly string[] = [
	'Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/06/2025;',
	'Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;',
	'Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, trình tự đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em;'
];

/** The head's title an office of this name has: "Sở …" → Giám đốc, "Phòng …" → Trưởng phòng, else a neutral "Thủ trưởng". */
export function defaultHeadTitle(officeName: string): string {
	const name = officeName.normalize('NFC').trim();
	if (/^Sở\s/iu.test(name)) return 'Giám đốc';
	if (/^Phòng\s/iu.test(name)) return 'Trưởng phòng';
	return 'Thủ trưởng';
}

// ---------------------------------------------------------------------------------------------
// Validation (the page's messages, at the field)
// ---------------------------------------------------------------------------------------------

export const LEGAL_BASES_MAX = 12;
export const LEGAL_BASIS_MAX_CHARS = 600;
export const EMBLEM_MAX_BYTES = 1024 * 1024;

const collapse = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The legal bases typed one per line: each "Căn cứ …", 10–600 characters, 1–12 lines. */
export const legalBasesSchema = z
	.string({ error: 'Hãy nhập các căn cứ pháp lý, mỗi căn cứ một dòng.' })
	.transform((text) =>
		text
			.split(/\r?\n/)
			.map(collapse)
			.filter((l) => l !== '')
	)
	.superRefine((lines, ctx) => {
		if (lines.length === 0) {
			ctx.addIssue({ code: 'custom', message: 'Hãy nhập ít nhất một căn cứ pháp lý, mỗi căn cứ một dòng.' });
			return;
		}
		if (lines.length > LEGAL_BASES_MAX) {
			ctx.addIssue({ code: 'custom', message: `Tối đa ${LEGAL_BASES_MAX} căn cứ (mỗi căn cứ một dòng).` });
			return;
		}
		for (const [i, line] of lines.entries()) {
			if (!/^Căn cứ\s/u.test(line)) {
				ctx.addIssue({
					code: 'custom',
					message: `Dòng ${i + 1}: mỗi căn cứ bắt đầu bằng "Căn cứ", ví dụ "Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/04/2016;".`
				});
				return;
			}
			if (line.length < 12 || line.length > LEGAL_BASIS_MAX_CHARS) {
				ctx.addIssue({ code: 'custom', message: `Dòng ${i + 1}: mỗi căn cứ từ 12 đến ${LEGAL_BASIS_MAX_CHARS} ký tự.` });
				return;
			}
		}
	});

const officeName = z
	.string({ error: 'Hãy nhập tên cơ quan thẩm định.' })
	.transform(collapse)
	.pipe(z.string().min(3, 'Tên cơ quan thẩm định từ 3 đến 200 ký tự.').max(200, 'Tên cơ quan thẩm định từ 3 đến 200 ký tự.'));
const headTitle = z
	.string({ error: 'Hãy nhập chức danh thủ trưởng cơ quan thẩm định.' })
	.transform(collapse)
	.pipe(
		z
			.string()
			.min(3, 'Chức danh thủ trưởng từ 3 đến 100 ký tự, ví dụ "Giám đốc".')
			.max(100, 'Chức danh thủ trưởng từ 3 đến 100 ký tự, ví dụ "Giám đốc".')
	);

export const reviewOfficeSchema = z.object({ name: officeName, headTitle });

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export type ReviewOffice = { name: string; headTitle: string };
export type EmblemRef = { storageKey: string; sha256: string; mime: string; size: number; uploadedAt: string };

/** One value: what is in force and whether it is the default (nothing stored) or who set it when. */
export type Setting<T> = { value: T; isDefault: boolean; updatedAt: Date | null; updatedBy: string | null };

export type DocumentSettings = {
	legalBases: Setting<string[]>;
	reviewOffice: Setting<ReviewOffice>;
	emblem: Setting<EmblemRef | null>;
};

/** The wording of a decision that comes from the settings. */
export type DecisionWording = { legalBases: string[]; proposer: string };

const KEYS = { legalBases: 'decision.legal_bases', reviewOffice: 'review.office', emblem: 'certificate.emblem' } as const;

const stored = {
	legalBases: z.array(z.string()).min(1),
	reviewOffice: z.object({ name: z.string().min(1), headTitle: z.string().min(1) }),
	emblem: z.object({ storageKey: z.string(), sha256: z.string(), mime: z.string(), size: z.number(), uploadedAt: z.string() })
};

export function defaultReviewOffice(cfg: Pick<Config, 'reviewOfficeName'>): ReviewOffice {
	return { name: cfg.reviewOfficeName, headTitle: defaultHeadTitle(cfg.reviewOfficeName) };
}

/** Every document setting, in one query; what is not stored (or not readable) is the default. */
export async function loadDocumentSettings(db: DB, cfg: Pick<Config, 'reviewOfficeName'> = config()): Promise<DocumentSettings> {
	const rows = (
		await sql<{ key: string; value: unknown; updated_at: Date | string; full_name: string | null }>`
			select s.key, s.value, s.updated_at, u.full_name
			from setting s left join account u on u.id = s.updated_by
			where s.key in (${KEYS.legalBases}, ${KEYS.reviewOffice}, ${KEYS.emblem})`.execute(db)
	).rows;
	const byKey = new Map(rows.map((r) => [r.key, r]));
	const read = <T>(key: string, schema: z.ZodType<T>, fallback: T): Setting<T> => {
		const r = byKey.get(key);
		const parsed = r ? schema.safeParse(r.value) : null;
		if (!r || !parsed?.success) return { value: fallback, isDefault: true, updatedAt: null, updatedBy: null };
		return { value: parsed.data, isDefault: false, updatedAt: new Date(r.updated_at), updatedBy: r.full_name };
	};
	return {
		legalBases: read(KEYS.legalBases, stored.legalBases, [...DEFAULT_LEGAL_BASES]),
		reviewOffice: read(KEYS.reviewOffice, stored.reviewOffice, defaultReviewOffice(cfg)),
		// a removed emblem is stored as null: the default is no emblem either way
		emblem: read<EmblemRef | null>(KEYS.emblem, stored.emblem.nullable(), null)
	};
}

/** "Giám đốc Sở Y tế": who proposes the decision (its "Theo đề nghị của …" line). */
export function proposerOf(office: ReviewOffice): string {
	return `${office.headTitle} ${office.name}`.normalize('NFC').replace(/\s+/g, ' ').trim();
}

export function decisionWording(s: DocumentSettings): DecisionWording {
	return { legalBases: s.legalBases.value, proposer: proposerOf(s.reviewOffice.value) };
}

/** The emblem's bytes from the file store (null when none is set, or its file is gone: logged, and the certificate goes without). */
export async function emblemBytes(store: FileStore, emblem: EmblemRef | null): Promise<Uint8Array | null> {
	if (!emblem) return null;
	try {
		return new Uint8Array(await buffer(await store.open(emblem.storageKey)));
	} catch (e) {
		console.error(`settings: the emblem's file ${emblem.storageKey} cannot be read`, e);
		return null;
	}
}

/** The emblem in force, as bytes (one query and one file read). */
export async function currentEmblem(db: DB, store: FileStore): Promise<Uint8Array | null> {
	const r = (await sql<{ value: unknown }>`select value from setting where key = ${KEYS.emblem}`.execute(db)).rows[0];
	const parsed = r ? stored.emblem.safeParse(r.value) : null;
	return emblemBytes(store, parsed?.success ? parsed.data : null);
}

// ---------------------------------------------------------------------------------------------
// Changing (administrators only; each change audited in its transaction)
// ---------------------------------------------------------------------------------------------

async function put(trx: DB, actor: Actor, key: string, value: unknown): Promise<void> {
	await sql`
		insert into setting (key, value, updated_by, updated_at) values (${key}, ${JSON.stringify(value)}::jsonb, ${actor.id}, now())
		on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`.execute(trx);
}

async function previous(trx: DB, key: string): Promise<unknown> {
	return (await sql<{ value: unknown }>`select value from setting where key = ${key} for update`.execute(trx)).rows[0]?.value ?? null;
}

/** Stores `value` under `key` with the audit record of the change (before and after), in one transaction. */
async function change(db: DB, actor: Actor, key: string, value: unknown): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await previous(trx, key);
		await put(trx, actor, key, value);
		await recordAudit(trx, {
			...by(actor),
			action: 'setting.change',
			objectType: 'setting',
			objectId: key,
			details: { before, after: value }
		});
	});
}

function fieldError(field: string, error: z.ZodError): AppError {
	const message = error.issues[0]?.message ?? 'Dữ liệu không hợp lệ.';
	return invalid(message, { [field]: message });
}

/** Replaces the legal bases with `text` (one per line); returns the lines stored. */
export async function saveLegalBases(db: DB, actor: Actor, text: string): Promise<string[]> {
	authorize(actor, 'settings.manage');
	const parsed = legalBasesSchema.safeParse(text);
	if (!parsed.success) throw fieldError('legalBases', parsed.error);
	await change(db, actor, KEYS.legalBases, parsed.data);
	return parsed.data;
}

/** Sets the reviewing office's name and its head's title. */
export async function saveReviewOffice(db: DB, actor: Actor, input: { name: unknown; headTitle: unknown }): Promise<ReviewOffice> {
	authorize(actor, 'settings.manage');
	const parsed = reviewOfficeSchema.safeParse(input);
	if (!parsed.success) {
		const fieldErrors: Record<string, string> = {};
		for (const i of parsed.error.issues) fieldErrors[String(i.path[0] ?? 'name')] ??= i.message;
		throw invalid(parsed.error.issues[0].message, { officeName: fieldErrors.name, headTitle: fieldErrors.headTitle });
	}
	await change(db, actor, KEYS.reviewOffice, parsed.data);
	return parsed.data;
}

export const EMBLEM_TYPE_MESSAGE = 'Ảnh quốc huy phải là tệp PNG hoặc JPEG (kiểm tra theo nội dung tệp, không theo đuôi tên tệp).';
export const EMBLEM_SIZE_MESSAGE = `Ảnh quốc huy tối đa ${EMBLEM_MAX_BYTES / 1024 / 1024} MB.`;
export const EMBLEM_EMPTY_MESSAGE = 'Hãy chọn tệp ảnh quốc huy (PNG hoặc JPEG).';
export const EMBLEM_UNREADABLE_MESSAGE =
	'Không đọc được ảnh này để in lên giấy chứng nhận; hãy lưu lại ảnh dưới dạng PNG hoặc JPEG rồi tải lên lại.';

/**
 * Stores `bytes` as the national emblem: PNG or JPEG by content (file-type), at most 1 MB, and
 * laid out once (`check`: a certificate with it, so an image the PDF library cannot read is refused
 * now rather than at issuing). The file goes into the store first; its row, the setting and the
 * audit record are one transaction.
 */
export async function setEmblem(
	db: DB,
	store: FileStore,
	actor: Actor,
	bytes: Uint8Array,
	opts: { tmpDir: string; check: (emblem: Uint8Array) => Promise<void> }
): Promise<EmblemRef> {
	authorize(actor, 'settings.manage');
	if (bytes.byteLength === 0) throw invalid(EMBLEM_EMPTY_MESSAGE, { emblem: EMBLEM_EMPTY_MESSAGE });
	if (bytes.byteLength > EMBLEM_MAX_BYTES)
		throw new AppError('too_large', EMBLEM_SIZE_MESSAGE, { fieldErrors: { emblem: EMBLEM_SIZE_MESSAGE } });
	const type = await fileTypeFromBuffer(bytes).catch(() => undefined);
	const kind =
		type?.mime === 'image/png'
			? { ext: 'png', mime: 'image/png' }
			: type?.mime === 'image/jpeg'
				? { ext: 'jpg', mime: 'image/jpeg' }
				: null;
	if (!kind) throw new AppError('unsupported', EMBLEM_TYPE_MESSAGE, { fieldErrors: { emblem: EMBLEM_TYPE_MESSAGE } });
	try {
		await opts.check(bytes);
	} catch (e) {
		console.error('settings: an emblem image could not be laid out', e);
		throw invalid(EMBLEM_UNREADABLE_MESSAGE, { emblem: EMBLEM_UNREADABLE_MESSAGE });
	}
	const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
	const tmp = await newTempPath(opts.tmpDir);
	try {
		await fs.promises.writeFile(tmp, bytes, { mode: 0o600 });
		const storageKey = await store.put(tmp, sha256, kind.ext);
		const ref: EmblemRef = { storageKey, sha256, mime: kind.mime, size: bytes.byteLength, uploadedAt: new Date().toISOString() };
		await db.transaction().execute(async (trx) => {
			const before = await previous(trx, KEYS.emblem);
			await trx
				.insertInto('stored_file')
				.values({ sha256, size: bytes.byteLength, mime: kind.mime, ext: kind.ext, storage_key: storageKey })
				.onConflict((oc) => oc.column('sha256').doNothing())
				.execute();
			await put(trx, actor, KEYS.emblem, ref);
			await recordAudit(trx, {
				...by(actor),
				action: 'setting.emblem_upload',
				objectType: 'setting',
				objectId: KEYS.emblem,
				details: { sha256, size: bytes.byteLength, mime: kind.mime, previous: (before as { sha256?: string } | null)?.sha256 ?? null }
			});
		});
		return ref;
	} finally {
		await discardTemp(tmp);
	}
}

/** Removes the emblem: certificates go without it again (the stored file stays, as every stored file does). */
export async function removeEmblem(db: DB, actor: Actor): Promise<boolean> {
	authorize(actor, 'settings.manage');
	return db.transaction().execute(async (trx) => {
		const before = (await previous(trx, KEYS.emblem)) as { sha256?: string } | null;
		if (!before) return false;
		await put(trx, actor, KEYS.emblem, null);
		await recordAudit(trx, {
			...by(actor),
			action: 'setting.emblem_remove',
			objectType: 'setting',
			objectId: KEYS.emblem,
			details: { sha256: before.sha256 ?? null }
		});
		return true;
	});
}
