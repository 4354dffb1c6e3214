/**
 * The dossier download: one ZIP with the generated documents (self-assessment report, appraisal
 * report, decision, certificate) and every evidence file, named by its evidence code. Streamed:
 * stored files are read from the store as the archive is written.
 */
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { FileStore } from '../storage/index.ts';
import type { Dossier } from '../dossier/index.ts';
import { downloadName } from '../evidence/names.ts';
import { loadAppraisal } from '../reviews/index.ts';
import { decisionOfAssessment } from '../decisions/index.ts';
import type { DocumentData } from './types.ts';
import { appraisalData, decisionData, selfAssessmentData, storedDecisionSource } from './data.ts';

/** A name safe in a ZIP on every system (no separators or reserved characters). */
const safe = (s: string) =>
	s
		.normalize('NFC')
		.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
		.slice(0, 150);

const KIND_FILE: Record<string, string> = {
	request_letter: 'cong-van-de-nghi',
	council_minutes: 'bien-ban-hoi-dong',
	explanatory_notes: 'thuyet-minh'
};

export async function dossierZip(
	db: DB,
	cfg: Pick<Config, 'reviewLevel' | 'reviewOfficeName'>,
	store: FileStore,
	dossier: Dossier,
	render: (d: DocumentData) => Promise<Buffer>
): Promise<{ stream: Readable; fileName: string; files: number }> {
	const a = dossier.assessment;
	const zip = new yazl.ZipFile();
	const mtime = new Date();
	let files = 0;
	zip.addBuffer(await render(await selfAssessmentData(db, dossier)), '01-bao-cao-tu-danh-gia.pdf', { mtime });
	files++;
	if (await loadAppraisal(db, a.id)) {
		zip.addBuffer(await render(await appraisalData(db, cfg, dossier)), '02-bao-cao-tham-dinh.pdf', { mtime });
		files++;
	}
	const decided = await decisionOfAssessment(db, a.id);
	if (decided) {
		const source = await storedDecisionSource(db, decided.decision_id);
		if (source) {
			zip.addBuffer(await render(await decisionData(db, source)), `03-quyet-dinh-${safe(decided.number)}.pdf`, { mtime });
			files++;
		}
		const cert = await db
			.selectFrom('certificate as c')
			.innerJoin('stored_file as f', 'f.id', 'c.file_id')
			.select(['c.serial', 'f.storage_key'])
			.where('c.decision_item_id', '=', decided.id)
			.executeTakeFirst();
		if (cert) {
			zip.addReadStream(await store.open(cert.storage_key), `04-giay-chung-nhan-${safe(cert.serial)}.pdf`, { mtime });
			files++;
		}
	}
	const evidence = dossier.evidence;
	const keys = new Map(
		(
			await db
				.selectFrom('stored_file')
				.select(['sha256', 'storage_key'])
				.where('sha256', 'in', evidence.length ? evidence.map((e) => e.sha256) : ['-'])
				.execute()
		).map((r) => [r.sha256, r.storage_key])
	);
	const used = new Set<string>();
	for (const e of evidence) {
		const key = keys.get(e.sha256);
		if (!key) continue;
		const base =
			e.kind === 'evidence'
				? `minh-chung/${e.code ?? 'khong-ma'} - ${safe(downloadName(e.originalName, e.ext))}`
				: `ho-so/${KIND_FILE[e.kind] ?? e.kind} - ${safe(downloadName(e.originalName, e.ext))}`;
		let name = base;
		for (let n = 2; used.has(name); n++) name = base.replace(/(\.[^.]*)?$/, ` (${n})$1`);
		used.add(name);
		zip.addReadStream(await store.open(key), name, { mtime });
		files++;
	}
	zip.end();
	const out = new PassThrough();
	zip.outputStream.pipe(out);
	return { stream: out, fileName: `ho-so-${a.commune.code}-${safe(a.commune.name)}.zip`, files };
}
