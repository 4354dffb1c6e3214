/**
 * The data-entry pages' universal load: their data with the criteria set its reference names
 * (see $lib/criteria-set-ref.ts). In the browser a set that cannot be downloaded (the connection
 * dropped for good) shows the error page with what to do; nothing typed is lost, as nothing
 * could be typed before the page was shown.
 */
import { error } from '@sveltejs/kit';
import { criteriaSetFor, type CriteriaSetRef } from '../criteria-set-ref.ts';
import type { CriteriaSet } from '../domain/criteria/schema.ts';

const LOAD_FAILED_MESSAGE =
	'Không tải được bộ tiêu chí của hồ sơ (đường truyền bị gián đoạn). Số liệu đã lưu không mất: hãy tải lại trang khi có mạng.';

export async function withCriteriaSet<D extends { setRef: CriteriaSetRef }>(
	data: D,
	fetch: typeof globalThis.fetch
): Promise<D & { set: CriteriaSet }> {
	try {
		return { ...data, set: await criteriaSetFor(data.setRef, fetch) };
	} catch (e) {
		if (typeof window === 'undefined') throw e;
		error(503, LOAD_FAILED_MESSAGE);
	}
}
