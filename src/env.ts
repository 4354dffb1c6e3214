// Environment variables the server reads, declared for SvelteKit (validated at start-up).
// The server modules read them through #lib/server/config.ts, which the command line shares.
import { defineEnvVars } from '@sveltejs/kit/env';

const optional = (value: string | undefined) => value;

export const variables = defineEnvVars({
	DATABASE_URL: { schema: optional, description: 'PostgreSQL connection URL; unset → embedded PostgreSQL (PGlite) in DATA_DIR' },
	DATA_DIR: { schema: optional, description: 'Directory of the embedded database and stored files (default .data)' },
	REVIEW_LEVEL: {
		schema: (v) => {
			if (v !== undefined && v !== 'district' && v !== 'province') throw new Error('REVIEW_LEVEL must be district or province');
			return v;
		},
		description: 'Who reviews and decides: district (as QĐ 06 is written) or province (since 07/2025)'
	},
	ALLOW_EMBEDDED_DB_IN_PRODUCTION: { schema: optional, description: 'Set to 1 to allow the embedded database with NODE_ENV=production' },
	SMTP_URL: {
		schema: optional,
		description: 'SMTP server for notification emails, e.g. smtp://user:pass@mail.example:587; unset → in-app only'
	},
	MAIL_FROM: { schema: optional, description: 'Sender of notification emails' },
	SIGNING_KEY_FILE: {
		schema: optional,
		description: 'Ed25519 private key (PKCS#8 PEM) signing certificate QR payloads; default DATA_DIR/keys/certificate-ed25519.pem'
	},
	PUBLIC_URL: { schema: optional, description: 'Public base URL used in email links' },
	DEMO_SEED: { schema: optional, description: 'Set to 1 to load demo data and accounts at start-up' }
});
