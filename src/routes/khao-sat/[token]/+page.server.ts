import { fail, redirect } from '@sveltejs/kit';
import { httpStatus, readForm, refusal } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { isAppError } from '#lib/server/errors.ts';
import { publicSurvey, submitPublicResponse, TOKEN_NOT_FOUND } from '#lib/server/surveys/index.ts';
import { surveyRateLimited } from '#lib/server/surveys/rate-limit.ts';
import { chosen, responseFromForm } from '#lib/components/survey/answers.ts';
import type { Actions, PageServerLoad } from './$types';

// Public route (PUBLIC_ROUTES): a child or a resident answers the commune's satisfaction survey
// (criterion 13) from a slip's code or the campaign's open link, without signing in. Nothing
// personal is asked; the answers are rate-limited per client address without storing it.

const RATE_LIMITED_MESSAGE = 'Có quá nhiều phiếu gửi từ mạng này trong một phút. Xin chờ một phút rồi bấm «Gửi câu trả lời» lại.';

export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
	const survey = await publicSurvey(db(), event.params.token);
	if (!survey) return { survey: null, group: null, message: TOKEN_NOT_FOUND };
	const wanted = event.url.searchParams.get('nhom');
	const group = survey.groups.length === 1 ? survey.groups[0] : (survey.groups.find((g) => g.group === wanted) ?? null);
	return { survey, group, message: null };
};

export const actions: Actions = {
	default: async (event) => {
		let ip = 'unknown';
		try {
			ip = event.getClientAddress();
		} catch {
			/* no address */
		}
		if (await surveyRateLimited(db(), ip)) return fail(429, { message: RATE_LIMITED_MESSAGE, fieldErrors: {}, values: {} });
		let data: FormData | null;
		try {
			data = await readForm(event.request);
		} catch (e) {
			return refusal(e, { values: {} as Record<string, string> }); // too large (413), a NUL character (400)
		}
		const survey = await publicSurvey(db(), event.params.token);
		if (!survey) return fail(404, { message: TOKEN_NOT_FOUND, fieldErrors: {}, values: {} });
		const group = survey.groups.find((g) => g.group === String(data?.get('group') ?? ''));
		if (!group) return fail(400, { message: 'Hãy chọn nhóm người trả lời.', fieldErrors: {}, values: chosen(data) });
		try {
			await submitPublicResponse(db(), { token: event.params.token, group: group.group, ...responseFromForm(data, group.template) });
		} catch (e) {
			if (!isAppError(e)) throw e;
			return fail(httpStatus(e), { message: e.message, fieldErrors: e.fieldErrors, values: chosen(data) });
		}
		redirect(303, '/khao-sat/cam-on');
	}
};
