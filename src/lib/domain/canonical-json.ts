/** JSON with object keys sorted (and undefined members left out), so that equal values give the
 * same text whatever their key order: for hashes (the audit chain) and comparisons (submission
 * diffs). Dates as ISO 8601. Pure. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value instanceof Date) return JSON.stringify(value.toISOString());
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
