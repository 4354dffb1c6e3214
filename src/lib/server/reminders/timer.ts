/**
 * The reminders' timer in the running server: a first pass shortly after start-up, then one every
 * REMINDER_INTERVAL_MINUTES (0: no timer). Each pass takes the lease first (./index.ts), so with
 * several instances one of them runs it. The timers are unref'd (they never keep the process
 * alive) and `stop` waits for a pass under way before the database closes.
 */
import type { DB } from '../db/index.ts';
import { log } from '../http/log.ts';
import { runScheduledPass } from './index.ts';

/** Delay of the first pass after start-up (a restart loop must not send a burst). */
export const FIRST_PASS_DELAY_MS = 60_000;

export type ReminderTimer = { stop: () => Promise<void> };

export function startReminderTimer(db: () => DB, intervalMinutes: number, firstDelayMs = FIRST_PASS_DELAY_MS): ReminderTimer {
	let running: Promise<void> | null = null;
	let stopped = false;
	const pass = () => {
		if (stopped || running) return; // a pass still under way: skip this tick
		running = runScheduledPass(db(), { by: 'scheduler' })
			.then((r) => {
				if (r.ran && r.report.total > 0) {
					log('info', 'reminders sent', {
						today: r.report.today,
						...r.report.sent,
						emails: r.report.emails.sent,
						failed: r.report.emails.failed
					});
				}
			})
			.catch((e) => log('warn', 'reminders pass failed', { error: String(e) }))
			.finally(() => {
				running = null;
			});
	};
	const ms = intervalMinutes * 60_000;
	let every: NodeJS.Timeout | undefined;
	// the first pass, then one every interval from it
	const first = setTimeout(
		() => {
			pass();
			if (stopped) return;
			every = setInterval(pass, ms);
			every.unref();
		},
		Math.min(firstDelayMs, ms)
	);
	first.unref();
	return {
		stop: async () => {
			stopped = true;
			clearTimeout(first);
			if (every) clearInterval(every);
			await running;
		}
	};
}
