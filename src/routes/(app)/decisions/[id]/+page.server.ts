import { action, page, readForm, refusal } from '#lib/edge/index.ts';
import { authorize, parseId } from '#lib/server/auth/guard.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { certificatesOf, latestJob, PUBLIC_URL_MISSING_MESSAGE, startCertificateJob } from '#lib/server/certificates/index.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { fileStore } from '#lib/server/storage/index.ts';
import { loadDecision, revokeRecognition } from '#lib/server/decisions/index.ts';
import { invalid, notFound } from '#lib/server/errors.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const NOT_FOUND = 'Không tìm thấy quyết định.';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		const a = authorize(actor, 'decision.read');
		const decision = await loadDecision(db(), a, parseId(event.params.id, NOT_FOUND));
		if (!decision) throw notFound(NOT_FOUND);
		const [all, job] = await Promise.all([certificatesOf(db(), decision.id), latestJob(db(), decision.id)]);
		// only the communes this account may see
		const certificates = new Map([...all].filter(([itemId]) => decision.items.some((i) => i.id === itemId)));
		return {
			decision,
			canRevoke: can(a.role, 'decision.revoke') && decision.outcome === 'recognise',
			canIssueCertificates: can(a.role, 'certificate.issue') && decision.outcome === 'recognise',
			canPrint: can(a.role, 'certificate.print') && decision.outcome === 'recognise',
			// certificates are not issued without PUBLIC_URL (their QR codes' address): the page says so beforehand
			publicUrlMissing: appConfig().publicUrl === null ? PUBLIC_URL_MISSING_MESSAGE : null,
			certificates: Object.fromEntries(
				[...certificates].map(([itemId, c]) => [itemId, { serial: c.serial, code: c.code, sha256: c.sha256, printed: c.printed }])
			),
			job
		};
	});

export const actions: Actions = {
	certificates: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'certificate.issue');
			const decision = await loadDecision(db(), a, parseId(event.params.id, NOT_FOUND));
			if (!decision) throw notFound(NOT_FOUND);
			try {
				// the QR codes' address comes from PUBLIC_URL only (the module refuses without it)
				await startCertificateJob(db(), appConfig(), fileStore(), a, decision.id, {
					onlyItems: decision.items.map((i) => i.id),
					render: renderInPool,
					tmpDir: appConfig().storage.tmpDir
				});
			} catch (e) {
				// shown beside the issue button
				return refusal(e, { certificates: true as const });
			}
			return { done: 'Đang cấp giấy chứng nhận; tiến độ hiển thị bên dưới.', certificates: true as const };
		}),

	revoke: (event) =>
		action(event, async (actor) => {
			const a = authorize(actor, 'decision.revoke');
			const data = await readForm(event.request);
			const raw = data?.get('reason');
			const reason = typeof raw === 'string' ? raw : '';
			const itemId = Number(data?.get('itemId'));
			try {
				if (!data || !Number.isInteger(itemId) || itemId < 1) throw invalid('Yêu cầu thu hồi không hợp lệ.');
				const length = reason.normalize('NFC').trim().length;
				if (length < 5 || length > 2000)
					throw invalid('Lý do thu hồi từ 5 đến 2.000 ký tự.', { reason: 'Lý do thu hồi từ 5 đến 2.000 ký tự.' });
				// the item must belong to this decision and be visible to the account
				const decision = await loadDecision(db(), a, parseId(event.params.id, NOT_FOUND));
				const item = decision?.items.find((i) => i.id === itemId);
				if (!decision || !item) throw notFound('Không tìm thấy xã này trong quyết định.');
				await revokeRecognition(db(), a, item.id, reason);
				return { done: `Đã thu hồi công nhận ${item.communeName}.`, itemId: item.id };
			} catch (e) {
				return refusal(e, { itemId: Number.isInteger(itemId) && itemId > 0 ? itemId : null, reason });
			}
		})
};
