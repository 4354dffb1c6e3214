/**
 * The running server's single database connection and configuration, opened once by the
 * `init` hook (migrations run there) and closed on shutdown.
 */
import { config, type Config } from './config.ts';
import { connect, type Connection, type DB } from './db/index.ts';
import { prepareDatabase } from './setup/index.ts';
import { seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo.ts';
import { generateSigningKey, loadSigningKey } from './certificates/signing.ts';
import { usePdfWorker } from './documents/pool.ts';
import { startReminderTimer, type ReminderTimer } from './reminders/timer.ts';

let conn: Connection | undefined;
let opening: Promise<Connection> | undefined;
let reminders: ReminderTimer | undefined;

export async function openApp(): Promise<Connection> {
	if (conn) return conn;
	opening ??= (async () => {
		const cfg = config();
		usePdfWorker(cfg.pdfWorker);
		const c = await connect(cfg);
		try {
			await prepareDatabase(c.db);
			if (cfg.demoSeed) {
				await seedDemo(c.db, cfg);
				// a demo deployment signs its certificates with a key of its own
				if (!loadSigningKey(cfg.signingKeyFile)) generateSigningKey(cfg.signingKeyFile);
				console.log(`\nTài khoản trình diễn (mật khẩu chung: ${DEMO_PASSWORD}):`);
				for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(17)} ${a.email}`);
				console.log('');
			}
		} catch (e) {
			await c.close();
			throw e;
		}
		conn = c;
		// the reminders' scheduler (REMINDER_INTERVAL_MINUTES; 0 disables it), stopped by closeApp
		if (cfg.reminderIntervalMinutes > 0) reminders = startReminderTimer(() => c.db, cfg.reminderIntervalMinutes);
		return c;
	})();
	return opening;
}

export function db(): DB {
	if (!conn) throw new Error('Database not opened: openApp() must run first (hooks init).');
	return conn.db;
}

export function appConfig(): Config {
	return config();
}

export async function closeApp(): Promise<void> {
	const c = conn;
	conn = undefined;
	opening = undefined;
	// a reminders pass under way finishes before the database closes
	const timer = reminders;
	reminders = undefined;
	await timer?.stop();
	if (c) await c.close();
}
