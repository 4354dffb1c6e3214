/**
 * Autosave of one value (an indicator's answer, or the base counts) to the answers endpoint,
 * with optimistic concurrency:
 * - `change(value)` after each edit: saved ~800 ms after typing stops; `flush()` saves at once
 *   (on blur, before leaving the page);
 * - saves of one value never overlap: an edit during a save is saved right after it;
 * - 409 with a conflict stops autosaving and exposes both values until the user chooses
 *   (`keepMine`: re-save on the stored revision; `useStored`: adopt the stored value). When the
 *   stored value is the same as ours (e.g. our own earlier save), there is nothing to choose.
 * - with a `key`, the value is also kept in the outbox (outbox.svelte.ts) until the server has
 *   it: a save that cannot reach the server ('offline') is retried by itself with backoff and
 *   when the connection returns, and an edit left unsaved (reload, navigation, a closed tab) is
 *   put back into the form on the next visit, or offered as a conflict if the stored value
 *   changed meanwhile.
 * The status is reactive ($state) for the save-status line.
 */
import { formatDateTime, formatTime, sameAnswer } from './EntryAnswer.ts';
import { outbox } from './outbox.svelte.ts';

export const AUTOSAVE_DELAY_MS = 800;

// The endpoint's shapes (src/lib/server/answers, which the browser cannot import).
export type Saver = { id: number | null; name: string } | null;
export type Stored<T> = { value: T | null; revision: number; updatedAt: string | null; updatedBy: Saver };

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'offline' | 'error' | 'conflict' | 'locked';

export const OFFLINE_MESSAGE = 'Chưa lưu: mất kết nối mạng. Số liệu được giữ trên máy này và sẽ tự lưu khi có mạng.';

type Response409 = { ok: false; conflict: true; message: string; yours: unknown; stored: Stored<unknown> };

export class Autosaver<T> {
	status = $state<SaveStatus>('idle');
	/** Error text (Vietnamese) when status is 'error' or 'locked'. */
	message = $state('');
	/** Field errors from the server (400), by field name. */
	fieldErrors = $state<Record<string, string>>({});
	/** When the current value was saved last (ISO), and by whom. */
	savedAt = $state<string | null>(null);
	savedBy = $state<Saver>(null);
	revision = $state(0);
	conflict = $state<{ yours: T | null; stored: Stored<T> } | null>(null);

	#url: string;
	#body: (value: T | null, expectedRevision: number) => Record<string, unknown>;
	#onStored: (value: T | null) => void;
	#saved: T | null;
	#current: T | null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#inFlight = false;
	#again = false;
	#savedNow = false;
	#key: string | null;
	#release: (() => void) | null = null;

	constructor(opts: {
		url: string;
		/** Where the unsaved value is kept in the outbox (unique per value); none: not kept. */
		key?: string;
		stored: Stored<T>;
		/** The request body for a value. */
		body: (value: T | null, expectedRevision: number) => Record<string, unknown>;
		/** Called when the stored value replaces ours ("Dùng giá trị đã lưu"). */
		onStored: (value: T | null) => void;
	}) {
		this.#url = opts.url;
		this.#body = opts.body;
		this.#onStored = opts.onStored;
		this.#saved = opts.stored.value;
		this.#current = opts.stored.value;
		this.revision = opts.stored.revision;
		this.savedAt = opts.stored.updatedAt;
		this.savedBy = opts.stored.updatedBy;
		this.#key = opts.key ?? null;
		if (this.#key && typeof window !== 'undefined') {
			this.#release = outbox.own(this.#key, { retryNow: () => this.#retryNow() });
			this.#restore(opts.stored);
		}
	}

	/** An edit a previous visit could not save: back into the form, or a choice if the stored value moved on. */
	#restore(stored: Stored<T>): void {
		const e = outbox.get(this.#key!);
		if (!e) return;
		const value = e.value as T | null;
		if (sameAnswer(value, stored.value)) return outbox.remove(this.#key!);
		this.#current = value;
		this.#onStored(value);
		if (e.revision === stored.revision) {
			this.status = 'pending';
			this.message = '';
			// the form's first change() schedules the save; a failed entry is retried at once
			if (e.failed) queueMicrotask(() => this.#retryNow());
		} else {
			this.conflict = { yours: value, stored };
			this.status = 'conflict';
		}
	}

	/** Keeps the value in the outbox (`failed`: a save did not reach the server), or drops it once stored. */
	#keep(value: T | null, failed: boolean): void {
		if (!this.#key) return;
		if (!this.differs(value)) return outbox.remove(this.#key);
		outbox.put(this.#key, { url: this.#url, body: this.#body(value, this.revision), value, revision: this.revision, failed });
	}

	/** The outbox retries: the connection may be back. */
	#retryNow(): void {
		if (this.#inFlight) return;
		if (this.status === 'offline' || this.status === 'error' || this.status === 'pending') {
			this.#clearTimer();
			if (this.differs(this.#current)) void this.#save();
		}
	}

	/** Whether `value` differs from what is stored. */
	differs(value: T | null): boolean {
		return !sameAnswer(value, this.#saved);
	}

	/**
	 * The save-status line: "Đang lưu…", "Đã lưu lúc 10:42", the error… When nothing happened in
	 * this visit, `idle` (if given) or when and by whom the value was saved last.
	 */
	statusText(idle?: string): string {
		switch (this.status) {
			case 'saving':
				return 'Đang lưu…';
			case 'pending':
				return 'Chưa lưu — sẽ tự động lưu';
			case 'saved':
				return this.savedAt ? `Đã lưu lúc ${formatTime(this.savedAt)}` : 'Đã lưu';
			case 'offline':
			case 'error':
			case 'locked':
				return this.message;
			case 'conflict':
				return 'Chưa lưu: số liệu đã bị người khác thay đổi';
			case 'idle':
				if (idle) return idle;
				return this.savedAt
					? `Lưu lần cuối lúc ${formatDateTime(this.savedAt)}${this.savedBy?.name ? ` (${this.savedBy.name})` : ''}`
					: 'Chưa nhập';
		}
	}

	/** A new value from the form: schedule a save if it differs from the stored one. */
	change(value: T | null): void {
		this.#current = value;
		this.fieldErrors = {};
		// while the user chooses, "my value" is what the form holds now
		if (this.conflict) this.conflict = { ...this.conflict, yours: value };
		if (this.status === 'conflict' || this.status === 'locked') return;
		this.#keep(value, this.status === 'offline');
		this.#clearTimer();
		if (!this.differs(value)) {
			if (!this.#inFlight) this.#settle();
			return;
		}
		this.status = 'pending';
		this.#timer = setTimeout(() => this.#fire(), AUTOSAVE_DELAY_MS);
	}

	/** The form went back to a state that cannot be saved (incomplete or invalid): cancel a pending save. */
	hold(): void {
		this.#clearTimer();
		if (this.status === 'pending') this.#settle();
	}

	/** Save now if a save is pending (blur, leaving the page). */
	flush(keepalive = false): void {
		if (this.#timer === null || this.status === 'conflict' || this.status === 'locked') return;
		this.#clearTimer();
		void this.#save(keepalive);
	}

	/** Try again after an error. */
	retry(): void {
		if ((this.status === 'error' || this.status === 'offline') && this.differs(this.#current)) void this.#save();
	}

	/** "Giữ giá trị của tôi": save ours on top of the stored revision. */
	keepMine(): void {
		const c = this.conflict;
		if (!c) return;
		this.revision = c.stored.revision;
		this.#saved = c.stored.value;
		this.conflict = null;
		this.status = 'pending';
		void this.#save();
	}

	/** "Dùng giá trị đã lưu": adopt the stored value and revision. */
	useStored(): void {
		const c = this.conflict;
		if (!c) return;
		this.#adopt(c.stored);
		this.conflict = null;
		this.#current = c.stored.value;
		this.#savedNow = false; // show who saved it and when
		this.status = 'idle';
		this.#onStored(c.stored.value);
		if (this.#key) outbox.remove(this.#key);
	}

	destroy(): void {
		this.flush(true);
		this.#release?.();
	}

	#fire(): void {
		this.#timer = null;
		void this.#save();
	}

	/** Nothing waiting: "saved" if saved during this visit, else "idle" (shows when it was saved last). */
	#settle(): void {
		this.status = this.#savedNow ? 'saved' : 'idle';
	}

	#clearTimer(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#adopt(stored: Stored<T>): void {
		this.#saved = stored.value;
		this.revision = stored.revision;
		this.savedAt = stored.updatedAt;
		this.savedBy = stored.updatedBy;
	}

	async #save(keepalive = false): Promise<void> {
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		const value = this.#current;
		if (!this.differs(value)) {
			this.#settle();
			return;
		}
		this.#inFlight = true;
		this.status = 'saving';
		let res: Response | null = null;
		try {
			res = await fetch(this.#url, {
				method: 'PUT',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(this.#body(value, this.revision)),
				credentials: 'same-origin',
				redirect: 'manual',
				keepalive
			});
		} catch {
			res = null;
		}
		await this.#handle(res, value);
		this.#inFlight = false;
		const after = this.status as SaveStatus; // #handle changed it
		if (this.#again && after !== 'conflict' && after !== 'locked') {
			this.#again = false;
			if (this.differs(this.#current)) void this.#save();
		}
		this.#again = false;
	}

	async #handle(res: Response | null, value: T | null): Promise<void> {
		if (res === null || res.status >= 500) {
			// no network, or a proxy or the server could not answer: kept, and retried by itself
			this.status = 'offline';
			this.message = OFFLINE_MESSAGE;
			this.#keep(this.#current, true);
			return;
		}
		if (res.type === 'opaqueredirect' || res.status === 401) {
			this.status = 'error';
			this.message = 'Phiên đăng nhập đã hết hạn: hãy mở trang đăng nhập ở thẻ mới, đăng nhập lại rồi bấm «Thử lưu lại».';
			return;
		}
		let body: Record<string, unknown> = {};
		try {
			body = (await res.json()) as Record<string, unknown>;
		} catch {
			body = {};
		}
		if (res.ok && body.ok) {
			this.#adopt(body.saved as Stored<T>);
			this.#savedNow = true;
			this.#keep(this.#current, false);
			this.status = this.differs(this.#current) ? 'pending' : 'saved';
			// edited during the save: save again (unless a debounced save is already waiting)
			if (this.status === 'pending' && this.#timer === null) this.#again = true;
			return;
		}
		if (res.status === 409 && body.conflict === true) {
			const c = body as unknown as Response409;
			const stored = c.stored as Stored<T>;
			if (sameAnswer(stored.value, value)) {
				// Someone (often ourselves, from another tab) already saved exactly this.
				this.#adopt(stored);
				this.#savedNow = true;
				this.#keep(this.#current, false);
				this.status = this.differs(this.#current) ? 'pending' : 'saved';
				if (this.status === 'pending' && this.#timer === null) this.#again = true;
				return;
			}
			this.conflict = { yours: value, stored };
			this.status = 'conflict';
			return;
		}
		if (res.status === 409) {
			this.status = 'locked';
			this.message = typeof body.message === 'string' ? body.message : 'Hồ sơ không còn sửa được.';
			return;
		}
		if (res.status === 400 && Array.isArray(body.errors)) {
			const errors: Record<string, string> = {};
			for (const e of body.errors as { path: string; message: string }[]) {
				const field =
					e.path
						.split(/[.[\]"]+/)
						.filter(Boolean)
						.pop() ?? '';
				errors[field] = e.message;
			}
			this.fieldErrors = errors;
			this.status = 'error';
			this.message = 'Không lưu được: ' + (body.errors as { message: string }[]).map((e) => e.message).join('; ');
			return;
		}
		this.status = 'error';
		this.message =
			typeof body.message === 'string' ? `Không lưu được: ${body.message}` : `Không lưu được (lỗi ${res.status}). Hãy thử lại.`;
	}
}
