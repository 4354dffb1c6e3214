import { sql, type Kysely } from 'kysely';

// Certificate jobs keep a heartbeat (issue 12): the running job writes `heartbeat_at` every few
// seconds and after each certificate, and a job whose heartbeat is older than a short threshold
// died with its process, so that a retry takes it over at once instead of waiting 15 minutes.
// Existing jobs get their last sign of life: when they finished, else when they started.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('document_job').addColumn('heartbeat_at', 'timestamptz').execute();
	await sql`update document_job set heartbeat_at = coalesce(finished_at, created_at)`.execute(db);
	await sql`alter table document_job alter column heartbeat_at set default now(), alter column heartbeat_at set not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('document_job').dropColumn('heartbeat_at').execute();
}
