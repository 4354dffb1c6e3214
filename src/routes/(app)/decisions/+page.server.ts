import { fail, redirect } from '@sveltejs/kit';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { awaitingDecision, issueDecision, listDecisions } from '#lib/server/decisions/index.ts';
import { today, WorkflowError } from '#lib/server/assessments/workflow.ts';
import { can } from '#lib/domain/access.ts';
import { parseDecisionForm } from '#lib/server/decisions/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'decision.read');
	const actor = actorOf(account);
	const decisions = await listDecisions(db(), actor);
	const canIssue = can(account.role, 'decision.issue');
	const awaiting = canIssue ? await awaitingDecision(db(), actor) : [];
	// A decision covers the communes of one round only: the form shows one round at a time.
	const rounds: { id: number; name: string; count: number }[] = [];
	for (const a of awaiting) {
		const r = rounds.find((x) => x.id === a.roundId);
		if (r) r.count++;
		else rounds.push({ id: a.roundId, name: a.roundName, count: 1 });
	}
	const wanted = Number(event.url.searchParams.get('round'));
	const round = rounds.find((r) => r.id === wanted) ?? rounds[0] ?? null;
	return {
		decisions,
		canIssue,
		rounds,
		round: round ? { id: round.id, name: round.name } : null,
		awaiting: round ? awaiting.filter((a) => a.roundId === round.id) : [],
		today: today()
	};
};

export const actions: Actions = {
	issue: async (event) => {
		const account = authorize(event, 'decision.issue');
		const form = parseDecisionForm(await event.request.formData().catch(() => null));
		if (!form.ok) return fail(400, { message: form.message, values: form.values, fieldErrors: form.fieldErrors });
		const { values } = form;
		let id: number;
		try {
			id = await issueDecision(db(), { ...actorOf(account), label: account.email }, form.input);
		} catch (e) {
			if (e instanceof WorkflowError) return fail(e.status, { message: e.message, values, fieldErrors: {} as Record<string, string> });
			throw e;
		}
		redirect(303, `/decisions/${id}`);
	}
};
