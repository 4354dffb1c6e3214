/**
 * The hash rule of the audit trail before the per-commune chains (migration
 * 2026-11-29-008-audit-chains): one global chain in id order, each record's hash the SHA-256 of
 * `prev_hash + "\n" + canonicalJson([at, actor_id, actor_label, action, object_type, object_id,
 * unit_id, ip, details])`. Kept to verify the trail of an old backup while it is restored (the
 * migration then rechains it); nothing writes it any more.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-json.ts';
import type { AuditContent } from './chain.ts';

export function legacyAuditHash(prevHash: string, r: AuditContent): string {
	const body = canonicalJson([
		r.at.toISOString(),
		r.actor_id,
		r.actor_label,
		r.action,
		r.object_type,
		r.object_id,
		r.unit_id,
		r.ip,
		r.details ?? {}
	]);
	return crypto.createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}
