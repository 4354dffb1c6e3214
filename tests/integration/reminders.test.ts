/**
 * Reminders (issue 13) on the embedded database or PostgreSQL (TEST_DATABASE_URL): a round
 * closing in 7 days reminds the draft commune's accounts, not the submitted one's; a second pass,
 * a restarted server and (on PostgreSQL) a second instance send nothing more; the lease lets one
 * of two concurrent passes run; an overdue review reminds the reviewer and the approver; a
 * recognition ending in 60 days reminds the commune and the province officer; each email once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, usingPostgres, type TestDb } from '../helpers/db.ts';
import { COMMUNE_B, completeDossier, seedRound } from '../helpers/fixtures.ts';
import { connect, type Connection, type DB } from '#lib/server/db/index.ts';
import { loadConfig } from '#lib/server/config.ts';
import { prepareDatabase } from '#lib/server/setup/index.ts';
import { createAccount } from '#lib/server/accounts/index.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { transition } from '#lib/server/assessments/workflow.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';
import { listNotifications } from '#lib/server/notifications/index.ts';
import { listReminders, REMINDER_LEASE, releaseLease, runReminders, runScheduledPass, takeLease } from '#lib/server/reminders/index.ts';
import { verifyAuditChain } from '#lib/server/audit/index.ts';
import { actorOf } from '../helpers/fixtures.ts';
import { startReminderTimer } from '#lib/server/reminders/timer.ts';
import { addDays } from '#lib/domain/reminders.ts';
import { vnDate } from '#lib/domain/dates.ts';

// Email: a local SMTP server receives what the reminders send (configured before first use).
const mails: { to: string; raw: string }[] = [];
const smtp = new SMTPServer({
	authOptional: true,
	disabledCommands: ['STARTTLS', 'AUTH'],
	onData(stream, session, done) {
		const chunks: Buffer[] = [];
		stream.on('data', (c: Buffer) => chunks.push(c));
		stream.on('end', () => {
			mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw: Buffer.concat(chunks).toString('utf8') });
			done();
		});
	}
});
const mailsTo = (email: string) => mails.filter((m) => m.to === email).length;

const TODAY = vnDate();
let t: TestDb;
let conn: Connection;
let dir: string | null = null;
let f: Awaited<ReturnType<typeof seedRound>>;
let chairB: number;
let officers: { officerA: string; chairA: string; officerB: string; chairB: string; reviewer: string; approver: string; province: string };
const db = (): DB => conn.db;

/** On PGlite a data directory (so that the server can be "restarted"); on PostgreSQL a fresh database. */
async function openDb(): Promise<TestDb> {
	if (usingPostgres) return freshDb();
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reminders-'));
	const config = loadConfig({ DATA_DIR: dir, REVIEW_LEVEL: 'province' });
	const c = await connect(config);
	await prepareDatabase(c.db);
	return { ...c, config, drop: c.close };
}

const reminders = (kind?: string) =>
	db()
		.selectFrom(sql<{ kind: string; account_id: number; key: string; email_status: string }>`reminder`.as('r'))
		.select(['r.kind', 'r.account_id', 'r.key', 'r.email_status'])
		.$if(kind !== undefined, (q) => q.where('r.kind', '=', kind!))
		.orderBy('r.account_id')
		.execute();
const auditedPasses = async () =>
	Number(
		(
			await db()
				.selectFrom('audit_log')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('action', '=', 'reminder.pass')
				.executeTakeFirstOrThrow()
		).n
	);
const reminderNotices = async (accountId: number) =>
	(await listNotifications(db(), accountId)).filter((n) => n.kind.startsWith('reminder_'));

beforeAll(async () => {
	smtp.listen(0, '127.0.0.1');
	await once(smtp.server, 'listening');
	process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
	process.env.MAIL_FROM = 'Hệ thống <no-reply@test.local>';
	t = await openDb();
	conn = t;
	// the round closes 7 days from today (Vietnam)
	f = await seedRound(t, { opensOn: addDays(TODAY, -30), closesOn: addDays(TODAY, 7) });
	const b = await createAccount(
		t.db,
		t.config,
		{ email: 'chutich.xa2@demo.vn', fullName: 'Chủ tịch xã B', role: 'commune_chair', unitCode: COMMUNE_B, password: DEMO_PASSWORD },
		{ id: null, email: 'fixture' }
	);
	chairB = b.id;
	const emails = await t.db.selectFrom('account').select(['id', 'email', 'role']).execute();
	const email = (id: number) => emails.find((e) => e.id === id)!.email;
	officers = {
		officerA: email(f.officerA),
		chairA: email(f.chairA),
		officerB: email(f.officerB),
		chairB: email(chairB),
		reviewer: email(f.reviewer),
		approver: email(f.approver),
		province: emails.find((e) => e.role === 'province_officer')!.email
	};
	// commune B submits; commune A's dossier stays a draft
	await completeDossier(t, f.assessmentB, f.officerB);
	const a = (await loadAssessment(t.db, f.assessmentB))!;
	await transition(t.db, await actorOf(t, chairB), f.assessmentB, 'submit', a.stateVersion);
}, 180_000);

afterAll(async () => {
	await conn?.close();
	if (usingPostgres) await t?.drop();
	smtp.close();
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`reminders on ${usingPostgres ? 'PostgreSQL' : 'embedded PGlite'}`, () => {
	it('a round closing in 7 days reminds the draft commune’s officer and chair, once each, in the app and by email', async () => {
		const r = await runScheduledPass(db(), { today: TODAY });
		expect(r.ran).toBe(true);
		if (!r.ran) return;
		expect(r.report.sent).toEqual({ round_closing: 2, review_overdue: 0, recognition_expiring: 0 });
		expect(r.report.emails).toEqual({ sent: 2, failed: 0 });
		const rows = await reminders('round_closing');
		expect(rows.map((x) => x.account_id)).toEqual([f.officerA, f.chairA].sort((x, y) => x - y));
		expect(rows.map((x) => x.key).sort()).toEqual(
			[f.officerA, f.chairA].map((id) => `round_closing:7:${f.roundId}:${f.assessmentA}:${id}`).sort()
		);
		expect(rows.every((x) => x.email_status === 'sent')).toBe(true);
		for (const id of [f.officerA, f.chairA]) {
			const notes = await reminderNotices(id);
			expect(notes).toHaveLength(1);
			expect(notes[0].message).toBe(
				`Nhắc hạn: Còn 7 ngày đến hạn cuối (${addDays(TODAY, 7).split('-').reverse().join('/')}) gửi hồ sơ tự đánh giá của Phường Phú Xuân (Đợt đánh giá thử).`
			);
			expect(notes[0].link).toBe(`/assessments/${f.assessmentA}`);
		}
		for (const id of [f.officerB, chairB, f.reviewer]) expect(await reminderNotices(id)).toHaveLength(0);
		expect(mailsTo(officers.officerA)).toBe(1);
		expect(mailsTo(officers.chairA)).toBe(1);
		expect(mailsTo(officers.officerB)).toBe(0);
		expect(mailsTo(officers.chairB)).toBe(0);
		expect(mails.find((m) => m.to === officers.officerA)!.raw).toContain(`/assessments/${f.assessmentA}`);
	});

	it('a second pass, a restarted server and another instance send nothing more', async () => {
		const again = await runScheduledPass(db(), { today: TODAY });
		expect(again).toMatchObject({ ran: true, report: { total: 0, alreadySent: 2 } });
		// a pass that sent nothing leaves no trace: no audit record, no lease row (an idle deployment stays empty for restore)
		expect(await auditedPasses()).toBe(1);
		expect((await sql<{ n: number }>`select count(*)::int as n from scheduler_lease`.execute(db())).rows[0].n).toBe(0);

		// restart: the connection closes, a new one opens on the same data (the embedded database's
		// directory, or the PostgreSQL database), nothing in memory survives
		await conn.close();
		conn = await connect(t.config);
		const restarted = await runScheduledPass(db(), { today: TODAY });
		expect(restarted).toMatchObject({ ran: true, report: { total: 0, alreadySent: 2 } });

		if (usingPostgres) {
			// two instances at once on one database: passes without the lease, in parallel
			const other = await connect(t.config);
			try {
				const both = await Promise.all([runReminders(other.db, { today: TODAY }), runReminders(db(), { today: TODAY })]);
				expect(both.map((x) => x.total)).toEqual([0, 0]);
			} finally {
				await other.close();
			}
		}
		expect(await reminders('round_closing')).toHaveLength(2);
		for (const id of [f.officerA, f.chairA]) expect(await reminderNotices(id)).toHaveLength(1);
		expect(mailsTo(officers.officerA)).toBe(1);
		expect(mailsTo(officers.chairA)).toBe(1);
	});

	it('the lease goes to exactly one of many instances at once, and another instance takes it only once free or expired', async () => {
		// eight instances ask at the same moment and none gives it back: exactly one holds it (two
		// whole passes started together cannot show this: the first may finish and give the lease
		// back before the second asks, and then both rightly run)
		const takes = await Promise.all(Array.from({ length: 8 }, (_, i) => takeLease(db(), REMINDER_LEASE, `instance-at-once-${i}`)));
		expect(takes.filter(Boolean)).toHaveLength(1);
		expect(await runScheduledPass(db(), { today: TODAY })).toEqual({ ran: false });
		await releaseLease(db(), REMINDER_LEASE, `instance-at-once-${takes.indexOf(true)}`);
		expect((await runScheduledPass(db(), { today: TODAY })).ran).toBe(true);

		expect(await takeLease(db(), REMINDER_LEASE, 'instance-1')).toBe(true);
		expect(await takeLease(db(), REMINDER_LEASE, 'instance-2')).toBe(false);
		expect(await runScheduledPass(db(), { today: TODAY })).toEqual({ ran: false });
		await releaseLease(db(), REMINDER_LEASE, 'instance-2'); // not the holder: no effect
		expect(await takeLease(db(), REMINDER_LEASE, 'instance-2')).toBe(false);
		await releaseLease(db(), REMINDER_LEASE, 'instance-1');
		expect(await takeLease(db(), REMINDER_LEASE, 'instance-2')).toBe(true);
		// a holder that died: its lease expires and is taken over
		await sql`update scheduler_lease set expires_at = now() - interval '1 second' where name = ${REMINDER_LEASE}`.execute(db());
		expect(await takeLease(db(), REMINDER_LEASE, 'instance-3')).toBe(true);
		await releaseLease(db(), REMINDER_LEASE, 'instance-3');
	});

	it('a review overdue (more than 20 days) reminds the reviewer and the approver of the area, once', async () => {
		// commune B's dossier was submitted 25 days ago
		await db()
			.updateTable('assessment')
			.set({ submitted_at: new Date(Date.now() - 25 * 86_400_000) })
			.where('id', '=', f.assessmentB)
			.execute();
		const r = await runScheduledPass(db(), { today: TODAY });
		expect(r).toMatchObject({ ran: true, report: { sent: { round_closing: 0, review_overdue: 2, recognition_expiring: 0 } } });
		const rows = await reminders('review_overdue');
		expect(rows.map((x) => x.account_id)).toEqual([f.reviewer, f.approver].sort((x, y) => x - y));
		const notes = await reminderNotices(f.reviewer);
		expect(notes).toHaveLength(1);
		expect(notes[0].message).toMatch(
			/^Nhắc việc: hồ sơ của Phường Kim Long \(Đợt đánh giá thử\) gửi ngày \d{2}\/\d{2}\/\d{4} đã chờ thẩm định 25 ngày, quá 20 ngày\.$/
		);
		expect(notes[0].link).toBe(`/review/${f.assessmentB}`);
		expect(await reminderNotices(f.officerB)).toHaveLength(0);
		const reviewerMails = mailsTo(officers.reviewer);
		expect(await runScheduledPass(db(), { today: TODAY })).toMatchObject({ ran: true, report: { total: 0 } });
		expect(mailsTo(officers.reviewer)).toBe(reviewerMails);
		expect(mailsTo(officers.approver)).toBeGreaterThanOrEqual(1);
	});

	it('a recognition ending in 60 days reminds the commune and the province officer; one ending in 120 days does not', async () => {
		const huế = await db().selectFrom('admin_unit').select('province_id').where('code', '=', COMMUNE_B).executeTakeFirstOrThrow();
		const decision = await db()
			.insertInto('decision')
			.values({
				number: '15/QĐ-UBND',
				issuing_unit_id: huế.province_id!,
				outcome: 'recognise',
				issued_on: addDays(TODAY, -1000),
				signer_name: 'Phạm Quốc Việt',
				signer_title: 'Chủ tịch',
				round_id: f.roundId,
				issued_by: f.approver
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const communeA = (await loadAssessment(db(), f.assessmentA))!.commune.id;
		const communeB = (await loadAssessment(db(), f.assessmentB))!.commune.id;
		await db()
			.insertInto('decision_item')
			.values([
				{
					decision_id: decision.id,
					assessment_id: f.assessmentA,
					commune_id: communeA,
					category: 'urban_ward',
					reviewed_total: 900,
					valid_from: addDays(TODAY, -1000),
					valid_until: addDays(TODAY, 60)
				},
				{
					decision_id: decision.id,
					assessment_id: f.assessmentB,
					commune_id: communeB,
					category: 'urban_ward',
					reviewed_total: 900,
					valid_from: addDays(TODAY, -1000),
					valid_until: addDays(TODAY, 120)
				}
			])
			.execute();
		const province = (await db().selectFrom('account').select('id').where('email', '=', officers.province).executeTakeFirstOrThrow()).id;
		const r = await runScheduledPass(db(), { today: TODAY });
		expect(r).toMatchObject({ ran: true, report: { sent: { round_closing: 0, review_overdue: 0, recognition_expiring: 3 } } });
		const rows = await reminders('recognition_expiring');
		expect(rows.map((x) => x.account_id)).toEqual([f.officerA, f.chairA, province].sort((x, y) => x - y));
		const notes = await reminderNotices(province);
		expect(notes).toHaveLength(1);
		expect(notes[0].message).toContain(`hết hiệu lực ngày ${addDays(TODAY, 60).split('-').reverse().join('/')} (còn 60 ngày)`);
		for (const id of [f.officerB, chairB]) expect(await reminderNotices(id)).toHaveLength(0);
		expect(mailsTo(officers.province)).toBe(1);
		expect(mailsTo(officers.officerA)).toBe(2); // the round's reminder and this one

		// 30 days later: commune B's recognition now ends in 90 days; A's is not sent again
		const later = await runScheduledPass(db(), { today: addDays(TODAY, 30) });
		expect(later).toMatchObject({ ran: true, report: { sent: { recognition_expiring: 3 } } });
		expect(await reminders('recognition_expiring')).toHaveLength(6);
		expect(await reminderNotices(f.officerB)).toHaveLength(1);
		expect(mailsTo(officers.officerA)).toBe(2);
	});

	it('the server’s timer runs a pass (taking the lease) soon after start, and stopping waits for it', async () => {
		// a new officer of commune A: the round's 7-day reminder and the recognition's are due to them (to nobody else again)
		const late = await createAccount(
			db(),
			t.config,
			{ email: 'canbo.xa3@demo.vn', fullName: 'Cán bộ xã mới', role: 'commune_officer', unitCode: '19753', password: DEMO_PASSWORD },
			{ id: null, email: 'fixture' }
		);
		const before = await auditedPasses();
		const timer = startReminderTimer(db, 60, 0);
		for (let i = 0; i < 100 && (await auditedPasses()) === before; i++) await new Promise((r) => setTimeout(r, 50));
		await timer.stop();
		expect(await auditedPasses()).toBe(before + 1);
		const rows = await reminders('round_closing');
		expect(rows.map((x) => x.account_id)).toEqual([f.officerA, f.chairA, late.id].sort((x, y) => x - y));
		expect((await reminderNotices(late.id)).map((n) => n.kind).sort()).toEqual(['reminder_recognition_expiring', 'reminder_round_closing']);
		expect(await reminderNotices(f.officerA)).toHaveLength(2); // the round's and the recognition's, not again
		// the lease was given back: the next pass may run at once
		expect(await takeLease(db(), REMINDER_LEASE, 'after-timer')).toBe(true);
		await releaseLease(db(), REMINDER_LEASE, 'after-timer');
	});

	it('every reminder was emailed once; the administrators’ list pages and filters them, newest first; each pass is audited', async () => {
		const all = await reminders();
		expect(all.every((x) => x.email_status === 'sent')).toBe(true);
		// accounts that get no workflow email here: exactly one email per reminder of theirs
		const ids = { [officers.officerA]: f.officerA, [officers.chairA]: f.chairA, [officers.officerB]: f.officerB, [officers.province]: 0 };
		ids[officers.province] = (
			await db().selectFrom('account').select('id').where('email', '=', officers.province).executeTakeFirstOrThrow()
		).id;
		for (const [email, id] of Object.entries(ids)) {
			const own = all.filter((x) => x.account_id === id).length;
			expect(own).toBeGreaterThan(0);
			expect(mailsTo(email)).toBe(own);
		}
		const list = await listReminders(db(), {});
		expect(list.total).toBe(all.length);
		expect(list.rows.map((r) => r.id)).toEqual([...list.rows.map((r) => r.id)].sort((a, b) => b - a));
		const overdue = await listReminders(db(), { kind: 'review_overdue' });
		expect(overdue.total).toBe(2);
		expect(overdue.rows.every((r) => r.kindLabel === 'Hồ sơ quá hạn thẩm định' && r.communeName === 'Phường Kim Long')).toBe(true);
		expect(overdue.rows[0].roundName).toBe('Đợt đánh giá thử');
		// the passes that sent something: round closing, overdue review, two of recognitions, the timer's
		const passes = await db().selectFrom('audit_log').select(['details']).where('action', '=', 'reminder.pass').orderBy('id').execute();
		expect(passes.map((p) => (p.details as { total: number }).total)).toEqual([2, 2, 3, 3, 2]);
		expect(passes.some((p) => (p.details as { sent: { round_closing: number } }).sent.round_closing === 2)).toBe(true);
		expect((await verifyAuditChain(db())).ok).toBe(true);
	});
});
