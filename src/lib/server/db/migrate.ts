import { Migrator } from 'kysely/migration';
import { migrations } from '#migrations';
import type { DB } from './index.ts';

/** Bring the schema to the latest migration. Throws (Kysely 0.29 reports errors in its result). */
export async function migrateToLatest(db: DB): Promise<string[]> {
	const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) {
		const what = failed ? ` (${failed.migrationName})` : '';
		throw new Error(`Cập nhật lược đồ CSDL thất bại${what}: ${error instanceof Error ? error.message : String(error)}`);
	}
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
