/**
 * The survey questionnaires in the database (issue 15): the shipped provisional ones, and the
 * active template of each group.
 *
 * The shipped ones are installed on first use (`activeSurveyTemplates`, hence the first campaign
 * opened), not by `prepareDatabase` at start-up: `restore` accepts only a target that holds
 * nothing beyond the bootstrap data it knows (the default criteria set and its audit records), so
 * rows written at start-up in a new table would make every fresh deployment refuse a restore.
 * Teaching ops/backup.ts that these rows are bootstrap data (and deleting them before a restore,
 * as it does for the default criteria set) would allow installing them at start-up instead.
 */
import { sql } from 'kysely';
import type { DB } from '../db/index.ts';
import { can, type Actor } from '../../domain/access.ts';
import { by, recordAudit } from '../audit/index.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import {
	parseSurveyTemplate,
	PROVISIONAL_SURVEY_SOURCE,
	SHIPPED_TEMPLATES,
	SURVEY_GROUPS,
	SurveyTemplateSchema,
	type SurveyGroup,
	type SurveyTemplate
} from '../../domain/surveys/templates.ts';
import { diffSurveyTemplates, type SurveyTemplateDiff } from '../../domain/surveys/templates-diff.ts';

/**
 * Installs the shipped templates that are missing (by code and version) and makes each one the
 * active template of its group when that group has none. Idempotent; run on first use by `activeSurveyTemplates`.
 */
export async function ensureShippedSurveyTemplates(db: DB): Promise<void> {
	for (const t of SHIPPED_TEMPLATES) {
		const parsed = parseSurveyTemplate(t);
		if (!parsed.ok) throw new Error(`Bảng hỏi mặc định ${t.code} không hợp lệ: ${parsed.errors.join('; ')}`);
		await db
			.insertInto('survey_template')
			.values({ code: t.code, version: t.version, group: t.group, status: 'draft', definition: JSON.stringify(parsed.value) })
			.onConflict((oc) => oc.columns(['code', 'version']).doNothing())
			.execute();
		await db
			.updateTable('survey_template')
			.set({ status: 'active' })
			.where('code', '=', t.code)
			.where('version', '=', t.version)
			.where('status', '=', 'draft')
			.where(({ not, exists, selectFrom }) =>
				not(
					exists(
						selectFrom('survey_template as o').select(sql.lit(1).as('one')).where('o.group', '=', t.group).where('o.status', '=', 'active')
					)
				)
			)
			.execute();
	}
}

/** Databases (or transactions) where the shipped templates were already ensured by this process. */
const ensured = new WeakSet<object>();

async function ensureOnce(db: DB): Promise<void> {
	if (ensured.has(db)) return;
	await ensureShippedSurveyTemplates(db);
	ensured.add(db);
}

/** The active template of each group (a group without one is left out); installs the shipped ones first if needed. */
export async function activeSurveyTemplates(db: DB): Promise<Partial<Record<SurveyGroup, SurveyTemplate>>> {
	await ensureOnce(db);
	const rows = await db
		.selectFrom('survey_template')
		.select(['group', 'definition', 'version'])
		.where('status', '=', 'active')
		.orderBy('version', 'desc')
		.execute();
	const out: Partial<Record<SurveyGroup, SurveyTemplate>> = {};
	for (const r of rows) if (!out[r.group]) out[r.group] = r.definition as SurveyTemplate;
	return out;
}

/** The templates a campaign pinned ({ group: { code, version } }), by group. */
export async function pinnedSurveyTemplates(
	db: DB,
	pinned: Partial<Record<SurveyGroup, { code: string; version: number }>>
): Promise<Partial<Record<SurveyGroup, SurveyTemplate>>> {
	const out: Partial<Record<SurveyGroup, SurveyTemplate>> = {};
	const wanted = SURVEY_GROUPS.filter((g) => pinned[g]);
	if (!wanted.length) return out;
	const rows = await db
		.selectFrom('survey_template')
		.select(['code', 'version', 'definition'])
		.where((eb) => eb.or(wanted.map((g) => eb.and([eb('code', '=', pinned[g]!.code), eb('version', '=', pinned[g]!.version)]))))
		.execute();
	for (const g of wanted) {
		const row = rows.find((r) => r.code === pinned[g]!.code && r.version === pinned[g]!.version);
		if (row) out[g] = row.definition as SurveyTemplate;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Replacing a questionnaire (administrators): list, import as a draft, preview, activate
// ---------------------------------------------------------------------------------------------
//
// The rules of the criteria sets: importing `code@version` again replaces that version only while
// it is a draft (no campaign can have pinned it); an active or retired version never changes;
// changes make a new version. At most one template of a group is active; activating one retires
// the group's previous one. A campaign pins `code@version` when it opens and keeps answering
// with that version (its responses store the version), so activation touches no open campaign.

export type SurveyTemplateRow = {
	id: number;
	code: string;
	version: number;
	group: SurveyGroup;
	status: 'draft' | 'active' | 'retired';
	name: string;
	provisional: boolean;
	questions: number;
	createdAt: Date;
};

function guard(actor: Actor): Actor {
	if (!can(actor.role, 'survey.template.manage')) throw forbidden();
	return actor;
}

function toRow(r: {
	id: number;
	code: string;
	version: number;
	group: SurveyGroup;
	status: SurveyTemplateRow['status'];
	definition: unknown;
	created_at: Date;
}): SurveyTemplateRow {
	const t = r.definition as SurveyTemplate;
	return {
		id: r.id,
		code: r.code,
		version: r.version,
		group: r.group,
		status: r.status,
		name: t.name,
		provisional: t.provisional,
		questions: t.questions.length,
		createdAt: r.created_at
	};
}

const columns = ['id', 'code', 'version', 'group', 'status', 'definition', 'created_at'] as const;

/** Every stored template, by group, code and version (newest first); installs the shipped ones first if needed. */
export async function listSurveyTemplates(db: DB, actor: Actor): Promise<SurveyTemplateRow[]> {
	guard(actor);
	await ensureOnce(db);
	const rows = await db.selectFrom('survey_template').select(columns).orderBy('group').orderBy('code').orderBy('version', 'desc').execute();
	const order = (g: SurveyGroup) => SURVEY_GROUPS.indexOf(g);
	return rows.map(toRow).sort((a, b) => order(a.group) - order(b.group));
}

/** One stored template (its row and definition), or not found in Vietnamese. */
export async function findSurveyTemplate(db: DB, actor: Actor, id: number): Promise<{ row: SurveyTemplateRow; template: SurveyTemplate }> {
	guard(actor);
	const r = await db.selectFrom('survey_template').select(columns).where('id', '=', id).executeTakeFirst();
	if (!r) throw notFound('Không tìm thấy bảng hỏi.');
	return { row: toRow(r), template: r.definition as SurveyTemplate };
}

export type SurveyTemplateError = { location: string; message: string };

export type SurveyTemplatePreview =
	| { ok: false; errors: SurveyTemplateError[] }
	| {
			ok: true;
			template: SurveyTemplate;
			/** what an import would do with this code@version */
			outcome: 'create' | 'replace-draft' | 'unchanged' | 'refused';
			reason?: string;
			/** the template compared with: the same code@version when stored, else the active one of the group */
			against: { id: number; code: string; version: number; status: string } | null;
			diff: SurveyTemplateDiff | null;
	  };

/** Vietnamese location of a schema path (`questions.2.text` → `Câu hỏi thứ 3 (text)`). */
function locationOf(path: PropertyKey[]): string {
	if (!path.length) return 'Bảng hỏi';
	const [head, index, ...rest] = path;
	if (head === 'questions' && typeof index === 'number') return `Câu hỏi thứ ${index + 1}${rest.length ? ` (${rest.join('.')})` : ''}`;
	return path.join('.');
}

/** Validates a file's content: the schema, and the provisional mark both ways. */
function validate(input: unknown): { ok: true; value: SurveyTemplate } | { ok: false; errors: SurveyTemplateError[] } {
	// a file's status is not trusted (nor needed): it is dropped before validation
	const body = input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : input;
	if (body && typeof body === 'object') delete (body as Record<string, unknown>).status;
	const r = SurveyTemplateSchema.safeParse(body);
	if (!r.success) return { ok: false, errors: r.error.issues.map((i) => ({ location: locationOf(i.path), message: i.message })) };
	if (!r.data.provisional && r.data.source === PROVISIONAL_SURVEY_SOURCE)
		return {
			ok: false,
			errors: [
				{
					location: 'source',
					message: 'Bảng hỏi chính thức ("provisional": false) phải ghi nguồn là văn bản ban hành, không phải nguồn của bảng hỏi tạm thời.'
				}
			]
		};
	return { ok: true, value: r.data };
}

/**
 * What importing `input` would do, without writing: validation errors (Vietnamese, with their
 * location), or the outcome and the changes against the same code@version when stored (else the
 * active template of the group).
 */
export async function previewSurveyTemplateImport(db: DB, actor: Actor, input: unknown): Promise<SurveyTemplatePreview> {
	guard(actor);
	await ensureOnce(db);
	const v = validate(input);
	if (!v.ok) return v;
	const template = v.value;
	const same = await db
		.selectFrom('survey_template')
		.select(columns)
		.where('code', '=', template.code)
		.where('version', '=', template.version)
		.executeTakeFirst();
	const base =
		same ??
		(await db
			.selectFrom('survey_template')
			.select(columns)
			.where('group', '=', template.group)
			.where('status', '=', 'active')
			.executeTakeFirst());
	const diff = base ? diffSurveyTemplates(base.definition as SurveyTemplate, template) : null;
	let outcome: 'create' | 'replace-draft' | 'unchanged' | 'refused' = 'create';
	let reason: string | undefined;
	const otherGroup = await db
		.selectFrom('survey_template')
		.select('id')
		.where('code', '=', template.code)
		.where('group', '!=', template.group)
		.executeTakeFirst();
	if (otherGroup) {
		outcome = 'refused';
		reason = `Mã ${template.code} đã dùng cho bảng hỏi của một nhóm khác; hãy dùng mã khác.`;
	} else if (same) {
		if (diff?.identical) outcome = 'unchanged';
		else if (same.status === 'draft') outcome = 'replace-draft';
		else {
			outcome = 'refused';
			const max =
				(
					await db
						.selectFrom('survey_template')
						.select((eb) => eb.fn.max('version').as('v'))
						.where('code', '=', template.code)
						.executeTakeFirst()
				)?.v ?? template.version;
			reason = `Phiên bản ${template.code}@${template.version} đã ${same.status === 'active' ? 'được áp dụng' : 'ngừng áp dụng'} nên không sửa được; hãy đặt "version": ${Number(max) + 1} để tạo phiên bản mới.`;
		}
	}
	return {
		ok: true,
		template,
		outcome,
		reason,
		against: base ? { id: base.id, code: base.code, version: base.version, status: base.status } : null,
		diff
	};
}

export type SurveyTemplateImport =
	| { ok: false; errors: SurveyTemplateError[] }
	| { ok: true; id: number; outcome: 'create' | 'replace-draft' | 'unchanged'; preview: Extract<SurveyTemplatePreview, { ok: true }> };

/** Imports a template as a draft (a new version, or the replacement of a draft of the same version); audited. */
export async function importSurveyTemplate(db: DB, input: unknown, actor: Actor): Promise<SurveyTemplateImport> {
	guard(actor);
	await ensureOnce(db);
	return db.transaction().execute(async (trx) => {
		const preview = await previewSurveyTemplateImport(trx, actor, input);
		if (!preview.ok) return preview;
		const t = preview.template;
		if (preview.outcome === 'refused') return { ok: false, errors: [{ location: 'version', message: preview.reason! }] };
		if (preview.outcome === 'unchanged') return { ok: true, id: preview.against!.id, outcome: 'unchanged', preview };
		let id: number;
		if (preview.outcome === 'replace-draft') {
			const r = await trx
				.updateTable('survey_template')
				.set({ definition: JSON.stringify(t) })
				.where('code', '=', t.code)
				.where('version', '=', t.version)
				.where('status', '=', 'draft')
				.returning('id')
				.executeTakeFirst();
			if (!r) throw conflict('Bản dự thảo vừa được áp dụng bởi người khác; hãy nhập thành phiên bản mới.');
			id = r.id;
		} else {
			const r = await trx
				.insertInto('survey_template')
				.values({ code: t.code, version: t.version, group: t.group, status: 'draft', definition: JSON.stringify(t) })
				.onConflict((oc) => oc.columns(['code', 'version']).doNothing())
				.returning('id')
				.executeTakeFirst();
			if (!r) throw conflict(`Phiên bản ${t.code}@${t.version} vừa được người khác nhập; hãy xem trước lại.`);
			id = r.id;
		}
		await recordAudit(trx, {
			...by(actor),
			action: preview.outcome === 'create' ? 'survey_template.import' : 'survey_template.replace_draft',
			objectType: 'survey_template',
			objectId: id,
			details: {
				code: t.code,
				version: t.version,
				group: t.group,
				provisional: t.provisional,
				changes: preview.diff?.messages.slice(0, 200) ?? []
			}
		});
		return { ok: true, id, outcome: preview.outcome, preview };
	});
}

/**
 * Makes a draft the active template of its group; the group's previous active template is
 * retired. Campaigns already open keep the version they pinned; campaigns opened afterwards take
 * this one. Audited.
 */
export async function activateSurveyTemplate(db: DB, id: number, actor: Actor): Promise<{ retired: { code: string; version: number }[] }> {
	guard(actor);
	await ensureOnce(db);
	return db.transaction().execute(async (trx) => {
		const t = await trx
			.selectFrom('survey_template')
			.select(['id', 'code', 'version', 'group', 'status'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!t) throw notFound('Không tìm thấy bảng hỏi.');
		if (t.status === 'active') return { retired: [] };
		if (t.status === 'retired') throw conflict('Phiên bản đã ngừng áp dụng không thể áp dụng lại; hãy nhập nó thành phiên bản mới.');
		const retired = await trx
			.updateTable('survey_template')
			.set({ status: 'retired' })
			.where('group', '=', t.group)
			.where('status', '=', 'active')
			.returning(['code', 'version'])
			.execute();
		await trx.updateTable('survey_template').set({ status: 'active' }).where('id', '=', id).execute();
		await recordAudit(trx, {
			...by(actor),
			action: 'survey_template.activate',
			objectType: 'survey_template',
			objectId: id,
			details: { code: t.code, version: t.version, group: t.group, retired: retired.map((r) => `${r.code}@${r.version}`) }
		});
		return { retired };
	});
}
