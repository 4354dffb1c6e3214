import { sql, type Kysely } from 'kysely';

// Settings an administrator corrects from the app (issue 16): the legal bases of the decision,
// the reviewing office (its name and its head's title) and the national emblem's image, one row
// per key with a JSON value. And the wording a decision was issued with (its legal bases and the
// "Theo đề nghị của …" line), kept with the decision, so that a later change of the settings
// never rewrites a decision already issued.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('setting')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('value', 'jsonb', (c) => c.notNull())
		.addColumn('updated_by', 'integer', (c) => c.references('account.id'))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('decision_wording')
		.addColumn('decision_id', 'integer', (c) => c.primaryKey().references('decision.id'))
		.addColumn('legal_bases', 'jsonb', (c) => c.notNull())
		.addColumn('proposer', 'text', (c) => c.notNull())
		.execute();
	await sql`create trigger decision_wording_immutable before update or delete on decision_wording
		for each row execute function issued_record_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('decision_wording').ifExists().execute();
	await db.schema.dropTable('setting').ifExists().execute();
}
