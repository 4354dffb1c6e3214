import { fail, redirect } from '@sveltejs/kit';
import { NUL_MESSAGE } from '#lib/server/http/security.ts';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { importSurveyTemplate, previewSurveyTemplateImport, type SurveyTemplateError } from '#lib/server/surveys/templates.ts';
import { SURVEY_GROUP_LABELS } from '#lib/domain/surveys/templates.ts';
import type { Actions, PageServerLoad } from './$types';

const failure = (status: number, message: string, errors: SurveyTemplateError[] = []) => fail(status, { message, errors });

const MAX_BYTES = 200_000;

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'survey.template.manage');
		return {};
	});

/** The JSON text of the uploaded file, or of the text carried over from the preview. */
async function readInput(request: Request): Promise<{ text: string } | { message: string }> {
	const data = await readForm(request, MAX_BYTES + 100_000);
	if (!data) return { message: 'Không đọc được dữ liệu gửi lên.' };
	const file = data.get('file');
	const carried = data.get('json');
	let text = '';
	if (file instanceof File && file.size > 0) {
		if (file.size > MAX_BYTES) return { message: `Tệp quá lớn (tối đa ${MAX_BYTES / 1000} KB).` };
		text = new TextDecoder().decode(new Uint8Array(await file.arrayBuffer()));
	} else if (typeof carried === 'string') text = carried;
	if (text.length > MAX_BYTES) return { message: `Tệp quá lớn (tối đa ${MAX_BYTES / 1000} KB).` };
	if (!text.trim()) return { message: 'Vui lòng chọn tệp bảng hỏi (JSON).' };
	if (text.includes('\0') || /\\u0000/i.test(text)) return { message: NUL_MESSAGE };
	return { text };
}

function parse(text: string): { value: unknown } | { message: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (e) {
		return { message: `Tệp không phải JSON hợp lệ: ${(e as Error).message}` };
	}
}

export const actions: Actions = {
	preview: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'survey.template.manage');
			const input = await readInput(event.request);
			if ('message' in input) return failure(400, input.message);
			const parsed = parse(input.text);
			if ('message' in parsed) return failure(400, parsed.message);
			const p = await previewSurveyTemplateImport(db(), a, parsed.value);
			if (!p.ok) return failure(400, `Bảng hỏi không hợp lệ: ${p.errors.length} lỗi. Không có gì được nhập.`, p.errors);
			return {
				preview: {
					code: p.template.code,
					version: p.template.version,
					name: p.template.name,
					group: SURVEY_GROUP_LABELS[p.template.group],
					provisional: p.template.provisional,
					questions: p.template.questions.length,
					outcome: p.outcome,
					reason: p.reason ?? null,
					against: p.against,
					messages: p.diff?.messages ?? []
				},
				json: input.text
			};
		}),
	import: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'survey.template.manage');
			const input = await readInput(event.request);
			if ('message' in input) return failure(400, input.message);
			const parsed = parse(input.text);
			if ('message' in parsed) return failure(400, parsed.message);
			const r = await importSurveyTemplate(db(), parsed.value, a);
			if (!r.ok) return failure(400, `Không nhập được: ${r.errors.length} lỗi. Không có gì được ghi.`, r.errors);
			redirect(303, `/admin/survey-templates/${r.id}`);
		})
};
