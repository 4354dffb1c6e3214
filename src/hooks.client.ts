/**
 * Errors in the browser (a navigation whose data could not be fetched, most often for want of a
 * network): a Vietnamese message that says what to do, never SvelteKit's "Internal Error".
 * SvelteKit's own messages for framework errors (404 …) are put into Vietnamese by +error.svelte.
 */
import type { HandleClientError } from '@sveltejs/kit/hooks';

export const OFFLINE_PAGE_MESSAGE =
	'Mất kết nối mạng nên chưa mở được trang này. Số liệu đã nhập mà chưa lưu vẫn được giữ trên máy này và sẽ tự lưu khi có mạng. Hãy thử lại khi có mạng.';

export const handleError: HandleClientError = (input) => {
	if (input.kind !== 'unknown') return;
	const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
	if (offline || input.error instanceof TypeError) return { message: OFFLINE_PAGE_MESSAGE };
	return { message: 'Đã có lỗi xảy ra trên trình duyệt. Hãy tải lại trang; nếu lỗi còn, hãy báo quản trị hệ thống.' };
};
