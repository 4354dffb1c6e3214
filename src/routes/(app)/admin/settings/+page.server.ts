import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize } from '#lib/server/auth/guard.ts';
import { appConfig, db } from '#lib/server/app.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { checkEmblemLayout } from '#lib/server/certificates/index.ts';
import { AppError, invalid, isAppError } from '#lib/server/errors.ts';
import {
	EMBLEM_EMPTY_MESSAGE,
	EMBLEM_MAX_BYTES,
	EMBLEM_SIZE_MESSAGE,
	LEGAL_BASES_MAX,
	loadDocumentSettings,
	proposerOf,
	removeEmblem,
	saveLegalBases,
	saveReviewOffice,
	setEmblem
} from '#lib/server/settings/index.ts';
import type { Actions, PageServerLoad } from './$types';

const who = (s: { isDefault: boolean; updatedAt: Date | null; updatedBy: string | null }) =>
	s.isDefault ? null : { at: s.updatedAt, by: s.updatedBy };

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'settings.manage');
		const s = await loadDocumentSettings(db(), appConfig());
		const e = s.emblem.value;
		return {
			legalBases: { lines: s.legalBases.value, isDefault: s.legalBases.isDefault, changed: who(s.legalBases) },
			reviewOffice: {
				...s.reviewOffice.value,
				isDefault: s.reviewOffice.isDefault,
				changed: who(s.reviewOffice),
				proposer: proposerOf(s.reviewOffice.value)
			},
			emblem: e ? { mime: e.mime, size: e.size, sha256: e.sha256, changed: who(s.emblem) } : null,
			limits: { legalBases: LEGAL_BASES_MAX, emblemBytes: EMBLEM_MAX_BYTES }
		};
	});

const text = (data: FormData | null, key: string) => {
	const v = data?.get(key);
	return typeof v === 'string' ? v : '';
};

export const actions: Actions = {
	legalBases: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'settings.manage');
			const data = await readForm(event.request);
			const value = text(data, 'legalBases');
			try {
				const lines = await saveLegalBases(db(), a, value);
				return {
					form: 'legalBases' as const,
					done: `Đã lưu ${lines.length} căn cứ pháp lý; các quyết định ban hành từ nay dùng nội dung này.`
				};
			} catch (e) {
				return refusal(e, { form: 'legalBases' as const, values: { legalBases: value } });
			}
		}),

	reviewOffice: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'settings.manage');
			const data = await readForm(event.request);
			const values = { officeName: text(data, 'officeName'), headTitle: text(data, 'headTitle') };
			try {
				const office = await saveReviewOffice(db(), a, { name: values.officeName, headTitle: values.headTitle });
				return { form: 'reviewOffice' as const, done: `Đã lưu: "Theo đề nghị của ${proposerOf(office)}".` };
			} catch (e) {
				return refusal(e, { form: 'reviewOffice' as const, values });
			}
		}),

	emblem: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'settings.manage');
			try {
				// the form's other fields are a few bytes: the image's limit and a margin
				const data = await readForm(event.request, EMBLEM_MAX_BYTES + 64 * 1024);
				const file = data?.get('emblem');
				if (!(file instanceof File) || file.size === 0) throw invalid(EMBLEM_EMPTY_MESSAGE, { emblem: EMBLEM_EMPTY_MESSAGE });
				const bytes = new Uint8Array(await file.arrayBuffer());
				await setEmblem(db(), fileStore(), a, bytes, {
					tmpDir: appConfig().storage.tmpDir,
					check: (emblem) => checkEmblemLayout(emblem, renderInPool)
				});
				return { form: 'emblem' as const, done: 'Đã lưu ảnh quốc huy; giấy chứng nhận cấp hoặc in từ nay có quốc huy ở đầu trang.' };
			} catch (e) {
				// a body over the limit is cut off before the file is read: said at the field too
				const err =
					isAppError(e) && e.kind === 'too_large'
						? new AppError('too_large', EMBLEM_SIZE_MESSAGE, { fieldErrors: { emblem: EMBLEM_SIZE_MESSAGE } })
						: e;
				return refusal(err, { form: 'emblem' as const });
			}
		}),

	removeEmblem: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'settings.manage');
			const removed = await removeEmblem(db(), a);
			return {
				form: 'emblem' as const,
				done: removed ? 'Đã gỡ ảnh quốc huy; giấy chứng nhận từ nay không có quốc huy.' : 'Chưa có ảnh quốc huy.'
			};
		})
};
