// Migrations in order. An explicit list: Vite bundling breaks FileMigrationProvider, and the
// command line runs these files directly under Node.
import type { Migration } from 'kysely/migration';
import * as m001 from './2026-11-23-001-foundation.ts';
import * as m002 from './2026-11-23-002-criteria-sets.ts';
import * as m003 from './2026-11-23-003-assessments.ts';
import * as m004 from './2026-11-23-004-reviews.ts';
import * as m005 from './2026-11-23-005-certificates.ts';
import * as m006 from './2026-11-23-006-indexes.ts';
import * as m007 from './2026-11-29-007-dossier-facts.ts';
import * as m008 from './2026-11-29-008-audit-chains.ts';
import * as m009 from './2026-11-29-009-job-heartbeat.ts';
import * as m010 from './2026-11-29-010-settings.ts';
import * as m011 from './2026-11-30-011-ministry-role.ts';
import * as m012 from './2026-11-30-012-reminders.ts';
import * as m013 from './2026-11-30-013-criteria-four-eyes.ts';
import * as m014 from './2026-11-30-014-surveys.ts';
import * as m015 from './2026-11-30-015-figures-seq.ts';

export const migrations: Record<string, Migration> = {
	'2026-11-23-001-foundation': m001,
	'2026-11-23-002-criteria-sets': m002,
	'2026-11-23-003-assessments': m003,
	'2026-11-23-004-reviews': m004,
	'2026-11-23-005-certificates': m005,
	'2026-11-23-006-indexes': m006,
	'2026-11-29-007-dossier-facts': m007,
	'2026-11-29-008-audit-chains': m008,
	'2026-11-29-009-job-heartbeat': m009,
	'2026-11-29-010-settings': m010,
	'2026-11-30-011-ministry-role': m011,
	'2026-11-30-012-reminders': m012,
	'2026-11-30-013-criteria-four-eyes': m013,
	'2026-11-30-014-surveys': m014,
	'2026-11-30-015-figures-seq': m015
};
