import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { db } from '#lib/server/app.ts';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { decisionData, storedDecisionSource } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { recordAudit } from '#lib/server/audit/index.ts';
import type { RequestHandler } from './$types';

// The issued decision with its annex, as recorded.
export const GET: RequestHandler = async (event) => {
	const account = authorize(event, 'decision.read');
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	const visible = id.success ? await loadDecision(db(), actorOf(account), id.data) : undefined;
	const source = visible ? await storedDecisionSource(db(), visible.id) : undefined;
	if (!visible || !source) error(404, 'Không tìm thấy quyết định.');
	// the annex lists only the communes this account may see (all of them for the deciding level)
	const communes = new Set(visible.items.map((i) => i.communeId));
	const pdf = await renderInPool(await decisionData(db(), { ...source, items: source.items.filter((i) => communes.has(i.communeId)) }));
	await recordAudit(db(), {
		actorId: account.id,
		actorLabel: account.email,
		action: 'document.decision',
		objectType: 'decision',
		objectId: visible.id,
		details: { number: visible.number, bytes: pdf.length }
	});
	return documentResponse(pdf, `quyet-dinh-${visible.number.replace(/[^0-9A-Za-z]+/g, '-')}.pdf`, {
		inline: event.url.searchParams.get('view') === '1'
	});
};
