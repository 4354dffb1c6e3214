import type { Kysely } from 'kysely';

// The count of writes of an assessment's stored figures (issue 11, the dashboard's speed). Every
// change of what the figures are computed from (an answer, a review item, evidence) writes them
// in its transaction, so a reader that keeps something derived from a dossier (the dashboard's
// per-criterion points) knows it is still current by this one number, instead of aggregating
// the dossier's answers and review items on every read.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('assessment')
		.addColumn('figures_seq', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('assessment').dropColumn('figures_seq').execute();
}
