import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { loadDecision } from '#lib/server/decisions/index.ts';
import { decisionData, storedDecisionSource } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { by, recordAudit } from '#lib/server/audit/index.ts';
import { notFound } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

// The issued decision with its annex, as recorded.
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'decision.read');
		const visible = await loadDecision(db(), a, parseId(event.params.id, 'Không tìm thấy quyết định.'));
		const source = visible ? await storedDecisionSource(db(), visible.id) : undefined;
		if (!visible || !source) throw notFound('Không tìm thấy quyết định.');
		// the annex lists only the communes this account may see (all of them for the deciding level)
		const communes = new Set(visible.items.map((i) => i.communeId));
		const pdf = await renderInPool(await decisionData(db(), { ...source, items: source.items.filter((i) => communes.has(i.communeId)) }));
		await recordAudit(db(), {
			...by(a),
			action: 'document.decision',
			objectType: 'decision',
			objectId: visible.id,
			details: { number: visible.number, bytes: pdf.length }
		});
		return documentResponse(pdf, `quyet-dinh-${visible.number.replace(/[^0-9A-Za-z]+/g, '-')}.pdf`, {
			inline: event.url.searchParams.get('view') === '1'
		});
	});
