/**
 * Browser side of evidence uploads: checks before sending (a courtesy — the server decides),
 * and an XMLHttpRequest upload that reports progress (fetch cannot report upload progress).
 */

export type UploadFields = {
	kind: string;
	indicators: string[];
	docNumber: string;
	issuedOn: string;
	issuer: string;
	summary: string;
};

export type UploadSuccess = { id: number; code?: string; name: string; size: number; sha256: string };

export type UploadOutcome =
	| { ok: true; data: UploadSuccess }
	| { ok: false; status: number; message: string; fieldErrors: Record<string, string>; aborted?: boolean };

/** "1,5 MB", "820 KB", "12 byte" (Vietnamese number format). */
export function formatBytes(bytes: number): string {
	const nf = (n: number, digits: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(n);
	if (bytes < 1024) return `${bytes} byte`;
	if (bytes < 1024 * 1024) return `${nf(bytes / 1024, 0)} KB`;
	const mb = bytes / (1024 * 1024);
	return `${nf(mb, mb < 10 ? 1 : 0)} MB`;
}

/** A Vietnamese message if the file cannot be sent, or null. */
export function checkFile(file: { name: string; size: number }, maxBytes: number, acceptExtensions: readonly string[]): string | null {
	if (file.size === 0) return `Tệp “${file.name}” rỗng (0 byte).`;
	if (file.size > maxBytes) {
		return `Tệp “${file.name}” có dung lượng ${formatBytes(file.size)}, vượt quá giới hạn ${formatBytes(maxBytes)} cho mỗi tệp. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại.`;
	}
	const dot = file.name.lastIndexOf('.');
	const ext = dot >= 0 ? file.name.slice(dot + 1).toLowerCase() : '';
	if (!acceptExtensions.includes(ext)) {
		return `Tệp “${file.name}” không thuộc định dạng được chấp nhận (PDF, JPEG, PNG, WebP, DOCX, XLSX, ODT, ODS).`;
	}
	return null;
}

/** The multipart body in the order the server requires: the text fields first, the file last. */
export function buildUploadForm(fields: UploadFields, file: File): FormData {
	const form = new FormData();
	form.append('kind', fields.kind);
	for (const code of fields.indicators) form.append('indicator', code);
	form.append('doc_number', fields.docNumber);
	form.append('issued_on', fields.issuedOn);
	form.append('issuer', fields.issuer);
	form.append('summary', fields.summary);
	form.append('file', file, file.name);
	return form;
}

const NETWORK_ERROR = 'Mất kết nối trong khi tải lên. Hãy kiểm tra mạng rồi thử lại.';
const SESSION_ERROR = 'Phiên đăng nhập đã hết hạn. Hãy tải lại trang và đăng nhập lại, rồi tải tệp lên lần nữa.';

/**
 * Sends `form` with XMLHttpRequest, calling `onProgress(loaded, total)` as the body goes out.
 * `signal` aborts the upload. Never rejects: failures come back as `{ ok: false }`.
 */
export function uploadWithProgress(
	url: string,
	form: FormData,
	onProgress: (loaded: number, total: number) => void,
	signal?: AbortSignal
): Promise<UploadOutcome> {
	return new Promise((resolve) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', url);
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.responseType = 'text';
		xhr.upload.addEventListener('progress', (e) => {
			if (e.lengthComputable) onProgress(e.loaded, e.total);
		});
		const failed = (status: number, message: string, fieldErrors: Record<string, string> = {}, aborted = false) =>
			resolve({ ok: false, status, message, fieldErrors, aborted });
		xhr.addEventListener('load', () => {
			let body: unknown = null;
			try {
				body = JSON.parse(xhr.responseText);
			} catch {
				/* not JSON */
			}
			const b = (body ?? {}) as { message?: unknown; fieldErrors?: unknown };
			if (xhr.status === 201 && body && typeof body === 'object' && 'id' in body) return resolve({ ok: true, data: body as UploadSuccess });
			if (new URL(xhr.responseURL || url, location.href).pathname === '/login') return failed(401, SESSION_ERROR);
			let message = `Máy chủ không nhận tệp (mã lỗi ${xhr.status}). Hãy thử lại sau.`;
			if (xhr.status >= 500) message = 'Máy chủ gặp lỗi khi lưu tệp. Hãy thử lại sau; nếu vẫn lỗi, hãy báo quản trị hệ thống.';
			else if (typeof b.message === 'string') message = b.message;
			else if (xhr.status === 413) message = 'Tệp quá lớn so với giới hạn cho phép.';
			failed(xhr.status, message, b.fieldErrors && typeof b.fieldErrors === 'object' ? (b.fieldErrors as Record<string, string>) : {});
		});
		xhr.addEventListener('error', () => failed(0, NETWORK_ERROR));
		xhr.addEventListener('timeout', () => failed(0, NETWORK_ERROR));
		xhr.addEventListener('abort', () => failed(0, 'Đã hủy tải lên.', {}, true));
		if (signal) {
			if (signal.aborted) return failed(0, 'Đã hủy tải lên.', {}, true);
			signal.addEventListener('abort', () => xhr.abort(), { once: true });
		}
		xhr.send(form);
	});
}
