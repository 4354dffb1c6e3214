/**
 * Saves a draft criteria set as the administrator edits it (the editor's "saves as you go"):
 * - `change(json, valid)` after each edit: the edit is kept in localStorage at once (key by set
 *   id) and, when the set is valid, POSTed ~1 s after the last change to the page's `?/save`
 *   action with the `updated_at` it was edited on; saves never overlap;
 * - a save that cannot reach the server (offline, 5xx) is kept and retried with backoff and as
 *   soon as the browser is online again; a conflict (someone else saved) stops saving and keeps
 *   the edit until the user reloads (the edit is then offered back);
 * - the status is reactive for the status line: "Đang lưu…", "Đã lưu lúc hh:mm", the error.
 */
import { deserialize } from '$app/forms';

export const SAVE_DELAY_MS = 1000;
const BACKOFF_MS = [2_000, 4_000, 8_000, 16_000, 30_000];
const PREFIX = 'xa-criteria-draft:';

export type DraftSaveStatus = 'idle' | 'pending' | 'invalid' | 'saving' | 'saved' | 'offline' | 'error' | 'conflict';

/** An edit kept in this browser until the server has it. */
export type KeptEdit = { json: string; updatedAt: string; at: string };

function storage(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}

export function keptEdit(id: number): KeptEdit | null {
	try {
		const raw = storage()?.getItem(PREFIX + id);
		return raw ? (JSON.parse(raw) as KeptEdit) : null;
	} catch {
		return null;
	}
}

export function dropKeptEdit(id: number): void {
	try {
		storage()?.removeItem(PREFIX + id);
	} catch {
		/* unavailable */
	}
}

export class DraftSaver {
	status = $state<DraftSaveStatus>('idle');
	message = $state('');
	savedAt = $state<Date | null>(null);
	/** The `updated_at` of the stored draft the edits are based on. */
	updatedAt: string;

	#id: number;
	#url: string;
	#saved: string;
	#current: string;
	#valid = true;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#inFlight = false;
	#attempt = 0;
	#onOnline = () => this.retryNow();

	constructor(opts: { id: number; url: string; json: string; updatedAt: string }) {
		this.#id = opts.id;
		this.#url = opts.url;
		this.#saved = opts.json;
		this.#current = opts.json;
		this.updatedAt = opts.updatedAt;
		if (typeof window !== 'undefined') window.addEventListener('online', this.#onOnline);
	}

	get dirty(): boolean {
		return this.#current !== this.#saved;
	}

	/** The edited set (JSON) after a change; `valid`: it passes the schema and may be saved. */
	change(json: string, valid: boolean): void {
		this.#current = json;
		this.#valid = valid;
		this.#keep();
		if (this.status === 'conflict') return;
		this.#clearTimer();
		if (!this.dirty) {
			if (!this.#inFlight && this.status !== 'saved') this.status = 'idle';
			if (this.status === 'pending' || this.status === 'invalid') this.status = this.savedAt ? 'saved' : 'idle';
			return;
		}
		if (!valid) {
			this.status = 'invalid';
			return;
		}
		if (this.status !== 'offline') this.status = 'pending';
		this.#timer = setTimeout(() => this.#fire(), this.status === 'offline' ? this.#backoff() : SAVE_DELAY_MS);
	}

	/** Save now (the button, leaving the page, back online). */
	retryNow(): void {
		if (this.status === 'conflict' || !this.#valid || !this.dirty) return;
		this.#clearTimer();
		this.#attempt = 0;
		void this.#save();
	}

	destroy(): void {
		this.#clearTimer();
		if (typeof window !== 'undefined') window.removeEventListener('online', this.#onOnline);
	}

	statusText(): string {
		switch (this.status) {
			case 'idle':
				return 'Mọi thay đổi đã được lưu';
			case 'pending':
				return 'Chưa lưu — sẽ tự động lưu';
			case 'invalid':
				return 'Chưa lưu: hãy sửa các lỗi bên dưới, bản nháp sẽ tự lưu khi hợp lệ';
			case 'saving':
				return 'Đang lưu…';
			case 'saved':
				return this.savedAt
					? `Đã lưu lúc ${String(this.savedAt.getHours()).padStart(2, '0')}:${String(this.savedAt.getMinutes()).padStart(2, '0')}`
					: 'Đã lưu';
			default:
				return this.message;
		}
	}

	#keep(): void {
		try {
			if (this.dirty)
				storage()?.setItem(
					PREFIX + this.#id,
					JSON.stringify({ json: this.#current, updatedAt: this.updatedAt, at: new Date().toISOString() })
				);
			else storage()?.removeItem(PREFIX + this.#id);
		} catch {
			/* storage full or unavailable: the page still holds the edit */
		}
	}

	#backoff(): number {
		return BACKOFF_MS[Math.min(this.#attempt, BACKOFF_MS.length - 1)];
	}

	#clearTimer(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#fire(): void {
		this.#timer = null;
		void this.#save();
	}

	async #save(): Promise<void> {
		if (this.#inFlight || !this.#valid || !this.dirty || this.status === 'conflict') return;
		this.#inFlight = true;
		const json = this.#current;
		this.status = 'saving';
		const body = new FormData();
		body.set('set', json);
		body.set('expectedUpdatedAt', this.updatedAt);
		let res: Response | null = null;
		try {
			res = await fetch(this.#url, {
				method: 'POST',
				headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
				body,
				credentials: 'same-origin'
			});
		} catch {
			res = null;
		}
		await this.#handle(res, json);
		this.#inFlight = false;
		if ((this.status as DraftSaveStatus) === 'pending' && this.#timer === null) this.#timer = setTimeout(() => this.#fire(), SAVE_DELAY_MS);
	}

	async #handle(res: Response | null, json: string): Promise<void> {
		if (res === null || res.status >= 500) {
			this.status = 'offline';
			this.message = 'Chưa lưu: mất kết nối mạng. Thay đổi được giữ trên máy này và sẽ tự lưu khi có mạng.';
			this.#keep();
			this.#clearTimer();
			this.#timer = setTimeout(() => this.#fire(), this.#backoff());
			this.#attempt++;
			return;
		}
		this.#attempt = 0;
		let result: ReturnType<typeof deserialize> | null = null;
		try {
			result = deserialize(await res.text());
		} catch {
			result = null;
		}
		if (result?.type === 'success') {
			const saved = (result.data as { saved?: string } | undefined)?.saved;
			if (saved) this.updatedAt = saved;
			this.#saved = json;
			this.savedAt = new Date();
			this.#keep();
			this.status = this.dirty ? (this.#valid ? 'pending' : 'invalid') : 'saved';
			return;
		}
		if (result?.type === 'failure') {
			const data = (result.data ?? {}) as { message?: string; conflict?: boolean; errors?: { location: string; message: string }[] };
			if (result.status === 409 && data.conflict) {
				this.status = 'conflict';
				this.message = data.message ?? 'Bản nháp vừa được người khác lưu.';
				return;
			}
			this.status = 'error';
			this.message =
				'Không lưu được: ' +
				(data.errors?.length ? data.errors.map((e) => `${e.location}: ${e.message}`).join('; ') : (data.message ?? `lỗi ${result.status}`));
			return;
		}
		if (result?.type === 'redirect') {
			this.status = 'error';
			this.message = 'Phiên đăng nhập đã hết hạn: hãy đăng nhập lại ở thẻ mới rồi bấm «Thử lưu lại». Thay đổi vẫn được giữ trên máy này.';
			return;
		}
		this.status = 'error';
		this.message =
			result?.type === 'error' && result.error && typeof (result.error as { message?: unknown }).message === 'string'
				? `Không lưu được: ${(result.error as { message: string }).message}`
				: `Không lưu được (lỗi ${res.status}). Hãy thử lại.`;
	}
}
