import { z } from 'zod';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import type { PageServerLoad } from './$types';

const query = z.object({
	action: z.string().trim().max(100).catch(''),
	before: z.coerce.number().int().positive().optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	authorize(event, 'audit.read');
	const { action, before } = query.parse({
		action: event.url.searchParams.get('action') ?? '',
		before: event.url.searchParams.get('before') ?? undefined
	});
	let q = db()
		.selectFrom('audit_log')
		.select(['id', 'at', 'actor_label', 'action', 'object_type', 'object_id', 'ip'])
		.orderBy('id', 'desc')
		.limit(100);
	if (action) q = q.where('action', 'like', `${action.replace(/[%_\\]/g, '')}%`);
	if (before) q = q.where('id', '<', before);
	return { rows: await q.execute(), action };
};
