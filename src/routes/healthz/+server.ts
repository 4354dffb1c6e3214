import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { db } from '#lib/server/app.ts';

// Public: reports whether the database answers. No data beyond ok / not ok.
export async function GET() {
	try {
		await sql`select 1`.execute(db());
		return json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
	} catch {
		return json({ ok: false }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
	}
}
