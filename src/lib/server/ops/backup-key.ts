/**
 * The backup signing key (BACKUP_SIGNING_KEY_FILE) and the signature of a backup's manifest.
 *
 * A backup's `manifest.json` holds the SHA-256 of every table file and stored file and the audit
 * trail's chain heads; anyone who can write to the backup can edit a table and recompute those
 * sums. `manifest.sig` is an Ed25519 signature over the manifest's exact bytes by the
 * deployment's backup key, which stays on the deployment (never with the backups): a forger
 * without it cannot make a manifest that `restore` accepts.
 *
 * A key of its own rather than the certificate key (SIGNING_KEY_FILE): the certificate key is
 * shared by every app instance and kept with the backups (certificates must stay verifiable after
 * a disaster), so whoever holds the backups could re-sign a forged one with it; the backup key is
 * needed only by the command line, and losing it costs nothing but an explicit `--trust-unsigned`
 * or `--public-key` at restore.
 *
 * `manifest.sig` is JSON: `{ format, algorithm: "ed25519", keyId, manifestSha256, signature }`,
 * the signature (base64) over `"xa-backup/manifest-signature/1\n" + <the bytes of manifest.json>`.
 *
 * Plain Node module (the command line uses it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { keyIdOf } from '../certificates/signing.ts';
import { DIR_MODE, FILE_MODE } from '../storage/index.ts';

export const SIGNATURE_FILE = 'manifest.sig';
export const SIGNATURE_FORMAT = 'xa-backup-signature/1';
/** What is signed: this context, then the manifest's bytes (no other signature of ours starts so). */
const CONTEXT = Buffer.from('xa-backup/manifest-signature/1\n', 'utf8');

export type BackupKey = { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject; keyId: string };

export const MISSING_BACKUP_KEY_MESSAGE =
	'Chưa có khóa ký bản sao lưu: chạy "npm run cli -- backup keygen" (lệnh backup cũng tự tạo khóa khi chưa có).';

/** Creates a new backup key file (0600 in a 0700 directory); refuses to replace one unless `force`. */
export function generateBackupKey(file: string, opts: { force?: boolean } = {}): BackupKey {
	if (fs.existsSync(file) && !opts.force)
		throw new AppError(
			'conflict',
			`Khóa ký bản sao lưu đã có tại ${file}; dùng --force để thay (các bản sao lưu đã ký bằng khóa cũ khi đó chỉ khôi phục được với --public-key <khóa công khai cũ>).`
		);
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
	const dir = path.dirname(file);
	fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
	// a keys directory left open to others by an older version: closed
	if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, DIR_MODE);
	const tmp = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: FILE_MODE, flag: 'w' });
	fs.chmodSync(tmp, FILE_MODE);
	fs.renameSync(tmp, file);
	return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** The backup key in `file`, or null when there is none. */
export function loadBackupKey(file: string): BackupKey | null {
	let pem: Buffer;
	try {
		pem = fs.readFileSync(file);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new AppError(
			'invalid',
			`Không đọc được khóa ký bản sao lưu ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
		);
	}
	let privateKey: crypto.KeyObject;
	try {
		privateKey = crypto.createPrivateKey(pem);
	} catch {
		throw new AppError('invalid', `${file} không phải khóa riêng (PEM) hợp lệ.`);
	}
	if (privateKey.asymmetricKeyType !== 'ed25519') throw new AppError('invalid', `${file} không phải khóa Ed25519.`);
	const publicKey = crypto.createPublicKey(privateKey);
	return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** The key in `file`, created first if there is none. */
export function ensureBackupKey(file: string): { key: BackupKey; created: boolean } {
	const key = loadBackupKey(file);
	if (key) return { key, created: false };
	return { key: generateBackupKey(file), created: true };
}

/** An Ed25519 public key from a PEM (a public key, or a private key whose public half is taken). */
export function parsePublicKey(pem: string | Buffer, where = 'khóa'): crypto.KeyObject {
	let key: crypto.KeyObject;
	try {
		key = crypto.createPublicKey(pem);
	} catch {
		throw new AppError('invalid', `${where} không phải khóa công khai (PEM) hợp lệ.`);
	}
	if (key.asymmetricKeyType !== 'ed25519') throw new AppError('invalid', `${where} không phải khóa Ed25519.`);
	return key;
}

/** The public key in the PEM file `file` (public or private). */
export function readPublicKeyFile(file: string): crypto.KeyObject {
	let pem: Buffer;
	try {
		pem = fs.readFileSync(file);
	} catch (e) {
		throw new AppError('invalid', `Không đọc được tệp khóa ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
	}
	return parsePublicKey(pem, `Tệp ${file}`);
}

export function backupPublicKeyPem(key: { publicKey: crypto.KeyObject }): string {
	return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export { keyIdOf };

const signatureSchema = z.object({
	format: z.literal(SIGNATURE_FORMAT),
	algorithm: z.literal('ed25519'),
	keyId: z.string().regex(/^[0-9a-f]{16}$/),
	manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
	signature: z.string().min(1)
});
export type ManifestSignature = z.infer<typeof signatureSchema>;

/** The signature file's content for the manifest bytes `manifest`. */
export function signManifest(manifest: Buffer, key: BackupKey): ManifestSignature {
	return {
		format: SIGNATURE_FORMAT,
		algorithm: 'ed25519',
		keyId: key.keyId,
		manifestSha256: crypto.createHash('sha256').update(manifest).digest('hex'),
		signature: crypto.sign(null, Buffer.concat([CONTEXT, manifest]), key.privateKey).toString('base64')
	};
}

/**
 * Checks `signatureText` (the content of manifest.sig, or null when there is none) over the
 * manifest bytes against `publicKey`. The reason is a Vietnamese sentence.
 */
export function checkManifestSignature(
	manifest: Buffer,
	signatureText: string | null,
	publicKey: crypto.KeyObject
): { ok: true; keyId: string } | { ok: false; reason: string } {
	const expected = keyIdOf(publicKey);
	if (signatureText === null) return { ok: false, reason: `bản sao lưu không có chữ ký (${SIGNATURE_FILE})` };
	let sig: ManifestSignature;
	try {
		sig = signatureSchema.parse(JSON.parse(signatureText));
	} catch {
		return { ok: false, reason: `${SIGNATURE_FILE} không đúng định dạng ${SIGNATURE_FORMAT}` };
	}
	if (sig.keyId !== expected)
		return { ok: false, reason: `bản sao lưu được ký bằng khóa ${sig.keyId}, không phải khóa ${expected} dùng để kiểm tra` };
	let valid = false;
	try {
		valid = crypto.verify(null, Buffer.concat([CONTEXT, manifest]), publicKey, Buffer.from(sig.signature, 'base64'));
	} catch {
		valid = false;
	}
	if (!valid) return { ok: false, reason: `chữ ký không khớp nội dung manifest.json (manifest đã bị sửa sau khi ký)` };
	return { ok: true, keyId: sig.keyId };
}
