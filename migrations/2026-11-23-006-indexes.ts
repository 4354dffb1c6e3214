import { sql, type Kysely } from 'kysely';

// Indexes found by the load benchmark (issue 7): "who last did X to this object" reads of the
// audit trail (e.g. who last saved the base counts, on every data-entry page) walked every audit
// row of the object; the reviewers of an assessment likewise.
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index audit_log_object_action on audit_log (object_type, object_id, action, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists audit_log_object_action`.execute(db);
}
