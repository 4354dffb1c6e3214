import { sql, type Kysely } from 'kysely';

// Facts as state (issue 11): what rules and boards read is stored by the action that makes it
// true, in its own transaction, never derived from the audit trail.
// - assessment: the dossier's figures (self-assessed and reviewed totals and verdicts, number of
//   blockers, the rules' version they were computed under; recomputed at start-up when 0), and
//   who last saved the base counts and when;
// - review_participant: who took part in reviewing each assessment (the approver ≠ reviewer rule);
// - certificate_print: every print of a certificate (first print or reprint with its reason);
// - admin_unit.sort_key: a name key in Vietnamese alphabetical order, and search_name: the name
//   without diacritics, so that boards sort, search and page in SQL (filled at start-up);
// - assessment.province_id, district_id: the commune's area, for the boards' indexes.
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

	// The area of each assessment's commune on its row (kept by a trigger, units never move): the
	// boards read a province's or district's assessments of a round through an index, without
	// reading the others; and the national board pages through communes in name order.
	await db.schema
		.alterTable('assessment')
		.addColumn('province_id', 'integer', (c) => c.references('admin_unit.id'))
		.addColumn('district_id', 'integer', (c) => c.references('admin_unit.id'))
		.execute();
	await sql`update assessment a set province_id = c.province_id, district_id = c.district_id from admin_unit c where c.id = a.commune_id`.execute(
		db
	);
	await sql`create function assessment_area() returns trigger language plpgsql as $$
		begin
			select province_id, district_id into new.province_id, new.district_id from admin_unit where id = new.commune_id;
			return new;
		end $$`.execute(db);
	await sql`create trigger assessment_area before insert or update of commune_id, province_id, district_id on assessment
		for each row execute function assessment_area()`.execute(db);
	await db.schema.createIndex('assessment_round_province').on('assessment').columns(['round_id', 'province_id']).execute();
	await db.schema.createIndex('assessment_round_district').on('assessment').columns(['round_id', 'district_id']).execute();
	await sql`create index admin_unit_commune_name on admin_unit ((sort_key collate "C"), code) where level = 'commune'`.execute(db);
	// the navigation's unread count, read with the session on every request
	await sql`create index notification_unread on notification (account_id) where read_at is null`.execute(db);
	// every save rewrites the figures on the row: room on each page for the new version (HOT updates)
	await sql`alter table assessment set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop trigger if exists assessment_area on assessment`.execute(db);
	await sql`drop function if exists assessment_area()`.execute(db);
	await sql`drop index if exists admin_unit_commune_name`.execute(db);
	await sql`drop index if exists notification_unread`.execute(db);
	await sql`alter table assessment reset (fillfactor)`.execute(db);
	await db.schema.alterTable('assessment').dropColumn('province_id').dropColumn('district_id').execute();
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
