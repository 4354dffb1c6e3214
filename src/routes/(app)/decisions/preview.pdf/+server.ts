import { endpoint, readForm } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { parseDecisionForm } from '#lib/server/decisions/form.ts';
import { previewDecisionItems } from '#lib/server/decisions/index.ts';
import { decisionData } from '#lib/server/documents/data.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { documentResponse } from '#lib/server/documents/http.ts';
import { AppError } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

// POST the decision form: the decision as it would be issued, watermarked "BẢN XEM TRƯỚC".
// Nothing is recorded.
export const POST: RequestHandler = (event) =>
	endpoint(event, async (actor) => {
		const a = authorize(actor, 'decision.issue');
		const form = parseDecisionForm(await readForm(event.request));
		if (!form.ok) throw new AppError('invalid', form.message, { fieldErrors: form.fieldErrors });
		const { input } = form;
		const preview = await previewDecisionItems(db(), a, input);
		const pdf = await renderInPool(
			await decisionData(db(), {
				number: input.number,
				issuedOn: input.issuedOn,
				outcome: input.outcome,
				signerName: input.signerName,
				signerTitle: input.signerTitle,
				...preview,
				preview: true
			})
		);
		return documentResponse(pdf, 'quyet-dinh-ban-xem-truoc.pdf', { inline: true });
	});
