/**
 * Transcribing the whole default set QĐ 06/QĐ-TTg (QD06_2019) in the editor (issue 14, closing
 * note): an administrator creates CHEP-QD06 from scratch on /criteria and transcribes its 13
 * criteria — every indicator of every kind the set uses, every band and level with its provisional
 * flag, the sources, guidance, measures, labels, base counts, zero-denominator rules, met rules and
 * the pass rule — through the editor's labelled inputs and buttons only, driven generically from
 * the QD06_2019 data (one function per indicator kind). The transcription is timed from the first
 * input to the last "Đã lưu" (test-results/transcribe-default-timing.json), and the export of the
 * draft equals QD06_2019 but for its code, name, legal reference, version, status and confirmation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useBrowserServer } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { COMMUNE_CATEGORIES, COMMUNE_CATEGORY_LABELS } from '#lib/domain/units.ts';
import { BASE_COUNT_LABELS } from '#lib/domain/base-counts.ts';
import {
	INDICATOR_KIND_LABELS,
	QD06_2019,
	type Citation,
	type CriteriaSet,
	type Criterion,
	type IncidenceIndicator,
	type Indicator,
	type LevelIndicator,
	type RateIndicator,
	type SurveyIndicator
} from '#lib/domain/criteria/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const results = path.join(root, 'test-results');
const env = useBrowserServer();

/** What the transcription must give: QD06_2019 as a new draft under another code. */
const EXPECTED: CriteriaSet = {
	...structuredClone(QD06_2019),
	code: 'CHEP-QD06',
	name: 'Bộ tiêu chí xã, phường, thị trấn phù hợp với trẻ em (chép lại từ QĐ 06/QĐ-TTg)',
	legalReference: 'Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ (bản chép lại)',
	version: 1,
	status: 'draft',
	confirmation: null
};
const INDICATORS = QD06_2019.criteria.flatMap((c) => c.indicators);
const COUNTS = {
	criteria: QD06_2019.criteria.length,
	indicators: INDICATORS.length,
	bands: INDICATORS.reduce((n, i) => n + ('bands' in i ? i.bands.length : 0), 0),
	levels: INDICATORS.reduce((n, i) => n + ('levels' in i ? i.levels.length : 0), 0)
};

async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill('quantri@demo.vn');
	await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

/** A criterion of the editor (its section, named by its heading "TC01. …"). */
const criterionRegion = (page: Page, code: string) => page.getByRole('region', { name: new RegExp(`^${code.replace('.', '\\.')}\\. `) });
/** An indicator of the editor (its fieldset, named by its legend). */
const indicatorGroup = (page: Page, code: string) => page.getByRole('group', { name: `Chỉ số ${code}`, exact: true });

const ZERO_DENOMINATOR_LABELS: Record<RateIndicator['zeroDenominator'], string> = {
	invalid: 'Số liệu không hợp lệ',
	maxPoints: '0/0: không có trường hợp cần xử lý, đủ điểm'
};
const MET_RULE_LABELS: Record<Criterion['metRule']['kind'], string> = {
	positive: 'Điểm của tiêu chí lớn hơn 0',
	minPoints: 'Điểm của tiêu chí từ một mức trở lên'
};
const baseCountLabel = (k: RateIndicator['baseCount']) => (k === null ? 'Không gắn' : BASE_COUNT_LABELS[k]);

describe('the default set QĐ 06/QĐ-TTg transcribed from scratch in the editor', () => {
	it(
		'an administrator transcribes all 13 criteria through the editor, timed, and the export equals QD06_2019',
		{ timeout: 600_000 },
		async () => {
			const page = await signedIn({ width: 1366, height: 900 });
			page.setDefaultTimeout(30_000);
			await page.goto(`${env.server.url}/criteria`, { waitUntil: 'networkidle' });

			const form = page.getByRole('region', { name: 'Tạo bộ tiêu chí mới' });
			await form.getByLabel('Mã bộ tiêu chí').fill(EXPECTED.code);
			await form.getByLabel('Tên bộ tiêu chí').fill(EXPECTED.name);
			await form.getByLabel('Căn cứ pháp lý').fill(EXPECTED.legalReference);
			await form.getByRole('button', { name: 'Tạo bộ tiêu chí mới' }).click();
			await page.waitForURL((u) => /^\/criteria\/\d+\/edit$/.test(u.pathname));
			const setId = Number(/\/criteria\/(\d+)\/edit/.exec(page.url())![1]);
			await page.getByRole('heading', { name: `Sửa bản nháp ${EXPECTED.code}@1`, level: 1 }).waitFor();
			await page.waitForLoadState('networkidle');

			const status = page.getByTestId('save-status');
			const errorsHeading = page.getByRole('heading', { name: /^Bộ tiêu chí còn \d+ lỗi$/ });

			// what the user did, counted
			const done = { inputsFilled: 0, selectsChosen: 0, boxesChecked: 0, buttonsClicked: 0 };
			const fill = async (input: Locator, value: string | number) => {
				await input.fill(String(value));
				done.inputsFilled++;
			};
			/** Fills a field only when it does not already hold the value (a default the user leaves as is). */
			const fillIfDifferent = async (input: Locator, value: string | number) => {
				if ((await input.inputValue()) !== String(value)) await fill(input, value);
			};
			const choose = async (select: Locator, label: string) => {
				const current = await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent?.trim() ?? '');
				if (current === label) return;
				await select.selectOption({ label });
				done.selectsChosen++;
			};
			const tick = async (box: Locator, on: boolean) => {
				if ((await box.isChecked()) === on) return;
				await box.setChecked(on);
				done.boxesChecked++;
			};
			const click = async (button: Locator) => {
				await button.click();
				done.buttonsClicked++;
			};

			/** Điều / Khoản / Điểm / Trang of a criterion or an indicator (its first "Trích dẫn văn bản gốc" group). */
			async function citation(scope: Locator, c: Citation | undefined) {
				if (!c) return;
				const group = scope.getByRole('group', { name: 'Trích dẫn văn bản gốc' }).first();
				if (c.article !== undefined) await fill(group.getByLabel('Điều', { exact: true }), c.article);
				if (c.clause !== undefined) await fill(group.getByLabel('Khoản', { exact: true }), c.clause);
				if (c.point !== undefined) await fill(group.getByLabel('Điểm', { exact: true }), c.point);
				if (c.page !== undefined) await fill(group.getByLabel('Trang', { exact: true }), c.page);
			}

			/** The fields every indicator has; the kind first (changing it empties the kind's own fields). */
			async function common(box: Locator, ind: Indicator) {
				await choose(box.getByLabel('Loại chỉ số'), INDICATOR_KIND_LABELS[ind.kind]);
				await fillIfDifferent(box.getByLabel('Mã chỉ số'), ind.code);
				await fill(box.getByLabel('Điểm tối đa'), ind.maxPoints);
				await fill(box.getByLabel('Tên chỉ số'), ind.title);
				await fill(box.getByLabel('Cách đo'), ind.measure);
				await fill(box.getByLabel('Hướng dẫn', { exact: true }), ind.guidance);
			}
			/** The fields after the scale: its source, citation and whether it was checked against the text. */
			async function closing(box: Locator, ind: Indicator) {
				await fill(box.getByLabel('Nguồn của thang điểm'), ind.source);
				await citation(box, ind.citation);
				await tick(box.getByLabel('Đã đối chiếu với văn bản gốc'), ind.verified);
			}
			/** The rows of a scale: as many as the data has (the editor starts with `start`), each with its provisional flag. */
			async function rows<T extends { points: number; provisional: boolean }>(
				box: Locator,
				list: readonly T[],
				addLabel: string,
				fillRow: (n: number, row: T) => Promise<void>
			) {
				const start = await box.getByRole('listitem').count();
				for (let k = start; k < list.length; k++) await click(box.getByRole('button', { name: addLabel, exact: true }));
				expect(await box.getByRole('listitem').count()).toBe(list.length);
				for (const [k, row] of list.entries()) {
					await fillRow(k + 1, row);
					await tick(box.getByLabel(`Tạm tính mức ${k + 1}`, { exact: true }), row.provisional);
				}
			}
			const percentBands = (box: Locator, ind: RateIndicator | SurveyIndicator) =>
				rows(box, ind.bands, 'Thêm mức điểm', async (n, b) => {
					await fill(box.getByLabel(`Ngưỡng (%) mức ${n}`, { exact: true }), b.min);
					await fill(box.getByLabel(`Điểm mức ${n}`, { exact: true }), b.points);
				});

			// one function per indicator kind
			const byKind: { [K in Indicator['kind']]: (box: Locator, ind: Extract<Indicator, { kind: K }>) => Promise<void> } = {
				check: async () => {},
				manual: async () => {},
				rate: async (box, ind: RateIndicator) => {
					await fill(box.getByLabel('Tử số', { exact: true }), ind.numeratorLabel);
					await fill(box.getByLabel('Mẫu số', { exact: true }), ind.denominatorLabel);
					await choose(box.getByLabel('Khi mẫu số bằng 0'), ZERO_DENOMINATOR_LABELS[ind.zeroDenominator]);
					await choose(box.getByLabel('Mẫu số là số trẻ em dùng chung'), baseCountLabel(ind.baseCount));
					await percentBands(box, ind);
				},
				survey: async (box, ind: SurveyIndicator) => {
					await percentBands(box, ind);
				},
				incidence: async (box, ind: IncidenceIndicator) => {
					await fill(box.getByLabel('Số trường hợp', { exact: true }), ind.countLabel);
					await fill(box.getByLabel('Số trẻ em (mẫu số)', { exact: true }), ind.populationLabel);
					await fillIfDifferent(box.getByLabel('Tính trên bao nhiêu trẻ em'), ind.per);
					if (ind.zeroIfCountAtLeast !== null) await fill(box.getByLabel('0 điểm khi số trường hợp từ'), ind.zeroIfCountAtLeast);
					await choose(box.getByLabel('Số trẻ em là số trẻ em dùng chung'), baseCountLabel(ind.baseCount));
					await rows(box, ind.bands, 'Thêm mức điểm', async (n, b) => {
						await fill(box.getByLabel(`Ngưỡng tối đa mức ${n}`, { exact: true }), b.max);
						await fill(box.getByLabel(`Điểm mức ${n}`, { exact: true }), b.points);
					});
				},
				level: async (box, ind: LevelIndicator) => {
					await rows(box, ind.levels, 'Thêm mức', async (n, l) => {
						await fill(box.getByLabel(`Mã mức ${n}`, { exact: true }), l.code);
						await fill(box.getByLabel(`Tên mức ${n}`, { exact: true }), l.label);
						await fill(box.getByLabel(`Điểm mức ${n}`, { exact: true }), l.points);
					});
				}
			};
			async function transcribeIndicator(ind: Indicator) {
				const box = indicatorGroup(page, ind.code);
				await common(box, ind);
				await (byKind[ind.kind] as (box: Locator, ind: Indicator) => Promise<void>)(box, ind);
				await closing(box, ind);
			}

			async function transcribeCriterion(c: Criterion, i: number) {
				if (i > 0) await click(page.getByRole('button', { name: 'Thêm tiêu chí' }));
				// the new criterion is numbered by the editor; the code is checked (and typed if it differs)
				await fillIfDifferent(page.getByLabel('Mã tiêu chí', { exact: true }).nth(i), c.code);
				const region = criterionRegion(page, c.code);
				await fill(region.getByLabel('Tên tiêu chí'), c.title);
				await fill(region.getByLabel('Điểm tối đa của tiêu chí'), c.maxPoints);
				await fill(region.getByLabel('Hướng dẫn chung của tiêu chí'), c.guidance);
				await choose(region.getByLabel('Điều kiện đạt tiêu chí'), MET_RULE_LABELS[c.metRule.kind]);
				if (c.metRule.kind === 'minPoints') await fill(region.getByLabel('Số điểm tối thiểu để đạt'), c.metRule.points);
				await fill(region.getByLabel('Nguồn', { exact: true }), c.source);
				await citation(region, c.citation);
				await tick(region.getByLabel('Đã đối chiếu với văn bản gốc').first(), c.verified);
				for (const [j, ind] of c.indicators.entries()) {
					// a new criterion comes with its first indicator; the others are added
					if (j > 0) await click(region.getByRole('button', { name: `Thêm chỉ số vào ${c.code}` }));
					await transcribeIndicator(ind);
				}
			}

			// ---- the timed transcription: from the editor's first input to the last "Đã lưu" ----
			const started = performance.now();
			const laps: { code: string; ms: number }[] = [];
			for (const [i, c] of QD06_2019.criteria.entries()) {
				const t = performance.now();
				await transcribeCriterion(c, i);
				laps.push({ code: c.code, ms: Math.round(performance.now() - t) });
			}
			// the pass rule, once the total allows the thresholds
			for (const c of COMMUNE_CATEGORIES)
				await fill(page.getByLabel(`Ngưỡng tổng điểm: ${COMMUNE_CATEGORY_LABELS[c]}`), QD06_2019.passRule.thresholds[c]);
			await tick(page.getByLabel('Phải đạt tất cả các tiêu chí'), QD06_2019.passRule.requireAllCriteriaMet);
			await tick(page.getByLabel('Không tiêu chí nào được 0 điểm'), QD06_2019.passRule.forbidZeroCriterion);

			await expect
				.poll(() => errorsHeading.count(), {
					timeout: 15_000,
					message: `errors left: ${(await page.locator('.summary').allInnerTexts()).join(' | ')}`
				})
				.toBe(0);
			// "Đã lưu lúc hh:mm" only once the server holds the very last edit
			await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^Đã lưu lúc \d\d:\d\d$/);
			const elapsed = performance.now() - started;
			// ---- end of the timed transcription ----

			const seconds = Math.round(elapsed / 100) / 10;
			console.log(
				`Thời gian chép 13 tiêu chí của bộ mặc định: ${seconds.toLocaleString('vi-VN')} s (${COUNTS.criteria} tiêu chí, ${COUNTS.indicators} chỉ số, ${COUNTS.bands} mức điểm, ${COUNTS.levels} mức; ${done.inputsFilled} ô nhập, ${done.selectsChosen} lựa chọn, ${done.boxesChecked} ô đánh dấu, ${done.buttonsClicked} nút bấm)`
			);
			fs.mkdirSync(results, { recursive: true });
			fs.writeFileSync(
				path.join(results, 'transcribe-default-timing.json'),
				JSON.stringify(
					{
						set: `${QD06_2019.code}@${QD06_2019.version}`,
						transcribedAs: `${EXPECTED.code}@1`,
						transcribeMs: Math.round(elapsed),
						...COUNTS,
						...done,
						kinds: [...new Set(INDICATORS.map((i) => i.kind))],
						perCriterionMs: laps,
						viewport: '1366x900',
						at: new Date().toISOString()
					},
					null,
					2
				) + '\n'
			);
			expect(COUNTS).toEqual({ criteria: 13, indicators: 26, bands: 54, levels: 3 });

			// the export of the draft is QD06_2019 but for code, name, legal reference, version, status, confirmation
			const res = await page.request.get(`${env.server.url}/criteria/${setId}/export`);
			expect(res.status()).toBe(200);
			const exported = (await res.json()) as CriteriaSet;
			expect(exported).toEqual(EXPECTED);
			expect(exported.criteria.flatMap((c) => [c.verified, ...c.indicators.map((i) => i.verified)]).every((v) => v === false)).toBe(true);
			// …and it differs from QD06_2019 in exactly those fields
			const META = ['code', 'name', 'legalReference', 'version', 'status', 'confirmation'] as const;
			const withoutMeta = (x: CriteriaSet) =>
				Object.fromEntries(Object.entries(x).filter(([k]) => !(META as readonly string[]).includes(k)));
			expect(withoutMeta(exported)).toEqual(withoutMeta(QD06_2019));
			expect(META.filter((k) => JSON.stringify(exported[k]) !== JSON.stringify(QD06_2019[k]))).toEqual([
				'code',
				'name',
				'legalReference',
				'status'
			]);

			// after a reload the editor shows what was typed, and nothing is left unsaved in this browser
			await page.reload({ waitUntil: 'networkidle' });
			expect(await page.getByRole('button', { name: 'Khôi phục thay đổi chưa lưu' }).count()).toBe(0);
			expect(await indicatorGroup(page, 'TC12.1').getByLabel('Tên mức 3', { exact: true }).inputValue()).toBe(
				(QD06_2019.criteria[11].indicators[0] as LevelIndicator).levels[2].label
			);
			await page.context().close();
		}
	);
});
