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
import {
	parseSurveyTemplate,
	SHIPPED_TEMPLATES,
	SURVEY_GROUPS,
	type SurveyGroup,
	type SurveyTemplate
} from '../../domain/surveys/templates.ts';

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

/** The active template of each group (a group without one is left out); installs the shipped ones first if needed. */
export async function activeSurveyTemplates(db: DB): Promise<Partial<Record<SurveyGroup, SurveyTemplate>>> {
	if (!ensured.has(db)) {
		await ensureShippedSurveyTemplates(db);
		ensured.add(db);
	}
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
