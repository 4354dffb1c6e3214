import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests beside the code, integration tests against a real
// database (embedded PGlite by default, PostgreSQL when TEST_DATABASE_URL is set),
// and browser tests driving the system Chromium against the built server.
export default defineConfig({
	test: {
		// one file at a time: the integration and browser files each run a database, and the
		// machine has two cores
		fileParallelism: false,
		projects: [
			{ test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' } },
			{
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			},
			{
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			}
		]
	}
});
