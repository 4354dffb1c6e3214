import { redirect } from '@sveltejs/kit';
import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { awaitingDecision, decisionFormFacts, issueDecision, listDecisions } from '#lib/server/decisions/index.ts';
import { today } from '#lib/server/assessments/workflow.ts';
import { parseDecisionForm } from '#lib/server/decisions/form.ts';
import { AppError } from '#lib/server/errors.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'decision.read');
		const decisions = await listDecisions(db(), a);
		const canIssue = can(a.role, 'decision.issue');
		const awaiting = canIssue ? await awaitingDecision(db(), a) : [];
		// A decision covers the communes of one round only: the form shows one round at a time.
		const rounds: { id: number; name: string; count: number }[] = [];
		for (const x of awaiting) {
			const r = rounds.find((y) => y.id === x.roundId);
			if (r) r.count++;
			else rounds.push({ id: x.roundId, name: x.roundName, count: 1 });
		}
		const wanted = Number(event.url.searchParams.get('round'));
		const round = rounds.find((r) => r.id === wanted) ?? rounds[0] ?? null;
		const formFacts = canIssue ? await decisionFormFacts(db(), a, round?.id ?? null) : null;
		return {
			formFacts,
			decisions,
			canIssue,
			rounds,
			round: round ? { id: round.id, name: round.name } : null,
			awaiting: round ? awaiting.filter((x) => x.roundId === round.id) : [],
			today: today()
		};
	});

export const actions: Actions = {
	issue: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'decision.issue');
			const form = parseDecisionForm(await readForm(event.request));
			if (!form.ok) return refusal(new AppError('invalid', form.message, { fieldErrors: form.fieldErrors }), { values: form.values });
			let id: number;
			try {
				id = await issueDecision(db(), a, form.input);
			} catch (e) {
				return refusal(e, { values: form.values }); // the form keeps what was typed
			}
			redirect(303, `/decisions/${id}`);
		})
};
