/**
 * The one error the server modules throw when they refuse something: a kind (what went wrong,
 * never an HTTP status), a Vietnamese message for the user, field errors for forms, and details a
 * page may show (the dossier's blockers, both values of a conflicting save…). The routes map it
 * to HTTP in one place (`#lib/edge`); anything else thrown is a bug and becomes a 500 with the
 * request id.
 */

export type AppErrorKind =
	/** Bad input: the user can correct it (400). */
	| 'invalid'
	/** Not signed in (the sign-in page). */
	| 'unauthenticated'
	/** Signed in, but the role may not do this at all (403). */
	| 'forbidden'
	/** Missing, or outside the account's area: a commune never learns what exists elsewhere (404). */
	| 'not_found'
	/** The state changed or does not allow it: reload, choose, or wait (409). */
	| 'conflict'
	/** The body or file is larger than allowed (413). */
	| 'too_large'
	/** A file or content type that is not accepted (415). */
	| 'unsupported'
	/** Too many attempts: try again later (429). */
	| 'rate_limited';

export class AppError extends Error {
	readonly kind: AppErrorKind;
	/** Per-field messages (form field name → message). */
	readonly fieldErrors: Record<string, string>;
	/** What a page shows beside the message (plain data, serialisable). */
	readonly details: Record<string, unknown>;

	constructor(
		kind: AppErrorKind,
		message: string,
		opts: { fieldErrors?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {}
	) {
		super(message, { cause: opts.cause });
		this.name = 'AppError';
		this.kind = kind;
		this.fieldErrors = opts.fieldErrors ?? {};
		this.details = opts.details ?? {};
	}
}

export const invalid = (message: string, fieldErrors?: Record<string, string>, details?: Record<string, unknown>) =>
	new AppError('invalid', message, { fieldErrors, details });
export const notFound = (message = 'Không tìm thấy.') => new AppError('not_found', message);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError('conflict', message, { details });
export const forbidden = (message = 'Bạn không có quyền thực hiện thao tác này.') => new AppError('forbidden', message);

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Input checked against a zod schema; the first problem (and one per field) refused as "invalid". */
export function parseInput<T>(
	schema: {
		safeParse: (
			v: unknown
		) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
	},
	value: unknown
): T {
	const r = schema.safeParse(value);
	if (r.success) return r.data;
	const fieldErrors: Record<string, string> = {};
	for (const i of r.error.issues) if (i.path.length) fieldErrors[String(i.path[0])] ??= i.message;
	throw new AppError('invalid', r.error.issues[0]?.message ?? 'Dữ liệu không hợp lệ.', { fieldErrors });
}
