/**
 * Reminders (issue 13): a pass computes the reminders due today (src/lib/domain/reminders.ts),
 * stores each under its idempotency key (`insert … on conflict (key) do nothing returning`: only
 * the rows actually inserted are notified, so a second pass, a restarted server or another
 * instance sends nothing twice), writes their in-app notifications and one audit record with the
 * counts (for a pass that sent something) in the same transaction, and sends the emails after commit, recording each outcome.
 *
 * One pass at a time across instances: `runScheduledPass` takes the `scheduler_lease` row (one
 * statement, the database's clock) and releases it after the pass; a pass that finds the lease
 * held does nothing. The running server calls it on a timer (./timer.ts), the command line on
 * demand (`npm run cli -- reminders run`).
 *
 * Why not pg-boss or graphile-worker: see migrations/2026-11-30-012-reminders.ts (they keep
 * connections of their own, which the embedded PGlite, one shared connection, cannot give).
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import os from 'node:os';
import crypto from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { vnDate } from '../../domain/dates.ts';
import {
	AWAITING_COMMUNE_STATES,
	AWAITING_REVIEW_STATES,
	RECOGNITION_NOTICE_DAYS,
	REMINDER_KINDS,
	REMINDER_KIND_LABELS,
	ROUND_CLOSING_THRESHOLDS,
	addDays,
	dueReminders,
	type DueReminder,
	type ReminderCandidate,
	type ReminderKind
} from '../../domain/reminders.ts';
import { REVIEW_SLA_DAYS } from '../reviews/queue.ts';
import { recordAudit } from '../audit/index.ts';
import { deliverEmail, notifyAccounts, type Email } from '../notifications/index.ts';
import { config } from '../config.ts';

export { REMINDER_KINDS, REMINDER_KIND_LABELS, type ReminderKind };

// The tables of this module (migrations/2026-11-30-012-reminders.ts).
export type EmailStatus = 'none' | 'pending' | 'sent' | 'failed';
interface ReminderTable {
	id: Generated<number>;
	kind: ReminderKind;
	key: string;
	account_id: number;
	assessment_id: number | null;
	round_id: number | null;
	message: string;
	link: string;
	sent_at: Generated<Date>;
	email_status: EmailStatus;
}
interface SchedulerLeaseTable {
	name: string;
	holder: string | null;
	expires_at: Date | string;
}
type Tables = Database & { reminder: ReminderTable; scheduler_lease: SchedulerLeaseTable };
const tables = (db: DB): Kysely<Tables> => db.$extendTables<{ reminder: ReminderTable; scheduler_lease: SchedulerLeaseTable }>();

/** The lease of the reminders' scheduler. */
export const REMINDER_LEASE = 'reminders';
/** How long a pass may hold the lease before another instance may take it over (a pass that died). */
export const LEASE_MS = 10 * 60_000;

/** Notification kinds of reminders (the `notification.kind` column). */
export const NOTIFICATION_KIND: Record<ReminderKind, string> = {
	round_closing: 'reminder_round_closing',
	review_overdue: 'reminder_review_overdue',
	recognition_expiring: 'reminder_recognition_expiring'
};

export type PassReport = {
	today: string;
	/** Reminders sent by this pass (rows inserted), per kind. */
	sent: Record<ReminderKind, number>;
	total: number;
	/** Reminders due today that an earlier pass had already sent. */
	alreadySent: number;
	emails: { sent: number; failed: number };
};

const COMMUNE_ROLES = ['commune_officer', 'commune_chair'] as const;
const REVIEW_ROLES = ['reviewer', 'approver'] as const;

/** Everything that may call for a reminder on `today`, with its recipients (active accounts). */
async function candidates(trx: DB, today: string, slaDays: number, noticeDays: number) {
	const horizon = addDays(today, ROUND_CLOSING_THRESHOLDS[0]);
	const closing = await trx
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select(['a.id', 'a.state', 'a.reopened_until', 'a.commune_id', 'r.id as round_id', 'r.name as round_name', 'r.closes_on', 'c.name'])
		.where('a.state', 'in', AWAITING_COMMUNE_STATES)
		.where('r.opens_on', '<=', today)
		.where(sql<boolean>`greatest(r.closes_on, coalesce(a.reopened_until, r.closes_on)) between ${today}::date and ${horizon}::date`)
		.execute();
	// submitted before midnight (Vietnam) of the day `slaDays` before today: the board's count, see queue.ts
	const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - slaDays * 86_400_000 - 7 * 3_600_000);
	const overdue = await trx
		.selectFrom('assessment as a')
		.innerJoin('round as r', 'r.id', 'a.round_id')
		.innerJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.select(['a.id', 'a.state', 'a.submitted_at', 'a.district_id', 'a.province_id', 'r.id as round_id', 'r.name as round_name', 'c.name'])
		.where('a.state', 'in', AWAITING_REVIEW_STATES)
		.where('a.submitted_at', '<', cutoff)
		.execute();
	const ending = await trx
		.selectFrom('decision_item as di')
		.innerJoin('decision as d', 'd.id', 'di.decision_id')
		.innerJoin('admin_unit as c', 'c.id', 'di.commune_id')
		.leftJoin('revocation as rv', 'rv.decision_item_id', 'di.id')
		.select(['di.id', 'di.assessment_id', 'di.commune_id', 'di.valid_until', 'd.round_id', 'c.name', 'c.province_id'])
		.where('d.outcome', '=', 'recognise')
		.where('rv.id', 'is', null)
		.where('di.valid_until', 'is not', null)
		.where(sql<boolean>`di.valid_until between ${today}::date and ${addDays(today, noticeDays)}::date`)
		// a commune recognised again, with a later validity, is not reminded of the earlier one
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('decision_item as later')
						.innerJoin('decision as ld', 'ld.id', 'later.decision_id')
						.leftJoin('revocation as lrv', 'lrv.decision_item_id', 'later.id')
						.select(sql`1`.as('x'))
						.whereRef('later.commune_id', '=', 'di.commune_id')
						.where('ld.outcome', '=', 'recognise')
						.where('lrv.id', 'is', null)
						.whereRef('later.valid_until', '>', 'di.valid_until')
				)
			)
		)
		.execute();

	// the recipients: one query for every unit concerned
	const units = new Set<number>();
	for (const x of closing) units.add(x.commune_id);
	for (const x of overdue) for (const u of [x.district_id, x.province_id]) if (u !== null) units.add(u);
	for (const x of ending) for (const u of [x.commune_id, x.province_id]) if (u !== null) units.add(u);
	const accounts = units.size
		? await trx
				.selectFrom('account')
				.select(['id', 'role', 'unit_id'])
				.where('active', '=', true)
				.where('unit_id', 'in', [...units])
				.where('role', 'in', [...COMMUNE_ROLES, ...REVIEW_ROLES, 'province_officer'])
				.orderBy('id')
				.execute()
		: [];
	const of = (unit: number | null, roles: readonly string[]) =>
		unit === null ? [] : accounts.filter((a) => a.unit_id === unit && roles.includes(a.role)).map((a) => a.id);

	const out: { candidate: ReminderCandidate; recipients: number[] }[] = [];
	for (const x of closing) {
		out.push({
			candidate: {
				kind: 'round_closing',
				assessmentId: x.id,
				roundId: x.round_id,
				roundName: x.round_name,
				communeName: x.name,
				state: x.state,
				closesOn: x.closes_on,
				reopenedUntil: x.reopened_until
			},
			recipients: of(x.commune_id, COMMUNE_ROLES)
		});
	}
	for (const x of overdue) {
		out.push({
			candidate: {
				kind: 'review_overdue',
				assessmentId: x.id,
				roundId: x.round_id,
				roundName: x.round_name,
				communeName: x.name,
				state: x.state,
				submittedOn: vnDate(x.submitted_at!)
			},
			// the reviewing level's reviewers and approvers (district or province, as notify() does)
			recipients: [...of(x.district_id, REVIEW_ROLES), ...of(x.province_id, REVIEW_ROLES)]
		});
	}
	for (const x of ending) {
		out.push({
			candidate: {
				kind: 'recognition_expiring',
				decisionItemId: x.id,
				assessmentId: x.assessment_id,
				roundId: x.round_id,
				communeName: x.name,
				validUntil: x.valid_until!
			},
			recipients: [...of(x.commune_id, COMMUNE_ROLES), ...of(x.province_id, ['province_officer'])]
		});
	}
	return out;
}

/**
 * One pass: every reminder due on `today` (Vietnam; default the day of `now`) that no pass sent
 * before is stored, notified in the app and (after commit) emailed. Safe to run concurrently and
 * repeatedly (the keys), but `runScheduledPass` keeps it to one at a time.
 */
export async function runReminders(
	db: DB,
	opts: { today?: string; now?: Date; slaDays?: number; by?: string; auditEmpty?: boolean } = {}
): Promise<PassReport> {
	const now = opts.now ?? new Date();
	const today = opts.today ?? vnDate(now);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) throw new Error(`invalid day ${today}`);
	const slaDays = opts.slaDays ?? REVIEW_SLA_DAYS;
	const smtp = config().smtp !== null;
	const { report, emails } = await db.transaction().execute(async (trx) => {
		const due = dueReminders(today, await candidates(trx, today, slaDays, RECOGNITION_NOTICE_DAYS), { slaDays });
		const inserted: (DueReminder & { id: number })[] = [];
		const byKey = new Map(due.map((d) => [d.key, d]));
		for (let i = 0; i < due.length; i += 1000) {
			const rows = await tables(trx)
				.insertInto('reminder')
				.values(
					due.slice(i, i + 1000).map((d) => ({
						kind: d.kind,
						key: d.key,
						account_id: d.accountId,
						assessment_id: d.assessmentId,
						round_id: d.roundId,
						message: d.message,
						link: d.link,
						email_status: smtp ? ('pending' as const) : ('none' as const)
					}))
				)
				.onConflict((oc) => oc.column('key').doNothing())
				.returning(['id', 'key'])
				.execute();
			for (const r of rows) inserted.push({ ...byKey.get(r.key)!, id: r.id });
		}
		const mails = await notifyAccounts(
			trx,
			inserted.map((r) => ({
				accountId: r.accountId,
				assessmentId: r.assessmentId,
				kind: NOTIFICATION_KIND[r.kind],
				message: r.message,
				link: r.link
			}))
		);
		const sent = Object.fromEntries(REMINDER_KINDS.map((k) => [k, inserted.filter((r) => r.kind === k).length])) as Record<
			ReminderKind,
			number
		>;
		const pending = inserted
			.map((r, i) => ({ id: r.id, email: mails[i] }))
			.filter((x): x is { id: number; email: Email } => x.email !== null);
		// emails that will not go (an account without one to send): recorded as such
		const none = inserted.filter((_, i) => mails[i] === null).map((r) => r.id);
		if (smtp && none.length) await tables(trx).updateTable('reminder').set({ email_status: 'none' }).where('id', 'in', none).execute();
		// a pass that sent nothing is not recorded (unless asked, e.g. by the command line): hourly
		// records of nothing would bury the trail, and an idle deployment must stay empty for `restore`
		if (inserted.length > 0 || opts.auditEmpty)
			await recordAudit(trx, {
				actorId: null,
				actorLabel: opts.by ?? 'scheduler',
				action: 'reminder.pass',
				objectType: 'reminder',
				details: { today, sent, total: inserted.length, alreadySent: due.length - inserted.length, emails: pending.length }
			});
		return {
			report: { today, sent, total: inserted.length, alreadySent: due.length - inserted.length, emails: { sent: 0, failed: 0 } },
			emails: pending
		};
	});
	// after commit: a mail server that is down never undoes the reminders (each outcome is kept)
	const ok: number[] = [];
	const failed: number[] = [];
	for (const e of emails) ((await deliverEmail(e.email)) ? ok : failed).push(e.id);
	for (const [ids, status] of [
		[ok, 'sent'],
		[failed, 'failed']
	] as const) {
		for (let i = 0; i < ids.length; i += 5000) {
			await tables(db)
				.updateTable('reminder')
				.set({ email_status: status })
				.where('id', 'in', ids.slice(i, i + 5000))
				.execute();
		}
	}
	report.emails = { sent: ok.length, failed: failed.length };
	return report;
}

/** This process's name as a lease holder. */
export function leaseHolder(): string {
	return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * Takes the lease `name` for `ms` if it is free or expired: one statement, so that of two
 * instances trying at once exactly one gets it (the other's statement waits for the row and then
 * finds it taken): inserted when no pass holds it, taken over when its holder's time ran out.
 */
export async function takeLease(db: DB, name: string, holder: string, ms = LEASE_MS): Promise<boolean> {
	const r = await sql<{ holder: string }>`
		insert into scheduler_lease (name, holder, expires_at) values (${name}, ${holder}, now() + ${ms} * interval '1 millisecond')
		on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
		where scheduler_lease.expires_at < now()
		returning holder`.execute(db);
	return r.rows.length === 1 && r.rows[0].holder === holder;
}

/**
 * Gives the lease back (only if `holder` still holds it), so that the next pass need not wait for
 * it to expire. The row goes: an idle deployment keeps no row (restore wants an empty target).
 */
export async function releaseLease(db: DB, name: string, holder: string): Promise<void> {
	await tables(db).deleteFrom('scheduler_lease').where('name', '=', name).where('holder', '=', holder).execute();
}

export type ScheduledPass = { ran: true; report: PassReport } | { ran: false };

/** One pass if this instance gets the lease; nothing (`ran: false`) if another pass holds it. */
export async function runScheduledPass(
	db: DB,
	opts: { today?: string; now?: Date; holder?: string; by?: string; auditEmpty?: boolean } = {}
): Promise<ScheduledPass> {
	const holder = opts.holder ?? leaseHolder();
	if (!(await takeLease(db, REMINDER_LEASE, holder))) return { ran: false };
	try {
		return { ran: true, report: await runReminders(db, { today: opts.today, now: opts.now, by: opts.by, auditEmpty: opts.auditEmpty }) };
	} finally {
		await releaseLease(db, REMINDER_LEASE, holder);
	}
}

// ---------------------------------------------------------------------------------------------
// What was sent to whom (/admin/reminders)
// ---------------------------------------------------------------------------------------------

export const REMINDERS_PAGE_SIZE = 50;

export type ReminderRow = {
	id: number;
	kind: ReminderKind;
	kindLabel: string;
	sentAt: Date;
	recipient: { name: string; email: string };
	communeName: string | null;
	roundName: string | null;
	assessmentId: number | null;
	message: string;
	emailStatus: EmailStatus;
};

/** The reminders sent, newest first, one page (of REMINDERS_PAGE_SIZE), optionally of one kind. Administrators only (the route authorizes). */
export async function listReminders(
	db: DB,
	opts: { kind?: ReminderKind; page?: number } = {}
): Promise<{ rows: ReminderRow[]; total: number; page: number; pages: number }> {
	const t = tables(db);
	let base = t.selectFrom('reminder as rm');
	if (opts.kind) base = base.where('rm.kind', '=', opts.kind);
	const totalRow = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
	const total = Number(totalRow.n);
	const pages = Math.max(1, Math.ceil(total / REMINDERS_PAGE_SIZE));
	const page = Math.min(Math.max(1, opts.page ?? 1), pages);
	const rows = await base
		.innerJoin('account as ac', 'ac.id', 'rm.account_id')
		.leftJoin('assessment as a', 'a.id', 'rm.assessment_id')
		.leftJoin('admin_unit as c', 'c.id', 'a.commune_id')
		.leftJoin('round as r', 'r.id', 'rm.round_id')
		.select([
			'rm.id',
			'rm.kind',
			'rm.sent_at',
			'rm.message',
			'rm.email_status',
			'rm.assessment_id',
			'ac.full_name',
			'ac.email',
			'c.name as commune_name',
			'r.name as round_name'
		])
		.orderBy('rm.id', 'desc')
		.limit(REMINDERS_PAGE_SIZE)
		.offset((page - 1) * REMINDERS_PAGE_SIZE)
		.execute();
	return {
		rows: rows.map((r) => ({
			id: r.id,
			kind: r.kind,
			kindLabel: REMINDER_KIND_LABELS[r.kind],
			sentAt: r.sent_at,
			recipient: { name: r.full_name, email: r.email },
			communeName: r.commune_name,
			roundName: r.round_name,
			assessmentId: r.assessment_id,
			message: r.message,
			emailStatus: r.email_status
		})),
		total,
		page,
		pages
	};
}
