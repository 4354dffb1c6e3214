import { sql, type Kysely } from 'kysely';

// Criteria sets (bộ tiêu chí) as versioned data: one row per code@version, the whole set as
// validated JSON. Confirmation against the gazetted text is recorded separately (who, when).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('criteria_set')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'active', 'retired')`))
		.addColumn('definition', 'jsonb', (c) => c.notNull())
		.addColumn('total_points', 'integer', (c) => c.notNull())
		.addColumn('unverified_items', 'integer', (c) => c.notNull())
		.addColumn('confirmed_by', 'integer', (c) => c.references('account.id'))
		.addColumn('confirmed_at', 'timestamptz')
		.addColumn('created_by', 'integer', (c) => c.references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('criteria_set_code_version', ['code', 'version'])
		.execute();
	// at most one active version per code
	await sql`create unique index criteria_set_one_active on criteria_set (code) where status = 'active'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('criteria_set').ifExists().execute();
}
