/**
 * A demo deployment in a test database: the demo province and accounts (REVIEW_LEVEL=province),
 * a round under the default criteria set for two communes of Thành phố Huế, and a second
 * commune officer so that cross-commune access can be tested.
 */
import type { TestDb } from './db.ts';
import { seedDemo, DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import { refreshFigures } from '#lib/server/dossier/index.ts';
import type { Actor } from '#lib/domain/access.ts';
import { openRound } from '#lib/server/rounds/index.ts';
import { QD06_2019 } from '#lib/domain/criteria/index.ts';
import { fullMarksQd06 } from './scoring-fixtures.ts';
import type { FileStore } from '#lib/server/storage/index.ts';
import { pdf } from './files.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const COMMUNE_A = '19753'; // Phường Phú Xuân (demo accounts' commune)
export const COMMUNE_B = '19774'; // Phường Kim Long, another commune of Thành phố Huế

export async function seedRound(t: TestDb, opts: { opensOn?: string; closesOn?: string } = {}) {
	await seedDemo(t.db, t.config, { withRound: false });
	const other = await t.db.selectFrom('account').select('id').where('email', '=', 'canbo.xa2@demo.vn').executeTakeFirst();
	if (!other) {
		await createAccount(
			t.db,
			t.config,
			{ email: 'canbo.xa2@demo.vn', fullName: 'Cán bộ xã B', role: 'commune_officer', unitCode: COMMUNE_B, password: DEMO_PASSWORD },
			{ id: null, email: 'fixture' }
		);
	}
	const set = await t.db
		.selectFrom('criteria_set')
		.select('id')
		.where('code', '=', 'QD06-2019')
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	const today = new Date().toISOString().slice(0, 10);
	const { roundId } = await openRound(
		t.db,
		'post2025',
		{
			name: 'Đợt đánh giá thử',
			year: 2026,
			criteriaSetId: set.id,
			opensOn: opts.opensOn ?? '2026-01-01',
			closesOn: opts.closesOn ?? (today > '2099-12-31' ? today : '2099-12-31'),
			communeCodes: [COMMUNE_A, COMMUNE_B]
		},
		{ id: null, email: 'fixture' }
	);
	const rows = await t.db
		.selectFrom('assessment as a')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select(['a.id', 'c.code'])
		.where('a.round_id', '=', roundId)
		.execute();
	const byCode = Object.fromEntries(rows.map((r) => [r.code, r.id]));
	const acct = async (email: string) =>
		(await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
	return {
		roundId,
		assessmentA: byCode[COMMUNE_A] as number,
		assessmentB: byCode[COMMUNE_B] as number,
		officerA: await acct('canbo.xa@demo.vn'),
		chairA: await acct('chutich.xa@demo.vn'),
		officerB: await acct('canbo.xa2@demo.vn'),
		reviewer: await acct('thamdinh@demo.vn'),
		approver: await acct('lanhdao@demo.vn'),
		admin: await acct('quantri@demo.vn')
	};
}

/** Fills every indicator of an assessment (default set) with a valid answer that scores full or
 * near-full points, and adds the dossier documents and one evidence row linked to every indicator
 * (rows only: the stored file is a placeholder). */
export async function completeDossier(t: TestDb, assessmentId: number, uploader: number, store?: FileStore) {
	const meta = { source: 'Trạm y tế', period: 'Năm 2026' };
	const values = Object.entries(fullMarksQd06()).map(([code, answer]) => ({
		assessment_id: assessmentId,
		indicator_code: code,
		answer: JSON.stringify({ ...answer, ...meta }),
		updated_by: uploader,
		updated_at: new Date()
	}));
	await t.db
		.insertInto('assessment_answer')
		.values(values)
		.onConflict((oc) => oc.columns(['assessment_id', 'indicator_code']).doNothing())
		.execute();
	// with a store: one real PDF (so that downloads and the in-page viewer work)
	let stored = { sha256: `${assessmentId}`.padStart(64, '0'), size: 10, key: 'x/y.pdf' };
	if (store) {
		const content = pdf(`Minh chung ho so ${assessmentId}`);
		const sha256 = crypto.createHash('sha256').update(content).digest('hex');
		const tmp = path.join(os.tmpdir(), `dossier-${sha256}.pdf`);
		fs.writeFileSync(tmp, content);
		stored = { sha256, size: content.length, key: await store.put(tmp, sha256, 'pdf') };
	}
	const file = await t.db
		.insertInto('stored_file')
		.values({
			sha256: stored.sha256,
			size: stored.size,
			mime: 'application/pdf',
			ext: 'pdf',
			storage_key: stored.key,
			created_at: new Date()
		})
		.onConflict((oc) => oc.column('sha256').doUpdateSet({ size: 10 }))
		.returning('id')
		.executeTakeFirstOrThrow();
	for (const kind of ['evidence', 'request_letter', 'council_minutes', 'explanatory_notes'] as const) {
		const e = await t.db
			.insertInto('evidence')
			.values({
				assessment_id: assessmentId,
				file_id: file.id,
				kind,
				original_name: `${kind}.pdf`,
				// the document's details, as the upload form asks for them
				...(kind === 'evidence'
					? { doc_number: '12/QĐ-UBND', issued_on: '2026-03-02', issuer: 'UBND phường', summary: 'Kiện toàn Ban chỉ đạo' }
					: {}),
				uploaded_by: uploader,
				uploaded_at: new Date()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		if (kind === 'evidence') {
			const codes = QD06_2019.criteria.flatMap((c) => c.indicators.map((i) => i.code));
			await t.db
				.insertInto('evidence_link')
				.values(codes.map((code) => ({ evidence_id: e.id, indicator_code: code })))
				.execute();
		}
	}
	// what the save path keeps on the assessment's row
	await refreshFigures(t.db, assessmentId);
}

/** The account of `id` as the actor it is when signed in. */
export async function actorOf(t: TestDb, id: number): Promise<Actor> {
	const a = await loadActor(t.db, id);
	if (!a) throw new Error(`no active account ${id}`);
	return a;
}

/** An actor that is not (necessarily) a stored account, for tests of refusals. */
export function someActor(id: number, email: string, role: Actor['role'] = 'commune_officer'): Actor {
	return { id, email, name: email, role, unit: null };
}
