import type { Actor } from '#lib/domain/access.ts';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in account, built once per request by the hooks (null: not signed in). */
			actor: Actor | null;
			sessionId: string | null;
			/** The account's unread notifications when the request came in (read with the session). */
			unread: number;
			requestId: string;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
