import { error } from '@sveltejs/kit';
import { appConfig } from '#lib/server/app.ts';
import { loadSigningKey, publicKeyPem } from '#lib/server/certificates/signing.ts';
import type { RequestHandler } from './$types';

// Public route (PUBLIC_ROUTES): the deployment's Ed25519 public key, to check certificate QR
// payloads offline (`npm run cli -- certificate verify <payload> --public-key key.pem`).
export const GET: RequestHandler = async () => {
	const key = loadSigningKey(appConfig().signingKeyFile);
	if (!key) error(404, 'Chưa có khóa ký giấy chứng nhận.');
	return new Response(publicKeyPem(key), {
		headers: { 'Content-Type': 'application/x-pem-file; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Key-Id': key.keyId }
	});
};
