/**
 * The per-route guard. Every `load`, form action and endpoint calls `authorize` (or
 * `authorizeUnit` for an object of one commune) itself; a layout never stands guard alone.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { canOnUnit, scopeOf, type Action, type Actor, type UnitPlace } from '../../domain/access.ts';
import type { SessionAccount } from '../accounts/index.ts';

export function actorOf(account: SessionAccount): Actor {
	return { id: account.id, role: account.role, unit: account.unit ? { id: account.unit.id, level: account.unit.level } : null };
}

/** The signed-in account if its role may perform `action`; otherwise sign-in or 403. */
export function authorize(event: Pick<RequestEvent, 'locals' | 'url'>, action: Action): SessionAccount {
	const account = event.locals.account;
	if (!account) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/login?next=${encodeURIComponent(next)}`);
	}
	if (!scopeOf(account.role, action)) error(403, 'Bạn không có quyền thực hiện thao tác này.');
	return account;
}

/** As `authorize`, and the object's commune must lie within the account's scope. Answers 404
 * rather than 403 so that one commune cannot learn what exists in another. */
export function authorizeUnit(
	event: Pick<RequestEvent, 'locals' | 'url'>,
	action: Action,
	place: UnitPlace | undefined | null
): SessionAccount {
	const account = authorize(event, action);
	if (!place || !canOnUnit(actorOf(account), action, place)) error(404, 'Không tìm thấy.');
	return account;
}
