/** The evidence module's Vietnamese messages. */
export const NOT_EDITABLE_MESSAGE =
	'Hồ sơ đã gửi hoặc đang được thẩm định nên không thể thay đổi tài liệu. Chỉ sửa được khi hồ sơ đang lập hoặc được yêu cầu bổ sung.';
export const NOT_FOUND_MESSAGE = 'Không tìm thấy tài liệu.';

/** "50 MB" in Vietnamese notation (decimal comma). */
export function formatMegabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: mb < 10 ? 1 : 0 }).format(mb)} MB`;
}

export const tooBigMessage = (maxBytes: number) =>
	`Tệp quá lớn: dung lượng tối đa cho mỗi tệp là ${formatMegabytes(maxBytes)}. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại.`;
