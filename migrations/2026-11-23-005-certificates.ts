import { sql, type Kysely } from 'kysely';

// Certificates (giấy chứng nhận) of recognised communes, each issued once with its serial, its
// verification code, the signed payload its QR carries and the stored PDF; and the jobs that
// generate a decision's certificates in the background.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('certificate')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('decision_item_id', 'integer', (c) => c.notNull().unique().references('decision_item.id'))
		.addColumn('serial', 'text', (c) => c.notNull().unique())
		.addColumn('code', 'text', (c) => c.notNull().unique())
		.addColumn('payload', 'text', (c) => c.notNull())
		.addColumn('key_id', 'text', (c) => c.notNull())
		.addColumn('file_id', 'integer', (c) => c.notNull().references('stored_file.id'))
		.addColumn('pdf_sha256', 'text', (c) => c.notNull())
		.addColumn('issued_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create trigger certificate_immutable before update or delete on certificate
		for each row execute function issued_record_immutable()`.execute(db);
	// serials: one sequence for the deployment
	await sql`create sequence certificate_serial_seq`.execute(db);

	await db.schema
		.createTable('document_job')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('decision_id', 'integer', (c) => c.notNull().references('decision.id'))
		.addColumn('total', 'integer', (c) => c.notNull())
		.addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('running')
				.check(sql`status in ('running', 'done', 'failed')`)
		)
		.addColumn('error', 'text')
		.addColumn('created_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('finished_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('document_job_decision').on('document_job').columns(['decision_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('document_job').ifExists().execute();
	await db.schema.dropTable('certificate').ifExists().execute();
	await sql`drop sequence if exists certificate_serial_seq`.execute(db);
}
