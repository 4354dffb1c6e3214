/**
 * The audit trail's hash chains, pure (no database): which chain a record belongs to, the hash
 * of a record and of an anchor, the root over a set of chain heads, chaining entries in bulk, and
 * the verifier that walks the stored records, heads and anchors.
 *
 * - A record belongs to `unit:<unit_id>` when it has a unit, else `account:<actor_id>` when it
 *   has an actor, else to one of 16 anonymous shards `anon:<0-f>` (first hex digit of the
 *   SHA-256 of its label). Within its chain it has `seq` 1, 2, 3…, `prev_hash` (the hash of the
 *   record before it in the chain, GENESIS for seq 1) and `hash` = SHA-256 of
 *   `prev_hash + "\n" + canonicalJson([chain, seq, at, actor_id, actor_label, action,
 *   object_type, object_id, unit_id, ip, details])`.
 * - The head of a chain is its last record's (seq, hash). The anchors form one more chain
 *   (`anchor`): each anchor states the heads that changed since the previous one (its delta),
 *   the number of chains and of records (the sum of the heads' seq) and the root, the SHA-256 of
 *   the lines `chain seq hash\n` of every head sorted by chain (byte order).
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-json.ts';

export const GENESIS = '0'.repeat(64);
/** The chain of anchors; its head row in `audit_chain_head` follows the last anchor. */
export const ANCHOR_CHAIN = 'anchor';
/** Anonymous records (no unit, no actor) spread over this many chains, by a hash of the label. */
export const ANON_SHARDS = 16;

export type AuditEntry = {
	actorId?: number | null;
	actorLabel?: string | null;
	action: string;
	objectType?: string | null;
	objectId?: string | number | null;
	unitId?: number | null;
	ip?: string | null;
	details?: Record<string, unknown>;
};

/** A record's content, as stored (and as read back: `details` is the parsed jsonb). */
export type AuditContent = {
	at: Date;
	actor_id: number | null;
	actor_label: string | null;
	action: string;
	object_type: string | null;
	object_id: string | null;
	unit_id: number | null;
	ip: string | null;
	details: unknown;
};

export type ChainedRecord = AuditContent & { chain: string; seq: number; prev_hash: string; hash: string };
export type StoredRecord = ChainedRecord & { id: number };
export type Head = { chain: string; seq: number; hash: string };
/** A delta entry: [chain, seq, hash]. */
export type DeltaEntry = [string, number, string];

export type AnchorContent = {
	seq: number;
	at: Date;
	chains: number;
	records: number;
	root: string;
	delta: DeltaEntry[];
	details: Record<string, unknown>;
};
export type StoredAnchor = AnchorContent & { prev_hash: string; hash: string };

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** What a unit's chain is named by: this, then the unit's id (see `unitHeadRow` for the same in SQL). */
export const UNIT_CHAIN_PREFIX = 'unit:';

/** The chain of an entry: its unit's, else its actor's, else an anonymous shard. */
export function chainOf(entry: { unitId?: number | null; actorId?: number | null; actorLabel?: string | null }): string {
	if (entry.unitId != null) return `${UNIT_CHAIN_PREFIX}${entry.unitId}`;
	if (entry.actorId != null) return `account:${entry.actorId}`;
	return `anon:${sha256(entry.actorLabel ?? '')[0]}`;
}

/** The row content of an entry at `at` (details through JSON, as jsonb will give them back). */
export function contentOf(entry: AuditEntry, at: Date): AuditContent {
	return {
		at,
		actor_id: entry.actorId ?? null,
		actor_label: entry.actorLabel ?? null,
		action: entry.action,
		object_type: entry.objectType ?? null,
		object_id: entry.objectId == null ? null : String(entry.objectId),
		unit_id: entry.unitId ?? null,
		ip: entry.ip ?? null,
		details: JSON.parse(JSON.stringify(entry.details ?? {}))
	};
}

export function auditHash(prevHash: string, r: AuditContent & { chain: string; seq: number }): string {
	const body = canonicalJson([
		r.chain,
		r.seq,
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
	return sha256(`${prevHash}\n${body}`);
}

/**
 * Chains `contents` in order after `heads` (chain → head; updated in place, new chains start
 * at GENESIS): seq, prev_hash and hash of each.
 */
export function chainContents(heads: Map<string, { seq: number; hash: string }>, contents: AuditContent[]): ChainedRecord[] {
	return contents.map((c) => {
		const chain = chainOf({ unitId: c.unit_id, actorId: c.actor_id, actorLabel: c.actor_label });
		const head = heads.get(chain) ?? { seq: 0, hash: GENESIS };
		const seq = head.seq + 1;
		const hash = auditHash(head.hash, { ...c, chain, seq });
		heads.set(chain, { seq, hash });
		return { ...c, chain, seq, prev_hash: head.hash, hash };
	});
}

const byChain = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SHA-256 of the lines `chain seq hash\n` of `heads`, sorted by chain (code units = bytes for ASCII). */
export function headsRoot(heads: Iterable<Head>): string {
	const list = [...heads].sort((a, b) => byChain(a.chain, b.chain));
	const h = crypto.createHash('sha256');
	// in pieces: a national set is ~1 MB of lines
	for (let i = 0; i < list.length; i += 4096)
		h.update(
			list
				.slice(i, i + 4096)
				.map((x) => `${x.chain} ${x.seq} ${x.hash}\n`)
				.join('')
		);
	return h.digest('hex');
}

export function anchorHash(prevHash: string, a: AnchorContent): string {
	const body = canonicalJson([a.seq, a.at.toISOString(), a.chains, a.records, a.root, a.delta, a.details ?? {}]);
	return sha256(`${prevHash}\n${body}`);
}

/** The next anchor after the head set `anchored` (the previous anchor's), given the current heads. */
export function nextAnchor(
	anchored: Map<string, { seq: number; hash: string }>,
	current: Head[],
	seq: number,
	at: Date,
	details: Record<string, unknown> = {}
): AnchorContent {
	const delta: DeltaEntry[] = current
		.filter((h) => h.chain !== ANCHOR_CHAIN && h.seq > 0)
		.filter((h) => {
			const a = anchored.get(h.chain);
			return !a || a.seq !== h.seq || a.hash !== h.hash;
		})
		.sort((a, b) => byChain(a.chain, b.chain))
		.map((h) => [h.chain, h.seq, h.hash]);
	const set = new Map(anchored);
	for (const [chain, s, hash] of delta) set.set(chain, { seq: s, hash });
	return {
		seq,
		at,
		chains: set.size,
		records: [...set.values()].reduce((n, h) => n + h.seq, 0),
		root: headsRoot([...set].map(([chain, h]) => ({ chain, ...h }))),
		delta,
		details
	};
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export type Problem = { id: number | null; chain: string | null; seq: number | null; message: string };

const MAX_PROBLEMS = 20;
const short = (h: string) => (typeof h === 'string' ? h.slice(0, 12) : String(h));

/**
 * Walks a trail: first the anchors (in seq order), then every record in (chain, seq) order, then
 * `finish` with the heads and the snapshot of the heads at the last anchor. Collects problems
 * (Vietnamese sentences naming the chain and seq); after a break in a chain it re-synchronises
 * on the record it read, so that one edit is reported once.
 */
export class TrailVerifier {
	records = 0;
	chains = 0;
	anchors = 0;
	readonly problems: Problem[] = [];
	problemCount = 0;
	/** Heads as rebuilt from the anchors' deltas (at the last anchor). */
	private anchored = new Map<string, { seq: number; hash: string }>();
	/** (chain, seq) → hash that some anchor recorded: must exist in the records. */
	private points = new Map<string, { hash: string; anchor: number }>();
	private lastAnchor: { seq: number; hash: string } = { seq: 0, hash: GENESIS };
	/** Chains whose records were read, with their last (seq, hash, id). */
	private tails = new Map<string, { seq: number; hash: string; id: number }>();
	private cur: { chain: string; seq: number; hash: string; id: number } | null = null;

	private problem(p: Problem) {
		this.problemCount++;
		if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
	}

	/** The first record found broken (null when the trail's records are intact). */
	get firstBrokenId(): number | null {
		return this.problems.find((p) => p.id != null)?.id ?? null;
	}

	addAnchor(a: StoredAnchor): void {
		this.anchors++;
		const where = `Mốc neo #${a.seq}`;
		if (a.seq !== this.lastAnchor.seq + 1)
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: a.seq,
				message: `${where}: số thứ tự không liền sau mốc #${this.lastAnchor.seq} (mốc neo bị xóa hoặc chèn).`
			});
		if (a.prev_hash !== this.lastAnchor.hash)
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: a.seq,
				message: `${where}: không nối với mốc neo trước đó (mã băm trước ${short(a.prev_hash)}…, mong đợi ${short(this.lastAnchor.hash)}…).`
			});
		if (anchorHash(a.prev_hash, a) !== a.hash)
			this.problem({ id: null, chain: ANCHOR_CHAIN, seq: a.seq, message: `${where}: nội dung đã bị sửa (mã băm không khớp).` });
		for (const [chain, seq, hash] of a.delta) {
			const before = this.anchored.get(chain);
			if (before && before.seq > seq)
				this.problem({
					id: null,
					chain,
					seq,
					message: `${where}: chuỗi ${chain} lùi từ số thứ tự ${before.seq} về ${seq}.`
				});
			this.anchored.set(chain, { seq, hash });
			this.points.set(`${chain}\u0000${seq}`, { hash, anchor: a.seq });
		}
		const records = [...this.anchored.values()].reduce((n, h) => n + h.seq, 0);
		if (a.chains !== this.anchored.size || a.records !== records)
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: a.seq,
				message: `${where}: ghi ${a.chains} chuỗi, ${a.records} bản ghi nhưng các mốc đến đó cho ${this.anchored.size} chuỗi, ${records} bản ghi.`
			});
		else if (headsRoot([...this.anchored].map(([chain, h]) => ({ chain, ...h }))) !== a.root)
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: a.seq,
				message: `${where}: mã băm gốc không khớp với tập đầu chuỗi dựng lại từ các mốc neo.`
			});
		this.lastAnchor = { seq: a.seq, hash: a.hash };
	}

	private endChain() {
		if (!this.cur) return;
		this.tails.set(this.cur.chain, { seq: this.cur.seq, hash: this.cur.hash, id: this.cur.id });
		this.cur = null;
	}

	addRecord(r: StoredRecord): void {
		this.records++;
		if (!this.cur || this.cur.chain !== r.chain) {
			this.endChain();
			this.chains++;
			this.cur = { chain: r.chain, seq: 0, hash: GENESIS, id: 0 };
		}
		const c = this.cur;
		const at = `chuỗi ${r.chain}, số thứ tự ${r.seq} (bản ghi #${r.id})`;
		const problem = (message: string) => this.problem({ id: r.id, chain: r.chain, seq: r.seq, message });
		const expectedChain = chainOf({ unitId: r.unit_id, actorId: r.actor_id, actorLabel: r.actor_label });
		if (r.seq !== c.seq + 1)
			problem(
				r.seq > c.seq + 1
					? `Nhật ký bị đứt tại ${at}: thiếu ${r.seq - c.seq - 1 === 1 ? `bản ghi số ${c.seq + 1}` : `các bản ghi số ${c.seq + 1}–${r.seq - 1}`} (đã bị xóa).`
					: `Nhật ký bị đảo tại ${at}: số thứ tự không tăng liên tiếp.`
			);
		else if (r.prev_hash !== c.hash)
			problem(`Nhật ký bị đứt tại ${at}: mã băm trước (${short(r.prev_hash)}…) không khớp bản ghi liền trước (${short(c.hash)}…).`);
		else if (auditHash(r.prev_hash, r) !== r.hash) problem(`Bản ghi bị sửa tại ${at}: nội dung không khớp mã băm.`);
		else if (r.chain !== expectedChain) problem(`Bản ghi bị chuyển chuỗi tại ${at}: theo nội dung phải thuộc chuỗi ${expectedChain}.`);
		else if (r.id <= c.id) problem(`Nhật ký bị đảo tại ${at}: mã bản ghi không tăng theo số thứ tự (bản ghi trước là #${c.id}).`);
		const point = this.points.get(`${r.chain}\u0000${r.seq}`);
		if (point) {
			if (point.hash !== r.hash)
				problem(`Bản ghi ở ${at} khác với bản mà mốc neo #${point.anchor} đã ghi nhận (mã băm ${short(point.hash)}…).`);
			this.points.delete(`${r.chain}\u0000${r.seq}`);
		}
		this.cur = { chain: r.chain, seq: r.seq, hash: r.hash, id: r.id };
	}

	/**
	 * After every record: the heads table (`heads`, the live heads, with the anchor chain's row)
	 * and `snapshot` (the heads as of the last anchor) against what was read.
	 */
	finish(heads: Head[], snapshot: Head[]): void {
		this.endChain();
		const headMap = new Map(heads.map((h) => [h.chain, h]));
		for (const [chain, t] of this.tails) {
			const h = headMap.get(chain);
			if (!h)
				this.problem({
					id: null,
					chain,
					seq: t.seq,
					message: `Chuỗi ${chain} có ${t.seq} bản ghi nhưng không có dòng đầu chuỗi (bảng đầu chuỗi bị sửa).`
				});
			else if (h.seq !== t.seq || h.hash !== t.hash)
				this.problem({
					id: null,
					chain,
					seq: h.seq,
					message:
						h.seq > t.seq
							? `Chuỗi ${chain}: đầu chuỗi ghi số thứ tự ${h.seq} nhưng bản ghi cuối là số ${t.seq} (bản ghi cuối đã bị xóa).`
							: `Chuỗi ${chain}: đầu chuỗi (số ${h.seq}, ${short(h.hash)}…) không khớp bản ghi cuối (số ${t.seq}, ${short(t.hash)}…).`
				});
		}
		for (const h of heads) {
			if (h.chain === ANCHOR_CHAIN) {
				if (h.seq !== this.lastAnchor.seq || h.hash !== this.lastAnchor.hash)
					this.problem({
						id: null,
						chain: ANCHOR_CHAIN,
						seq: h.seq,
						message:
							h.seq > this.lastAnchor.seq
								? `Đầu chuỗi mốc neo ghi mốc #${h.seq} nhưng mốc cuối là #${this.lastAnchor.seq} (mốc neo đã bị xóa).`
								: `Đầu chuỗi mốc neo (mốc #${h.seq}) không khớp mốc neo cuối (#${this.lastAnchor.seq}).`
					});
			} else if (!this.tails.has(h.chain) && (h.seq !== 0 || h.hash !== GENESIS))
				this.problem({
					id: null,
					chain: h.chain,
					seq: h.seq,
					message: `Chuỗi ${h.chain}: đầu chuỗi ghi số thứ tự ${h.seq} nhưng không còn bản ghi nào (các bản ghi đã bị xóa).`
				});
		}
		if (this.lastAnchor.seq > 0 && !headMap.has(ANCHOR_CHAIN))
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: null,
				message: `Có ${this.anchors} mốc neo nhưng không có dòng đầu chuỗi mốc neo (bảng đầu chuỗi bị sửa).`
			});
		for (const [key, p] of this.points) {
			const [chain, seq] = key.split('\u0000');
			this.problem({
				id: null,
				chain,
				seq: Number(seq),
				message: `Mốc neo #${p.anchor} ghi nhận chuỗi ${chain} đến số thứ tự ${seq} nhưng bản ghi này không còn (đã bị xóa).`
			});
		}
		const snap = new Map(snapshot.map((h) => [h.chain, h]));
		const same =
			snap.size === this.anchored.size &&
			[...this.anchored].every(([chain, h]) => snap.get(chain)?.seq === h.seq && snap.get(chain)?.hash === h.hash);
		if (!same)
			this.problem({
				id: null,
				chain: ANCHOR_CHAIN,
				seq: this.lastAnchor.seq,
				message: `Bảng đầu chuỗi tại mốc neo cuối (#${this.lastAnchor.seq}) không khớp với các mốc neo (bảng bị sửa).`
			});
	}
}
