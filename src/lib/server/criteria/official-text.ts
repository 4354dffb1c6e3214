/**
 * The official text of a criteria set (issue 14): the gazetted document, a PDF attached to the
 * version, for whoever transcribes or confirms its items to read beside them. Checked by content
 * (file-type), bounded in size, stored in the file store like evidence; every attachment and
 * every download is audited.
 *
 * Server module: takes `db` and the store as parameters, no `$app/*`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { can } from '../../domain/access.ts';
import { by, recordAudit } from '../audit/index.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';
import { discardTemp, newTempPath, StoredFileMissingError, type FileStore } from '../storage/index.ts';

export const OFFICIAL_TEXT_MAX_BYTES = 20 * 1024 * 1024;
export const OFFICIAL_TEXT_TYPE_MESSAGE = 'Văn bản gốc phải là tệp PDF (kiểm tra theo nội dung tệp, không theo đuôi tên tệp).';
export const OFFICIAL_TEXT_SIZE_MESSAGE = `Văn bản gốc tối đa ${OFFICIAL_TEXT_MAX_BYTES / 1024 / 1024} MB.`;
export const OFFICIAL_TEXT_EMPTY_MESSAGE = 'Hãy chọn tệp PDF của văn bản gốc.';
const NOT_FOUND = 'Không tìm thấy bộ tiêu chí.';

/** Attaches `bytes` (a PDF) as the set's official text, replacing any earlier one. */
export async function attachOfficialText(
	db: DB,
	store: FileStore,
	actor: Actor,
	setId: number,
	bytes: Uint8Array,
	opts: { tmpDir: string }
): Promise<{ sha256: string; size: number }> {
	if (!can(actor.role, 'criteria.manage')) throw forbidden();
	if (bytes.byteLength === 0) throw invalid(OFFICIAL_TEXT_EMPTY_MESSAGE, { official: OFFICIAL_TEXT_EMPTY_MESSAGE });
	if (bytes.byteLength > OFFICIAL_TEXT_MAX_BYTES)
		throw new AppError('too_large', OFFICIAL_TEXT_SIZE_MESSAGE, { fieldErrors: { official: OFFICIAL_TEXT_SIZE_MESSAGE } });
	const type = await fileTypeFromBuffer(bytes).catch(() => undefined);
	if (type?.mime !== 'application/pdf')
		throw new AppError('unsupported', OFFICIAL_TEXT_TYPE_MESSAGE, { fieldErrors: { official: OFFICIAL_TEXT_TYPE_MESSAGE } });
	const set = await db.selectFrom('criteria_set').select(['id', 'code', 'version']).where('id', '=', setId).executeTakeFirst();
	if (!set) throw notFound(NOT_FOUND);
	const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
	const tmp = await newTempPath(opts.tmpDir);
	try {
		await fs.promises.writeFile(tmp, bytes, { mode: 0o600 });
		const storageKey = await store.put(tmp, sha256, 'pdf');
		await db.transaction().execute(async (trx) => {
			await trx
				.insertInto('stored_file')
				.values({ sha256, size: bytes.byteLength, mime: 'application/pdf', ext: 'pdf', storage_key: storageKey })
				.onConflict((oc) => oc.column('sha256').doNothing())
				.execute();
			const file = await trx.selectFrom('stored_file').select('id').where('sha256', '=', sha256).executeTakeFirstOrThrow();
			await trx.updateTable('criteria_set').set({ official_text_file_id: file.id }).where('id', '=', setId).execute();
			await recordAudit(trx, {
				...by(actor),
				action: 'criteria.official_text',
				objectType: 'criteria_set',
				objectId: setId,
				details: { code: set.code, version: set.version, sha256, size: bytes.byteLength }
			});
		});
		return { sha256, size: bytes.byteLength };
	} finally {
		await discardTemp(tmp);
	}
}

/** Whether a set carries its official text (its size), or null. */
export async function officialTextOf(db: DB, setId: number): Promise<{ size: number; sha256: string } | null> {
	const r = await db
		.selectFrom('criteria_set as s')
		.innerJoin('stored_file as f', 'f.id', 's.official_text_file_id')
		.select(['f.size', 'f.sha256'])
		.where('s.id', '=', setId)
		.executeTakeFirst();
	return r ? { size: Number(r.size), sha256: r.sha256 } : null;
}

/** The official text's bytes as a stream, for anyone who may read criteria sets (audited). */
export async function openOfficialText(
	db: DB,
	store: FileStore,
	actor: Actor,
	setId: number
): Promise<{ stream: Readable; size: number; fileName: string }> {
	if (!can(actor.role, 'criteria.read')) throw forbidden();
	const r = await db
		.selectFrom('criteria_set as s')
		.innerJoin('stored_file as f', 'f.id', 's.official_text_file_id')
		.select(['s.code', 's.version', 'f.storage_key', 'f.size', 'f.sha256'])
		.where('s.id', '=', setId)
		.executeTakeFirst();
	if (!r) throw notFound('Phiên bản này chưa có văn bản gốc đính kèm.');
	let stream: Readable;
	try {
		stream = await store.open(r.storage_key);
	} catch (e) {
		if (e instanceof StoredFileMissingError) throw notFound('Không tìm thấy nội dung tệp trên máy chủ. Hãy báo quản trị hệ thống.');
		throw e;
	}
	try {
		await recordAudit(db, {
			...by(actor),
			action: 'criteria.official_text_download',
			objectType: 'criteria_set',
			objectId: setId,
			details: { sha256: r.sha256 }
		});
	} catch (e) {
		stream.destroy();
		throw e;
	}
	return { stream, size: Number(r.size), fileName: `${r.code}@${r.version}-van-ban-goc.pdf` };
}
