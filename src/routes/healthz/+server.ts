import { json } from '@sveltejs/kit';
import { db } from '#lib/server/app.ts';
import { ping } from '#lib/server/db/index.ts';

// Public: reports whether the database answers. No data beyond ok / not ok.
export async function GET() {
	const ok = await ping(db());
	return json({ ok }, { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
