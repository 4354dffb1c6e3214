/**
 * Authorization of every review and decision route on the built server, for each demo role, an
 * officer of another commune, and a reviewer and an approver of another province: allowed
 * exactly as the matrix says; otherwise 403 (the role may never do it) or 404 (the object is
 * outside the account's area), with no data of the commune in the body.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser.ts';
import {
	OFFICER_B,
	OUTSIDE_APPROVER,
	OUTSIDE_PROVINCE_OFFICER,
	OUTSIDE_REVIEWER,
	prepareReviewScenario,
	type ReviewScenario
} from '../helpers/review-scenario.ts';
import { can, type Action, type Role } from '#lib/domain/access.ts';
import { sessionCookie } from '../helpers/server.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-review-access-'));
let s: ReviewScenario;
const env = useBrowserServer(async () => {
	s = await prepareReviewScenario(dataDir);
	return { DATA_DIR: dataDir, REVIEW_LEVEL: 'province' };
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

type Obj = 'A' | 'B' | null;
/** Who is who, and which communes lie in each account's area. */
const ACCOUNTS: { email: string; role: Role; area: Obj[] }[] = [
	{ email: 'canbo.xa@demo.vn', role: 'commune_officer', area: ['A'] },
	{ email: 'chutich.xa@demo.vn', role: 'commune_chair', area: ['A'] },
	{ email: OFFICER_B, role: 'commune_officer', area: ['B'] },
	{ email: 'thamdinh@demo.vn', role: 'reviewer', area: ['A', 'B'] },
	{ email: 'lanhdao@demo.vn', role: 'approver', area: ['A', 'B'] },
	{ email: 'tinh@demo.vn', role: 'province_officer', area: ['A', 'B'] },
	{ email: 'quantri@demo.vn', role: 'admin', area: ['A', 'B'] },
	{ email: OUTSIDE_REVIEWER, role: 'reviewer', area: [] },
	{ email: OUTSIDE_APPROVER, role: 'approver', area: [] },
	{ email: OUTSIDE_PROVINCE_OFFICER, role: 'province_officer', area: [] }
];

type Route = { name: string; action: Action; object: Obj; path: () => string; form?: () => Record<string, string> };
const ROUTES: Route[] = [
	{ name: 'GET /review', action: 'assessment.read', object: null, path: () => '/review' },
	{ name: 'GET /review/[id]', action: 'review.read', object: 'A', path: () => `/review/${s.assessmentA}` },
	{
		name: 'POST /review/[id]?/start',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/start`,
		form: () => ({ version: '0' })
	},
	{
		name: 'POST /review/[id]?/item',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/item`,
		form: () => ({ indicator: 'TC01.1', points: '', reason: '', status: 'accepted', request: '', revision: '0' })
	},
	{
		name: 'POST /review/[id]?/accept',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/accept`,
		form: () => ({ scope: 'TC01', item: 'TC01.1:0' })
	},
	{
		name: 'POST /review/[id]?/comment',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/comment`,
		form: () => ({ indicator: 'TC01.1', body: '' })
	},
	{
		name: 'POST /review/[id]?/return',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/return`,
		form: () => ({ version: '0', message: '' })
	},
	{
		name: 'POST /review/[id]?/appraise',
		action: 'review.perform',
		object: 'A',
		path: () => `/review/${s.assessmentA}?/appraise`,
		form: () => ({ version: '0', recommendation: 'recognise', remarks: '' })
	},
	{
		name: 'POST /assessments/[id]/criteria/[code]?/comment',
		action: 'review.comment',
		object: 'A',
		path: () => `/assessments/${s.assessmentA}/criteria/TC01?/comment`,
		form: () => ({ indicator: 'TC01.1', body: '' })
	},
	{ name: 'GET /decisions', action: 'decision.read', object: null, path: () => '/decisions' },
	{
		name: 'POST /decisions?/issue',
		action: 'decision.issue',
		object: null,
		path: () => '/decisions?/issue',
		form: () => ({ outcome: 'recognise', number: '' })
	},
	{ name: 'GET /decisions/[id]', action: 'decision.read', object: 'B', path: () => `/decisions/${s.decisionId}` },
	{
		name: 'POST /decisions/[id]?/revoke',
		action: 'decision.revoke',
		object: 'B',
		path: () => `/decisions/${s.decisionId}?/revoke`,
		form: () => ({ itemId: String(s.decisionItemId), reason: '' })
	},
	{
		name: 'GET /decisions/[id]/decision.pdf',
		action: 'decision.read',
		object: 'B',
		path: () => `/decisions/${s.decisionId}/decision.pdf`
	},
	{
		name: 'GET /decisions/[id]/certificates/[itemId]?preview=1',
		action: 'certificate.print',
		object: 'B',
		path: () => `/decisions/${s.decisionId}/certificates/${s.decisionItemId}?preview=1`
	},
	{
		name: 'POST /decisions/[id]?/certificates',
		action: 'certificate.issue',
		object: 'B',
		path: () => `/decisions/${s.decisionId}?/certificates`,
		form: () => ({})
	},
	{ name: 'GET /rounds/[id]', action: 'round.read', object: null, path: () => `/rounds/${s.roundId}` },
	{
		name: 'POST /rounds/[id]?/extend',
		action: 'round.manage',
		object: 'A',
		path: () => `/rounds/${s.roundId}?/extend`,
		form: () => ({ closesOn: '2199-12-31' })
	},
	{
		name: 'POST /rounds/[id]?/reopen',
		action: 'round.manage',
		object: 'A',
		path: () => `/rounds/${s.roundId}?/reopen`,
		form: () => ({ assessmentId: String(s.assessmentA), until: '2199-12-31' })
	},
	{ name: 'GET /notifications', action: 'notification.read', object: null, path: () => '/notifications' }
];

const NAMES: Record<'A' | 'B', string> = { A: 'Phường Phú Xuân', B: 'Phường Kim Long' };

const cookieFor = (email: string) => sessionCookie(env.server.url, email);

describe('review and decision routes: each role, in and out of its area', () => {
	it('allows exactly what the matrix allows; 403/404 otherwise with no commune data', async () => {
		const table: string[] = [];
		for (const acct of ACCOUNTS) {
			const cookie = await cookieFor(acct.email);
			for (const r of ROUTES) {
				const form = r.form?.();
				const res = await fetch(`${env.server.url}${r.path()}`, {
					method: form ? 'POST' : 'GET',
					headers: {
						cookie,
						origin: env.server.url,
						accept: 'text/html',
						...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {})
					},
					body: form ? new URLSearchParams(form) : undefined,
					redirect: 'manual'
				});
				const body = await res.text();
				const expected = !can(acct.role, r.action) ? 403 : r.object === null || acct.area.includes(r.object) ? 'allowed' : 404;
				table.push(`${acct.email} ${r.name}: ${res.status} (expected ${expected})`);
				if (expected === 'allowed') {
					expect(res.status, `${acct.email} ${r.name}`).not.toBe(403);
					expect(res.status, `${acct.email} ${r.name}`).not.toBe(404);
					expect(res.status, `${acct.email} ${r.name}`).toBeLessThan(500);
					if (!form) expect(res.status, `${acct.email} ${r.name}`).toBe(200);
				} else {
					expect(res.status, `${acct.email} ${r.name}`).toBe(expected);
					for (const name of Object.values(NAMES)) expect(body, `${acct.email} ${r.name} leaks ${name}`).not.toContain(name);
				}
				// lists show only the account's area
				if (!form && expected === 'allowed' && r.object === null) {
					for (const [obj, name] of Object.entries(NAMES) as ['A' | 'B', string][]) {
						if (!acct.area.includes(obj) && r.name !== 'GET /notifications')
							expect(body, `${acct.email} ${r.name} shows ${name}`).not.toContain(name);
					}
				}
			}
		}
		expect(table.length).toBe(ACCOUNTS.length * ROUTES.length);
	}, 120_000);

	it('a reviewer of another province cannot open an evidence file of the commune', async () => {
		const cookie = await cookieFor(OUTSIDE_REVIEWER);
		const res = await fetch(`${env.server.url}/assessments/${s.assessmentA}/evidence/1?view=1`, {
			headers: { cookie },
			redirect: 'manual'
		});
		expect(res.status).toBe(404);
		const own = await fetch(`${env.server.url}/assessments/${s.assessmentA}/evidence/1?view=1`, {
			headers: { cookie: await cookieFor('thamdinh@demo.vn') },
			redirect: 'manual'
		});
		expect(own.status).toBe(200);
		expect(own.headers.get('content-disposition')).toMatch(/^inline/);
		expect(own.headers.get('content-type')).toBe('application/pdf');
	});
});
