import { error } from '@sveltejs/kit';
import { db, appConfig } from '#lib/server/app.ts';
import { verifyCertificate, verifyRateLimited } from '#lib/server/certificates/index.ts';
import { loadSigningKey, verifyPayload } from '#lib/server/certificates/signing.ts';
import type { PageServerLoad } from './$types';

// Public route (PUBLIC_ROUTES): anyone holding a certificate checks it here, without signing in.
// It shows no personal data, and is rate-limited per client address.
export const load: PageServerLoad = async (event) => {
	let ip = 'unknown';
	try {
		ip = event.getClientAddress();
	} catch {
		/* no address */
	}
	if (await verifyRateLimited(db(), ip)) error(429, 'Quá nhiều lượt tra cứu từ địa chỉ này; hãy thử lại sau một phút.');
	event.setHeaders({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
	const code = event.params.code.toUpperCase();
	const certificate = await verifyCertificate(db(), code);
	// the QR's signed payload, when the page was opened from it
	const payload = event.url.searchParams.get('p');
	let signature: { ok: boolean; message: string } | null = null;
	if (payload) {
		const key = loadSigningKey(appConfig().signingKeyFile);
		const r = key ? verifyPayload(payload, key.publicKey) : { ok: false as const, reason: 'Máy chủ chưa có khóa ký.' };
		signature = r.ok
			? r.claims.v === code
				? { ok: true, message: `Chữ ký số hợp lệ (khóa ${r.claims.k}): ${r.claims.n}, quyết định ${r.claims.d} ngày ${r.claims.t}.` }
				: { ok: false, message: 'Mã trong QR không khớp với mã xác minh trên đường dẫn.' }
			: { ok: false, message: r.reason };
	}
	return { code, certificate: certificate ?? null, signature };
};
