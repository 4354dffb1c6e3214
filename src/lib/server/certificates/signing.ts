/**
 * The deployment's Ed25519 key and the compact signed payload a certificate's QR code carries,
 * so that a certificate can be checked offline with the published public key.
 *
 * Payload: `XP1.<base64url(JSON claims)>.<base64url(signature over "XP1.<claims part>")>`.
 * The claims hold no personal data: the certificate's serial and verification code, the
 * commune, the decision and the validity period, and the id of the key that signed them.
 */
import { AppError } from '../errors.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PAYLOAD_PREFIX = 'XP1';

export type CertificateClaims = {
	/** serial */
	s: string;
	/** verification code */
	v: string;
	/** commune GSO code and name */
	c: string;
	n: string;
	/** decision number and date */
	d: string;
	t: string;
	/** valid from / until */
	f: string;
	u: string;
	/** key id */
	k: string;
};

export type SigningKey = { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject; keyId: string };

export const MISSING_KEY_MESSAGE = 'Chưa có khóa ký giấy chứng nhận: chạy "npm run cli -- certificate keygen".';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A key's id: the first 16 hex digits of the SHA-256 of its public key (DER). */
export function keyIdOf(publicKey: crypto.KeyObject): string {
	return crypto
		.createHash('sha256')
		.update(publicKey.export({ type: 'spki', format: 'der' }))
		.digest('hex')
		.slice(0, 16);
}

/** Creates a new key file (0600); refuses to replace an existing one unless `force`. */
export function generateSigningKey(file: string, opts: { force?: boolean } = {}): SigningKey {
	if (fs.existsSync(file) && !opts.force)
		throw new AppError(
			'conflict',
			`Khóa ký đã có tại ${file}; dùng --force để thay (giấy chứng nhận đã cấp sẽ không còn kiểm tra được bằng khóa mới).`
		);
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const tmp = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
	fs.renameSync(tmp, file);
	cache.delete(file);
	return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

const cache = new Map<string, SigningKey>();

/** The key in `file`, or null when there is none. */
export function loadSigningKey(file: string): SigningKey | null {
	const hit = cache.get(file);
	if (hit) return hit;
	if (!fs.existsSync(file)) return null;
	const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
	if (privateKey.asymmetricKeyType !== 'ed25519') throw new AppError('conflict', `${file} không phải khóa Ed25519.`);
	const publicKey = crypto.createPublicKey(privateKey);
	const key = { privateKey, publicKey, keyId: keyIdOf(publicKey) };
	cache.set(file, key);
	return key;
}

export function publicKeyPem(key: SigningKey): string {
	return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export function signClaims(claims: Omit<CertificateClaims, 'k'>, key: SigningKey): string {
	const body = `${PAYLOAD_PREFIX}.${b64url(JSON.stringify({ ...claims, k: key.keyId }))}`;
	return `${body}.${b64url(crypto.sign(null, Buffer.from(body), key.privateKey))}`;
}

export type VerifyResult = { ok: true; claims: CertificateClaims } | { ok: false; reason: string };

/** Extracts the payload from a QR text (the verification URL with `?p=`) or takes it as is. */
export function payloadFrom(text: string): string {
	const t = text.trim();
	try {
		const p = new URL(t).searchParams.get('p');
		if (p) return p;
	} catch {
		/* not a URL */
	}
	return t;
}

/** Checks a payload's form and signature against `publicKey` (a KeyObject or a PEM). */
export function verifyPayload(text: string, publicKey: crypto.KeyObject | string): VerifyResult {
	const payload = payloadFrom(text);
	const parts = payload.split('.');
	if (parts.length !== 3 || parts[0] !== PAYLOAD_PREFIX) return { ok: false, reason: 'Không phải mã của giấy chứng nhận (sai định dạng).' };
	const key = typeof publicKey === 'string' ? crypto.createPublicKey(publicKey) : publicKey;
	let valid = false;
	try {
		valid = crypto.verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
	} catch {
		valid = false;
	}
	if (!valid) return { ok: false, reason: 'Chữ ký số không hợp lệ: mã đã bị sửa hoặc không do hệ thống này cấp.' };
	let claims: CertificateClaims;
	try {
		claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
	} catch {
		return { ok: false, reason: 'Nội dung mã không đọc được.' };
	}
	if (claims.k !== keyIdOf(key)) return { ok: false, reason: 'Mã được ký bằng khóa khác.' };
	return { ok: true, claims };
}
