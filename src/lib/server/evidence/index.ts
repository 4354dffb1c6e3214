/**
 * Evidence (tài liệu minh chứng) and the other documents of a dossier: adding an uploaded file,
 * linking and unlinking indicators, removing (soft), and
 * opening a file for download. Every change and every download is written to the audit trail.
 *
 * Changes are allowed only while the commune may edit the assessment (`draft`, `returned`);
 * each one locks the assessment row, so it cannot race a submission.
 *
 * Stored content is shared (one `stored_file` row and one stored copy per SHA-256). Removing a
 * document only sets `removed_at`: the content stays, for the audit trail.
 *
 * Plain Node module (no SvelteKit imports): routes authorize, then call these functions.
 */
import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import type { DB } from '../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { CriteriaSet } from '../../domain/criteria/index.ts';
import { criteriaIndex } from '../../domain/criteria/criteria-index.ts';
import { evidenceCodes, type EvidenceMeta } from '../../domain/evidence.ts';
import { isCommuneEditable, type AssessmentState } from '../../domain/workflow.ts';
import { communeMayChange, NOT_FLAGGED_MESSAGE } from '../../domain/review.ts';
import { flaggedCodes } from '../../domain/dossier.ts';
import { appendToChain, assertHeadMoved, by, chainOf, headLock, recordAudit } from '../audit/index.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { StoredFileMissingError, storageKeyFor, type FileStore } from '../storage/index.ts';
import { figureInputs, figuresFrom, figuresUpdate, flaggedIndicators, refreshFigures } from '../dossier/index.ts';
import { NOT_EDITABLE_MESSAGE, NOT_FOUND_MESSAGE } from './messages.ts';
import { downloadName } from './names.ts';

export { NOT_EDITABLE_MESSAGE, tooBigMessage, formatMegabytes } from './messages.ts';
export { cleanFileName, downloadName, attachmentDisposition } from './names.ts';
export {
	receiveUpload,
	detectAcceptedType,
	ACCEPTED_TYPES,
	ACCEPT_EXTENSIONS,
	FILE_FIELD,
	FORM_OVERHEAD_BYTES,
	REFUSED_TYPE_MESSAGE,
	type ReceivedFile
} from './upload.ts';

/** Key of the advisory locks serialising work on one content hash (two-key form). */
export const CONTENT_LOCK = 710_418;

/** Locks the assessment row and checks the commune may still change its documents at all. */
async function lockEditable(trx: DB, assessmentId: number): Promise<{ communeId: number; state: AssessmentState }> {
	const a = await trx
		.selectFrom('assessment')
		.select(['id', 'state', 'commune_id'])
		.where('id', '=', assessmentId)
		.forNoKeyUpdate()
		.executeTakeFirst();
	if (!a) throw notFound('Không tìm thấy hồ sơ đánh giá.');
	if (!isCommuneEditable(a.state)) throw conflict(NOT_EDITABLE_MESSAGE);
	return { communeId: a.commune_id, state: a.state };
}

/** While the dossier is returned for correction, only documents backing flagged indicators (or
 * dossier documents, with no indicator) may change. Call after `lockEditable`. */
async function assertMayChange(trx: DB, assessmentId: number, state: AssessmentState, indicatorCodes: readonly string[]): Promise<void> {
	if (state === 'returned' && !communeMayChange(state, await flaggedIndicators(trx, assessmentId), indicatorCodes)) {
		throw conflict(NOT_FLAGGED_MESSAGE);
	}
}

async function linkedCodes(trx: DB, evidenceId: number): Promise<string[]> {
	const rows = await trx.selectFrom('evidence_link').select('indicator_code').where('evidence_id', '=', evidenceId).execute();
	return rows.map((r) => r.indicator_code);
}

/** The statement body that takes the lock of a content hash until the transaction ends. */
const contentLock = (sha256: string) => sql`select pg_advisory_xact_lock(${CONTENT_LOCK}, hashtext(${sha256}))`;

async function lockContent(trx: DB, sha256: string): Promise<void> {
	await contentLock(sha256).execute(trx);
}

// ---------------------------------------------------------------------------------------------
// Adding
// ---------------------------------------------------------------------------------------------

export type NewEvidenceFile = {
	/** The received temporary file; moved into the store, or left for the caller to remove. */
	tempPath: string;
	sha256: string;
	size: number;
	/** Detected from the content (`detectAcceptedType`). */
	mime: string;
	ext: string;
	/** Cleaned display name (`cleanFileName`). */
	originalName: string;
};

export type AddedEvidence = { id: number; code: string | null; name: string; size: number; sha256: string; deduplicated: boolean };

/**
 * Records a document and stores its content, atomically as far as a file system allows:
 * in one transaction the assessment is locked and checked, the content row found or created,
 * the file moved into the store (only when the content is new, or its stored copy is missing),
 * the document, its links, the dossier's stored figures and the audit record written. If
 * anything fails, the transaction rolls back and a file this call placed is removed again
 * (unless, meanwhile, a committed row refers to it), so a failed upload leaves neither row nor
 * file. The caller removes the temporary file in every case (it is already gone if it was moved).
 *
 * Five statements in the transaction: the content's lock, the assessment's row and the head of
 * its commune's audit chain, locked in that order in one (with the new document's id drawn); what the figures
 * are computed from (read after the lock: see `figureInputs`); the content's row, found or
 * created; one statement that writes the document, its links, the figures (with the new
 * document) and the audit record and moves the chain's head; the commit.
 */
export async function addEvidence(
	db: DB,
	store: FileStore,
	set: CriteriaSet,
	input: { assessment: { id: number; commune: { id: number } }; actor: Actor; meta: EvidenceMeta; file: NewEvidenceFile }
): Promise<AddedEvidence> {
	const { meta, file, actor, assessment } = input;
	const chain = chainOf({ unitId: assessment.commune.id });
	let placedKey: string | null = null;
	let result: { id: number; deduplicated: boolean; code: string | null };
	try {
		result = await db.transaction().execute(async (trx) => {
			// the content's lock, then the row's, then the head's (in that order, in one statement)
			const locked = (
				await sql<{ state: AssessmentState; commune_id: number; seq: number; hash: string; evidence_id: number }>`
					with c as materialized (${contentLock(file.sha256)}),
					a as (select id, state, commune_id from assessment where id = ${assessment.id} and exists (select 1 from c) for no key update),
					h as (${headLock(chain, 'a')})
					select a.state, a.commune_id, h.seq, h.hash, nextval(pg_get_serial_sequence('evidence', 'id'))::int as evidence_id
					from a, h`.execute(trx)
			).rows[0];
			if (!locked) throw notFound('Không tìm thấy hồ sơ đánh giá.');
			if (locked.commune_id !== assessment.commune.id)
				throw new Error(`assessment ${assessment.id} is not of commune ${assessment.commune.id}`);
			if (!isCommuneEditable(locked.state)) throw conflict(NOT_EDITABLE_MESSAGE);
			const inputs = (await figureInputs(trx, assessment.id))!;
			if (!communeMayChange(locked.state, flaggedCodes(inputs.review), meta.indicatorCodes)) throw conflict(NOT_FLAGGED_MESSAGE);
			// the content's row, found or created (under the content's lock: no one else creates it)
			const stored = (
				await sql<{ id: number; storage_key: string; ext: string; created: boolean }>`
					with f as (select id, storage_key, ext from stored_file where sha256 = ${file.sha256}),
					c as (
						insert into stored_file (sha256, size, mime, ext, storage_key)
						select ${file.sha256}::text, ${file.size}::bigint, ${file.mime}::text, ${file.ext}::text, ${storageKeyFor(file.sha256, file.ext)}::text
						where not exists (select 1 from f)
						returning id, storage_key, ext)
					select id, storage_key, ext, false as created from f
					union all select id, storage_key, ext, true as created from c`.execute(trx)
			).rows[0];
			if (stored.created) placedKey = await store.put(file.tempPath, file.sha256, file.ext);
			// the row exists but its copy was lost: this upload restores it
			else if (!(await store.exists(stored.storage_key))) placedKey = await store.put(file.tempPath, file.sha256, stored.ext);
			const id = locked.evidence_id;
			// a document can lift a blocker (a dossier document, an item's evidence): the figures
			// on the row (the board's, the dashboard's) move with it, as with every other change
			const figures = figuresUpdate(
				figuresFrom({ ...inputs, evidence: [...inputs.evidence, { kind: meta.kind, indicatorCodes: [...meta.indicatorCodes] }] })
			);
			const append = appendToChain(
				{ chain, seq: Number(locked.seq), hash: locked.hash },
				{
					...by(actor),
					action: 'evidence.upload',
					objectType: 'evidence',
					objectId: id,
					unitId: assessment.commune.id,
					details: {
						assessmentId: assessment.id,
						kind: meta.kind,
						name: file.originalName,
						sha256: file.sha256,
						size: file.size,
						mime: file.mime,
						indicators: meta.indicatorCodes,
						deduplicated: !stored.created
					}
				},
				{ record: 'r' }
			);
			const links = meta.indicatorCodes.length
				? sql`, l as (${trx.insertInto('evidence_link').values(meta.indicatorCodes.map((code) => ({ evidence_id: id, indicator_code: code })))})`
				: sql``;
			// the new document's code is numbered among the assessment's other evidence (removed
			// ones too: see evidenceCodes), read here as this statement sees them (without the new one)
			const numbered = meta.kind === 'evidence' && meta.indicatorCodes.length > 0;
			const others = numbered
				? sql`coalesce((select json_agg(json_build_object('id', o.id, 'kind', o.kind, 'uploadedAt', o.uploaded_at,
						'indicatorCodes', coalesce((select json_agg(l.indicator_code) from evidence_link l where l.evidence_id = o.id), '[]')))
						from evidence o where o.assessment_id = ${assessment.id} and o.kind = 'evidence'), '[]')`
				: sql`'[]'::json`;
			const written = (
				await sql<{ moved: number; now: Date; others: { id: number; kind: 'evidence'; uploadedAt: string; indicatorCodes: string[] }[] }>`
					with e as (${trx.insertInto('evidence').values({
						id,
						assessment_id: assessment.id,
						file_id: stored.id,
						kind: meta.kind,
						original_name: file.originalName,
						doc_number: meta.docNumber,
						issued_on: meta.issuedOn,
						issuer: meta.issuer,
						summary: meta.summary,
						uploaded_by: actor.id
					})})${links},
					f as (${trx.updateTable('assessment').set(figures).where('id', '=', assessment.id)}),
					r as (${append.record}),
					m as (${append.move})
					select (select count(*) from m)::int as moved, now() as now, ${others} as others`.execute(trx)
			).rows[0];
			assertHeadMoved(chain, written.moved);
			const code = numbered
				? (evidenceCodes(
						[
							...written.others.map((o) => ({ ...o, uploadedAt: new Date(o.uploadedAt) })),
							// uploaded_at defaults to now(), the transaction's time
							{ id, kind: meta.kind, uploadedAt: new Date(written.now), indicatorCodes: [...meta.indicatorCodes] }
						],
						set
					).get(id) ?? null)
				: null;
			return { id, deduplicated: !stored.created, code };
		});
	} catch (e) {
		if (placedKey) await removeIfUnreferenced(db, store, file.sha256, placedKey);
		throw e;
	}
	return {
		id: result.id,
		code: result.code,
		name: file.originalName,
		size: file.size,
		sha256: file.sha256,
		deduplicated: result.deduplicated
	};
}

/** After a failed add: removes the copy it placed unless a committed row now refers to the content. */
async function removeIfUnreferenced(db: DB, store: FileStore, sha256: string, key: string): Promise<void> {
	try {
		await db.transaction().execute(async (trx) => {
			await lockContent(trx, sha256);
			const row = await trx.selectFrom('stored_file').select('id').where('sha256', '=', sha256).executeTakeFirst();
			if (!row) await store.remove(key);
		});
	} catch (e) {
		console.error(`evidence: could not clean up ${key} after a failed upload`, e);
	}
}

// ---------------------------------------------------------------------------------------------
// Changing
// ---------------------------------------------------------------------------------------------

async function lockedDocument(trx: DB, assessmentId: number, evidenceId: number) {
	const e = await trx
		.selectFrom('evidence')
		.select(['id', 'kind', 'original_name'])
		.where('id', '=', evidenceId)
		.where('assessment_id', '=', assessmentId)
		.where('removed_at', 'is', null)
		.forUpdate()
		.executeTakeFirst();
	if (!e) throw notFound(NOT_FOUND_MESSAGE);
	return e;
}

/** Removes a document from the dossier (soft: `removed_at`; the stored content stays). */
export async function removeEvidence(db: DB, input: { assessmentId: number; evidenceId: number; actor: Actor }): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const { communeId, state } = await lockEditable(trx, input.assessmentId);
		const e = await lockedDocument(trx, input.assessmentId, input.evidenceId);
		await assertMayChange(trx, input.assessmentId, state, await linkedCodes(trx, e.id));
		await trx.updateTable('evidence').set({ removed_at: new Date() }).where('id', '=', e.id).execute();
		await refreshFigures(trx, input.assessmentId);
		await recordAudit(trx, {
			...by(input.actor),
			action: 'evidence.remove',
			objectType: 'evidence',
			objectId: e.id,
			unitId: communeId,
			details: { assessmentId: input.assessmentId, name: e.original_name, kind: e.kind }
		});
	});
}

/** Links a document of kind `evidence` to one more indicator of the set (no-op if already linked). */
export async function linkIndicator(
	db: DB,
	set: CriteriaSet,
	input: { assessmentId: number; evidenceId: number; indicatorCode: string; actor: Actor }
): Promise<void> {
	const code = input.indicatorCode.trim().toUpperCase();
	if (!criteriaIndex(set).has(code)) throw invalid(`Chỉ số ${code} không có trong bộ tiêu chí của hồ sơ.`);
	await db.transaction().execute(async (trx) => {
		const { communeId, state } = await lockEditable(trx, input.assessmentId);
		const e = await lockedDocument(trx, input.assessmentId, input.evidenceId);
		await assertMayChange(trx, input.assessmentId, state, [...(await linkedCodes(trx, e.id)), code]);
		if (e.kind !== 'evidence') throw invalid('Văn bản hồ sơ (công văn, biên bản, thuyết minh) không gắn với chỉ số.');
		const added = await trx
			.insertInto('evidence_link')
			.values({ evidence_id: e.id, indicator_code: code })
			.onConflict((oc) => oc.columns(['evidence_id', 'indicator_code']).doNothing())
			.executeTakeFirst();
		if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) return;
		await refreshFigures(trx, input.assessmentId);
		await recordAudit(trx, {
			...by(input.actor),
			action: 'evidence.link',
			objectType: 'evidence',
			objectId: e.id,
			unitId: communeId,
			details: { assessmentId: input.assessmentId, indicator: code }
		});
	});
}

/** Unlinks an indicator; the last indicator of an evidence document cannot be unlinked (remove the document instead). */
export async function unlinkIndicator(
	db: DB,
	input: { assessmentId: number; evidenceId: number; indicatorCode: string; actor: Actor }
): Promise<void> {
	const code = input.indicatorCode.trim().toUpperCase();
	await db.transaction().execute(async (trx) => {
		const { communeId, state } = await lockEditable(trx, input.assessmentId);
		const e = await lockedDocument(trx, input.assessmentId, input.evidenceId);
		await assertMayChange(trx, input.assessmentId, state, await linkedCodes(trx, e.id));
		const links = await trx.selectFrom('evidence_link').select('indicator_code').where('evidence_id', '=', e.id).execute();
		if (!links.some((l) => l.indicator_code === code)) throw notFound(`Tài liệu không gắn với chỉ số ${code}.`);
		if (e.kind === 'evidence' && links.length === 1) {
			throw conflict('Tài liệu minh chứng phải gắn với ít nhất một chỉ số. Nếu tài liệu không còn cần, hãy gỡ tài liệu.');
		}
		await trx.deleteFrom('evidence_link').where('evidence_id', '=', e.id).where('indicator_code', '=', code).execute();
		await refreshFigures(trx, input.assessmentId);
		await recordAudit(trx, {
			...by(input.actor),
			action: 'evidence.unlink',
			objectType: 'evidence',
			objectId: e.id,
			unitId: communeId,
			details: { assessmentId: input.assessmentId, indicator: code }
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Downloading
// ---------------------------------------------------------------------------------------------

export type EvidenceDownload = { stream: Readable; fileName: string; mime: string; size: number };

/**
 * Opens a document of the assessment for download and records the download in the audit
 * trail (before any byte is sent). 404 for a document of another assessment, a removed one, or
 * one whose stored copy is missing (logged).
 */
export async function openEvidenceDownload(
	db: DB,
	store: FileStore,
	input: { assessmentId: number; evidenceId: number; actor: Actor; ip?: string | null }
): Promise<EvidenceDownload> {
	const row = await db
		.selectFrom('evidence as e')
		.innerJoin('stored_file as f', 'f.id', 'e.file_id')
		.innerJoin('assessment as a', 'a.id', 'e.assessment_id')
		.select(['e.id', 'e.original_name', 'e.kind', 'f.storage_key', 'f.mime', 'f.ext', 'f.size', 'f.sha256', 'a.commune_id'])
		.where('e.id', '=', input.evidenceId)
		.where('e.assessment_id', '=', input.assessmentId)
		.where('e.removed_at', 'is', null)
		.executeTakeFirst();
	if (!row) throw notFound(NOT_FOUND_MESSAGE);
	let stream: Readable;
	try {
		stream = await store.open(row.storage_key);
	} catch (e) {
		if (e instanceof StoredFileMissingError) {
			console.error(`evidence ${row.id}: ${e.message}`);
			throw notFound('Không tìm thấy nội dung tệp trên máy chủ. Hãy báo quản trị hệ thống.');
		}
		throw e;
	}
	try {
		await recordAudit(db, {
			...by(input.actor),
			action: 'evidence.download',
			objectType: 'evidence',
			objectId: row.id,
			unitId: row.commune_id,
			ip: input.ip ?? null,
			details: { assessmentId: input.assessmentId, name: row.original_name, sha256: row.sha256 }
		});
	} catch (e) {
		stream.destroy();
		throw e;
	}
	return { stream, fileName: downloadName(row.original_name, row.ext), mime: row.mime, size: Number(row.size) };
}
