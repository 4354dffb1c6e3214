import { describe, expect, it } from 'vitest';
import {
	ANCHOR_CHAIN,
	GENESIS,
	TrailVerifier,
	anchorHash,
	auditHash,
	chainContents,
	chainOf,
	contentOf,
	headsRoot,
	nextAnchor,
	type AuditContent,
	type Head,
	type StoredAnchor,
	type StoredRecord
} from './chain.ts';
import { legacyAuditHash } from './legacy.ts';
import { rules } from '../../../../migrations/2026-11-29-008-audit-chains.ts';

const T0 = Date.parse('2026-11-29T08:00:00.000Z');
const content = (i: number, over: Partial<AuditContent> = {}): AuditContent => ({
	at: new Date(T0 + i * 1000),
	actor_id: 7,
	actor_label: 'canbo@xa.vn',
	action: 'assessment.answer_save',
	object_type: 'assessment',
	object_id: String(100 + i),
	unit_id: 1,
	ip: '10.0.0.1',
	details: { revision: i, nested: { b: 1, a: [1, 'x'] } },
	...over
});

/** A small trail: three communes, an account, anonymous records; ids in insertion order. */
function buildTrail(n = 30) {
	const contents: AuditContent[] = [];
	for (let i = 0; i < n; i++) {
		const kind = i % 5;
		contents.push(
			content(i, {
				unit_id: kind < 3 ? 10 + kind : null,
				actor_id: kind === 3 ? 42 : kind === 4 ? null : 7,
				actor_label: kind === 4 ? `unknown${i}@x.vn` : 'canbo@xa.vn'
			})
		);
	}
	const heads = new Map<string, { seq: number; hash: string }>();
	const records: StoredRecord[] = chainContents(heads, contents).map((r, i) => ({ ...r, id: i + 1 }));
	return { records, heads };
}

const headList = (heads: Map<string, { seq: number; hash: string }>): Head[] => [...heads].map(([chain, h]) => ({ chain, ...h }));

function anchorAfter(prev: StoredAnchor | null, anchored: Map<string, { seq: number; hash: string }>, current: Head[]): StoredAnchor {
	const a = nextAnchor(anchored, current, (prev?.seq ?? 0) + 1, new Date(T0 + 3_600_000 * ((prev?.seq ?? 0) + 1)));
	for (const [chain, seq, hash] of a.delta) anchored.set(chain, { seq, hash });
	return { ...a, prev_hash: prev?.hash ?? GENESIS, hash: anchorHash(prev?.hash ?? GENESIS, a) };
}

type Trail = { records: StoredRecord[]; anchors: StoredAnchor[]; heads: Head[]; snapshot: Head[] };

/** Records 1..20 anchored, then the rest appended after the anchor, then a second anchor over all but the last 3. */
function anchoredTrail(): Trail {
	const { records } = buildTrail(30);
	const headsAt = (upto: number) => {
		const m = new Map<string, { seq: number; hash: string }>();
		for (const r of records.slice(0, upto)) m.set(r.chain, { seq: r.seq, hash: r.hash });
		return headList(m);
	};
	const anchored = new Map<string, { seq: number; hash: string }>();
	const a1 = anchorAfter(null, anchored, headsAt(20));
	const a2 = anchorAfter(a1, anchored, headsAt(27));
	const anchors = [a1, a2];
	return {
		records,
		anchors,
		heads: [...headsAt(30), { chain: ANCHOR_CHAIN, seq: a2.seq, hash: a2.hash }],
		snapshot: headList(anchored)
	};
}

function verify(t: Trail) {
	const v = new TrailVerifier();
	for (const a of t.anchors) v.addAnchor(a);
	const sorted = [...t.records].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq));
	for (const r of sorted) v.addRecord(r);
	v.finish(t.heads, t.snapshot);
	return { ok: v.problemCount === 0, problems: v.problems.map((p) => p.message), firstBrokenId: v.firstBrokenId, v };
}

const clone = (t: Trail): Trail => structuredClone(t);

describe('chainOf', () => {
	it('puts a record in its unit, else its actor, else an anonymous shard', () => {
		expect(chainOf({ unitId: 5, actorId: 7 })).toBe('unit:5');
		expect(chainOf({ unitId: null, actorId: 7 })).toBe('account:7');
		expect(chainOf({ actorLabel: 'ai@do.vn' })).toMatch(/^anon:[0-9a-f]$/);
		expect(chainOf({ actorLabel: 'ai@do.vn' })).toBe(chainOf({ actorLabel: 'ai@do.vn', unitId: null, actorId: null }));
		const shards = new Set(Array.from({ length: 400 }, (_, i) => chainOf({ actorLabel: `x${i}@y.vn` })));
		expect(shards.size).toBe(16);
		expect(chainOf({})).toBe(chainOf({ actorLabel: '' }));
	});
});

describe('auditHash', () => {
	it('covers the chain, the seq, the link and every field; details in any key order', () => {
		const c = { ...content(1), chain: 'unit:1', seq: 3 };
		const h = auditHash(GENESIS, c);
		expect(h).toMatch(/^[0-9a-f]{64}$/);
		expect(auditHash(GENESIS, { ...c, details: { nested: { a: [1, 'x'], b: 1 }, revision: 1 } })).toBe(h);
		const variants = [
			auditHash('1'.repeat(64), c),
			auditHash(GENESIS, { ...c, chain: 'unit:2' }),
			auditHash(GENESIS, { ...c, seq: 4 }),
			auditHash(GENESIS, { ...c, at: new Date(c.at.getTime() + 1) }),
			auditHash(GENESIS, { ...c, actor_id: 8 }),
			auditHash(GENESIS, { ...c, actor_label: 'x' }),
			auditHash(GENESIS, { ...c, action: 'x' }),
			auditHash(GENESIS, { ...c, object_type: 'x' }),
			auditHash(GENESIS, { ...c, object_id: '1' }),
			auditHash(GENESIS, { ...c, unit_id: 2 }),
			auditHash(GENESIS, { ...c, ip: null }),
			auditHash(GENESIS, { ...c, details: { revision: 2, nested: { b: 1, a: [1, 'x'] } } })
		];
		expect(new Set([h, ...variants]).size).toBe(variants.length + 1);
	});

	it('contentOf normalises an entry as the database gives it back', () => {
		const c = contentOf({ action: 'a', objectId: 5, details: { d: new Date(T0), u: undefined } }, new Date(T0));
		expect(c).toEqual({
			at: new Date(T0),
			actor_id: null,
			actor_label: null,
			action: 'a',
			object_type: null,
			object_id: '5',
			unit_id: null,
			ip: null,
			details: { d: '2026-11-29T08:00:00.000Z' }
		});
	});
});

describe('chainContents', () => {
	it('numbers each chain 1, 2, 3… and links each record to the one before it in its chain', () => {
		const { records, heads } = buildTrail(30);
		const byChain = new Map<string, StoredRecord[]>();
		for (const r of records) byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r]);
		expect([...byChain.keys()].sort()).toEqual(
			[
				'account:42',
				'unit:10',
				'unit:11',
				'unit:12',
				...new Set(records.filter((r) => r.chain.startsWith('anon:')).map((r) => r.chain))
			].sort()
		);
		for (const [chain, rs] of byChain) {
			expect(rs.map((r) => r.seq)).toEqual(rs.map((_, i) => i + 1));
			rs.forEach((r, i) => {
				expect(r.prev_hash).toBe(i === 0 ? GENESIS : rs[i - 1].hash);
				expect(r.hash).toBe(auditHash(r.prev_hash, r));
			});
			expect(heads.get(chain)).toEqual({ seq: rs.length, hash: rs.at(-1)!.hash });
		}
	});

	it('continues after existing heads', () => {
		const heads = new Map([['unit:1', { seq: 9, hash: 'a'.repeat(64) }]]);
		const [r] = chainContents(heads, [content(1)]);
		expect(r).toMatchObject({ chain: 'unit:1', seq: 10, prev_hash: 'a'.repeat(64) });
		expect(heads.get('unit:1')).toEqual({ seq: 10, hash: r.hash });
	});
});

describe('headsRoot and anchors', () => {
	it('the root does not depend on the order of the heads, and changes with any of them', () => {
		const heads: Head[] = [
			{ chain: 'unit:2', seq: 3, hash: 'a'.repeat(64) },
			{ chain: 'account:1', seq: 1, hash: 'b'.repeat(64) },
			{ chain: 'unit:10', seq: 7, hash: 'c'.repeat(64) }
		];
		const root = headsRoot(heads);
		expect(headsRoot([...heads].reverse())).toBe(root);
		expect(headsRoot([{ ...heads[0], seq: 4 }, heads[1], heads[2]])).not.toBe(root);
		expect(headsRoot([{ ...heads[0], hash: 'd'.repeat(64) }, heads[1], heads[2]])).not.toBe(root);
		expect(headsRoot(heads.slice(1))).not.toBe(root);
	});

	it('an anchor lists only the heads that changed, and counts every chain and record', () => {
		const anchored = new Map([
			['unit:1', { seq: 2, hash: 'a'.repeat(64) }],
			['unit:2', { seq: 5, hash: 'b'.repeat(64) }]
		]);
		const current: Head[] = [
			{ chain: 'unit:2', seq: 5, hash: 'b'.repeat(64) },
			{ chain: 'unit:1', seq: 3, hash: 'c'.repeat(64) },
			{ chain: 'anon:a', seq: 1, hash: 'd'.repeat(64) },
			{ chain: ANCHOR_CHAIN, seq: 4, hash: 'e'.repeat(64) }
		];
		const a = nextAnchor(anchored, current, 5, new Date(T0));
		expect(a.delta).toEqual([
			['anon:a', 1, 'd'.repeat(64)],
			['unit:1', 3, 'c'.repeat(64)]
		]);
		expect(a).toMatchObject({ seq: 5, chains: 3, records: 9 });
		expect(a.root).toBe(headsRoot(current.filter((h) => h.chain !== ANCHOR_CHAIN)));
		expect(nextAnchor(new Map(current.map((h) => [h.chain, h])), current, 6, new Date(T0)).delta).toEqual([]);
	});
});

describe('TrailVerifier', () => {
	it('accepts an intact trail with its anchors', () => {
		const r = verify(anchoredTrail());
		expect(r.problems).toEqual([]);
		expect(r.v).toMatchObject({ records: 30, chains: anchoredTrail().heads.length - 1, anchors: 2 });
	});

	const cases: [string, (t: Trail) => void, RegExp, ((t: Trail) => number | null)?][] = [
		[
			'a record altered',
			(t) => (t.records[4].actor_label = 'someone-else'),
			/Bản ghi bị sửa tại chuỗi anon:., số thứ tự 1 \(bản ghi #5\)/,
			() => 5
		],
		['details altered', (t) => (t.records[10].details = { revision: 99 }), /Bản ghi bị sửa tại chuỗi unit:10, số thứ tự 3/, () => 11],
		// unit:12 (ids 3, 8, 13…) is read before unit:99: its gap is found first
		['a record moved to another chain', (t) => (t.records[12].chain = 'unit:99'), /unit:99/, () => 18],
		// unit:10 is ids 1, 6, 11, 16, 21, 26: seq 4 (id 16) becomes 9, so seq 5 (id 21) shows the gap first
		['a seq changed', (t) => (t.records[15].seq = 9), /thiếu bản ghi số 4/, () => 21],
		['a prev link changed', (t) => (t.records[20].prev_hash = 'f'.repeat(64)), /mã băm trước/, () => 21],
		['a record deleted in the middle', (t) => t.records.splice(5, 1), /thiếu bản ghi số 2/, () => 11],
		[
			'two records swapped (seq)',
			(t) => {
				const [a, b] = [t.records[0], t.records[5]];
				[a.seq, b.seq] = [b.seq, a.seq];
			},
			/unit:10/,
			() => 6
		],
		[
			'two records swapped (ids)',
			(t) => {
				const [a, b] = [t.records[0], t.records[5]];
				[a.id, b.id] = [b.id, a.id];
			},
			/mã bản ghi không tăng/,
			() => 1
		],
		// account:42's last record (id 29) came after the last anchor
		[
			'the last record of a chain deleted (head kept)',
			(t) => t.records.splice(28, 1),
			/account:42: đầu chuỗi ghi số thứ tự 6 nhưng bản ghi cuối là số 5/,
			() => null
		],
		[
			'an anchored last record deleted, head rewritten',
			(t) => {
				// unit:10's last record (id 26, seq 6) is covered by the second anchor
				const last = t.records.findIndex((r) => r.id === 26);
				const prev = t.records.find((r) => r.id === 21)!;
				t.records.splice(last, 1);
				const h = t.heads.find((x) => x.chain === 'unit:10')!;
				Object.assign(h, { seq: prev.seq, hash: prev.hash });
			},
			/Mốc neo #2 ghi nhận chuỗi unit:10 đến số thứ tự 6 nhưng bản ghi này không còn/,
			() => null
		],
		['a head altered', (t) => (t.heads[0].hash = 'f'.repeat(64)), /đầu chuỗi .* không khớp bản ghi cuối/, () => null],
		['a head deleted', (t) => t.heads.splice(0, 1), /không có dòng đầu chuỗi/, () => null],
		['an anchor altered', (t) => (t.anchors[0].records += 1), /Mốc neo #1: nội dung đã bị sửa/, () => null],
		[
			'an anchor root altered and rehashed',
			(t) => {
				const a = t.anchors[1];
				a.root = 'f'.repeat(64);
				a.hash = anchorHash(a.prev_hash, a);
			},
			/Mốc neo #2: mã băm gốc không khớp/,
			() => null
		],
		['the first anchor deleted', (t) => t.anchors.splice(0, 1), /Mốc neo #2: số thứ tự không liền sau mốc #0/, () => null],
		['the last anchor deleted', (t) => t.anchors.splice(1, 1), /mốc neo đã bị xóa/, () => null],
		['the anchored snapshot altered', (t) => (t.snapshot[0].seq += 1), /Bảng đầu chuỗi tại mốc neo cuối/, () => null],
		[
			'a head left behind by deleted records',
			(t) => t.heads.push({ chain: 'unit:77', seq: 3, hash: 'a'.repeat(64) }),
			/unit:77.*không còn bản ghi nào/,
			() => null
		]
	];
	for (const [name, tamper, message, id] of cases) {
		it(`detects ${name}`, () => {
			const t = clone(anchoredTrail());
			tamper(t);
			const r = verify(t);
			expect(r.ok).toBe(false);
			expect(r.problems.join('\n')).toMatch(message);
			if (id) expect(r.firstBrokenId).toBe(id(t));
		});
	}

	it('reports one broken link once, not every record after it', () => {
		const t = clone(anchoredTrail());
		t.records[0].details = { x: 1 };
		expect(verify(t).problems).toHaveLength(1);
	});
});

describe('the migration’s frozen rules', () => {
	it('agree with the app’s rules today', () => {
		const c = content(3, { details: { z: 1, a: { y: [1, 2], x: null } } });
		expect(rules.legacyHash(GENESIS, c)).toBe(legacyAuditHash(GENESIS, c));
		expect(rules.recordHash('a'.repeat(64), { ...c, chain: 'unit:1', seq: 5 })).toBe(
			auditHash('a'.repeat(64), { ...c, chain: 'unit:1', seq: 5 })
		);
		for (const r of [
			c,
			{ ...c, unit_id: null },
			{ ...c, unit_id: null, actor_id: null },
			{ ...c, unit_id: null, actor_id: null, actor_label: null }
		])
			expect(rules.chainOf(r)).toBe(chainOf({ unitId: r.unit_id, actorId: r.actor_id, actorLabel: r.actor_label }));
		const heads: Head[] = [
			{ chain: 'unit:2', seq: 3, hash: 'a'.repeat(64) },
			{ chain: 'account:1', seq: 1, hash: 'b'.repeat(64) }
		];
		expect(rules.headsRoot(heads)).toBe(headsRoot(heads));
		const a = nextAnchor(new Map(), heads, 1, new Date(T0), { migration: 'x', legacy: { records: 4 } });
		expect(rules.anchorHash(GENESIS, a)).toBe(anchorHash(GENESIS, a));
	});
});
