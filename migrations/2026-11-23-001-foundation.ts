import { sql, type Kysely } from 'kysely';

// Foundation: administrative units, accounts, sessions, login attempts, the audit trail.
// Typed against Kysely<any>: migrations must not depend on the evolving app types.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('admin_unit')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('era', 'text', (c) => c.notNull().check(sql`era in ('pre2025', 'post2025')`))
		.addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('province', 'district', 'commune')`))
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('parent_id', 'integer', (c) => c.references('admin_unit.id'))
		.addColumn('province_id', 'integer', (c) => c.references('admin_unit.id'))
		.addColumn('district_id', 'integer', (c) => c.references('admin_unit.id'))
		.addColumn('category', 'text', (c) => c.check(sql`category in ('urban_ward', 'disadvantaged', 'standard')`))
		.addColumn('category_source', 'text', (c) => c.check(sql`category_source in ('derived', 'set')`))
		.addUniqueConstraint('admin_unit_era_level_code', ['era', 'level', 'code'])
		.execute();
	await db.schema.createIndex('admin_unit_parent').on('admin_unit').column('parent_id').execute();
	await db.schema.createIndex('admin_unit_province').on('admin_unit').columns(['province_id', 'level']).execute();
	await db.schema.createIndex('admin_unit_district').on('admin_unit').columns(['district_id', 'level']).execute();

	await db.schema
		.createTable('unit_lineage')
		.addColumn('unit_id', 'integer', (c) => c.notNull().references('admin_unit.id').onDelete('cascade'))
		.addColumn('old_unit_id', 'integer', (c) => c.notNull().references('admin_unit.id').onDelete('cascade'))
		.addColumn('share', 'text', (c) => c.notNull().check(sql`share in ('full', 'partial')`))
		.addPrimaryKeyConstraint('unit_lineage_pk', ['unit_id', 'old_unit_id'])
		.execute();
	await db.schema.createIndex('unit_lineage_old').on('unit_lineage').column('old_unit_id').execute();

	await db.schema
		.createTable('account')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('full_name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('commune_officer', 'commune_chair', 'reviewer', 'approver', 'province_officer', 'admin')`)
		)
		.addColumn('unit_id', 'integer', (c) => c.references('admin_unit.id'))
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('account_unit').on('account').column('unit_id').execute();

	await db.schema
		.createTable('session')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('session_account').on('session').column('account_id').execute();

	await db.schema
		.createTable('login_attempt')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('login_attempt_key_at').on('login_attempt').columns(['key', 'at']).execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('actor_id', 'integer', (c) => c.references('account.id'))
		.addColumn('actor_label', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('object_type', 'text')
		.addColumn('object_id', 'text')
		.addColumn('unit_id', 'integer')
		.addColumn('ip', 'text')
		.addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('prev_hash', 'text', (c) => c.notNull())
		.addColumn('hash', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('audit_log_object').on('audit_log').columns(['object_type', 'object_id']).execute();
	await db.schema.createIndex('audit_log_actor').on('audit_log').column('actor_id').execute();

	// Append-only: the audit trail refuses updates and deletes.
	await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
		begin raise exception 'audit_log is append-only'; end $$`.execute(db);
	await sql`create trigger audit_log_no_change before update or delete on audit_log
		for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['audit_log', 'login_attempt', 'session', 'account', 'unit_lineage', 'admin_unit']) {
		await db.schema.dropTable(t).ifExists().execute();
	}
	await sql`drop function if exists audit_log_append_only()`.execute(db);
}
