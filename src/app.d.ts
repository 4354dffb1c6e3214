import type { SessionAccount } from '#lib/server/accounts/index.ts';

declare global {
	namespace App {
		interface Locals {
			account: SessionAccount | null;
			sessionId: string | null;
			requestId: string;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
