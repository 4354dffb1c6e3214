/**
 * One built server and one Chromium per browser test file, and signing in through the login
 * form (after the page has hydrated, so the enhanced form handles the click).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, CHROMIUM, CHROMIUM_ARGS, type RunningServer } from './server.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { withDataDir } from './db.ts';
import { seedRound } from './fixtures.ts';

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

/**
 * A browser test file's server on a data directory of its own (removed afterwards) prepared with
 * a round for two communes (`seedRound`); `ids` are the seeded rows, known once the server runs.
 */
export function useRoundServer(prefix: string): { env: BrowserEnv; readonly ids: Awaited<ReturnType<typeof seedRound>> } {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	let ids: Awaited<ReturnType<typeof seedRound>> | undefined;
	const env = useBrowserServer(async () => {
		ids = await withDataDir(dataDir, seedRound);
		return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
	});
	afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	return {
		env,
		get ids() {
			if (!ids) throw new Error('the round is seeded when the server starts (beforeAll)');
			return ids;
		}
	};
}

/** Accepts the next dialog of the page (a confirmation before an irreversible step) and gives its text. */
export function acceptDialog(page: Page): Promise<string> {
	return new Promise((resolve) =>
		page.once('dialog', (d) => {
			resolve(d.message());
			void d.accept();
		})
	);
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] };

/** axe-core (WCAG 2.1 A and AA) on the page as it is now; the page's context must bypass the CSP to inject it. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
	await page.addScriptTag({ content: axeSource });
	return page.evaluate(async () => {
		const r = await (
			window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }
		).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary }))
		}));
	});
}
