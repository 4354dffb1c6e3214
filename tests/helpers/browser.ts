/**
 * One built server and one Chromium per browser test file, and signing in through the login
 * form (after the page has hydrated, so the enhanced form handles the click).
 */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS, type RunningServer } from './server.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';

export type BrowserEnv = {
	readonly server: RunningServer;
	readonly browser: Browser;
	/** A new context signed in as `email`; waits for the landing page unless `expectFailure`. */
	signIn: (email: string, opts?: { password?: string; viewport?: { width: number; height: number }; from?: string }) => Promise<Page>;
};

export function useBrowserServer(env: Record<string, string> | (() => Promise<Record<string, string>>) = {}): BrowserEnv {
	let server: RunningServer;
	let browser: Browser;
	beforeAll(async () => {
		server = await startServer(typeof env === 'function' ? await env() : env);
		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});
	return {
		get server() {
			return server;
		},
		get browser() {
			return browser;
		},
		async signIn(email, opts = {}) {
			const context = await browser.newContext(opts.viewport ? { viewport: opts.viewport } : {});
			const page = await context.newPage();
			await page.goto(`${server.url}${opts.from ?? '/login'}`, { waitUntil: 'networkidle' });
			await page.getByLabel('Email').fill(email);
			await page.getByLabel('Mật khẩu').fill(opts.password ?? DEMO_PASSWORD);
			await page.getByRole('button', { name: 'Đăng nhập' }).click();
			return page;
		}
	};
}
