/**
 * One dossier, every reader, one answer (issue 11): the commune officer's data-entry pages (and
 * the live score their browser computes), the chair's dossier page and refused submission, the
 * reviewer's page, the board's row and its export, and the self-assessment report (as data and
 * as the PDF's text) all show the same totals and the same blockers, because each reads the
 * dossier through the one read model. On the embedded database or PostgreSQL (TEST_DATABASE_URL).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { actorOf, seedRound } from '../helpers/fixtures.ts';
import { fullMarksQd06 } from '../helpers/scoring-fixtures.ts';
import { loadAssessment, loadDossier } from '#lib/server/dossier/index.ts';
import { entryView, parseSaveRequest, save } from '#lib/server/answers/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { reviewWorkspace } from '#lib/server/reviews/workspace.ts';
import { boardRows, reviewQueue } from '#lib/server/reviews/queue.ts';
import { selfAssessmentData } from '#lib/server/documents/data.ts';
import { renderPdf } from '#lib/server/documents/render.ts';
import { assessDossier, type Blocker } from '#lib/domain/dossier.ts';
import { isAppError } from '#lib/server/errors.ts';
import { authorizeDossier } from '#lib/server/auth/guard.ts';
import { refreshStaleFigures } from '#lib/server/setup/index.ts';

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let dir: string;

const key = (b: Blocker) => `${b.kind}:${b.code}`;

beforeAll(async () => {
	t = await freshDb();
	f = await seedRound(t);
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-readers-'));
	// The officer enters every figure at full marks through the save path, most with their source
	// and period, three without: the score passes, but the dossier still has blockers (sources,
	// evidence for the checklist items, the three dossier documents).
	const officer = await actorOf(t, f.officerA);
	const a = (await loadAssessment(t.db, f.assessmentA))!;
	const answers = Object.entries(fullMarksQd06());
	for (const [i, [indicator, answer]] of answers.entries()) {
		const meta = i % 9 === 4 ? {} : { source: 'Trạm y tế xã', period: 'Năm 2026' };
		await save(t.db, officer, a, parseSaveRequest({ indicator, answer: { ...answer, ...meta }, expectedRevision: 0 }));
	}
}, 180_000);
afterAll(async () => {
	await t?.drop();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe(`one dossier, every reader (${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
	it('officer, browser, chair, reviewer, board, export and report agree on totals and blockers', async () => {
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const dossier = await loadDossier(t.db, a);
		// the situation the issue describes: full marks, yet not ready to submit
		expect(dossier.self.verdict).toBe('pass');
		expect(dossier.blockers.length).toBeGreaterThan(5);
		expect(new Set(dossier.blockers.map((b) => b.kind))).toEqual(new Set(['source', 'evidence', 'document']));
		const expected = dossier.blockers.map(key);

		// the officer's data-entry page, and what the browser recomputes from what the page received
		const view = entryView(dossier, await actorOf(t, f.officerA));
		expect(view.blockers.map(key)).toEqual(expected);
		const live = assessDossier({ set: view.set, category: view.assessment.category, answers: view.answers, evidence: view.evidence });
		expect(live.blockers.map(key)).toEqual(expected);
		expect(live.self.total).toBe(dossier.self.total);
		expect(live.self.verdict).toBe('pass');

		// the chair's dossier page, and the chair's submission, refused with the same list
		const chairView = await loadDossier(t.db, (await loadAssessment(t.db, f.assessmentA))!);
		expect(chairView.blockers.map(key)).toEqual(expected);
		const refused = await transition(t.db, await actorOf(t, f.chairA), a.id, 'submit', a.stateVersion).catch((e: unknown) => e);
		expect(isAppError(refused) && (refused.details.blockers as Blocker[]).map(key)).toEqual(expected);

		// the reviewer's page (read access to the same dossier)
		const workspace = await reviewWorkspace(t.db, await loadDossier(t.db, a));
		expect(workspace.totals.self).toBe(dossier.self.total);
		expect(workspace.blockers.map(key)).toEqual(expected);

		// the board's row and its export read the figures stored by the saves
		const reviewer = await actorOf(t, f.reviewer);
		const row = (await reviewQueue(t.db, reviewer)).rows.find((r) => r.id === a.id)!;
		expect(row).toMatchObject({ total: dossier.self.total, verdict: 'pass', blockers: expected.length });
		const exported = (await boardRows(t.db, reviewer)).rows.find((r) => r.id === a.id)!;
		expect(exported).toMatchObject({ total: dossier.self.total, blockers: expected.length });
		expect((await loadAssessment(t.db, a.id))!.figures).toEqual(dossier.figures);

		// the self-assessment report, as data and as the PDF's text
		const report = await selfAssessmentData(t.db, dossier);
		expect(report.total).toBe(dossier.self.total);
		expect(report.blockers).toEqual(dossier.blockers.map((b) => b.message));
		const file = path.join(dir, 'report.pdf');
		fs.writeFileSync(file, await renderPdf(report));
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC').replace(/\s+/g, ' ');
		expect(text).toContain(`Tổng điểm tự đánh giá: ${dossier.self.total.toLocaleString('vi-VN')}/1.000 điểm`);
		expect(text).toContain(`còn ${expected.length} mục cần hoàn thành`);
		for (const b of dossier.blockers) expect(text).toContain(b.message);
	});

	it("the pages' one-query read (authorizeDossier) is the same dossier, and only for the actor's own area", async () => {
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const two = await loadDossier(t.db, a);
		const officer = await actorOf(t, f.officerA);
		const one = await authorizeDossier(t.db, officer, 'assessment.read', String(a.id));
		expect(one.actor).toBe(officer);
		expect(one.assessment).toEqual(a);
		const { set: oneSet, ...oneRest } = one.dossier;
		const { set: twoSet, ...twoRest } = two;
		expect(oneSet).toEqual(twoSet);
		expect(oneRest).toEqual(twoRest);
		expect(one.dossier.evidence.length + Object.keys(one.dossier.stored).length).toBeGreaterThan(0);
		// the reviewer reads it too; another commune's officer, a bad id and an unknown one get "not found"
		const reviewer = await actorOf(t, f.reviewer);
		expect((await authorizeDossier(t.db, reviewer, 'review.read', String(a.id))).dossier.blockers).toEqual(two.blockers);
		const refusal = (p: Promise<unknown>) =>
			p.then(
				() => 'allowed',
				(e: unknown) => (isAppError(e) ? `${e.kind}: ${e.message}` : String(e))
			);
		const notFound = 'not_found: Không tìm thấy hồ sơ đánh giá.';
		expect(await refusal(authorizeDossier(t.db, await actorOf(t, f.officerB), 'assessment.read', String(a.id)))).toBe(notFound);
		expect(await refusal(authorizeDossier(t.db, officer, 'assessment.read', 'abc'))).toBe(notFound);
		expect(await refusal(authorizeDossier(t.db, officer, 'assessment.read', '2147483647'))).toBe(notFound);
		expect(await refusal(authorizeDossier(t.db, null, 'assessment.read', String(a.id)))).toMatch(/^unauthenticated/);
	});

	it('a save moves every reader at once: one more source entered, one blocker fewer everywhere', async () => {
		const officer = await actorOf(t, f.officerA);
		const a = (await loadAssessment(t.db, f.assessmentA))!;
		const before = await loadDossier(t.db, a);
		const missing = before.blockers.find((b) => b.kind === 'source')!;
		const stored = before.stored[missing.code];
		await save(
			t.db,
			officer,
			a,
			parseSaveRequest({
				indicator: missing.code,
				answer: { ...stored.value, source: 'Sổ đăng ký hộ tịch', period: 'Năm 2026' },
				expectedRevision: stored.revision
			})
		);
		const after = await loadDossier(t.db, a);
		expect(after.blockers.map(key)).toEqual(before.blockers.filter((b) => b !== missing).map(key));
		const row = (await reviewQueue(t.db, await actorOf(t, f.reviewer))).rows.find((r) => r.id === a.id)!;
		expect(row.blockers).toBe(before.blockers.length - 1);
		expect((await loadAssessment(t.db, a.id))!.figures.blockers).toBe(before.blockers.length - 1);
	});

	it('figures stored under older rules are recomputed at start-up: "5 of 0 cases" on TC06.2 is invalid, never full points', async () => {
		const officer = await actorOf(t, f.officerB);
		const b = (await loadAssessment(t.db, f.assessmentB))!;
		const answers = { ...fullMarksQd06(), 'TC06.2': { numerator: 5, denominator: 0 } };
		for (const [indicator, answer] of Object.entries(answers))
			await save(t.db, officer, b, parseSaveRequest({ indicator, answer, expectedRevision: 0 }));
		const now = await loadDossier(t.db, (await loadAssessment(t.db, b.id))!);
		const tc062 = now.self.criteria.flatMap((c) => c.indicators).find((i) => i.code === 'TC06.2')!;
		expect(tc062.status).toBe('invalid');
		expect(tc062.points).toBeNull();
		expect(now.self.verdict).not.toBe('pass');
		// as a row scored by the old rule would have it: full points for TC06.2, an older rules version
		const stale = now.self.total + 75;
		await t.db.updateTable('assessment').set({ self_total: stale, figures_rev: 1 }).where('id', '=', b.id).execute();
		expect(await refreshStaleFigures(t.db)).toBeGreaterThanOrEqual(1);
		const row = (await loadAssessment(t.db, b.id))!;
		expect(row.figures.selfTotal).toBe(now.self.total);
		expect(row.figures.selfVerdict).toBe(now.self.verdict);
	});
});
