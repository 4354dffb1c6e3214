/**
 * Reading the audit trail for people (the administration pages): the newest records, optionally
 * of one action prefix or one object. Display only: no rule of the app reads the trail.
 */
import type { DB } from '../db/index.ts';

/** The newest 100 records (older ones with `before`), optionally those whose action starts with `action`. */
export async function listAuditRecords(db: DB, opts: { action?: string; before?: number } = {}) {
	let q = db
		.selectFrom('audit_log')
		.select(['id', 'at', 'actor_label', 'action', 'object_type', 'object_id', 'ip'])
		.orderBy('id', 'desc')
		.limit(100);
	if (opts.action) q = q.where('action', 'like', `${opts.action.replace(/[%_\\]/g, '')}%`);
	if (opts.before) q = q.where('id', '<', opts.before);
	return q.execute();
}

/** The last 50 records about one object (e.g. an account's history). */
export async function objectHistory(db: DB, objectType: string, objectId: string | number) {
	return db
		.selectFrom('audit_log')
		.select(['at', 'action', 'actor_label', 'ip'])
		.where('object_type', '=', objectType)
		.where('object_id', '=', String(objectId))
		.orderBy('id', 'desc')
		.limit(50)
		.execute();
}
