/**
 * Notifications: an in-app list per account for each workflow step that concerns it, written in
 * the same transaction as the step; and, when SMTP is configured, an email sent after commit
 * (a mail server that is down never undoes or blocks a step: the failure is logged).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { DB } from '../db/index.ts';
import type { Role } from '../../domain/access.ts';
import { config } from '../config.ts';

export type NotificationKind = 'submitted' | 'resubmitted' | 'returned' | 'appraised' | 'recognised' | 'not_recognised' | 'revoked';

/** Who is told about what: the commune's own accounts, and the reviewing level's by role. */
const AUDIENCE: Record<NotificationKind, { commune: boolean; area: Role[] }> = {
	submitted: { commune: false, area: ['reviewer'] },
	resubmitted: { commune: false, area: ['reviewer'] },
	returned: { commune: true, area: [] },
	appraised: { commune: true, area: ['approver'] },
	recognised: { commune: true, area: ['reviewer'] },
	not_recognised: { commune: true, area: ['reviewer'] },
	revoked: { commune: true, area: ['reviewer'] }
};

export type Email = { to: string; subject: string; text: string };

/**
 * Writes the notification of `kind` for everyone it concerns (except the actor) and returns
 * the emails to send after commit (empty without SMTP).
 */
export async function notify(
	trx: DB,
	input: {
		kind: NotificationKind;
		actorId: number;
		assessmentId: number;
		commune: { id: number; districtId: number | null; provinceId: number | null };
		message: string;
		link: string;
	}
): Promise<Email[]> {
	const audience = AUDIENCE[input.kind];
	const areaUnits = [input.commune.districtId, input.commune.provinceId].filter((u): u is number => u !== null);
	const recipients = await trx
		.selectFrom('account')
		.select(['id', 'email'])
		.where('active', '=', true)
		.where('id', '!=', input.actorId)
		.where((eb) => {
			const ors = [];
			if (audience.commune)
				ors.push(eb.and([eb('unit_id', '=', input.commune.id), eb('role', 'in', ['commune_officer', 'commune_chair'])]));
			if (audience.area.length && areaUnits.length) ors.push(eb.and([eb('unit_id', 'in', areaUnits), eb('role', 'in', audience.area)]));
			return ors.length ? eb.or(ors) : eb.val(false);
		})
		.execute();
	if (recipients.length === 0) return [];
	await trx
		.insertInto('notification')
		.values(
			recipients.map((r) => ({
				account_id: r.id,
				assessment_id: input.assessmentId,
				kind: input.kind,
				message: input.message,
				link: input.link
			}))
		)
		.execute();
	const smtp = config().smtp;
	if (!smtp) return [];
	const base = config().publicUrl ?? '';
	return recipients.map((r) => ({
		to: r.email,
		subject: input.message,
		text: `${input.message}\n\n${base}${input.link}\n\n(Thư tự động từ hệ thống đánh giá xã, phường phù hợp với trẻ em.)`
	}));
}

/** One in-app notification for one account, whatever the workflow step (e.g. a reminder). */
export type AccountNotice = { accountId: number; assessmentId: number | null; kind: string; message: string; link: string };

/** The email of a notification (the same text and link as the in-app one). */
function emailOf(to: string, message: string, link: string): Email {
	const base = config().publicUrl ?? '';
	return {
		to,
		subject: message,
		text: `${message}\n\n${base}${link}\n\n(Thư tự động từ hệ thống đánh giá xã, phường phù hợp với trẻ em.)`
	};
}

/**
 * Writes one notification per notice (in the caller's transaction) and returns, for each notice
 * in order, the email to send after commit: null without SMTP, or for an inactive account.
 */
export async function notifyAccounts(trx: DB, notices: AccountNotice[]): Promise<(Email | null)[]> {
	if (notices.length === 0) return [];
	const ids = [...new Set(notices.map((n) => n.accountId))];
	const accounts = await trx.selectFrom('account').select(['id', 'email', 'active']).where('id', 'in', ids).execute();
	const byId = new Map(accounts.map((a) => [a.id, a]));
	// in slices: a national pass may write thousands (PostgreSQL takes at most 65,535 parameters)
	for (let i = 0; i < notices.length; i += 2000) {
		await trx
			.insertInto('notification')
			.values(
				notices.slice(i, i + 2000).map((n) => ({
					account_id: n.accountId,
					assessment_id: n.assessmentId,
					kind: n.kind,
					message: n.message,
					link: n.link
				}))
			)
			.execute();
	}
	const smtp = config().smtp;
	return notices.map((n) => {
		const a = byId.get(n.accountId);
		return smtp && a?.active ? emailOf(a.email, n.message, n.link) : null;
	});
}

let transport: Transporter | undefined;

/** Sends emails one by one after the step committed; logs, never throws. */
export async function sendEmails(emails: Email[]): Promise<number> {
	const smtp = config().smtp;
	if (!smtp || emails.length === 0) return 0;
	transport ??= nodemailer.createTransport(smtp.url);
	let sent = 0;
	for (const e of emails) {
		try {
			await transport.sendMail({ from: smtp.from, to: e.to, subject: e.subject, text: e.text });
			sent++;
		} catch (err) {
			console.error(`notification email to ${e.to} failed:`, (err as Error).message);
		}
	}
	return sent;
}

/** Sends one email now; whether the mail server accepted it (logs a failure, never throws). */
export async function deliverEmail(e: Email): Promise<boolean> {
	const smtp = config().smtp;
	if (!smtp) return false;
	transport ??= nodemailer.createTransport(smtp.url);
	try {
		await transport.sendMail({ from: smtp.from, to: e.to, subject: e.subject, text: e.text });
		return true;
	} catch (err) {
		console.error(`notification email to ${e.to} failed:`, (err as Error).message);
		return false;
	}
}

/** Test hook: forget the transport (e.g. after the configuration changed). */
export function resetMailTransport(): void {
	transport?.close();
	transport = undefined;
}

export type NotificationRow = { id: number; kind: string; message: string; link: string; createdAt: Date; read: boolean };

export async function listNotifications(db: DB, accountId: number, opts: { limit?: number } = {}): Promise<NotificationRow[]> {
	const rows = await db
		.selectFrom('notification')
		.select(['id', 'kind', 'message', 'link', 'created_at', 'read_at'])
		.where('account_id', '=', accountId)
		.orderBy('id', 'desc')
		.limit(opts.limit ?? 100)
		.execute();
	return rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, link: r.link, createdAt: r.created_at, read: r.read_at !== null }));
}

export async function unreadCount(db: DB, accountId: number): Promise<number> {
	const r = await db
		.selectFrom('notification')
		.select((eb) => eb.fn.countAll<string>().as('n'))
		.where('account_id', '=', accountId)
		.where('read_at', 'is', null)
		.executeTakeFirst();
	return Number(r?.n ?? 0);
}

/** Marks the account's notifications read (all, or the given ones); only its own. */
export async function markRead(db: DB, accountId: number, ids: number[] | 'all'): Promise<number> {
	let q = db.updateTable('notification').set({ read_at: new Date() }).where('account_id', '=', accountId).where('read_at', 'is', null);
	if (ids !== 'all') {
		if (ids.length === 0) return 0;
		q = q.where('id', 'in', ids);
	}
	const r = await q.executeTakeFirst();
	return Number(r.numUpdatedRows);
}
