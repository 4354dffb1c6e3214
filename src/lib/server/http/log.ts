/**
 * Structured logs: one JSON line per request (id, method, path without the query string, status,
 * duration, account id, and the process) and per error, so that a request can be followed across instances.
 * The request id comes from a trusted proxy's X-Request-Id when it looks like one, else a UUID.
 */
import crypto from 'node:crypto';

export function requestId(headers: Headers): string {
	const given = headers.get('x-request-id');
	return given && /^[A-Za-z0-9._-]{8,128}$/.test(given) ? given : crypto.randomUUID();
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function log(level: 'info' | 'warn' | 'error', msg: string, fields: LogFields = {}): void {
	// pid: which of the server's processes (SERVER_PROCESSES) wrote it
	const line = JSON.stringify({ time: new Date().toISOString(), level, msg, pid: process.pid, ...fields });
	if (level === 'error') console.error(line);
	else console.log(line);
}
