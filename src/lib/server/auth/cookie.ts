/** Session cookie attributes: HttpOnly, SameSite=Lax, Path=/, and Secure wherever a browser
 * honours it (HTTPS, or loopback during development and tests). */
export function sessionCookieOptions(url: URL) {
	const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: url.protocol === 'https:' || loopback };
}
