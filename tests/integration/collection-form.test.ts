/**
 * The printable collection form of a criteria set (issue 14): rendered from the default set as
 * stored in the database, read back with poppler (`pdftotext`, `pdfinfo`). Every indicator of the
 * set (taken from the set itself) appears with its code and title, the base counts come first,
 * the page is A4 portrait, the provisional notice is there while the set is unconfirmed and gone
 * once it is confirmed; the dossier variant names its commune and round, laid out in the PDF
 * worker, and a commune never gets the form of another commune's dossier.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { actorOf, seedRound } from '../helpers/fixtures.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { confirmCriteriaSet, findCriteriaSet } from '#lib/server/criteria/index.ts';
import {
	BLANK_COMMITTEE,
	COLLECTION_FORM_SUBTITLE,
	COLLECTION_FORM_TITLE,
	collectionFormData,
	collectionFormDossier
} from '#lib/server/documents/collection-form.ts';
import { committeeIssuer } from '#lib/server/documents/data.ts';
import { MOTTO, NATIONAL_TITLE, PROVISIONAL_NOTICE } from '#lib/server/documents/layout.ts';
import { PdfPool, workerPath } from '#lib/server/documents/pool.ts';
import { renderPdf } from '#lib/server/documents/render.ts';
import { BASE_COUNT_LABELS } from '#lib/domain/base-counts.ts';
import { loadAssessment } from '#lib/server/dossier/index.ts';

let t: TestDb;
let scratch: string;
let seeded: Awaited<ReturnType<typeof seedRound>>;

beforeAll(async () => {
	t = await freshDb();
	seeded = await seedRound(t);
	scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xa-collection-form-'));
});
afterAll(async () => {
	await t?.drop();
	fs.rmSync(scratch, { recursive: true, force: true });
});

/** NFC, white space collapsed (table cells and wrapped lines come out with extra spaces and breaks). */
const flat = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** `text`: `pdftotext -layout`; `raw`: `pdftotext -raw` (content-stream order: a title wrapped in its cell stays in one piece). */
type Read = { text: string; raw: string; pages: number; size: string; title: string };

function read(pdf: Buffer, name: string): Read {
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	const file = path.join(scratch, `${name}.pdf`);
	fs.writeFileSync(file, pdf);
	const text = flat(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
	const raw = flat(execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }));
	const info = Object.fromEntries(
		execFileSync('pdfinfo', [file], { encoding: 'utf8' })
			.split('\n')
			.map((l) => /^([^:]+):\s*(.*)$/.exec(l))
			.filter((m): m is RegExpExecArray => !!m)
			.map((m) => [m[1], m[2]])
	);
	return { text, raw, pages: Number(info.Pages), size: info['Page size'] ?? '', title: flat(info.Title ?? '') };
}

/** A title may be wrapped inside its table cell: compare without white space at all. */
const dense = (s: string) => s.normalize('NFC').replace(/\s+/g, '');

async function defaultSet() {
	const found = await findCriteriaSet(t.db, 'QD06-2019@1');
	if (!found) throw new Error('the default set is not in the database');
	return found;
}

describe('collection form of the default criteria set', () => {
	it('lists every indicator of the set with its code and title, on A4 portrait pages', async () => {
		const { set } = await defaultSet();
		const r = read(await renderPdf(collectionFormData(set, { date: '2026-11-20' })), 'blank');
		expect(r.size).toMatch(/^595(\.\d+)? x 841\.89 pts \(A4\)/); // 595 x 842: portrait
		expect(r.pages).toBeGreaterThan(1);
		expect(r.title).toBe('Phiếu thu thập số liệu - QD06-2019@1');

		const text = dense(r.raw);
		const indicators = set.criteria.flatMap((c) => c.indicators);
		expect(indicators.length).toBeGreaterThan(13);
		const missing = (expected: [code: string, text: string][]) => expected.filter(([, e]) => !text.includes(dense(e))).map(([c]) => c);
		expect(missing(set.criteria.map((c) => [c.code, `${c.code}. ${c.title}`]))).toEqual([]);
		expect(missing(indicators.map((i) => [i.code, `${i.code}. ${i.title}`]))).toEqual([]);
		// what is measured, and the labels of what is counted
		const measures: [string, string][] = [];
		for (const i of indicators) {
			measures.push([i.code, `Cách đo: ${i.measure}`]);
			if (i.kind === 'rate') measures.push([i.code, `Tử số: ${i.numeratorLabel}`], [i.code, `Mẫu số: ${i.denominatorLabel}`]);
			if (i.kind === 'incidence') measures.push([i.code, `Số trường hợp: ${i.countLabel}`], [i.code, `Số trẻ em: ${i.populationLabel}`]);
			if (i.kind === 'level') for (const l of i.levels) measures.push([i.code, `□ ${l.label}`]);
			if (i.kind === 'check') measures.push([i.code, `□ Có (${i.maxPoints} điểm)`]);
		}
		expect(missing(measures)).toEqual([]);
		// one source and one period per indicator, plus the base counts' columns
		expect(r.text.split('Nguồn số liệu:').length - 1).toBe(indicators.length);
		expect(r.text.split('Kỳ báo cáo:').length - 1).toBe(indicators.length);

		// header: blank committee lines on the left, national title and motto on the right
		expect(r.raw).toContain(flat(BLANK_COMMITTEE));
		expect(r.text).toContain(NATIONAL_TITLE);
		expect(r.text).toContain(MOTTO);
		expect(r.text).toContain(`${COLLECTION_FORM_TITLE} ${COLLECTION_FORM_SUBTITLE}`);
		expect(r.text).toContain('Mã bộ tiêu chí: QD06-2019@1');

		// the base counts come before the first criterion, the signatures after the last one
		const baseAt = r.text.indexOf(BASE_COUNT_LABELS.under1);
		expect(baseAt).toBeGreaterThan(0);
		expect(r.text.indexOf(BASE_COUNT_LABELS.under5)).toBeGreaterThan(baseAt);
		expect(r.text.indexOf(BASE_COUNT_LABELS.under16)).toBeGreaterThan(baseAt);
		expect(r.text.indexOf(`${set.criteria[0].code}. `)).toBeGreaterThan(r.text.indexOf(BASE_COUNT_LABELS.under16));
		expect(r.text.indexOf('NGƯỜI TỔNG HỢP')).toBeGreaterThan(r.text.lastIndexOf(set.criteria.at(-1)!.indicators.at(-1)!.code));
		expect(r.text).toContain('XÁC NHẬN CỦA ỦY BAN NHÂN DÂN');

		// the default set is neither verified nor confirmed: the provisional notice, as on the reports
		expect(r.text).toContain(PROVISIONAL_NOTICE);
	});

	it('drops the provisional notice once an administrator confirms the set', async () => {
		const { row } = await defaultSet();
		await confirmCriteriaSet(t.db, row.id, await actorOf(t, seeded.admin), 'Đã đối chiếu với bản gốc QĐ 06/QĐ-TTg');
		const { set } = await defaultSet();
		const r = read(await renderPdf(collectionFormData(set, { date: '2026-11-20' })), 'confirmed');
		expect(r.text).not.toContain('TẠM TÍNH');
		expect(r.text).toContain(set.criteria[0].indicators[0].code);
	});
});

describe('collection form of a dossier', () => {
	it("names the dossier's commune, province and round, laid out in the PDF worker", async () => {
		const { set } = await defaultSet();
		const assessment = (await loadAssessment(t.db, seeded.assessmentA))!;
		const unit = await collectionFormDossier(t.db, assessment);
		expect(unit.commune).toBe(assessment.commune.name);
		expect(unit.province).not.toBe('');
		const data = collectionFormData(set, {
			date: '2026-11-20',
			dossier: { issuer: committeeIssuer(unit.commune, unit.province), ...unit }
		});
		const file = workerPath();
		expect(file).not.toBeNull();
		const pool = new PdfPool(file!, 1);
		try {
			const r = read(await pool.render(data), 'dossier');
			expect(r.text).toContain(assessment.commune.name.toLocaleUpperCase('vi'));
			expect(r.text).toContain(`Xã, phường: ${assessment.commune.name}`);
			expect(r.text).toContain(`Đợt đánh giá: ${assessment.round.name}`);
			expect(r.text).not.toContain('XÃ/PHƯỜNG …');
			expect(r.title).toBe(`Phiếu thu thập số liệu - QD06-2019@1 - ${assessment.commune.name}`);
		} finally {
			await pool.close();
		}
	});

	it("refuses another commune's dossier (the route's guard)", async () => {
		const other = await actorOf(t, seeded.officerB);
		await expect(authorizeAssessment(t.db, other, 'assessment.read', String(seeded.assessmentA))).rejects.toMatchObject({
			kind: 'not_found'
		});
		const own = await actorOf(t, seeded.officerA);
		await expect(authorizeAssessment(t.db, own, 'assessment.read', String(seeded.assessmentA))).resolves.toBeTruthy();
	});
});
