import { fail, redirect } from '@sveltejs/kit';
import { NUL_MESSAGE } from '#lib/server/http/security.ts';
import { action, page, readForm } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { importCriteriaSet, previewImport } from '#lib/server/criteria/index.ts';
import type { ValidationError } from '#lib/domain/criteria/schema.ts';
import { QD06_2019_V2 } from '#lib/domain/criteria/index.ts';
import { workbookErrorLocation } from '#lib/domain/criteria/workbook.ts';
import { looksLikeWorkbook, readCriteriaWorkbook } from '#lib/server/criteria/xlsx.ts';
import type { Actions, PageServerLoad } from './$types';

const failure = (status: number, message: string, errors: ValidationError[] = []) => fail(status, { message, errors });

const MAX_BYTES = 400_000; // below adapter-node's default body limit of 512 KB
const BUNDLED_KEY = `${QD06_2019_V2.code}@${QD06_2019_V2.version}`;

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'criteria.manage');
		return { bundled: { key: BUNDLED_KEY, name: QD06_2019_V2.name } };
	});

/**
 * The JSON text of the upload (a JSON file, or an Excel workbook read back into the set's JSON,
 * told apart by content) or of the pasted/carried-over text.
 */
async function readInput(request: Request): Promise<{ text: string } | { message: string; errors?: ValidationError[] }> {
	const data = await readForm(request, MAX_BYTES + 100_000);
	if (!data) return { message: 'Không đọc được dữ liệu gửi lên.' };
	const file = data.get('file');
	const pasted = data.get('json');
	// the versions the software ships besides the active default (reviewed here like any file)
	if (data.get('bundled') === BUNDLED_KEY) return { text: JSON.stringify(QD06_2019_V2) };
	let text = '';
	if (file instanceof File && file.size > 0) {
		if (file.size > MAX_BYTES) return { message: `Tệp quá lớn (tối đa ${MAX_BYTES / 1000} KB).` };
		const bytes = new Uint8Array(await file.arrayBuffer());
		if (looksLikeWorkbook(bytes)) {
			const r = await readCriteriaWorkbook(bytes);
			if (!r.ok)
				return {
					message: `Bảng tính có ${r.errors.length} lỗi. Không có gì được nhập.`,
					errors: r.errors.map((e) => ({ path: '', location: workbookErrorLocation(e), message: e.message }))
				};
			return { text: JSON.stringify(r.value, null, 2) };
		}
		text = new TextDecoder().decode(bytes);
	} else if (typeof pasted === 'string') text = pasted;
	if (!text.trim()) return { message: 'Vui lòng chọn tệp bộ tiêu chí (Excel hoặc JSON).' };
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
			authorize(actor, 'criteria.manage');
			const input = await readInput(event.request);
			if ('message' in input) return failure(400, input.message, input.errors);
			const parsed = parse(input.text);
			if ('message' in parsed) return failure(400, parsed.message);
			const p = await previewImport(db(), parsed.value);
			if (!p.ok) return failure(400, `Bộ tiêu chí không hợp lệ: ${p.errors.length} lỗi. Không có gì được nhập.`, p.errors);
			return {
				preview: {
					code: p.set.code,
					version: p.set.version,
					name: p.set.name,
					outcome: p.outcome,
					reason: p.reason ?? null,
					against: p.against,
					messages: p.diff?.messages ?? [],
					totalBefore: p.diff?.totalMaxBefore ?? null,
					totalAfter: p.diff?.totalMaxAfter ?? null,
					unverified: p.unverified.length
				},
				json: input.text
			};
		}),
	import: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'criteria.manage');
			const input = await readInput(event.request);
			if ('message' in input) return failure(400, input.message, input.errors);
			const parsed = parse(input.text);
			if ('message' in parsed) return failure(400, parsed.message);
			const r = await importCriteriaSet(db(), parsed.value, a);
			if (!r.ok) return failure(400, `Không nhập được: ${r.errors.length} lỗi. Không có gì được ghi.`, r.errors);
			redirect(303, `/criteria/${r.id}`);
		})
};
