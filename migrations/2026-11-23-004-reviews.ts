import { sql, type Kysely } from 'kysely';

// The review of assessments (issue 5): each indicator's review and its comment thread, a
// snapshot of every submission, the consolidated correction requests, the appraisal, the
// decisions with the communes they cover, revocations, and in-app notifications.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('review_item')
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('indicator_code', 'text', (c) => c.notNull())
		.addColumn('points', 'integer', (c) => c.check(sql`points >= 0`))
		.addColumn('reason', 'text')
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('pending')
				.check(sql`status in ('pending', 'accepted', 'needs_supplement')`)
		)
		.addColumn('request', 'text')
		.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('updated_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('review_item_pk', ['assessment_id', 'indicator_code'])
		.execute();

	await db.schema
		.createTable('review_comment')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('indicator_code', 'text', (c) => c.notNull())
		.addColumn('author_id', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 4000`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('review_comment_assessment')
		.on('review_comment')
		.columns(['assessment_id', 'indicator_code', 'id'])
		.execute();

	await db.schema
		.createTable('submission')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('seq', 'integer', (c) => c.notNull())
		.addColumn('submitted_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('snapshot', 'jsonb', (c) => c.notNull())
		.addColumn('total', 'integer', (c) => c.notNull())
		.addColumn('verdict', 'text', (c) => c.notNull())
		.addUniqueConstraint('submission_seq', ['assessment_id', 'seq'])
		.execute();

	await db.schema
		.createTable('correction_request')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('created_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('message', 'text', (c) => c.notNull())
		.addColumn('items', 'jsonb', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('correction_request_assessment').on('correction_request').columns(['assessment_id', 'id']).execute();

	await db.schema
		.createTable('appraisal')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().unique().references('assessment.id'))
		.addColumn('reviewer_id', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('recommendation', 'text', (c) => c.notNull().check(sql`recommendation in ('recognise', 'not_recognise')`))
		.addColumn('self_total', 'integer', (c) => c.notNull())
		.addColumn('reviewed_total', 'integer', (c) => c.notNull())
		.addColumn('reviewed_verdict', 'text', (c) => c.notNull())
		.addColumn('criteria', 'jsonb', (c) => c.notNull())
		.addColumn('remarks', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('decision')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('number', 'text', (c) => c.notNull())
		.addColumn('issuing_unit_id', 'integer', (c) => c.notNull().references('admin_unit.id'))
		.addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('recognise', 'not_recognise')`))
		.addColumn('issued_on', 'date', (c) => c.notNull())
		.addColumn('signer_name', 'text', (c) => c.notNull())
		.addColumn('signer_title', 'text', (c) => c.notNull())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id'))
		.addColumn('issued_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	// Decision numbers restart every year at each issuing body.
	await sql`create unique index decision_number_unit_year on decision (issuing_unit_id, number, (extract(year from issued_on)))`.execute(
		db
	);

	// One commune covered by a decision; for a recognition, its validity period.
	await db.schema
		.createTable('decision_item')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('decision_id', 'integer', (c) => c.notNull().references('decision.id'))
		.addColumn('assessment_id', 'integer', (c) => c.notNull().unique().references('assessment.id'))
		.addColumn('commune_id', 'integer', (c) => c.notNull().references('admin_unit.id'))
		.addColumn('category', 'text', (c) => c.notNull())
		.addColumn('reviewed_total', 'integer', (c) => c.notNull())
		.addColumn('valid_from', 'date')
		.addColumn('valid_until', 'date')
		.addCheckConstraint('decision_item_validity', sql`valid_until is null or valid_until > valid_from`)
		.execute();
	await db.schema.createIndex('decision_item_decision').on('decision_item').column('decision_id').execute();
	await db.schema.createIndex('decision_item_commune').on('decision_item').column('commune_id').execute();

	await db.schema
		.createTable('revocation')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('decision_item_id', 'integer', (c) => c.notNull().unique().references('decision_item.id'))
		.addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) between 5 and 2000`))
		.addColumn('revoked_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('revoked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('notification')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('assessment_id', 'integer', (c) => c.references('assessment.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('message', 'text', (c) => c.notNull())
		.addColumn('link', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('read_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('notification_account').on('notification').columns(['account_id', 'id']).execute();

	// Issued records never change: a revocation is a new record.
	await sql`create function issued_record_immutable() returns trigger language plpgsql as $$
		begin raise exception '% is immutable once issued', TG_TABLE_NAME; end $$`.execute(db);
	for (const t of ['appraisal', 'decision', 'decision_item', 'revocation', 'submission']) {
		await sql`create trigger ${sql.raw(`${t}_immutable`)} before update or delete on ${sql.table(t)}
			for each row execute function issued_record_immutable()`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of [
		'notification',
		'revocation',
		'decision_item',
		'decision',
		'appraisal',
		'correction_request',
		'submission',
		'review_comment',
		'review_item'
	]) {
		await db.schema.dropTable(t).ifExists().execute();
	}
	await sql`drop function if exists issued_record_immutable()`.execute(db);
}
