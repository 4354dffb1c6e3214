/**
 * The outbox: edits that are not saved yet, kept in the browser (localStorage) so that a bad
 * connection, a reload or a navigation never loses them, and saved by themselves when the
 * connection returns.
 *
 * - Every autosaved value is written here as soon as it differs from the stored one (with the
 *   revision it was typed on), and removed once the server has it.
 * - A save that fails for want of a network (or a 5xx from a proxy) marks its entry `failed`;
 *   the outbox then retries with backoff (2 s, 4 s … 30 s) and at once when the browser says it
 *   is online again. A value whose page is open is retried by its own autosaver (which shows the
 *   result and handles a conflict); one whose page was left is sent from here: saved, it is
 *   removed; refused as a conflict, it waits for its page, which offers the usual choice.
 * - `failed` is reactive, for the banner and for the warning before leaving the page.
 */

export type OutboxEntry = {
	url: string;
	/** The request body (JSON) that saves the value on the revision it was typed on. */
	body: Record<string, unknown>;
	value: unknown;
	revision: number;
	/** A save was tried and did not reach the server. */
	failed: boolean;
	/** The server answered 409 to a save sent from here: the page must let the user choose. */
	conflict?: boolean;
	at: string;
};

/** What the outbox asks of an open page's autosaver. */
export type OutboxOwner = { retryNow: () => void };

import { sameAnswer } from './EntryAnswer.ts';

const PREFIX = 'xa-outbox:';
const BACKOFF_MS = [2_000, 4_000, 8_000, 16_000, 30_000];

function storage(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}

class Outbox {
	/** Entries whose save did not reach the server (reactive). */
	failed = $state(0);
	#owners = new Map<string, OutboxOwner>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	#attempt = 0;
	#started = false;
	#flushing = false;

	get(key: string): OutboxEntry | null {
		const s = storage();
		try {
			const raw = s?.getItem(PREFIX + key);
			return raw ? (JSON.parse(raw) as OutboxEntry) : null;
		} catch {
			return null;
		}
	}

	put(key: string, entry: Omit<OutboxEntry, 'at'>): void {
		try {
			storage()?.setItem(PREFIX + key, JSON.stringify({ ...entry, at: new Date().toISOString() }));
		} catch {
			/* storage full or unavailable: the page still holds the value */
		}
		this.#count();
		if (entry.failed) this.#schedule();
	}

	remove(key: string): void {
		try {
			storage()?.removeItem(PREFIX + key);
		} catch {
			/* unavailable */
		}
		this.#count();
	}

	keys(): string[] {
		const s = storage();
		if (!s) return [];
		const out: string[] = [];
		for (let i = 0; i < s.length; i++) {
			const k = s.key(i);
			if (k?.startsWith(PREFIX)) out.push(k.slice(PREFIX.length));
		}
		return out;
	}

	/** An open page's autosaver takes charge of its key while it is mounted. */
	own(key: string, owner: OutboxOwner): () => void {
		this.#owners.set(key, owner);
		return () => {
			if (this.#owners.get(key) === owner) this.#owners.delete(key);
		};
	}

	/** Listens for the connection and sends what a previous visit left (once per page load). */
	start(): void {
		if (this.#started || typeof window === 'undefined') return;
		this.#started = true;
		window.addEventListener('online', () => {
			this.#attempt = 0;
			void this.flush();
		});
		this.#count();
		if (this.keys().length) void this.flush();
	}

	/** Tries every entry now. */
	async flush(): Promise<void> {
		if (this.#flushing) return;
		this.#flushing = true;
		this.#clearTimer();
		let unreachable = false;
		try {
			for (const key of this.keys()) {
				const owner = this.#owners.get(key);
				if (owner) {
					owner.retryNow();
					continue;
				}
				const e = this.get(key);
				if (!e || e.conflict) continue;
				let res: Response;
				try {
					res = await fetch(e.url, {
						method: 'PUT',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(e.body),
						credentials: 'same-origin',
						redirect: 'manual'
					});
				} catch {
					unreachable = true;
					continue;
				}
				if (res.ok) this.remove(key);
				else if (res.status === 409) {
					// already stored exactly so (another tab, or a request the closing tab left): saved
					const body = (await res.json().catch(() => null)) as { stored?: { value?: unknown } } | null;
					if (body?.stored && sameAnswer(body.stored.value, e.value)) this.remove(key);
					else this.put(key, { ...e, failed: true, conflict: true });
				} else if (res.status >= 500 || res.type === 'opaqueredirect' || res.status === 401) unreachable = true;
				// 400: the value cannot be saved as it is; it stays for its page to show the reason
				else this.put(key, { ...e, failed: true, conflict: false });
			}
		} finally {
			this.#flushing = false;
		}
		this.#count();
		if (unreachable) this.#schedule();
		else this.#attempt = 0;
	}

	#schedule(): void {
		if (this.#timer !== null || typeof window === 'undefined') return;
		const delay = BACKOFF_MS[Math.min(this.#attempt, BACKOFF_MS.length - 1)];
		this.#attempt++;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.flush();
		}, delay);
	}

	#clearTimer(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#count(): void {
		this.failed = this.keys().filter((k) => this.get(k)?.failed).length;
	}
}

export const outbox = new Outbox();
