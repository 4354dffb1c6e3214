/**
 * Impact before activation (issue 14): a round with a full-marks dossier and one just above its
 * threshold, a draft that raises TC07.1's top band from 98% to 99%; the preview's rows and counts
 * agree with scoring each commune on its own (through the dossier read model) under both sets,
 * nothing is written, and only a draft can be previewed. On the embedded database or PostgreSQL.
 *
 * IMPACT_TIMING=1 also times the preview on the national seed (scripts/seed/scale.ts) for one
 * province pair (~100 communes) and, with IMPACT_TIMING=national, every commune (3,321).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { nearThreshold, stricterDraft } from '../helpers/impact-fixtures.ts';
import { criteriaImpact } from '#lib/server/criteria/impact.ts';
import { activateCriteriaSet, findCriteriaSet, importCriteriaSet } from '#lib/server/criteria/index.ts';
import { loadAssessment, loadDossier } from '#lib/server/dossier/index.ts';
import { readStoredAnswers, score, type Answer } from '#lib/domain/scoring/index.ts';
import { AppError } from '#lib/server/errors.ts';
import { localFileStore } from '#lib/server/storage/index.ts';

let t: TestDb;
let s: Awaited<ReturnType<typeof seedRound>>;
let draftId: number;

async function storeAnswers(assessmentId: number, answers: Record<string, Answer>) {
	for (const [code, answer] of Object.entries(answers))
		await t.db
			.updateTable('assessment_answer')
			.set({ answer: JSON.stringify(answer) })
			.where('assessment_id', '=', assessmentId)
			.where('indicator_code', '=', code)
			.execute();
}

beforeAll(async () => {
	t = await freshDb();
	s = await seedRound(t);
	await completeDossier(t, s.assessmentA, s.officerA);
	await completeDossier(t, s.assessmentB, s.officerB);
	const b = (await loadAssessment(t.db, s.assessmentB))!;
	await storeAnswers(s.assessmentB, nearThreshold(b.category));
	const r = await importCriteriaSet(t.db, stricterDraft(), await actorOf(t, s.admin));
	if (!r.ok) throw new Error('the draft should import');
	draftId = (await findCriteriaSet(t.db, 'QD06-2019@2'))!.row.id;
}, 120_000);
afterAll(async () => t?.drop());

describe(`impact of a draft criteria set on a round (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('agrees with scoring each commune on its own, under its set and under the draft', async () => {
		const before = await t.db.selectFrom('assessment').selectAll().orderBy('id').execute();
		const impact = await criteriaImpact(t.db, draftId);
		expect(impact.round?.id).toBe(s.roundId); // the latest round by default
		const report = impact.report!;
		expect(report.assessments).toBe(2);
		const draft = (await findCriteriaSet(t.db, draftId))!.set;
		let changed = 0;
		let passBefore = 0;
		let passAfter = 0;
		for (const id of [s.assessmentA, s.assessmentB]) {
			const dossier = await loadDossier(t.db, (await loadAssessment(t.db, id))!);
			const raw = Object.fromEntries(Object.entries(dossier.stored).map(([code, v]) => [code, v.value]));
			const under = score(draft, dossier.assessment.category, readStoredAnswers(draft, raw));
			const row = report.rows.find((r) => r.assessmentId === id)!;
			expect(row.before).toEqual({ total: dossier.self.total, verdict: dossier.self.verdict, threshold: dossier.self.threshold });
			expect(row.after).toEqual({ total: under.total, verdict: under.verdict, threshold: under.threshold });
			if (under.verdict !== dossier.self.verdict) changed++;
			if (dossier.self.verdict === 'pass') passBefore++;
			if (under.verdict === 'pass') passAfter++;
		}
		expect(report.changed).toHaveLength(changed);
		expect([report.passBefore, report.passAfter]).toEqual([passBefore, passAfter]);
		// the flip the draft was written for
		expect(report.changed.map((r) => [r.assessmentId, r.before.verdict, r.after.verdict, r.difference])).toEqual([
			[s.assessmentB, 'pass', 'fail', -10]
		]);
		expect(report.criteria.find((c) => c.code === 'TC07')).toMatchObject({ sum: -10, average: -5, affected: 1 });
		expect(report.criteria.filter((c) => c.sum !== 0).map((c) => c.code)).toEqual(['TC07']);
		// a read: nothing changed
		expect(await t.db.selectFrom('assessment').selectAll().orderBy('id').execute()).toEqual(before);
	});

	it('refuses an active set with a Vietnamese message, and an unknown round', async () => {
		const active = (await findCriteriaSet(t.db, 'QD06-2019@1'))!.row.id;
		const refused = await criteriaImpact(t.db, active).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).kind).toBe('conflict');
		expect((refused as AppError).message).toBe(
			'Chỉ xem trước tác động được với bộ tiêu chí ở trạng thái dự thảo; QD06-2019@1 đang được áp dụng.'
		);
		const noRound = await criteriaImpact(t.db, draftId, 999_999).catch((e: unknown) => e);
		expect((noRound as AppError).kind).toBe('not_found');
	});

	it('activation afterwards leaves the assessments on the set they were scored against', async () => {
		await activateCriteriaSet(t.db, draftId, await actorOf(t, s.admin));
		const sets = await t.db.selectFrom('assessment').select('criteria_set_id').where('round_id', '=', s.roundId).execute();
		const v1 = (await findCriteriaSet(t.db, 'QD06-2019@1'))!.row.id;
		expect(sets.every((r) => r.criteria_set_id === v1)).toBe(true);
		const retired = await criteriaImpact(t.db, v1).catch((e: unknown) => e);
		expect((retired as AppError).message).toMatch(/QD06-2019@1 đã ngừng áp dụng\.$/);
	});
});

describe.runIf(process.env.IMPACT_TIMING)('impact preview timing on the national seed', () => {
	it('times the preview', async () => {
		const { seedScale } = await import('../../scripts/seed/scale.ts');
		const db = await freshDb();
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impact-timing-'));
		try {
			const national = process.env.IMPACT_TIMING === 'national';
			const seeded = await seedScale(
				db.db,
				{ ...db.config, signingKeyFile: path.join(dir, 'k.pem') },
				localFileStore(path.join(dir, 'f')),
				{
					era: 'post2025',
					...(national ? {} : { provinces: ['01'] }),
					log: () => {}
				}
			);
			const r = await importCriteriaSet(db.db, stricterDraft(), { id: null, email: 'timing' });
			if (!r.ok) throw new Error('draft');
			const id = (await findCriteriaSet(db.db, 'QD06-2019@2'))!.row.id;
			for (const run of [1, 2, 3]) {
				const t0 = performance.now();
				const impact = await criteriaImpact(db.db, id, seeded.roundId);
				const ms = performance.now() - t0;
				console.log(
					`impact preview (${usingPostgres ? 'PostgreSQL' : 'PGlite'}) run ${run}: ${impact.report!.assessments} communes, ` +
						`${impact.report!.changed.length} verdicts change, ${ms.toFixed(0)} ms`
				);
				expect(impact.report!.assessments).toBe(seeded.communes);
			}
		} finally {
			await db.drop();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 1_200_000);
});
