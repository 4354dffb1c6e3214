/**
 * Preparing a database for the app: the migrations, then the data every deployment needs (the
 * default criteria set) and what derived state older rows lack (the stored figures of
 * assessments scored under older rules, the name keys of units imported before they existed).
 * Run at start-up, by the command line and by the tests; idempotent.
 */
import type { DB } from '../db/index.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ensureDefaultCriteriaSet } from '../criteria/index.ts';
import { fillUnitNameKeys } from '../units/import.ts';
import { refreshFigures, staleFigures } from '../dossier/index.ts';

/** Recomputes the stored figures of every assessment whose figures are missing or stale; returns how many. */
export async function refreshStaleFigures(db: DB): Promise<number> {
	let done = 0;
	for (;;) {
		const ids = await staleFigures(db, 500);
		if (ids.length === 0) return done;
		await db.transaction().execute(async (trx) => {
			for (const id of ids) await refreshFigures(trx, id);
		});
		done += ids.length;
	}
}

/** Migrations, then the default criteria set and the derived state older rows lack. */
export async function prepareDatabase(db: DB): Promise<string[]> {
	const applied = await migrateToLatest(db);
	await ensureDefaultCriteriaSet(db);
	await fillUnitNameKeys(db);
	await refreshStaleFigures(db);
	return applied;
}
