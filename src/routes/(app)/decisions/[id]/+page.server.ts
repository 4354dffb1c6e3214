import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { authorize, actorOf } from '#lib/server/auth/guard.ts';
import { db, appConfig } from '#lib/server/app.ts';
import { certificatesOf, latestJob, startCertificateJob } from '#lib/server/certificates/index.ts';
import { renderInPool } from '#lib/server/documents/pool.ts';
import { fileStore, storageSettings } from '#lib/server/storage/index.ts';
import { loadDecision, revokeRecognition } from '#lib/server/decisions/index.ts';
import { WorkflowError } from '#lib/server/assessments/workflow.ts';
import { can } from '#lib/domain/access.ts';
import type { Actions, PageServerLoad } from './$types';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

export const load: PageServerLoad = async (event) => {
	const account = authorize(event, 'decision.read');
	const id = idSchema.safeParse(event.params.id);
	const decision = id.success ? await loadDecision(db(), actorOf(account), id.data) : undefined;
	if (!decision) error(404, 'Không tìm thấy quyết định.');
	const [all, job] = await Promise.all([certificatesOf(db(), decision.id), latestJob(db(), decision.id)]);
	// only the communes this account may see
	const certificates = new Map([...all].filter(([itemId]) => decision.items.some((i) => i.id === itemId)));
	return {
		decision,
		canRevoke: can(account.role, 'decision.revoke') && decision.outcome === 'recognise',
		canIssueCertificates: can(account.role, 'certificate.issue') && decision.outcome === 'recognise',
		canPrint: can(account.role, 'certificate.print') && decision.outcome === 'recognise',
		certificates: Object.fromEntries(
			[...certificates].map(([itemId, c]) => [itemId, { serial: c.serial, code: c.code, sha256: c.sha256, printed: c.printed }])
		),
		job
	};
};

export const actions: Actions = {
	certificates: async (event) => {
		const account = authorize(event, 'certificate.issue');
		const id = idSchema.safeParse(event.params.id);
		const decision = id.success ? await loadDecision(db(), actorOf(account), id.data) : undefined;
		if (!decision) return fail(404, { message: 'Không tìm thấy quyết định.' });
		try {
			await startCertificateJob(db(), appConfig(), fileStore(), { id: account.id, label: account.email }, decision.id, {
				onlyItems: decision.items.map((i) => i.id),
				baseUrl: appConfig().publicUrl ?? event.url.origin,
				render: renderInPool,
				tmpDir: storageSettings().tmpDir
			});
		} catch (e) {
			if (e instanceof WorkflowError) return fail(e.status, { message: e.message });
			throw e;
		}
		return { done: 'Đang cấp giấy chứng nhận; tiến độ hiển thị bên dưới.' };
	},

	revoke: async (event) => {
		const account = authorize(event, 'decision.revoke');
		const data = await event.request.formData().catch(() => null);
		const raw = data?.get('reason');
		const reason = typeof raw === 'string' ? raw : '';
		const id = idSchema.safeParse(event.params.id);
		const itemId = idSchema.safeParse(data?.get('itemId'));
		if (!data || !id.success || !itemId.success)
			return fail(400, {
				message: 'Yêu cầu thu hồi không hợp lệ.',
				itemId: null as number | null,
				reason,
				fieldErrors: {} as Record<string, string>
			});
		const length = reason.normalize('NFC').trim().length;
		if (length < 5 || length > 2000) {
			const msg = 'Lý do thu hồi từ 5 đến 2.000 ký tự.';
			return fail(400, { message: msg, itemId: itemId.data, reason, fieldErrors: { reason: msg } as Record<string, string> });
		}
		// the item must belong to this decision and be visible to the account
		const decision = await loadDecision(db(), actorOf(account), id.data);
		const item = decision?.items.find((i) => i.id === itemId.data);
		if (!decision || !item)
			return fail(404, {
				message: 'Không tìm thấy xã này trong quyết định.',
				itemId: itemId.data,
				reason,
				fieldErrors: {} as Record<string, string>
			});
		try {
			await revokeRecognition(db(), { ...actorOf(account), label: account.email }, item.id, reason);
		} catch (e) {
			if (e instanceof WorkflowError)
				return fail(e.status, { message: e.message, itemId: item.id, reason, fieldErrors: {} as Record<string, string> });
			throw e;
		}
		return { done: `Đã thu hồi công nhận ${item.communeName}.`, itemId: item.id };
	}
};
