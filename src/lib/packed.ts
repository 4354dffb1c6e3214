/**
 * A value sent to a page as one JSON string. SvelteKit serializes page data with devalue, which
 * walks every property of a large object in JavaScript on every request; the data-entry pages'
 * criteria set (about 12 KB, the same for every commune on that set version) was a tenth of
 * their server time. Packed, it is serialized once per object (`pack` remembers it) and the
 * page reads it back with `unpack` (JSON.parse). Only for plain JSON data: no Dates, Maps or
 * undefined.
 */
export type Packed<T> = string & { readonly __packed: T };

const packedObjects = new WeakMap<object, string>();

/** `value` as JSON; the same object packs once (it must not change afterwards). */
export function pack<T extends object>(value: T): Packed<T> {
	let s = packedObjects.get(value);
	if (s === undefined) packedObjects.set(value, (s = JSON.stringify(value)));
	return s as Packed<T>;
}

export function unpack<T>(packed: Packed<T>): T {
	return JSON.parse(packed) as T;
}
