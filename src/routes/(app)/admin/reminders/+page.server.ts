import { z } from 'zod';
import { page } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { listReminders, REMINDER_KINDS, REMINDER_KIND_LABELS } from '#lib/server/reminders/index.ts';
import type { PageServerLoad } from './$types';

const query = z.object({
	kind: z.enum(REMINDER_KINDS).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined)
});

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'reminder.read');
		const q = query.parse({
			kind: event.url.searchParams.get('kind') || undefined,
			page: event.url.searchParams.get('page') || undefined
		});
		const list = await listReminders(db(), { kind: q.kind, page: q.page });
		return {
			...list,
			kind: q.kind ?? null,
			kinds: REMINDER_KINDS.map((k) => ({ value: k, label: REMINDER_KIND_LABELS[k] }))
		};
	});
