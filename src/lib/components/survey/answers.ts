/**
 * Reading a survey form (the public page and the officer's paper entry): the answers as numbers by
 * question code (`q.<code>` fields), the optional age group and sex ("" = not answered). Pure.
 */
import type { SurveyTemplate } from '#lib/domain/surveys/templates.ts';

export type FormResponse = { answers: Record<string, number>; ageGroup?: string; sex?: string };

export function responseFromForm(data: FormData | null, template: SurveyTemplate): FormResponse {
	const answers: Record<string, number> = {};
	for (const q of template.questions) {
		const raw = String(data?.get(`q.${q.code}`) ?? '').trim();
		if (raw !== '') answers[q.code] = /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
	}
	const ageGroup = String(data?.get('ageGroup') ?? '').trim();
	const sex = String(data?.get('sex') ?? '').trim();
	return { answers, ...(ageGroup ? { ageGroup } : {}), ...(sex ? { sex } : {}) };
}

/** What was chosen, to show the form again after a refusal (as strings, by field name). */
export function chosen(data: FormData | null): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of data?.entries() ?? []) if (typeof v === 'string' && k.length <= 60) out[k] = v.slice(0, 60);
	return out;
}
