import type { Actor } from '#lib/domain/access.ts';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in account, built once per request by the hooks (null: not signed in). */
			actor: Actor | null;
			sessionId: string | null;
			requestId: string;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
