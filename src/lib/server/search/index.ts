/**
 * The header's search (issue 13): one text, five kinds of result — communes, dossiers
 * (assessments), decisions, certificates and, for administrators, accounts — each limited to
 * what the account may see exactly as the pages are: the matrix's scope for the kind's action
 * (`communeScope`, the same condition the lists use), so one commune's officer never finds
 * another commune's dossier, decision or certificate. Diacritics do not matter ("phu xuan" finds
 * "Phường Phú Xuân"): unit names through `admin_unit.search_name` (domain/text.ts `fold`), other
 * text through `translate()` with the same folding (plain SQL, PostgreSQL 15 and the embedded
 * database alike). Nothing is recorded and the text is never logged: a search is a read.
 *
 * Server module: takes `db` as a parameter, no `$app/*`.
 */
import { sql, type Expression } from 'kysely';
import { z } from 'zod';
import { can, type Action, type Actor } from '../../domain/access.ts';
import { escapeLike, fold } from '../../domain/text.ts';
import type { UnitEra } from '../../domain/units.ts';
import { STATE_LABELS } from '../../domain/workflow.ts';
import { ROLE_LABELS } from '../../domain/access.ts';
import type { DB } from '../db/index.ts';
import { communeScope, type CommuneScope } from '../units/read.ts';

/** The most results shown per kind (the count says how many match in all). */
export const SEARCH_LIMIT = 10;
export const SEARCH_MAX_LENGTH = 100;

export const searchQuerySchema = z.object({
	q: z
		.string()
		.trim()
		.max(SEARCH_MAX_LENGTH, { error: `Từ khóa tìm kiếm quá dài (tối đa ${SEARCH_MAX_LENGTH} ký tự).` })
		.default('')
});

export const SEARCH_KINDS = ['communes', 'assessments', 'decisions', 'certificates', 'accounts'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_KIND_LABELS: Record<SearchKind, string> = {
	communes: 'Xã, phường',
	assessments: 'Hồ sơ đánh giá',
	decisions: 'Quyết định công nhận',
	certificates: 'Giấy chứng nhận',
	accounts: 'Tài khoản'
};

export type SearchHit = { href: string; title: string; detail: string };
export type SearchGroup = { kind: SearchKind; label: string; total: number; items: SearchHit[] };
export type SearchResults = { q: string; groups: SearchGroup[]; total: number };

// ---------------------------------------------------------------------------------------------
// Matching (pure)
// ---------------------------------------------------------------------------------------------

/** Vietnamese letters with diacritics (both cases) and what `fold` makes of each, for SQL `translate()`. */
const VI_LETTERS = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
const FROM = VI_LETTERS + VI_LETTERS.toUpperCase();
const TO = [...FROM].map((ch) => fold(ch)).join('');

/** `expr` folded in SQL the way `fold` folds in JavaScript (NFC text: diacritics off, lower case). */
const folded = (expr: Expression<string> | ReturnType<typeof sql.ref>) => sql<string>`lower(translate(${expr}, ${FROM}, ${TO}))`;

/** How one typed text is matched against each kind. */
export type SearchTerms = {
	/** Folded text ("phu xuan"). */
	needle: string;
	/** LIKE pattern: the folded text anywhere. */
	contains: string;
	/** Digits only: a unit code starts with them, a decision's number is them. */
	digits: string | null;
	/** A decision number typed in full or in part ("42/qd-ubnd"): the folded number starts with it. */
	numberPrefix: string;
	/** A certificate serial typed in full or in part (digits and dashes, 4 or more). */
	serial: string | null;
	/** A verification code, normalised to "ABCDE-FGHJK" (typed with or without the dash, any case). */
	code: string | null;
};

export function searchTerms(q: string): SearchTerms | null {
	const needle = fold(q.normalize('NFC'));
	if (!needle) return null;
	const compact = needle.replace(/\s+/g, '');
	const alnum = compact.replace(/[^0-9a-z]/g, '').toUpperCase();
	return {
		needle,
		contains: `%${escapeLike(needle)}%`,
		digits: /^\d+$/.test(compact) ? compact : null,
		numberPrefix: `${escapeLike(compact)}%`,
		serial: /^[\d-]{4,}$/.test(compact) ? compact : null,
		code: /^[0-9a-z]{5}-?[0-9a-z]{5}$/.test(compact) ? `${alnum.slice(0, 5)}-${alnum.slice(5)}` : null
	};
}

/** The page a dossier opens on, as the boards link it: the review page for those who review, once submitted. */
export function assessmentHref(role: Actor['role'], id: number, state: string): string {
	return state !== 'draft' && can(role, 'review.read') ? `/review/${id}` : `/assessments/${id}`;
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

type Scoped = Exclude<CommuneScope, { kind: 'none' }>;

const scopeFor = (actor: Actor, action: Action): Scoped | null => {
	const s = communeScope(actor, action);
	return s.kind === 'none' ? null : s;
};

const count = (n: unknown) => Number(n ?? 0);

async function communes(db: DB, actor: Actor, t: SearchTerms, era: UnitEra): Promise<SearchGroup | null> {
	const scope = scopeFor(actor, 'unit.read');
	if (!scope) return null;
	let base = db.selectFrom('admin_unit as c').where('c.level', '=', 'commune').where('c.era', '=', era);
	if (scope.kind === 'match') base = base.where(`c.${scope.column}`, '=', scope.value);
	base = base.where((eb) => (t.digits ? eb('c.code', 'like', `${t.digits}%`) : eb('c.search_name', 'like', t.contains)));
	const [rows, n] = await Promise.all([
		base
			.leftJoin('admin_unit as d', 'd.id', 'c.district_id')
			.leftJoin('admin_unit as p', 'p.id', 'c.province_id')
			.select(['c.id', 'c.code', 'c.name', 'd.name as district_name', 'p.name as province_name'])
			.orderBy(sql`c.sort_key collate "C"`)
			.orderBy('c.code')
			.limit(SEARCH_LIMIT)
			.execute(),
		base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		kind: 'communes',
		label: SEARCH_KIND_LABELS.communes,
		total: count(n.n),
		items: rows.map((r) => ({
			href: `/units/${r.id}`,
			title: r.name,
			detail: [`Mã ${r.code}`, r.district_name, r.province_name].filter(Boolean).join(' · ')
		}))
	};
}

async function assessments(db: DB, actor: Actor, t: SearchTerms): Promise<SearchGroup | null> {
	const scope = scopeFor(actor, 'assessment.read');
	if (!scope) return null;
	let base = db.selectFrom('assessment as a').innerJoin('admin_unit as c', 'c.id', 'a.commune_id');
	if (scope.kind === 'match') base = base.where(`c.${scope.column}`, '=', scope.value);
	base = base.where((eb) => (t.digits ? eb('c.code', 'like', `${t.digits}%`) : eb('c.search_name', 'like', t.contains)));
	const [rows, n] = await Promise.all([
		base
			.innerJoin('round as r', 'r.id', 'a.round_id')
			.select(['a.id', 'a.state', 'c.code', 'c.name', 'r.name as round_name'])
			.orderBy('r.year', 'desc')
			.orderBy('r.id', 'desc')
			.orderBy(sql`c.sort_key collate "C"`)
			.orderBy('c.code')
			.limit(SEARCH_LIMIT)
			.execute(),
		base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		kind: 'assessments',
		label: SEARCH_KIND_LABELS.assessments,
		total: count(n.n),
		items: rows.map((r) => ({
			href: assessmentHref(actor.role, r.id, r.state),
			title: `${r.name} — ${r.round_name}`,
			detail: `Mã ${r.code} · ${STATE_LABELS[r.state]}`
		}))
	};
}

async function decisions(db: DB, actor: Actor, t: SearchTerms): Promise<SearchGroup | null> {
	// a decision's number starts with digits: other text cannot be one (no empty group shown)
	if (!/^\d/.test(t.needle)) return null;
	const scope = scopeFor(actor, 'decision.read');
	if (!scope) return null;
	const number = folded(sql.ref('d.number'));
	let base = db.selectFrom('decision as d');
	if (scope.kind === 'match') {
		base = base.where((eb) =>
			eb.exists(
				eb
					.selectFrom('decision_item as si')
					.innerJoin('admin_unit as sc', 'sc.id', 'si.commune_id')
					.select('si.id')
					.whereRef('si.decision_id', '=', 'd.id')
					.where(`sc.${scope.column}`, '=', scope.value)
			)
		);
	}
	// "42" finds 42/QĐ-UBND (not 420/…); "42/qd" and "42/QĐ-UBND" find it by the number's start
	base = base.where((eb) =>
		t.digits ? eb.or([eb('d.number', '=', t.digits), eb('d.number', 'like', `${t.digits}/%`)]) : eb(number, 'like', t.numberPrefix)
	);
	const [rows, n] = await Promise.all([
		base
			.innerJoin('admin_unit as u', 'u.id', 'd.issuing_unit_id')
			.select(['d.id', 'd.number', 'd.outcome', 'd.issued_on', 'u.name as issuing_unit'])
			.orderBy('d.issued_on', 'desc')
			.orderBy('d.id', 'desc')
			.limit(SEARCH_LIMIT)
			.execute(),
		base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		kind: 'decisions',
		label: SEARCH_KIND_LABELS.decisions,
		total: count(n.n),
		items: rows.map((r) => ({
			href: `/decisions/${r.id}`,
			title: `Quyết định số ${r.number}`,
			detail: [
				r.outcome === 'recognise' ? 'Công nhận' : 'Không công nhận',
				`ngày ${r.issued_on.split('-').reverse().join('/')}`,
				r.issuing_unit
			].join(' · ')
		}))
	};
}

async function certificates(db: DB, actor: Actor, t: SearchTerms): Promise<SearchGroup | null> {
	// only a serial or a verification code can find a certificate (no empty group otherwise)
	if (!t.serial && !t.code) return null;
	// those who read decisions find it on the decision; the commune itself on its dossier
	const viaDecision = can(actor.role, 'decision.read');
	const scope = scopeFor(actor, viaDecision ? 'decision.read' : 'assessment.read');
	if (!scope) return null;
	let base = db
		.selectFrom('certificate as k')
		.innerJoin('decision_item as i', 'i.id', 'k.decision_item_id')
		.innerJoin('admin_unit as c', 'c.id', 'i.commune_id');
	if (scope.kind === 'match') base = base.where(`c.${scope.column}`, '=', scope.value);
	base = base.where((eb) =>
		eb.or([...(t.serial ? [eb('k.serial', 'like', `%${escapeLike(t.serial)}%`)] : []), ...(t.code ? [eb('k.code', '=', t.code)] : [])])
	);
	const [rows, n] = await Promise.all([
		base
			.innerJoin('decision as d', 'd.id', 'i.decision_id')
			.leftJoin('revocation as v', 'v.decision_item_id', 'i.id')
			.select(['k.id', 'k.serial', 'k.code', 'i.decision_id', 'i.assessment_id', 'c.name', 'd.number', 'v.id as revocation_id'])
			.orderBy('k.serial', 'desc')
			.limit(SEARCH_LIMIT)
			.execute(),
		base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		kind: 'certificates',
		label: SEARCH_KIND_LABELS.certificates,
		total: count(n.n),
		items: rows.map((r) => ({
			href: viaDecision ? `/decisions/${r.decision_id}` : `/assessments/${r.assessment_id}`,
			title: `Giấy chứng nhận số ${r.serial}`,
			detail: [r.name, `mã xác minh ${r.code}`, `Quyết định số ${r.number}`, r.revocation_id !== null ? 'đã thu hồi công nhận' : null]
				.filter(Boolean)
				.join(' · ')
		}))
	};
}

async function accounts(db: DB, actor: Actor, t: SearchTerms): Promise<SearchGroup | null> {
	if (!can(actor.role, 'account.manage')) return null;
	const base = db
		.selectFrom('account as a')
		.where((eb) => eb.or([eb(sql<string>`lower(a.email)`, 'like', t.contains), eb(folded(sql.ref('a.full_name')), 'like', t.contains)]));
	const [rows, n] = await Promise.all([
		base
			.leftJoin('admin_unit as u', 'u.id', 'a.unit_id')
			.select(['a.id', 'a.email', 'a.full_name', 'a.role', 'a.active', 'u.name as unit_name'])
			.orderBy('a.email')
			.limit(SEARCH_LIMIT)
			.execute(),
		base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		kind: 'accounts',
		label: SEARCH_KIND_LABELS.accounts,
		total: count(n.n),
		items: rows.map((r) => ({
			href: `/admin/accounts/${r.id}`,
			title: `${r.full_name} (${r.email})`,
			detail: [ROLE_LABELS[r.role], r.unit_name, r.active ? null : 'đã khóa'].filter(Boolean).join(' · ')
		}))
	};
}

/**
 * Searches every kind the actor may see for `q` (already validated: `searchQuerySchema`). Kinds
 * the role may not read, and kinds the text cannot match (a decision number starts with digits; a
 * certificate is found by its serial or code only), are left out; the others come back even when
 * nothing matched, so the page can say so.
 */
export async function search(db: DB, actor: Actor, q: string, era: UnitEra): Promise<SearchResults> {
	const t = searchTerms(q);
	if (!t) return { q, groups: [], total: 0 };
	// one after another: the embedded database has a single connection anyway
	const groups: SearchGroup[] = [];
	for (const g of [
		await communes(db, actor, t, era),
		await assessments(db, actor, t),
		await decisions(db, actor, t),
		await certificates(db, actor, t),
		await accounts(db, actor, t)
	]) {
		if (g) groups.push(g);
	}
	return { q, groups, total: groups.reduce((s, g) => s + g.total, 0) };
}
