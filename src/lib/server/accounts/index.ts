/**
 * Accounts: creation, sign-in with rate limiting, password changes. Every change that alters
 * what an account may do (password, role, unit, deactivation) ends all its sessions.
 */
import { z } from 'zod';
import type { Role } from '../../domain/access.ts';
import { ROLES } from '../../domain/access.ts';
import type { UnitLevel } from '../../domain/units.ts';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import { recordAudit } from '../audit/index.ts';
import { dummyHash, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '../auth/password.ts';
import { clearAccountFailures, isLimited, recordFailure } from '../auth/rate-limit.ts';
import { createSession, invalidateAccountSessions } from '../auth/session.ts';
import { eraForReviewLevel } from '../../domain/units.ts';

export const emailSchema = z
	.string({ error: 'Vui lòng nhập email.' })
	.trim()
	.toLowerCase()
	.pipe(z.email({ error: 'Email không hợp lệ.' }).max(254, { error: 'Email quá dài.' }));
export const passwordSchema = z
	.string({ error: 'Vui lòng nhập mật khẩu.' })
	.min(PASSWORD_MIN_LENGTH, { error: `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự.` })
	.max(200, { error: 'Mật khẩu quá dài (tối đa 200 ký tự).' });

export class AccountError extends Error {}

/** Which unit level each role is bound to, given the reviewing level of the deployment. */
export function unitLevelForRole(role: Role, reviewLevel: 'district' | 'province'): UnitLevel | null {
	switch (role) {
		case 'commune_officer':
		case 'commune_chair':
			return 'commune';
		case 'reviewer':
		case 'approver':
			return reviewLevel;
		case 'province_officer':
			return 'province';
		case 'admin':
			return null;
	}
}

export async function findUnitByCode(db: DB, code: string, level: UnitLevel, reviewLevel: 'district' | 'province') {
	return db
		.selectFrom('admin_unit')
		.selectAll()
		.where('era', '=', eraForReviewLevel(reviewLevel))
		.where('level', '=', level)
		.where('code', '=', code)
		.executeTakeFirst();
}

export type NewAccountInput = { email: string; fullName: string; role: Role; unitCode?: string | null; password: string };

export async function createAccount(
	db: DB,
	cfg: Pick<Config, 'reviewLevel'>,
	input: NewAccountInput,
	actor: { id: number | null; label: string }
) {
	const email = emailSchema.parse(input.email);
	passwordSchema.parse(input.password);
	if (!ROLES.includes(input.role)) throw new AccountError(`Vai trò không hợp lệ: ${input.role}. Các vai trò: ${ROLES.join(', ')}.`);
	const level = unitLevelForRole(input.role, cfg.reviewLevel);
	let unitId: number | null = null;
	if (level) {
		if (!input.unitCode) throw new AccountError(`Vai trò ${input.role} cần mã đơn vị (${level}).`);
		const unit = await findUnitByCode(db, input.unitCode, level, cfg.reviewLevel);
		if (!unit) throw new AccountError(`Không tìm thấy đơn vị cấp ${level} có mã ${input.unitCode} (cấp thẩm định: ${cfg.reviewLevel}).`);
		unitId = unit.id;
	}
	const existing = await db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirst();
	if (existing) throw new AccountError(`Email ${email} đã có tài khoản.`);
	const password_hash = await hashPassword(input.password);
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.insertInto('account')
			.values({
				email,
				full_name: input.fullName.normalize('NFC').trim(),
				role: input.role,
				unit_id: unitId,
				password_hash,
				created_at: new Date(),
				updated_at: new Date()
			})
			.returning(['id', 'email', 'role', 'unit_id'])
			.executeTakeFirstOrThrow();
		await recordAudit(trx, {
			actorId: actor.id,
			actorLabel: actor.label,
			action: 'account.create',
			objectType: 'account',
			objectId: row.id,
			unitId,
			details: { email, role: input.role }
		});
		return row;
	});
}

export async function setPassword(
	db: DB,
	accountId: number,
	password: string,
	actor: { id: number | null; label: string },
	action = 'account.password_reset'
) {
	passwordSchema.parse(password);
	const password_hash = await hashPassword(password);
	await db.transaction().execute(async (trx) => {
		const res = await trx
			.updateTable('account')
			.set({ password_hash, updated_at: new Date() })
			.where('id', '=', accountId)
			.executeTakeFirst();
		if (Number(res.numUpdatedRows) !== 1) throw new AccountError('Không tìm thấy tài khoản.');
		await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, { actorId: actor.id, actorLabel: actor.label, action, objectType: 'account', objectId: accountId });
	});
}

export async function setRole(db: DB, accountId: number, role: Role, unitId: number | null, actor: { id: number | null; label: string }) {
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ role, unit_id: unitId, updated_at: new Date() }).where('id', '=', accountId).execute();
		await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, {
			actorId: actor.id,
			actorLabel: actor.label,
			action: 'account.role_change',
			objectType: 'account',
			objectId: accountId,
			details: { role, unitId }
		});
	});
}

export async function setActive(db: DB, accountId: number, active: boolean, actor: { id: number | null; label: string }) {
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ active, updated_at: new Date() }).where('id', '=', accountId).execute();
		if (!active) await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, {
			actorId: actor.id,
			actorLabel: actor.label,
			action: active ? 'account.activate' : 'account.deactivate',
			objectType: 'account',
			objectId: accountId
		});
	});
}

export const LOGIN_FAILED_MESSAGE = 'Email hoặc mật khẩu không đúng.';
export const LOGIN_LIMITED_MESSAGE = 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.';

export type LoginResult =
	| { ok: true; token: string; accountId: number; createdAt: Date; lastSeenAt: Date }
	| { ok: false; reason: 'invalid' | 'limited'; message: string };

/**
 * Sign-in. An unknown email, an inactive account and a wrong password give the same message
 * and take the same time (a hash is always verified). Failures count per account and address.
 */
export async function login(
	db: DB,
	cfg: Pick<Config, 'loginMaxAttempts' | 'loginWindowMs'>,
	rawEmail: string,
	password: string,
	ip: string
): Promise<LoginResult> {
	const email = rawEmail.trim().toLowerCase();
	const policy = { maxAttempts: cfg.loginMaxAttempts, windowMs: cfg.loginWindowMs };
	if (await isLimited(db, email, ip, policy)) {
		await recordAudit(db, { actorLabel: email, action: 'auth.login_limited', ip });
		return { ok: false, reason: 'limited', message: LOGIN_LIMITED_MESSAGE };
	}
	const account = await db
		.selectFrom('account')
		.select(['id', 'password_hash', 'active', 'unit_id'])
		.where('email', '=', email)
		.executeTakeFirst();
	const valid = await verifyPassword(account?.password_hash ?? (await dummyHash()), password);
	if (!account || !account.active || !valid) {
		await recordFailure(db, email, ip);
		await recordAudit(db, { actorId: account?.id ?? null, actorLabel: email, action: 'auth.login_failed', ip });
		return { ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE };
	}
	await clearAccountFailures(db, email);
	const { token, session } = await createSession(db, account.id);
	await recordAudit(db, {
		actorId: account.id,
		actorLabel: email,
		action: 'auth.login',
		objectType: 'session',
		objectId: session.id,
		unitId: account.unit_id,
		ip
	});
	return { ok: true, token, accountId: account.id, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt };
}

export type SessionAccount = {
	id: number;
	email: string;
	fullName: string;
	role: Role;
	unit: { id: number; code: string; name: string; level: UnitLevel; provinceId: number | null; districtId: number | null } | null;
};

export async function loadSessionAccount(db: DB, accountId: number): Promise<SessionAccount | null> {
	const row = await db
		.selectFrom('account as a')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.select([
			'a.id',
			'a.email',
			'a.full_name',
			'a.role',
			'a.active',
			'u.id as unit_id',
			'u.code as unit_code',
			'u.name as unit_name',
			'u.level as unit_level',
			'u.province_id',
			'u.district_id'
		])
		.where('a.id', '=', accountId)
		.executeTakeFirst();
	if (!row || !row.active) return null;
	return {
		id: row.id,
		email: row.email,
		fullName: row.full_name,
		role: row.role,
		unit:
			row.unit_id !== null
				? {
						id: row.unit_id,
						code: row.unit_code!,
						name: row.unit_name!,
						level: row.unit_level!,
						provinceId: row.province_id,
						districtId: row.district_id
					}
				: null
	};
}
