import { sql, type Kysely } from 'kysely';

// Facts as state (issue 11): what rules and boards read is stored by the action that makes it
// true, in its own transaction, never derived from the audit trail.
// - assessment: the dossier's figures (self-assessed and reviewed totals and verdicts, number of
//   blockers, the rules' version they were computed under; recomputed at start-up when 0), and
//   who last saved the base counts and when;
// - review_participant: who took part in reviewing each assessment (the approver ≠ reviewer rule);
// - certificate_print: every print of a certificate (first print or reprint with its reason);
// - admin_unit.sort_key: a name key in Vietnamese alphabetical order, and search_name: the name
//   without diacritics, so that boards sort, search and page in SQL (filled at start-up).
// Existing history is carried over from the audit trail once, here.
const VERDICTS = sql`('pass', 'fail', 'incomplete')`;

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('assessment')
		.addColumn('self_total', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('self_verdict', 'text', (c) =>
			c
				.notNull()
				.defaultTo('incomplete')
				.check(sql`self_verdict in ${VERDICTS}`)
		)
		.addColumn('reviewed_total', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('reviewed_verdict', 'text', (c) =>
			c
				.notNull()
				.defaultTo('incomplete')
				.check(sql`reviewed_verdict in ${VERDICTS}`)
		)
		.addColumn('blockers', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('figures_rev', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('base_updated_by', 'integer', (c) => c.references('account.id'))
		.addColumn('base_updated_at', 'timestamptz')
		.execute();
	await sql`
		update assessment a set base_updated_by = l.actor_id, base_updated_at = l.at
		from (
			select distinct on (object_id) object_id, actor_id, at from audit_log
			where object_type = 'assessment' and action = 'assessment.base_counts_save'
			order by object_id, id desc
		) l
		where a.id::text = l.object_id`.execute(db);
	await db.schema.createIndex('assessment_figures_stale').on('assessment').column('figures_rev').execute();

	await db.schema
		.createTable('review_participant')
		.addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
		.addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('first_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('last_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('review_participant_pk', ['assessment_id', 'account_id'])
		.execute();
	await sql`
		insert into review_participant (assessment_id, account_id, first_at, last_at)
		select a.id, l.actor_id, min(l.at), max(l.at)
		from audit_log l join assessment a on a.id::text = l.object_id
		where l.object_type = 'assessment' and l.actor_id is not null
			and l.action in ('assessment.start_review', 'assessment.return', 'assessment.appraise', 'review.item_save')
		group by a.id, l.actor_id`.execute(db);
	await sql`
		insert into review_participant (assessment_id, account_id, first_at, last_at)
		select assessment_id, reviewer_id, created_at, created_at from appraisal
		on conflict (assessment_id, account_id) do nothing`.execute(db);

	await db.schema
		.createTable('certificate_print')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('certificate_id', 'integer', (c) => c.notNull().references('certificate.id'))
		.addColumn('printed_by', 'integer', (c) => c.notNull().references('account.id'))
		.addColumn('printed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('reason', 'text')
		.execute();
	await db.schema.createIndex('certificate_print_certificate').on('certificate_print').column('certificate_id').execute();
	await sql`
		insert into certificate_print (certificate_id, printed_by, printed_at, reason)
		select c.id, l.actor_id, l.at, l.details->>'reason'
		from audit_log l join certificate c on c.id::text = l.object_id
		where l.object_type = 'certificate' and l.actor_id is not null and l.action in ('certificate.print', 'certificate.reprint')
		order by l.id`.execute(db);
	await sql`create trigger certificate_print_immutable before update or delete on certificate_print
		for each row execute function issued_record_immutable()`.execute(db);

	await db.schema.alterTable('admin_unit').addColumn('sort_key', 'text').addColumn('search_name', 'text').execute();
	await db.schema.createIndex('admin_unit_commune_sort').on('admin_unit').columns(['province_id', 'level', 'sort_key']).execute();

	// "who last saved the base counts" no longer reads the audit trail
	await sql`drop index if exists audit_log_object_action`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('certificate_print').ifExists().execute();
	await db.schema.dropTable('review_participant').ifExists().execute();
	for (const c of [
		'self_total',
		'self_verdict',
		'reviewed_total',
		'reviewed_verdict',
		'blockers',
		'figures_rev',
		'base_updated_by',
		'base_updated_at'
	]) {
		await db.schema.alterTable('assessment').dropColumn(c).execute();
	}
	await db.schema.alterTable('admin_unit').dropColumn('sort_key').dropColumn('search_name').execute();
}
