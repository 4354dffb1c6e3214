import { sql, type Kysely } from 'kysely';

// Satisfaction surveys for criterion 13 (issue 15): the questionnaires (versioned data, the
// shipped provisional ones installed at start-up), one campaign per assessment, the single-use
// slip codes, and the responses. A response stores its answers and nothing that identifies
// anyone: no address, no user agent, no name, no slip code (the slip only records that it was used).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('survey_template')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('group', 'text', (c) => c.notNull().check(sql`"group" in ('children', 'children_young', 'residents')`))
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('draft')
				.check(sql`status in ('draft', 'active', 'retired')`)
		)
		.addColumn('definition', 'jsonb', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('survey_template_code_version', ['code', 'version'])
		.execute();

	await db.schema
		.createTable('survey_campaign')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('assessment_id', 'integer', (c) => c.notNull().unique().references('assessment.id').onDelete('cascade'))
		.addColumn('commune_id', 'integer', (c) => c.notNull().references('admin_unit.id'))
		.addColumn('opened_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('opens_on', 'date', (c) => c.notNull())
		.addColumn('closes_on', 'date', (c) => c.notNull())
		.addColumn('target_children', 'integer', (c) => c.notNull().check(sql`target_children >= 0`))
		.addColumn('target_residents', 'integer', (c) => c.notNull().check(sql`target_residents >= 0`))
		// the templates answered in this campaign, pinned: { group: { code, version } }
		.addColumn('templates', 'jsonb', (c) => c.notNull())
		.addColumn('open_token', 'text', (c) => c.unique())
		.addColumn('state', 'text', (c) =>
			c
				.notNull()
				.defaultTo('open')
				.check(sql`state in ('open', 'closed')`)
		)
		.addColumn('closed_at', 'timestamptz')
		.addColumn('closed_by', 'integer', (c) => c.references('account.id'))
		.addCheckConstraint('survey_campaign_dates', sql`closes_on >= opens_on`)
		.execute();

	await db.schema
		.createTable('survey_slip')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('campaign_id', 'integer', (c) => c.notNull().references('survey_campaign.id').onDelete('cascade'))
		.addColumn('code', 'text', (c) => c.notNull().unique())
		.addColumn('group', 'text', (c) => c.notNull().check(sql`"group" in ('children', 'children_young', 'residents')`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('used_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('survey_slip_campaign').on('survey_slip').columns(['campaign_id', 'group']).execute();

	await db.schema
		.createTable('survey_response')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('campaign_id', 'integer', (c) => c.notNull().references('survey_campaign.id').onDelete('cascade'))
		.addColumn('group', 'text', (c) => c.notNull().check(sql`"group" in ('children', 'children_young', 'residents')`))
		.addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('slip', 'open', 'paper')`))
		.addColumn('template_code', 'text', (c) => c.notNull())
		.addColumn('template_version', 'integer', (c) => c.notNull())
		.addColumn('answers', 'jsonb', (c) => c.notNull())
		.addColumn('age_group', 'text')
		.addColumn('sex', 'text')
		.addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('flag', 'text', (c) => c.check(sql`flag in ('duplicate', 'burst')`))
		.addColumn('accepted', 'boolean', (c) => c.notNull().defaultTo(false))
		// the officer who typed a paper form in (null for answers given on a phone)
		.addColumn('entered_by', 'integer', (c) => c.references('account.id'))
		.execute();
	await db.schema.createIndex('survey_response_campaign').on('survey_response').columns(['campaign_id', 'submitted_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('survey_response').ifExists().execute();
	await db.schema.dropTable('survey_slip').ifExists().execute();
	await db.schema.dropTable('survey_campaign').ifExists().execute();
	await db.schema.dropTable('survey_template').ifExists().execute();
}
