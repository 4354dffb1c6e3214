/**
 * Accounts: creation, sign-in with rate limiting, password changes. Every change that alters
 * what an account may do (password, role, unit, deactivation) ends all its sessions.
 */
import { z } from 'zod';
import type { Actor, Role, SystemActor } from '../../domain/access.ts';
import { ROLES } from '../../domain/access.ts';
import type { UnitLevel } from '../../domain/units.ts';
import type { DB } from '../db/index.ts';
import type { Config } from '../config.ts';
import { by, recordAudit } from '../audit/index.ts';
import { AppError, conflict, invalid, notFound, parseInput } from '../errors.ts';
import { dummyHash, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '../auth/password.ts';
import { accountKey, loginLimits, passwordKey, releaseAttempt, reserveAttempt } from '../auth/rate-limit.ts';
import { ACTOR_COLUMNS, createSession, invalidateAccountSessions, toActor } from '../auth/session.ts';
import { eraForReviewLevel } from '../../domain/units.ts';
import { escapeLike } from '../../domain/text.ts';

export const emailSchema = z
	.string({ error: 'Vui lòng nhập email.' })
	.trim()
	.toLowerCase()
	.pipe(z.email({ error: 'Email không hợp lệ.' }).max(254, { error: 'Email quá dài.' }));
export const passwordSchema = z
	.string({ error: 'Vui lòng nhập mật khẩu.' })
	.min(PASSWORD_MIN_LENGTH, { error: `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự.` })
	.max(200, { error: 'Mật khẩu quá dài (tối đa 200 ký tự).' });

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
		case 'ministry_officer':
		case 'admin':
			return null;
	}
}

/** The ministry's officers follow the whole country: a unit given for one is refused, not ignored. */
const MINISTRY_NO_UNIT = 'Cán bộ Bộ theo dõi toàn quốc, không gắn với đơn vị: hãy bỏ chọn tỉnh, thành phố và đơn vị.';

export async function findUnitByCode(db: DB, code: string, level: UnitLevel, reviewLevel: 'district' | 'province') {
	return db
		.selectFrom('admin_unit')
		.selectAll()
		.where('era', '=', eraForReviewLevel(reviewLevel))
		.where('level', '=', level)
		.where('code', '=', code)
		.executeTakeFirst();
}

/** What each unit level is called in the forms' messages. */
const LEVEL_NAMES: Record<UnitLevel, string> = { province: 'tỉnh, thành phố', district: 'quận, huyện', commune: 'xã, phường' };

/** A unit chosen with the picker: the province, and within it the commune (or district) when the role needs one. */
export const unitChoiceSchema = z.object({
	provinceCode: z
		.string()
		.trim()
		.regex(/^(\d{2})?$/, { error: 'Tỉnh, thành phố không hợp lệ: hãy chọn trong danh sách.' })
		.transform((s) => s || null),
	unitCode: z
		.string()
		.trim()
		.regex(/^(\d{3}|\d{5})?$/, { error: 'Đơn vị không hợp lệ: hãy chọn trong danh sách.' })
		.transform((s) => s || null)
});
export type UnitChoice = z.output<typeof unitChoiceSchema>;

/** The account form (the password is checked by `createAccount`). */
export const accountFormSchema = z
	.object({
		email: z.string(),
		fullName: z.string().trim().min(2, { error: 'Hãy nhập họ tên.' }).max(200, { error: 'Họ tên quá dài (tối đa 200 ký tự).' }),
		role: z.enum(ROLES, { error: 'Hãy chọn vai trò.' }),
		...unitChoiceSchema.shape
	})
	.superRefine((v, ctx) => {
		if (v.role === 'ministry_officer' && (v.provinceCode || v.unitCode))
			ctx.addIssue({ code: 'custom', path: [v.provinceCode ? 'provinceCode' : 'unitCode'], message: MINISTRY_NO_UNIT });
	});

/**
 * The unit a picker's choice designates for `role` (null for a role bound to no unit): the
 * province itself for a province-level role; otherwise the commune (or district) of `unitCode`,
 * which must lie in the chosen province. Refusals name the form field to correct.
 */
export async function resolveUnitChoice(db: DB, cfg: Pick<Config, 'reviewLevel'>, role: Role, choice: UnitChoice): Promise<number | null> {
	const level = unitLevelForRole(role, cfg.reviewLevel);
	if (role === 'ministry_officer' && (choice.provinceCode || choice.unitCode))
		throw invalid(MINISTRY_NO_UNIT, { [choice.provinceCode ? 'provinceCode' : 'unitCode']: MINISTRY_NO_UNIT });
	if (!level) return null;
	const needProvince = 'Hãy chọn tỉnh, thành phố.';
	if (!choice.provinceCode) throw invalid(needProvince, { provinceCode: needProvince });
	const province = await findUnitByCode(db, choice.provinceCode, 'province', cfg.reviewLevel);
	if (!province) {
		const m = `Không tìm thấy tỉnh, thành phố có mã ${choice.provinceCode}.`;
		throw invalid(m, { provinceCode: m });
	}
	if (level === 'province') return province.id;
	if (!choice.unitCode) {
		const m = `Hãy chọn ${LEVEL_NAMES[level]} trong ${province.name}.`;
		throw invalid(m, { unitCode: m });
	}
	const unit = await findUnitByCode(db, choice.unitCode, level, cfg.reviewLevel);
	if (!unit) {
		const m = `Không tìm thấy ${LEVEL_NAMES[level]} có mã ${choice.unitCode}.`;
		throw invalid(m, { unitCode: m });
	}
	if (unit.province_id !== province.id) {
		const m = `${unit.name} (mã ${unit.code}) không thuộc ${province.name}. Hãy chọn ${LEVEL_NAMES[level]} trong tỉnh, thành phố đã chọn.`;
		throw invalid(m, { unitCode: m });
	}
	return unit.id;
}

/**
 * A new account. `unitCode` alone (the command line, seeds) names the unit at the level the role
 * needs; with `provinceCode` (the administration form) the choice is checked as the picker's
 * (`resolveUnitChoice`). Everything is checked before anything is written.
 */
export type NewAccountInput = {
	email: string;
	fullName: string;
	role: Role;
	unitCode?: string | null;
	provinceCode?: string | null;
	password: string;
};

export async function createAccount(db: DB, cfg: Pick<Config, 'reviewLevel'>, input: NewAccountInput, actor: Actor | SystemActor) {
	const email = parseInput(emailSchema, input.email);
	parseInput(passwordSchema, input.password);
	if (!ROLES.includes(input.role)) throw invalid(`Vai trò không hợp lệ: ${input.role}. Các vai trò: ${ROLES.join(', ')}.`);
	const level = unitLevelForRole(input.role, cfg.reviewLevel);
	if (input.role === 'ministry_officer' && input.unitCode) throw invalid(MINISTRY_NO_UNIT, { unitCode: MINISTRY_NO_UNIT });
	let unitId: number | null = null;
	if (input.provinceCode !== undefined) {
		unitId = await resolveUnitChoice(db, cfg, input.role, { provinceCode: input.provinceCode, unitCode: input.unitCode ?? null });
	} else if (level) {
		if (!input.unitCode) throw invalid(`Vai trò ${input.role} cần mã đơn vị (${level}).`);
		const unit = await findUnitByCode(db, input.unitCode, level, cfg.reviewLevel);
		if (!unit) throw invalid(`Không tìm thấy đơn vị cấp ${level} có mã ${input.unitCode} (cấp thẩm định: ${cfg.reviewLevel}).`);
		unitId = unit.id;
	}
	const existing = await db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirst();
	if (existing) throw conflict(`Email ${email} đã có tài khoản.`);
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
			...by(actor),
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
	actor: Actor | SystemActor,
	action = 'account.password_reset'
) {
	parseInput(passwordSchema, password);
	const password_hash = await hashPassword(password);
	await db.transaction().execute(async (trx) => {
		const res = await trx
			.updateTable('account')
			.set({ password_hash, updated_at: new Date() })
			.where('id', '=', accountId)
			.executeTakeFirst();
		if (Number(res.numUpdatedRows) !== 1) throw notFound('Không tìm thấy tài khoản.');
		await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, { ...by(actor), action, objectType: 'account', objectId: accountId });
	});
}

export async function setRole(db: DB, accountId: number, role: Role, unitId: number | null, actor: Actor | SystemActor) {
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ role, unit_id: unitId, updated_at: new Date() }).where('id', '=', accountId).execute();
		await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, {
			...by(actor),
			action: 'account.role_change',
			objectType: 'account',
			objectId: accountId,
			details: { role, unitId }
		});
	});
}

export async function setActive(db: DB, accountId: number, active: boolean, actor: Actor | SystemActor) {
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ active, updated_at: new Date() }).where('id', '=', accountId).execute();
		if (!active) await invalidateAccountSessions(trx, accountId);
		await recordAudit(trx, {
			...by(actor),
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
 * and take the same time (a hash is always verified). Attempts count per account and address,
 * reserved before the password is verified (auth/rate-limit.ts), so parallel attempts never get
 * more checks than the limit.
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
	const reservation = await reserveAttempt(db, loginLimits(email, ip, policy), policy.windowMs);
	if (!reservation) {
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
		// the reserved attempt stays: it counts as a failure
		await recordAudit(db, { actorId: account?.id ?? null, actorLabel: email, action: 'auth.login_failed', ip });
		return { ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE };
	}
	await releaseAttempt(db, reservation, accountKey(email));
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

/** An account as the actor it is when signed in (tests and the command line act as accounts too). */
export async function loadActor(db: DB, accountId: number): Promise<Actor | null> {
	const row = await db
		.selectFrom('account as a')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.select(['a.id', ...ACTOR_COLUMNS])
		.where('a.id', '=', accountId)
		.executeTakeFirst();
	return row && row.active ? toActor(row.id, row) : null;
}

/** The account with this email, as an actor (the command line). */
export async function actorByEmail(db: DB, email: string): Promise<Actor | null> {
	const row = await db.selectFrom('account').select('id').where('email', '=', parseInput(emailSchema, email)).executeTakeFirst();
	return row ? loadActor(db, row.id) : null;
}

// ---------------------------------------------------------------------------------------------
// Administration pages
// ---------------------------------------------------------------------------------------------

/** Accounts for the administration list, filtered by email or name. */
export async function listAccounts(db: DB, q: string) {
	let query = db
		.selectFrom('account as a')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.select(['a.id', 'a.email', 'a.full_name', 'a.role', 'a.active', 'u.name as unit_name', 'u.code as unit_code'])
		.orderBy('a.email')
		.limit(200);
	const text = escapeLike(q);
	if (text) query = query.where((eb) => eb.or([eb('a.email', 'ilike', `%${text}%`), eb('a.full_name', 'ilike', `%${text}%`)]));
	return query.execute();
}

/** One account for its administration page, with the last 50 audit records about it. */
export async function getAccount(db: DB, id: number) {
	const account = await db
		.selectFrom('account as a')
		.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
		.leftJoin('admin_unit as p', 'p.id', 'u.province_id')
		.select([
			'a.id',
			'a.email',
			'a.full_name',
			'a.role',
			'a.active',
			'u.code as unit_code',
			'u.name as unit_name',
			'u.kind as unit_kind',
			'u.level as unit_level',
			'p.code as province_code',
			'p.name as province_name'
		])
		.where('a.id', '=', id)
		.executeTakeFirst();
	if (!account) throw notFound('Không tìm thấy tài khoản.');
	return account;
}

export const PASSWORD_CHECK_LIMITED_MESSAGE = 'Nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau ít phút.';

/**
 * The signed-in account changes its own password: the current one must be right, and it may be
 * guessed no more often than a sign-in (the same limit per account, reserved before the check).
 * Ends every session of the account (this one included).
 */
export async function changeOwnPassword(
	db: DB,
	cfg: Pick<Config, 'loginMaxAttempts' | 'loginWindowMs'>,
	actor: Actor,
	current: string,
	next: string
): Promise<void> {
	const reservation = await reserveAttempt(db, [{ key: passwordKey(actor.id), max: cfg.loginMaxAttempts }], cfg.loginWindowMs);
	if (!reservation) {
		await recordAudit(db, { ...by(actor), action: 'account.password_check_limited', objectType: 'account', objectId: actor.id });
		throw new AppError('rate_limited', PASSWORD_CHECK_LIMITED_MESSAGE, { fieldErrors: { current: PASSWORD_CHECK_LIMITED_MESSAGE } });
	}
	const row = await db.selectFrom('account').select('password_hash').where('id', '=', actor.id).executeTakeFirstOrThrow();
	if (!(await verifyPassword(row.password_hash, current))) {
		await recordAudit(db, { ...by(actor), action: 'account.password_check_failed', objectType: 'account', objectId: actor.id });
		throw new AppError('invalid', 'Mật khẩu hiện tại không đúng.', { fieldErrors: { current: 'Mật khẩu hiện tại không đúng.' } });
	}
	await releaseAttempt(db, reservation, passwordKey(actor.id));
	await setPassword(db, actor.id, next, actor, 'account.password_change');
}
