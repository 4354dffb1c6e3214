/**
 * The review loop end to end through the server modules, on the embedded database or PostgreSQL
 * (TEST_DATABASE_URL): submit → return with two flagged items → resubmit with changes → the
 * diff shows exactly those → appraise → decide → recognition record; plus the workflow's order
 * and separation rules, concurrency, immutability, notifications and email, and the audit chain.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { completeDossier, seedRound } from '../helpers/fixtures.ts';
import { pdf } from '../helpers/files.ts';
import { assessmentCriteriaSet, loadAssessment, loadBaseCounts, loadDossier, loadDossierById } from '#lib/server/dossier/index.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { AppError, isAppError, parseInput } from '#lib/server/errors.ts';
import { BUNDLED_UNIT_FILES, importUnits, readUnitFile } from '#lib/server/units/import.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { httpStatus } from '#lib/edge/index.ts';
import { createAccount, loadActor } from '#lib/server/accounts/index.ts';
import type { Actor } from '#lib/domain/access.ts';
import { saveAnswer, saveBaseCounts } from '#lib/server/answers/index.ts';
import { addEvidence } from '#lib/server/evidence/index.ts';
import { localFileStore, newTempPath } from '#lib/server/storage/index.ts';
import {
	AcceptUndecidedInputSchema,
	acceptUndecided,
	addComment,
	appraise,
	latestCorrectionRequest,
	loadAppraisal,
	loadComments,
	returnForCorrection,
	saveReviewItem,
	startReview
} from '#lib/server/reviews/index.ts';
import { changesSincePreviousSubmission } from '#lib/server/assessments/submissions.ts';
import { REVIEW_FACTS, reviewWorkspace } from '#lib/server/reviews/workspace.ts';
import { authorizeDossier } from '#lib/server/auth/guard.ts';
import { issueDecision, loadDecision, revokeRecognition, decisionOfAssessment } from '#lib/server/decisions/index.ts';
import { confirmCriteriaSet } from '#lib/server/criteria/index.ts';
import { listNotifications } from '#lib/server/notifications/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import type { ReviewItemInput } from '#lib/domain/review.ts';
import { fullMarksQd06 } from '../helpers/scoring-fixtures.ts';

// Email: a local SMTP server receives what the notifications send (configured before first use).
const mails: { to: string }[] = [];
const smtp = new SMTPServer({
	authOptional: true,
	disabledCommands: ['STARTTLS', 'AUTH'],
	onData(stream, session, done) {
		stream.resume();
		stream.on('end', () => {
			mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(',') });
			done();
		});
	}
});

let t: TestDb;
let f: Awaited<ReturnType<typeof seedRound>>;
let dir: string;

/** A step's outcome as the page sees it: done, or refused with the status and message the edge answers. */
async function outcome<T>(p: Promise<T>) {
	try {
		return { ok: true as const, status: 200, value: await p };
	} catch (e) {
		if (!isAppError(e)) throw e;
		return { ok: false as const, status: httpStatus(e), message: e.message, fieldErrors: e.fieldErrors, body: { message: e.message } };
	}
}

const as = async (id: number) => {
	const account = (await loadActor(t.db, id))!;
	return { account, actor: account };
};
const item = (indicator: string, over: Partial<ReviewItemInput> = {}): ReviewItemInput => ({
	indicator,
	points: null,
	reason: '',
	status: 'accepted',
	request: '',
	revision: 0,
	...over
});
const version = async (id: number) => (await loadAssessment(t.db, id))!.stateVersion;

/** The review page's data as its route reads it (the dossier and the review's facts in one query), checked against reading them apart. */
async function reviewPage(actor: Actor, id: number) {
	const one = await authorizeDossier(t.db, actor, 'review.read', String(id), REVIEW_FACTS);
	const page = await reviewWorkspace(t.db, one.dossier, one.beside);
	expect(page).toEqual(await reviewWorkspace(t.db, (await loadDossierById(t.db, id))!));
	return page;
}

beforeAll(async () => {
	smtp.listen(0, '127.0.0.1');
	await once(smtp.server, 'listening');
	process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
	process.env.MAIL_FROM = 'Hệ thống <no-reply@test.local>';
	t = await freshDb();
	f = await seedRound(t);
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-'));
	await completeDossier(t, f.assessmentA, f.officerA);
	await completeDossier(t, f.assessmentB, f.officerB);
}, 180_000);
afterAll(async () => {
	await t?.drop();
	smtp.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

const X = 'TC01.1'; // flagged: the answer will change
const Y = 'TC02.1'; // flagged: a file will be added
const Z = 'TC03.1'; // scored differently by the reviewer, not flagged

describe(`the review loop on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('submit → return with two flagged items → resubmit with changes → diff → appraise → decide → recognition', async () => {
		const chair = await as(f.chairA);
		const officer = await as(f.officerA);
		const reviewer = await as(f.reviewer);
		const approver = await as(f.approver);
		const id = f.assessmentA;

		// submit; the reviewers are notified (in-app and by email)
		await transition(t.db, chair.actor, id, 'submit', await version(id));
		expect((await listNotifications(t.db, f.reviewer)).map((n) => n.kind)).toContain('submitted');

		// reviewing needs the review to be started
		let a = (await loadAssessment(t.db, id))!;
		expect(await outcome(saveReviewItem(t.db, reviewer.actor, a, item(X)))).toMatchObject({ ok: false, status: 409 });
		a = await startReview(t.db, reviewer.actor, id, a.stateVersion);
		expect(a.state).toBe('under_review');

		// a different value needs a reason; points above the maximum are refused
		const dossier = await loadDossier(t.db, a);
		const zMax = dossier.self.criteria.flatMap((c) => c.indicators).find((i) => i.code === Z)!.maxPoints;
		expect(await outcome(saveReviewItem(t.db, reviewer.actor, a, item(Z, { points: zMax - 5 })))).toMatchObject({
			ok: false,
			status: 400,
			fieldErrors: { reason: expect.stringMatching(/cần ghi lý do/) }
		});
		expect(await outcome(saveReviewItem(t.db, reviewer.actor, a, item(Z, { points: zMax + 1, reason: 'x' })))).toMatchObject({
			ok: false,
			status: 400,
			fieldErrors: { points: expect.any(String) }
		});
		const seq = () => t.db.selectFrom('assessment').select('figures_seq').where('id', '=', a.id).executeTakeFirstOrThrow();
		const seqBefore = (await seq()).figures_seq;
		expect(
			await outcome(saveReviewItem(t.db, reviewer.actor, a, item(Z, { points: zMax - 5, reason: 'Sổ theo dõi thiếu 2 tháng' })))
		).toMatchObject({ ok: true });
		// the review item's write wrote the dossier's figures too (what the dashboard's kept points follow)
		expect((await seq()).figures_seq).toBe(seqBefore + 1);
		// needs supplement needs a request
		expect(await outcome(saveReviewItem(t.db, reviewer.actor, a, item(X, { status: 'needs_supplement' })))).toMatchObject({
			ok: false,
			status: 400
		});
		expect(
			await outcome(
				saveReviewItem(
					t.db,
					reviewer.actor,
					a,
					item(X, { status: 'needs_supplement', request: 'Bổ sung quyết định phân công bản có chữ ký' })
				)
			)
		).toMatchObject({ ok: true });
		expect(
			await outcome(
				saveReviewItem(t.db, reviewer.actor, a, item(Y, { status: 'needs_supplement', request: 'Thiếu sổ khám sức khỏe quý IV' }))
			)
		).toMatchObject({ ok: true });
		// a stale revision does not overwrite
		expect(await outcome(saveReviewItem(t.db, reviewer.actor, a, item(Y, { status: 'accepted', revision: 0 })))).toMatchObject({
			ok: false,
			status: 409
		});

		// return: one consolidated request listing exactly the flagged items
		a = await returnForCorrection(t.db, reviewer.actor, id, a.stateVersion, 'Đề nghị xã bổ sung các nội dung sau.');
		expect(a.state).toBe('returned');
		const request = (await latestCorrectionRequest(t.db, id))!;
		expect(request.items.map((i) => [i.indicatorCode, i.request])).toEqual([
			[X, 'Bổ sung quyết định phân công bản có chữ ký'],
			[Y, 'Thiếu sổ khám sức khỏe quý IV']
		]);
		const officerNotes = await listNotifications(t.db, f.officerA);
		expect(officerNotes[0]).toMatchObject({ kind: 'returned', link: `/assessments/${id}`, read: false });
		// the commune's accounts receive nothing before the return; the reviewer got the submission's
		await expect
			.poll(() => mails.map((m) => m.to), { timeout: 5000 })
			.toEqual(expect.arrayContaining(['canbo.xa@demo.vn', 'chutich.xa@demo.vn', 'thamdinh@demo.vn']));

		// the commune may change only what was flagged
		const ctx = { account: officer.account, assessment: a };
		const stored = await t.db
			.selectFrom('assessment_answer')
			.select(['indicator_code', 'revision'])
			.where('assessment_id', '=', id)
			.execute();
		const rev = (code: string) => stored.find((s) => s.indicator_code === code)!.revision;
		const zAnswer = fullMarksQd06()[Z];
		expect(
			await outcome(saveAnswer(t.db, ctx.account, ctx.assessment, { indicator: Z, answer: zAnswer, expectedRevision: rev(Z) }))
		).toMatchObject({
			status: 409,
			body: { message: expect.stringMatching(/chỉ sửa được các chỉ số/) }
		});
		expect(
			await outcome(
				saveBaseCounts(t.db, ctx.account, ctx.assessment, { baseCounts: {}, expectedRevision: (await loadBaseCounts(t.db, a.id)).revision })
			)
		).toMatchObject({ status: 409 });
		const set = await assessmentCriteriaSet(t.db, a);
		const store = localFileStore(path.join(dir, 'files'));
		const upload = async (indicators: string[], note: string) => {
			const tempPath = await newTempPath(path.join(dir, 'tmp'));
			const content = pdf(note);
			fs.writeFileSync(tempPath, content);
			const sha256 = (await import('node:crypto')).createHash('sha256').update(content).digest('hex');
			return addEvidence(t.db, store, set, {
				assessment: a,
				actor: officer.account,
				meta: { kind: 'evidence', indicatorCodes: indicators, docNumber: null, issuedOn: null, issuer: null, summary: note },
				file: { tempPath, sha256, size: content.length, mime: 'application/pdf', ext: 'pdf', originalName: `${note}.pdf` }
			});
		};
		await expect(upload([Z], 'khong-duoc')).rejects.toThrow(AppError);
		// the changes: X's answer, a file for Y, a comment on X
		const xAnswer = { ...fullMarksQd06()[X], source: 'Quyết định số 12/QĐ-UBND' };
		expect(
			await outcome(saveAnswer(t.db, ctx.account, ctx.assessment, { indicator: X, answer: xAnswer, expectedRevision: rev(X) }))
		).toMatchObject({ status: 200 });
		const added = await upload([Y], 'so-kham-quy-IV');
		expect(await outcome(addComment(t.db, officer.actor, a, { indicator: X, body: 'Đã bổ sung quyết định có chữ ký.' }))).toMatchObject({
			ok: true
		});

		// resubmit; the reviewing level sees exactly what changed
		a = await transition(t.db, chair.actor, id, 'resubmit', a.stateVersion);
		expect(a.state).toBe('resubmitted');
		const changes = (await changesSincePreviousSubmission(t.db, id))!;
		expect(changes.previous.seq).toBe(1);
		expect(changes.latest.seq).toBe(2);
		expect(changes.diff.answers.map((d) => d.indicatorCode)).toEqual([X]);
		expect(changes.diff.answers[0].after).toMatchObject({ source: 'Quyết định số 12/QĐ-UBND' });
		expect(changes.diff.evidenceAdded.map((e) => [e.id, e.indicators])).toEqual([[added.id, [Y]]]);
		expect(changes.diff.evidenceRemoved).toEqual([]);
		expect(changes.diff.baseCounts).toEqual([]);
		expect(changes.diff.indicators).toEqual([X, Y]);
		expect(changes.comments.map((c) => [c.indicatorCode, c.body])).toEqual([[X, 'Đã bổ sung quyết định có chữ ký.']]);
		// the review page reads the same changes (and the request, the comments) in its one query
		const workspace = await reviewPage(reviewer.actor, a.id);
		expect(workspace.changes).toMatchObject(changes!);
		// and says in words what each changed figure was and is now
		expect(workspace.changes!.diff.answers.find((d) => d.indicatorCode === 'TC01.1')).toMatchObject({
			beforeText: 'Có · Trạm y tế · Năm 2026',
			afterText: 'Có · Quyết định số 12/QĐ-UBND'
		});
		expect(workspace.request).toEqual(await latestCorrectionRequest(t.db, id));
		const shown = workspace.criteria.flatMap((c) => c.indicators.flatMap((i) => i.comments)).sort((x, y) => x.id - y.id);
		expect(shown).toEqual(await loadComments(t.db, id));
		expect(shown.length).toBeGreaterThan(0);
		expect(workspace.decision).toBeNull();

		// appraisal: refused while items still need a supplement, then recorded
		a = await startReview(t.db, reviewer.actor, id, a.stateVersion);
		await expect(appraise(t.db, reviewer.actor, id, a.stateVersion, { recommendation: 'recognise', remarks: '' })).rejects.toThrow(
			/Cần bổ sung/
		);
		const items = await t.db.selectFrom('review_item').select(['indicator_code', 'revision']).where('assessment_id', '=', id).execute();
		for (const code of [X, Y]) {
			expect(
				await outcome(
					saveReviewItem(t.db, reviewer.actor, a, item(code, { revision: items.find((i) => i.indicator_code === code)!.revision }))
				)
			).toMatchObject({ ok: true });
		}
		a = await appraise(t.db, reviewer.actor, id, a.stateVersion, { recommendation: 'recognise', remarks: 'Hồ sơ đầy đủ sau bổ sung.' });
		expect(a.state).toBe('appraised');
		const appraisal = (await loadAppraisal(t.db, id))!;
		expect(appraisal.selfTotal).toBe(1000);
		expect(appraisal.reviewedTotal).toBe(995);
		expect(appraisal.criteria.find((c) => c.code === 'TC03')).toMatchObject({
			selfPoints: expect.any(Number),
			reviewedPoints: expect.any(Number)
		});
		const tc03 = appraisal.criteria.find((c) => c.code === 'TC03')!;
		expect(tc03.selfPoints - tc03.reviewedPoints).toBe(5);
		expect(appraisal.reviewedVerdict).toBe('pass');
		expect((await listNotifications(t.db, f.approver)).map((n) => n.kind)).toContain('appraised');

		// the decision: never by someone who reviewed the assessment
		const base = {
			outcome: 'recognise' as const,
			number: '15/QĐ-UBND',
			issuedOn: '2026-11-20',
			signerName: 'Phạm Quốc Việt',
			signerTitle: 'Chủ tịch',
			validFrom: '2026-11-20',
			validUntil: '2029-11-19'
		};
		await t.db.updateTable('account').set({ role: 'approver' }).where('id', '=', f.reviewer).execute();
		const reviewerAsApprover = await as(f.reviewer);
		await expect(
			issueDecision(t.db, reviewerAsApprover.actor, { ...base, assessments: [{ id, version: a.stateVersion }] })
		).rejects.toThrow(/không được là người đã thẩm định/);
		await t.db.updateTable('account').set({ role: 'reviewer' }).where('id', '=', f.reviewer).execute();
		// …and not under a criteria set that is neither verified nor confirmed
		await expect(issueDecision(t.db, approver.actor, { ...base, assessments: [{ id, version: a.stateVersion }] })).rejects.toThrow(
			/chưa được quản trị viên xác nhận/
		);
		await confirmCriteriaSet(t.db, a.criteriaSet.id, (await loadActor(t.db, f.admin))!, 'Đối chiếu với văn bản do tỉnh cung cấp');
		const decisionId = await issueDecision(t.db, approver.actor, { ...base, assessments: [{ id, version: a.stateVersion }] });
		expect((await loadAssessment(t.db, id))!.state).toBe('recognised');
		const recognition = (await decisionOfAssessment(t.db, id))!;
		expect(recognition).toMatchObject({
			decision_id: decisionId,
			number: '15/QĐ-UBND',
			outcome: 'recognise',
			valid_from: '2026-11-20',
			valid_until: '2029-11-19',
			revoked_reason: null
		});
		const decision = (await loadDecision(t.db, approver.actor, decisionId))!;
		expect(decision.items).toHaveLength(1);
		expect(decision.items[0]).toMatchObject({ communeName: 'Phường Phú Xuân', reviewedTotal: 995 });
		expect((await listNotifications(t.db, f.officerA)).map((n) => n.kind)).toContain('recognised');

		// the same number cannot be used twice in a year by the same body
		// (checked with B later); issued records are immutable, a revocation is a new record
		await expect(sql`update decision set signer_name = 'X' where id = ${decisionId}`.execute(t.db)).rejects.toThrow(/immutable/);
		await expect(sql`delete from decision_item where decision_id = ${decisionId}`.execute(t.db)).rejects.toThrow(/immutable/);
		await expect(revokeRecognition(t.db, approver.actor, decision.items[0].id, 'ngắn')).rejects.toThrow(/Lý do thu hồi/);
		await revokeRecognition(t.db, approver.actor, decision.items[0].id, 'Phát hiện số liệu TC02 không trung thực');
		expect((await decisionOfAssessment(t.db, id))!.revoked_reason).toBe('Phát hiện số liệu TC02 không trung thực');
		// the review page shows the same decision, revocation included
		const revoked = (await reviewPage(reviewer.actor, id)).decision;
		expect(revoked).toEqual(await decisionOfAssessment(t.db, id));
		expect(revoked!.revoked_at).toBeInstanceOf(Date);
		await expect(revokeRecognition(t.db, approver.actor, decision.items[0].id, 'Thu hồi lần hai')).rejects.toThrow(/đã được thu hồi/);

		// every step is in the audit trail with a snapshot, and the chain verifies
		const steps = await t.db
			.selectFrom('audit_log')
			.select(['action', 'details'])
			.where('object_type', '=', 'assessment')
			.where('object_id', '=', String(id))
			.where('action', 'like', 'assessment.%')
			.orderBy('id')
			.execute();
		expect(steps.map((s) => s.action).filter((x) => !x.startsWith('assessment.answer'))).toEqual([
			'assessment.submit',
			'assessment.start_review',
			'assessment.return',
			'assessment.resubmit',
			'assessment.start_review',
			'assessment.appraise',
			'assessment.recognise'
		]);
		for (const s of steps.filter((x) => !x.action.startsWith('assessment.answer'))) expect(s.details).toHaveProperty('snapshot.total');
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
	});

	it('refuses steps out of order: deciding a draft or an assessment without appraisal, editing under review', async () => {
		const approver = await as(f.approver);
		const reviewer = await as(f.reviewer);
		const officerB = await as(f.officerB);
		const id = f.assessmentB;
		const decide = (v: number) =>
			issueDecision(t.db, approver.actor, {
				outcome: 'recognise',
				number: '16/QĐ-UBND',
				issuedOn: '2026-11-21',
				signerName: 'Phạm Quốc Việt',
				signerTitle: 'Chủ tịch',
				validFrom: '2026-11-21',
				validUntil: '2029-11-20',
				assessments: [{ id, version: v }]
			});
		await expect(decide(await version(id))).rejects.toThrow(/chưa có kết luận thẩm định/);
		await t.db.updateTable('account').set({ role: 'commune_chair' }).where('id', '=', f.officerB).execute();
		const chairB = await as(f.officerB);
		await t.db.updateTable('account').set({ role: 'commune_officer' }).where('id', '=', f.officerB).execute();
		await transition(t.db, chairB.actor, id, 'submit', await version(id));
		const a = await startReview(t.db, reviewer.actor, id, await version(id));
		await expect(decide(a.stateVersion)).rejects.toThrow(/chưa có kết luận thẩm định/);
		const stored = await t.db
			.selectFrom('assessment_answer')
			.select('revision')
			.where('assessment_id', '=', id)
			.where('indicator_code', '=', X)
			.executeTakeFirstOrThrow();
		expect(
			await outcome(saveAnswer(t.db, officerB.account, a, { indicator: X, answer: fullMarksQd06()[X], expectedRevision: stored.revision }))
		).toMatchObject({ status: 409 });
		expect((await loadAssessment(t.db, id))!.state).toBe('under_review');
		expect(await t.db.selectFrom('decision_item').select('id').where('assessment_id', '=', id).execute()).toEqual([]);
	});

	it('two reviewers scoring different items of one dossier at once: both saved, the stored figures count both', async () => {
		const reviewer = await as(f.reviewer);
		const a = (await loadAssessment(t.db, f.assessmentB))!;
		expect(a.state).toBe('under_review');
		const codes = ['TC04.1', 'TC05.1', 'TC06.1', 'TC08.1'];
		const results = await Promise.all(codes.map((c) => outcome(saveReviewItem(t.db, reviewer.actor, a, item(c)))));
		expect(results.map((r) => r.ok)).toEqual(codes.map(() => true));
		const d = (await loadDossierById(t.db, a.id))!;
		expect(codes.every((c) => d.reviewItems.get(c)?.status === 'accepted')).toBe(true);
		expect(d.assessment.figures).toEqual(d.figures);
	});

	it('two reviewers appraising the same assessment at once: exactly one wins, the other loses nothing', async () => {
		const reviewer = await as(f.reviewer);
		const id = f.assessmentB;
		const v = await version(id);
		const results = await Promise.allSettled([
			appraise(t.db, reviewer.actor, id, v, { recommendation: 'recognise', remarks: 'Lần một' }),
			appraise(t.db, reviewer.actor, id, v, { recommendation: 'not_recognise', remarks: 'Lần hai' })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(lost.reason).toBeInstanceOf(AppError);
		expect(lost.reason.message).toMatch(/vừa được người khác cập nhật/);
		expect(await t.db.selectFrom('appraisal').select('id').where('assessment_id', '=', id).execute()).toHaveLength(1);
		expect((await loadAssessment(t.db, id))!).toMatchObject({ state: 'appraised', stateVersion: v + 1 });
	});

	it('a decision number is used once a year per issuing body; a refused decision writes nothing', async () => {
		const approver = await as(f.approver);
		const id = f.assessmentB;
		const before = await t.db.selectFrom('decision').select('id').execute();
		await expect(
			issueDecision(t.db, approver.actor, {
				outcome: 'not_recognise',
				number: '15/QĐ-UBND',
				issuedOn: '2026-12-01',
				signerName: 'Phạm Quốc Việt',
				signerTitle: 'Chủ tịch',
				validFrom: '',
				validUntil: '',
				assessments: [{ id, version: await version(id) }]
			})
		).rejects.toThrow(/đã được dùng trong năm 2026/);
		expect(await t.db.selectFrom('decision').select('id').execute()).toHaveLength(before.length);
		expect((await loadAssessment(t.db, id))!.state).toBe('appraised');
	});

	it('the audit chain fails verification after a row is altered by hand', async () => {
		await sql`alter table audit_log disable trigger audit_log_no_change`.execute(t.db);
		const row = await t.db
			.selectFrom('audit_log')
			.select('id')
			.where('action', '=', 'assessment.appraise')
			.orderBy('id')
			.executeTakeFirstOrThrow();
		await sql`update audit_log set details = jsonb_set(details, '{recommendation}', '"not_recognise"') where id = ${row.id}`.execute(t.db);
		await sql`alter table audit_log enable trigger audit_log_no_change`.execute(t.db);
		expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBrokenId: row.id });
	});
});

describe(`with REVIEW_LEVEL=district on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	let d: TestDb;
	beforeAll(async () => {
		d = await freshDb({ REVIEW_LEVEL: 'district' });
		const { seedDemo, DEMO_PASSWORD } = await import('#lib/server/seed/demo.ts');
		const { createAccount } = await import('#lib/server/accounts/index.ts');
		await seedDemo(d.db, d.config);
		const other = await d.db
			.selectFrom('admin_unit')
			.select('code')
			.where('level', '=', 'district')
			.where('era', '=', 'pre2025')
			.where('code', '!=', '474')
			.orderBy('code')
			.executeTakeFirstOrThrow();
		await createAccount(
			d.db,
			d.config,
			{ email: 'thamdinh.khac@demo.vn', fullName: 'Thẩm định huyện khác', role: 'reviewer', unitCode: other.code, password: DEMO_PASSWORD },
			{ id: null, email: 'test' }
		);
	}, 180_000);
	afterAll(async () => d?.drop());

	it('district reviewers and approvers take the steps for their own district only', async () => {
		const account = async (email: string) => {
			const row = await d.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow();
			const acc = (await loadActor(d.db, row.id))!;
			return { account: acc, actor: acc };
		};
		const [chair, reviewer, approver, outsider] = await Promise.all(
			['chutich.xa@demo.vn', 'thamdinh@demo.vn', 'lanhdao@demo.vn', 'thamdinh.khac@demo.vn'].map(account)
		);
		expect(reviewer.account.unit?.level).toBe('district');
		const a = await d.db.selectFrom('assessment').select('id').where('commune_id', '=', chair.account.unit!.id).executeTakeFirstOrThrow();
		await completeDossier(d, a.id, chair.account.id);
		const v = async () => (await loadAssessment(d.db, a.id))!.stateVersion;
		await transition(d.db, chair.actor, a.id, 'submit', await v());
		// the district's reviewer is notified, the other district's is not
		expect((await listNotifications(d.db, reviewer.account.id)).map((n) => n.kind)).toEqual(['submitted']);
		expect(await listNotifications(d.db, outsider.account.id)).toEqual([]);
		// the route guard: the other district's reviewer gets 404, the district's passes
		const { authorizeAssessment } = await import('#lib/server/auth/guard.ts');
		await expect(authorizeAssessment(d.db, outsider.account, 'review.perform', String(a.id))).rejects.toMatchObject({ kind: 'not_found' });
		expect((await authorizeAssessment(d.db, reviewer.account, 'review.perform', String(a.id))).assessment.id).toBe(a.id);
		// the whole way to a decision issued by the district
		await startReview(d.db, reviewer.actor, a.id, await v());
		await appraise(d.db, reviewer.actor, a.id, await v(), { recommendation: 'not_recognise', remarks: 'Thử ở cấp huyện' });
		const id = await issueDecision(d.db, approver.actor, {
			outcome: 'not_recognise',
			number: '3/QĐ-UBND',
			issuedOn: '2026-11-22',
			signerName: 'Phạm Quốc Việt',
			signerTitle: 'Chủ tịch UBND huyện',
			validFrom: '',
			validUntil: '',
			assessments: [{ id: a.id, version: await v() }]
		});
		const decision = await d.db
			.selectFrom('decision')
			.select(['issuing_unit_id', 'outcome'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(decision).toEqual({ issuing_unit_id: approver.account.unit!.id, outcome: 'not_recognise' });
		expect((await loadAssessment(d.db, a.id))!.state).toBe('not_recognised');
	});
});

describe(`accepting several indicators at once (issue 16) on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	let b: TestDb;
	let g: Awaited<ReturnType<typeof seedRound>>;
	let outsiderId: number;
	beforeAll(async () => {
		b = await freshDb();
		g = await seedRound(b);
		await completeDossier(b, g.assessmentA, g.officerA);
		await completeDossier(b, g.assessmentB, g.officerB);
		// a reviewer of another province (Đà Nẵng)
		await importUnits(b.db, readUnitFile(BUNDLED_UNIT_FILES.post2025), ['48']);
		const system = { id: null, email: 'test' };
		await createAccount(
			b.db,
			b.config,
			{ email: 'thamdinh.dn@demo.vn', fullName: 'Đặng Văn Nam', role: 'reviewer', unitCode: '48', password: DEMO_PASSWORD },
			system
		);
		outsiderId = (await b.db.selectFrom('account').select('id').where('email', '=', 'thamdinh.dn@demo.vn').executeTakeFirstOrThrow()).id;
		// A and B submitted (B by its officer acting as chair for a moment)
		const chairA = (await loadActor(b.db, g.chairA))!;
		await transition(b.db, chairA, g.assessmentA, 'submit', (await loadAssessment(b.db, g.assessmentA))!.stateVersion);
		await b.db.updateTable('account').set({ role: 'commune_chair' }).where('id', '=', g.officerB).execute();
		const chairB = (await loadActor(b.db, g.officerB))!;
		await b.db.updateTable('account').set({ role: 'commune_officer' }).where('id', '=', g.officerB).execute();
		await transition(b.db, chairB, g.assessmentB, 'submit', (await loadAssessment(b.db, g.assessmentB))!.stateVersion);
	}, 180_000);
	afterAll(async () => b?.drop());

	const actor = async (id: number) => (await loadActor(b.db, id))!;
	/** What the review page offers to accept for a criterion (or `all`), as it posts it. */
	const offered = async (id: number, scope: string) => {
		const w = await reviewWorkspace(b.db, (await loadDossierById(b.db, id))!);
		const items = w.criteria.filter((c) => scope === 'all' || c.code === scope).flatMap((c) => c.undecided);
		return { scope, items: items.map((u) => ({ indicator: u.code, revision: u.revision })) };
	};
	const rows = async (id: number) =>
		Object.fromEntries(
			(
				await b.db
					.selectFrom('review_item')
					.select(['indicator_code', 'points', 'reason', 'status', 'request', 'revision'])
					.where('assessment_id', '=', id)
					.orderBy('indicator_code')
					.execute()
			).map(({ indicator_code, ...r }) => [indicator_code, r])
		);
	const storedFigures = async (id: number) =>
		b.db
			.selectFrom('assessment')
			.select(['self_total', 'self_verdict', 'reviewed_total', 'reviewed_verdict', 'blockers'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
	const bulkAudit = async (id: number) =>
		(
			await b.db
				.selectFrom('audit_log')
				.select(['action', 'details', 'actor_id', 'unit_id'])
				.where('object_type', '=', 'assessment')
				.where('object_id', '=', String(id))
				.where('action', '=', 'review.item_save')
				.orderBy('id')
				.execute()
		).filter((r) => (r.details as { bulk?: unknown }).bulk);

	it('refuses before the review is started (conflict), a reviewer of another province (not found) and a commune account (forbidden)', async () => {
		const reviewer = await actor(g.reviewer);
		const input = await offered(g.assessmentA, 'TC01');
		expect(input.items.map((i) => i.indicator)).toEqual(['TC01.1', 'TC01.2', 'TC01.3', 'TC01.4']);
		expect(await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, input))).toMatchObject({
			ok: false,
			status: 409,
			message: expect.stringMatching(/đang được thẩm định/)
		});
		for (const id of [g.assessmentA, g.assessmentB]) await startReview(b.db, reviewer, id, (await loadAssessment(b.db, id))!.stateVersion);
		await expect(acceptUndecided(b.db, await actor(outsiderId), g.assessmentA, input)).rejects.toMatchObject({ kind: 'not_found' });
		await expect(acceptUndecided(b.db, await actor(g.officerA), g.assessmentA, input)).rejects.toMatchObject({ kind: 'forbidden' });
		await expect(acceptUndecided(b.db, reviewer, 2_000_000, input)).rejects.toMatchObject({ kind: 'not_found' });
		// the page's input, validated: codes of the set, of the criterion, each once
		expect(parseInput(AcceptUndecidedInputSchema, { scope: 'TC01', items: ['TC01.3:0', 'TC01.4:2'] })).toEqual({
			scope: 'TC01',
			items: [
				{ indicator: 'TC01.3', revision: 0 },
				{ indicator: 'TC01.4', revision: 2 }
			]
		});
		for (const bad of [
			{ scope: 'TC01', items: [] },
			{ scope: 'TC01', items: ['TC01.3'] },
			{ scope: 'TC01', items: ['TC01.3:0', 'TC01.3:0'] },
			{ scope: 'x; drop', items: ['TC01.3:0'] }
		])
			expect(() => parseInput(AcceptUndecidedInputSchema, bad)).toThrow(AppError);
		expect(
			await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, { scope: 'TC01', items: [{ indicator: 'TC02.1', revision: 0 }] }))
		).toMatchObject({ status: 400, message: 'Chỉ số TC02.1 không thuộc tiêu chí TC01.' });
		expect(
			await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, { scope: 'all', items: [{ indicator: 'TC99.1', revision: 0 }] }))
		).toMatchObject({ status: 400 });
		expect(await rows(g.assessmentA)).toEqual({});
		expect(await bulkAudit(g.assessmentA)).toEqual([]);
	});

	it('accepts exactly the undecided indicators of a criterion, leaves flagged and scored ones as they were, and stores the figures single accepts would', async () => {
		const reviewer = await actor(g.reviewer);
		// the same decisions on A and B: TC01.1 flagged, TC01.2 scored but left pending, TC01.3 pending
		// without points, TC01.4 untouched; TC02.1 (another criterion) scored lower and accepted
		const d = await loadDossierById(b.db, g.assessmentA);
		const own = (code: string) => d!.self.criteria.flatMap((c) => c.indicators).find((i) => i.code === code)!.points!;
		for (const id of [g.assessmentA, g.assessmentB]) {
			const a = (await loadAssessment(b.db, id))!;
			await saveReviewItem(b.db, reviewer, a, item('TC01.1', { status: 'needs_supplement', request: 'Bổ sung quyết định có chữ ký' }));
			await saveReviewItem(
				b.db,
				reviewer,
				a,
				item('TC01.2', { status: 'pending', points: own('TC01.2') - 1, reason: 'Thiếu số liệu quý IV' })
			);
			await saveReviewItem(b.db, reviewer, a, item('TC01.3', { status: 'pending', reason: 'Xem lại sau' }));
			await saveReviewItem(b.db, reviewer, a, item('TC02.1', { points: own('TC02.1') - 2, reason: 'Sổ theo dõi thiếu 2 tháng' }));
		}
		const before = await rows(g.assessmentA);

		// A: one bulk accept of TC01, as the page offers it
		const input = await offered(g.assessmentA, 'TC01');
		expect(input.items).toEqual([
			{ indicator: 'TC01.3', revision: 1 },
			{ indicator: 'TC01.4', revision: 0 }
		]);
		expect(await acceptUndecided(b.db, reviewer, g.assessmentA, input)).toEqual(['TC01.3', 'TC01.4']);
		// B: the same two accepted one by one, as the item form saves them
		const bInfo = (await loadAssessment(b.db, g.assessmentB))!;
		await saveReviewItem(b.db, reviewer, bInfo, item('TC01.3', { reason: 'Xem lại sau', revision: 1 }));
		await saveReviewItem(b.db, reviewer, bInfo, item('TC01.4'));

		const after = await rows(g.assessmentA);
		expect(after).toEqual(await rows(g.assessmentB));
		expect(after['TC01.1']).toEqual(before['TC01.1']);
		expect(after['TC01.2']).toEqual(before['TC01.2']);
		expect(after['TC02.1']).toEqual(before['TC02.1']);
		expect(after['TC01.3']).toEqual({ points: null, reason: 'Xem lại sau', status: 'accepted', request: null, revision: 2 });
		expect(after['TC01.4']).toEqual({ points: null, reason: null, status: 'accepted', request: null, revision: 1 });
		expect(Object.keys(after)).toEqual(['TC01.1', 'TC01.2', 'TC01.3', 'TC01.4', 'TC02.1']);

		// the stored figures: as single accepts leave them, and as computed from the dossier
		const figures = await storedFigures(g.assessmentA);
		expect(figures).toEqual(await storedFigures(g.assessmentB));
		const dossier = (await loadDossierById(b.db, g.assessmentA))!;
		expect(dossier.assessment.figures).toEqual(dossier.figures);
		expect(figures.reviewed_total).toBe(dossier.self.total - 1 - 2);
		const w = await reviewWorkspace(b.db, dossier);
		expect(w.criteria.find((c) => c.code === 'TC01')!.undecided).toEqual([]);
		expect(w.scoredPending).toEqual(['TC01.2']);

		// one audit record per indicator, as a single save writes it, saying it was a bulk accept
		const audit = await bulkAudit(g.assessmentA);
		expect(audit.map((r) => r.details)).toEqual([
			{
				indicator: 'TC01.3',
				communePoints: expect.any(Number),
				points: null,
				reason: 'Xem lại sau',
				status: 'accepted',
				request: null,
				revision: 2,
				bulk: { scope: 'TC01', count: 2 }
			},
			{
				indicator: 'TC01.4',
				communePoints: expect.any(Number),
				points: null,
				reason: null,
				status: 'accepted',
				request: null,
				revision: 1,
				bulk: { scope: 'TC01', count: 2 }
			}
		]);
		expect(audit.every((r) => r.actor_id === g.reviewer && r.unit_id === dossier.assessment.commune.id)).toBe(true);
		expect(await verifyAuditChain(b.db)).toMatchObject({ ok: true });
	});

	it('a single save made meanwhile is never lost: a bulk accept from a stale page writes nothing and names what changed', async () => {
		const reviewer = await actor(g.reviewer);
		const a = (await loadAssessment(b.db, g.assessmentA))!;
		// the reviewer's page offers TC04 (TC04.1, TC04.2); meanwhile a colleague flags TC04.1
		const stale = await offered(g.assessmentA, 'TC04');
		expect(stale.items).toEqual([
			{ indicator: 'TC04.1', revision: 0 },
			{ indicator: 'TC04.2', revision: 0 }
		]);
		await saveReviewItem(b.db, reviewer, a, item('TC04.1', { status: 'needs_supplement', request: 'Thiếu biên bản kiểm tra' }));
		const before = await rows(g.assessmentA);
		const refused = await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, stale));
		expect(refused).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/^Chỉ số TC04\.1 vừa được người khác lưu/) });
		expect(await rows(g.assessmentA)).toEqual(before); // TC04.2 not accepted either: all or nothing
		expect(before['TC04.1']).toMatchObject({ status: 'needs_supplement', revision: 1 });

		// a pending item saved again meanwhile (its revision moved on) is refused the same way
		await saveReviewItem(b.db, reviewer, a, item('TC04.2', { status: 'pending' }));
		const seen = await offered(g.assessmentA, 'TC04');
		expect(seen.items).toEqual([{ indicator: 'TC04.2', revision: 1 }]);
		await saveReviewItem(b.db, reviewer, a, item('TC04.2', { status: 'pending', reason: 'Chờ xã giải trình', revision: 1 }));
		expect(await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, seen))).toMatchObject({ status: 409 });
		// …and a crafted list naming a decided item at its current revision changes nothing
		expect(
			await outcome(acceptUndecided(b.db, reviewer, g.assessmentA, { scope: 'TC04', items: [{ indicator: 'TC04.1', revision: 1 }] }))
		).toMatchObject({ status: 409 });
		expect((await rows(g.assessmentA))['TC04.1']).toMatchObject({ status: 'needs_supplement', revision: 1 });

		// truly at once: a single save of TC05.1 and a bulk accept that covers it; exactly one wins for
		// TC05.1, the other is refused (409) and nothing is overwritten silently
		const both = await offered(g.assessmentA, 'TC05');
		expect(both.items.map((i) => i.indicator)).toEqual(['TC05.1', 'TC05.2']);
		const [single, bulk] = await Promise.all([
			outcome(saveReviewItem(b.db, reviewer, a, item('TC05.1', { status: 'needs_supplement', request: 'Thiếu danh sách' }))),
			outcome(acceptUndecided(b.db, reviewer, g.assessmentA, both))
		]);
		expect([single.ok, bulk.ok].sort()).toEqual([false, true]);
		const now = await rows(g.assessmentA);
		if (single.ok) {
			expect(bulk).toMatchObject({ status: 409 });
			expect(now['TC05.1']).toMatchObject({ status: 'needs_supplement', revision: 1 });
			expect(now['TC05.2']).toBeUndefined();
		} else {
			expect(single).toMatchObject({ status: 409 });
			expect(now['TC05.1']).toMatchObject({ status: 'accepted', revision: 1 });
			expect(now['TC05.2']).toMatchObject({ status: 'accepted', revision: 1 });
		}
		const dossier = (await loadDossierById(b.db, g.assessmentA))!;
		expect(dossier.assessment.figures).toEqual(dossier.figures);
	});

	it('accepts every undecided indicator of the dossier at once; decided ones stay; the stored figures are refreshed in the same step', async () => {
		const reviewer = await actor(g.reviewer);
		const before = await rows(g.assessmentA);
		const decided = Object.keys(before).filter((code) => before[code].status !== 'pending' || before[code].points !== null);
		// stored figures that went stale must come out right after the bulk accept
		await b.db.updateTable('assessment').set({ reviewed_total: 1 }).where('id', '=', g.assessmentA).execute();
		const input = await offered(g.assessmentA, 'all');
		const expected = input.items.map((i) => i.indicator);
		expect(expected).toContain('TC04.2');
		expect(expected.filter((c) => decided.includes(c))).toEqual([]);
		const accepted = await acceptUndecided(b.db, reviewer, g.assessmentA, input);
		expect(accepted).toEqual(expected);
		const after = await rows(g.assessmentA);
		for (const code of decided) expect(after[code], code).toEqual(before[code]);
		for (const code of accepted) expect(after[code], code).toMatchObject({ status: 'accepted', points: null });
		// what is left undecided: only the scored-but-pending TC01.2
		const dossier = (await loadDossierById(b.db, g.assessmentA))!;
		const w = await reviewWorkspace(b.db, dossier);
		expect(w.criteria.flatMap((c) => c.undecided)).toEqual([]);
		expect(w.pending).toBe(1);
		expect(dossier.assessment.figures).toEqual(dossier.figures);
		expect(dossier.assessment.figures.reviewedTotal).not.toBe(1);
		const audit = (await bulkAudit(g.assessmentA)).filter((r) => (r.details as { bulk: { scope: string } }).bulk.scope === 'all');
		expect(audit.map((r) => (r.details as { indicator: string }).indicator)).toEqual(accepted);
		expect(await verifyAuditChain(b.db)).toMatchObject({ ok: true });
	});
});
