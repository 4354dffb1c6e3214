import { sql, type Kysely } from 'kysely';

// Reminders (issue 13): each reminder sent, once, under its idempotency key (a second pass, a
// restarted server or a second instance inserts the same key and nothing happens), and the lease
// that lets one scheduler pass run at a time across instances.
//
// Why not pg-boss or graphile-worker: both keep connections of their own (a pool, and for
// graphile-worker a long-lived LISTEN/NOTIFY connection plus advisory locks), while the embedded
// PGlite is one connection shared by the whole app through the pg bridge (a second client or a
// held LISTEN would wait on, or deadlock with, the app's transactions). Two small tables do the
// job on both databases.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('reminder')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('round_closing', 'review_overdue', 'recognition_expiring')`))
		.addColumn('key', 'text', (c) => c.notNull().unique())
		.addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('assessment_id', 'integer', (c) => c.references('assessment.id').onDelete('cascade'))
		.addColumn('round_id', 'integer', (c) => c.references('round.id').onDelete('cascade'))
		.addColumn('message', 'text', (c) => c.notNull())
		.addColumn('link', 'text', (c) => c.notNull())
		.addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		// none: no SMTP configured; pending: to be sent after commit; sent / failed: the outcome
		.addColumn('email_status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('none')
				.check(sql`email_status in ('none', 'pending', 'sent', 'failed')`)
		)
		.execute();
	await db.schema.createIndex('reminder_kind').on('reminder').columns(['kind', 'id']).execute();

	// A row exists only while a pass holds the lease (taken by an upsert, released by deleting it):
	// an idle deployment's tables stay empty, which `restore` requires of its target.
	await db.schema
		.createTable('scheduler_lease')
		.addColumn('name', 'text', (c) => c.primaryKey())
		.addColumn('holder', 'text')
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('scheduler_lease').ifExists().execute();
	await db.schema.dropTable('reminder').ifExists().execute();
}
