import { sql, type Kysely } from 'kysely';

// Assessment rounds, each commune's assessment with its answers, and evidence files.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('round')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2019 and 2100`))
		.addColumn('criteria_set_id', 'integer', (c) => c.notNull().references('criteria_set.id'))
		.addColumn('era', 'text', (c) => c.notNull().check(sql`era in ('pre2025', 'post2025')`))
		.addColumn('opens_on', 'date', (c) => c.notNull())
		.addColumn('closes_on', 'date', (c) => c.notNull())
		.addColumn('created_by', 'integer', (c) => c.references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('round_dates', sql`closes_on >= opens_on`)
		.execute();

	await db.schema
		.createTable('assessment')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id'))
		.addColumn('commune_id', 'integer', (c) => c.notNull().references('admin_unit.id'))
		.addColumn('criteria_set_id', 'integer', (c) => c.notNull().references('criteria_set.id'))
		.addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('urban_ward', 'disadvantaged', 'standard')`))
		.addColumn('state', 'text', (c) =>
			c
				.notNull()
				.defaultTo('draft')
				.check(sql`state in ('draft', 'submitted', 'under_review', 'returned', 'resubmitted', 'appraised', 'recognised', 'not_recognised')`)
		)
		// optimistic concurrency for workflow steps: each transition increments it
		.addColumn('state_version', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('base_counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('base_revision', 'integer', (c) => c.notNull().defaultTo(0))
		// a commune-specific deadline after the round's closing date (reopened for it)
		.addColumn('reopened_until', 'date')
		.addColumn('submitted_at', 'timestamptz')
		.addColumn('submitted_by', 'integer', (c) => c.references('account.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('assessment_round_commune', ['round_id', 'commune_id'])
		.execute();
	await db.schema.createIndex('assessment_commune').on('assessment').column('commune_id').execute();
	await db.schema.createIndex('assessment_round_state').on('assessment').columns(['round_id', 'state']).execute();

	await db.schema
		.createTable('assessment_answer')
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('indicator_code', 'text', (c) => c.notNull())
		.addColumn('answer', 'jsonb', (c) => c.notNull())
		.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('updated_by', 'integer', (c) => c.references('account.id'))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('assessment_answer_pk', ['assessment_id', 'indicator_code'])
		.execute();

	// Stored content, once per distinct SHA-256 (content-addressed).
	await db.schema
		.createTable('stored_file')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('sha256', 'text', (c) => c.notNull().unique())
		.addColumn('size', 'bigint', (c) => c.notNull())
		.addColumn('mime', 'text', (c) => c.notNull())
		.addColumn('ext', 'text', (c) => c.notNull())
		.addColumn('storage_key', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	// One uploaded document of an assessment: evidence, or a required dossier document.
	await db.schema
		.createTable('evidence')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
		.addColumn('file_id', 'integer', (c) => c.notNull().references('stored_file.id'))
		.addColumn('kind', 'text', (c) =>
			c.notNull().check(sql`kind in ('evidence', 'request_letter', 'council_minutes', 'explanatory_notes')`)
		)
		.addColumn('original_name', 'text', (c) => c.notNull())
		.addColumn('doc_number', 'text') // số hiệu
		.addColumn('issued_on', 'date') // ngày ban hành
		.addColumn('issuer', 'text') // cơ quan ban hành
		.addColumn('summary', 'text') // trích yếu
		.addColumn('uploaded_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('removed_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('evidence_assessment').on('evidence').column('assessment_id').execute();

	// Which indicators a document backs (one file can back several indicators).
	await db.schema
		.createTable('evidence_link')
		.addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
		.addColumn('indicator_code', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('evidence_link_pk', ['evidence_id', 'indicator_code'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['evidence_link', 'evidence', 'stored_file', 'assessment_answer', 'assessment', 'round']) {
		await db.schema.dropTable(t).ifExists().execute();
	}
}
