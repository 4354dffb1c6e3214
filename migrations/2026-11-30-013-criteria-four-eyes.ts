import { sql, type Kysely } from 'kysely';

// Criteria sets checked with four eyes (issue 14). Who last edited a set (its importer, or the
// administrator who last saved the draft): another administrator must be the one who confirms
// its items against the gazetted text. Per item: who, in the file or the editor, said it was
// checked (claimed) and who confirmed it (confirmed). And the official text itself, a PDF
// attached to the version.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('criteria_set')
		.addColumn('edited_by', 'integer', (c) => c.references('account.id'))
		.execute();
	await sql`update criteria_set set edited_by = created_by`.execute(db);
	await db.schema
		.alterTable('criteria_set')
		.addColumn('official_text_file_id', 'integer', (c) => c.references('stored_file.id'))
		.execute();
	await db.schema
		.createTable('criteria_item_check')
		.addColumn('criteria_set_id', 'integer', (c) => c.notNull().references('criteria_set.id').onDelete('cascade'))
		.addColumn('item_code', 'text', (c) => c.notNull())
		.addColumn('claimed_by', 'integer', (c) => c.references('account.id'))
		.addColumn('claimed_at', 'timestamptz')
		.addColumn('confirmed_by', 'integer', (c) => c.references('account.id'))
		.addColumn('confirmed_at', 'timestamptz')
		.addPrimaryKeyConstraint('criteria_item_check_pk', ['criteria_set_id', 'item_code'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('criteria_item_check').ifExists().execute();
	await db.schema.alterTable('criteria_set').dropColumn('official_text_file_id').execute();
	await db.schema.alterTable('criteria_set').dropColumn('edited_by').execute();
}
