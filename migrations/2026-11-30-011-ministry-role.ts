import { sql, type Kysely } from 'kysely';

// The ministry's officers (issue 13): a read-only role bound to no unit, following the programme
// across the country. Widens the account's role check; an account with that role has no unit.
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table account drop constraint if exists account_role_check`.execute(db);
	await sql`alter table account add constraint account_role_check
		check (role in ('commune_officer', 'commune_chair', 'reviewer', 'approver', 'province_officer', 'ministry_officer', 'admin'))`.execute(db);
	await sql`alter table account add constraint account_ministry_no_unit check (role <> 'ministry_officer' or unit_id is null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	// refused (the check fails) while accounts of the role remain: change their role first
	await sql`alter table account drop constraint if exists account_ministry_no_unit`.execute(db);
	await sql`alter table account drop constraint if exists account_role_check`.execute(db);
	await sql`alter table account add constraint account_role_check
		check (role in ('commune_officer', 'commune_chair', 'reviewer', 'approver', 'province_officer', 'admin'))`.execute(db);
}
