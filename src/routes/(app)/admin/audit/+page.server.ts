import { z } from 'zod';
import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listAuditRecords } from '#lib/server/audit/list.ts';
import type { PageServerLoad } from './$types';

const query = z.object({
	action: z.string().trim().max(100).catch(''),
	before: z.coerce.number().int().positive().optional().catch(undefined)
});

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'audit.read');
		const { action, before } = query.parse({
			action: event.url.searchParams.get('action') ?? '',
			before: event.url.searchParams.get('before') ?? undefined
		});
		return { rows: await listAuditRecords(db(), { action, before }), action };
	});
