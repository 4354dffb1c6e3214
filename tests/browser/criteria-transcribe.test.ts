/**
 * Transcribing a criteria set from scratch in the editor (issue 14, "Verified by"): an
 * administrator creates THU-2026 on /criteria, transcribes three criteria holding every indicator
 * kind through the editor's labelled inputs and buttons only, meets an error at the field (nothing
 * is saved while it shows), scores typed answers in the sample panel, and finds everything after a
 * reload (the export JSON equals the expected set). The transcription is timed
 * (test-results/transcribe-timing.json). A second administrator confirms every item, the first
 * activates the set and a round opens on it. Screenshots (desktop and phone) in test-results/;
 * axe-core clean on the blank set and with errors showing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { axeViolations, useBrowserServer } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '#lib/server/seed/demo.ts';
import { COMMUNE_CATEGORY_LABELS } from '#lib/domain/units.ts';
import type { CriteriaSet } from '#lib/domain/criteria/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const results = path.join(root, 'test-results');
const env = useBrowserServer();

const SECOND_ADMIN = 'quantri.doichieu@demo.vn';
const SECOND_PASSWORD = 'mat-khau-ban-dau';

async function signedIn(viewport: { width: number; height: number }, email = 'quantri@demo.vn', password = DEMO_PASSWORD): Promise<Page> {
	const context = await env.browser.newContext({ viewport, bypassCSP: true });
	const page = await context.newPage();
	await page.goto(`${env.server.url}/login`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Mật khẩu').fill(password);
	await page.getByRole('button', { name: 'Đăng nhập' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	return page;
}

async function screenshot(page: Page, name: string, fullPage = false) {
	fs.mkdirSync(results, { recursive: true });
	const file = path.join(results, `criteria-transcribe-${name}.png`);
	await page.screenshot({ path: file, fullPage });
	expect(fs.statSync(file).size).toBeGreaterThan(1000);
}

async function expectAxeClean(page: Page) {
	const violations = await axeViolations(page);
	expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
}

/** A criterion of the editor (its section, named by its heading "TC01. …"). */
const criterion = (page: Page, code: string) => page.getByRole('region', { name: new RegExp(`^${code.replace('.', '\\.')}\\. `) });
/** An indicator of the editor (its fieldset, named by its legend). */
const indicator = (page: Page, code: string) => page.getByRole('group', { name: `Chỉ số ${code}`, exact: true });
/** The error shown under an input (the element its aria-describedby names with "-err"). */
async function errorAt(input: Locator): Promise<string> {
	const described = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').find((x) => x.endsWith('-err'));
	expect(described, 'the input names its error').toBeTruthy();
	expect(await input.getAttribute('aria-invalid')).toBe('true');
	return input.page().locator(`#${described}`).innerText();
}

const T = {
	tc01: 'Công tác bảo vệ trẻ em cấp xã',
	tc011: 'Có bố trí người làm công tác bảo vệ trẻ em cấp xã',
	tc012: 'Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp',
	tc02: 'Phòng, chống tai nạn, thương tích cho trẻ em',
	tc021: 'Tỷ suất trẻ em bị tai nạn, thương tích',
	tc022: 'Mức độ triển khai mô hình ngôi nhà an toàn',
	tc03: 'Trẻ em được tham gia và hài lòng',
	tc031: 'Tỷ lệ trẻ em hài lòng với sân chơi của xã',
	tc032: 'Đánh giá của đoàn kiểm tra về diễn đàn trẻ em'
};
const SOURCE = 'Chép từ văn bản gốc (bản thử)';
const GUIDE = 'Theo hướng dẫn của Bộ Lao động – Thương binh và Xã hội';

/** What the transcription must give: the export of the draft, field by field. */
const EXPECTED: CriteriaSet = {
	code: 'THU-2026',
	name: 'Bộ tiêu chí chép thử năm 2026',
	legalReference: 'Quyết định số 06/QĐ-TTg (bản chép thử)',
	version: 1,
	status: 'draft',
	confirmation: null,
	passRule: { thresholds: { urban_ward: 250, disadvantaged: 200, standard: 220 }, requireAllCriteriaMet: true, forbidZeroCriterion: false },
	criteria: [
		{
			code: 'TC01',
			title: T.tc01,
			maxPoints: 100,
			guidance: GUIDE,
			metRule: { kind: 'positive' },
			source: SOURCE,
			citation: { article: 'Điều 2', clause: 'khoản 2', page: 3 },
			verified: false,
			indicators: [
				{
					kind: 'check',
					code: 'TC01.1',
					title: T.tc011,
					measure: 'Có quyết định phân công',
					guidance: GUIDE,
					maxPoints: 40,
					source: SOURCE,
					verified: false
				},
				{
					kind: 'rate',
					code: 'TC01.2',
					title: T.tc012,
					measure: 'Tỷ lệ phần trăm',
					guidance: GUIDE,
					maxPoints: 60,
					source: SOURCE,
					verified: false,
					numeratorLabel: 'Số trẻ em có hoàn cảnh đặc biệt được trợ giúp',
					denominatorLabel: 'Tổng số trẻ em có hoàn cảnh đặc biệt',
					bands: [
						{ min: 50, points: 30, provisional: false },
						{ min: 90, points: 60, provisional: false }
					],
					zeroDenominator: 'maxPoints',
					baseCount: 'under1'
				}
			]
		},
		{
			code: 'TC02',
			title: T.tc02,
			maxPoints: 100,
			guidance: GUIDE,
			metRule: { kind: 'minPoints', points: 50 },
			source: SOURCE,
			verified: false,
			indicators: [
				{
					kind: 'incidence',
					code: 'TC02.1',
					title: T.tc021,
					measure: 'Số trường hợp trên 1.000 trẻ em',
					guidance: GUIDE,
					maxPoints: 50,
					source: SOURCE,
					verified: false,
					countLabel: 'Số trẻ em bị tai nạn, thương tích',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi',
					per: 1000,
					bands: [
						{ max: 1, points: 50, provisional: false },
						{ max: 5, points: 20, provisional: false }
					],
					zeroIfCountAtLeast: 10,
					baseCount: 'under16'
				},
				{
					kind: 'level',
					code: 'TC02.2',
					title: T.tc022,
					measure: 'Mức độ triển khai',
					guidance: GUIDE,
					maxPoints: 50,
					source: SOURCE,
					verified: false,
					levels: [
						{ code: 'chua-co', label: 'Chưa triển khai', points: 0, provisional: false },
						{ code: 'mot-phan', label: 'Triển khai một phần', points: 25, provisional: false },
						{ code: 'day-du', label: 'Triển khai đầy đủ', points: 50, provisional: false }
					]
				}
			]
		},
		{
			code: 'TC03',
			title: T.tc03,
			maxPoints: 100,
			guidance: GUIDE,
			metRule: { kind: 'positive' },
			source: SOURCE,
			verified: false,
			indicators: [
				{
					kind: 'survey',
					code: 'TC03.1',
					title: T.tc031,
					measure: 'Tỷ lệ hài lòng qua phiếu khảo sát',
					guidance: GUIDE,
					maxPoints: 60,
					source: SOURCE,
					verified: false,
					bands: [
						{ min: 70, points: 30, provisional: false },
						{ min: 85, points: 60, provisional: true }
					]
				},
				{
					kind: 'manual',
					code: 'TC03.2',
					title: T.tc032,
					measure: 'Điểm do đoàn kiểm tra chấm',
					guidance: GUIDE,
					maxPoints: 40,
					source: SOURCE,
					verified: false
				}
			]
		}
	]
};
const COUNTS = {
	criteria: EXPECTED.criteria.length,
	indicators: EXPECTED.criteria.reduce((n, c) => n + c.indicators.length, 0),
	bands: EXPECTED.criteria.flatMap((c) => c.indicators).reduce((n, i) => n + ('bands' in i ? i.bands.length : 0), 0),
	levels: EXPECTED.criteria.flatMap((c) => c.indicators).reduce((n, i) => n + ('levels' in i ? i.levels.length : 0), 0)
};

describe('a criteria set transcribed from scratch in the editor', () => {
	let setId = 0;
	let editUrl = '';

	it('an administrator creates THU-2026, transcribes every indicator kind, sees errors at the field, scores a sample, and it is all saved', async () => {
		const page = await signedIn({ width: 1366, height: 900 });
		await page.goto(`${env.server.url}/criteria`, { waitUntil: 'networkidle' });

		// "Tạo bộ tiêu chí mới": a code against the schema's rule is refused at the field
		const form = page.getByRole('region', { name: 'Tạo bộ tiêu chí mới' });
		await form.getByLabel('Mã bộ tiêu chí').fill('Thử 2026');
		await form.getByLabel('Tên bộ tiêu chí').fill(EXPECTED.name);
		await form.getByLabel('Căn cứ pháp lý').fill(EXPECTED.legalReference);
		await form.getByRole('button', { name: 'Tạo bộ tiêu chí mới' }).click();
		await form.getByRole('alert').waitFor();
		expect(await errorAt(form.getByLabel('Mã bộ tiêu chí'))).toMatch(/Mã bộ tiêu chí chỉ gồm chữ in hoa không dấu/);
		await form.getByLabel('Mã bộ tiêu chí').fill('THU-2026');
		await form.getByRole('button', { name: 'Tạo bộ tiêu chí mới' }).click();
		await page.waitForURL((u) => /^\/criteria\/\d+\/edit$/.test(u.pathname));
		editUrl = page.url();
		setId = Number(/\/criteria\/(\d+)\/edit/.exec(editUrl)![1]);
		await page.getByRole('heading', { name: 'Sửa bản nháp THU-2026@1', level: 1 }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByLabel('Tên bộ tiêu chí').inputValue()).toBe(EXPECTED.name);
		expect(await indicator(page, 'TC01.1').getByLabel('Loại chỉ số').inputValue()).toBe('check');
		await screenshot(page, 'blank-1366');
		await expectAxeClean(page);

		const status = page.getByTestId('save-status');
		let saves = 0;
		page.on('requestfinished', (r) => {
			if (r.method() === 'POST' && r.url().includes('/save')) saves++;
		});
		/** A save after `n` finished, and the status says so. */
		const savedAfter = async (n: number) => {
			await expect
				.poll(() => saves, { timeout: 15_000, message: `no save; ${await page.locator('.summary').allInnerTexts()}` })
				.toBeGreaterThan(n);
			await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu lúc \d\d:\d\d$/);
		};

		// ---- the timed transcription (checks of errors, axe and screenshots are not counted) ----
		const started = performance.now();
		let paused = 0;
		const untimed = async (fn: () => Promise<void>) => {
			const t = performance.now();
			await fn();
			paused += performance.now() - t;
		};

		// TC01: its placeholder texts replaced
		const tc01 = criterion(page, 'TC01');
		await tc01.getByLabel('Tên tiêu chí').fill(T.tc01);
		await tc01.getByLabel('Hướng dẫn chung của tiêu chí').fill(GUIDE);
		await tc01.getByLabel('Nguồn', { exact: true }).fill(SOURCE);
		await tc01.getByLabel('Điều', { exact: true }).first().fill('Điều 2');
		await tc01.getByLabel('Khoản', { exact: true }).first().fill('khoản 2');
		await tc01.getByLabel('Trang', { exact: true }).first().fill('3');
		const i011 = indicator(page, 'TC01.1');
		await i011.getByLabel('Điểm tối đa').fill('40');
		await i011.getByLabel('Tên chỉ số').fill(T.tc011);
		await i011.getByLabel('Cách đo').fill('Có quyết định phân công');
		await i011.getByLabel('Hướng dẫn').fill(GUIDE);
		await i011.getByLabel('Nguồn của thang điểm').fill(SOURCE);

		// TC01.2: a rate; the focus lands on the new indicator's first input
		await tc01.getByRole('button', { name: 'Thêm chỉ số vào TC01' }).click();
		const i012 = indicator(page, 'TC01.2');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await i012.getByLabel('Loại chỉ số').getAttribute('id'));
		await i012.getByLabel('Loại chỉ số').selectOption('rate');
		await i012.getByLabel('Điểm tối đa').fill('60');
		await i012.getByLabel('Tên chỉ số').fill(T.tc012);
		await i012.getByLabel('Cách đo').fill('Tỷ lệ phần trăm');
		await i012.getByLabel('Hướng dẫn').fill(GUIDE);
		await i012.getByLabel('Tử số', { exact: true }).fill('Số trẻ em có hoàn cảnh đặc biệt được trợ giúp');
		await i012.getByLabel('Mẫu số', { exact: true }).fill('Tổng số trẻ em có hoàn cảnh đặc biệt');
		await i012.getByLabel('Khi mẫu số bằng 0').selectOption({ label: '0/0: không có trường hợp cần xử lý, đủ điểm' });
		await i012.getByLabel('Mẫu số là số trẻ em dùng chung').selectOption({ label: 'Số trẻ em dưới 1 tuổi' });
		await i012.getByLabel('Ngưỡng (%) mức 1').fill('50');
		await i012.getByLabel('Điểm mức 1').fill('30');
		await i012.getByRole('button', { name: 'Thêm mức điểm' }).click();
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.id))
			.toBe(await i012.getByLabel('Ngưỡng (%) mức 2').getAttribute('id'));
		await page.keyboard.type('90');
		await i012.getByLabel('Điểm mức 2').fill('60');
		await i012.getByLabel('Nguồn của thang điểm').fill(SOURCE);
		await tc01.getByLabel('Điểm tối đa của tiêu chí').fill('100');
		await savedAfter(0);

		// an error: a band worth more than its indicator, shown at that field; nothing is saved
		await untimed(async () => {
			const before = saves;
			const top = i012.getByLabel('Điểm mức 2');
			await top.fill('70');
			await expect.poll(() => errorAt(top)).toMatch(/Điểm của mức \(70\) vượt điểm tối đa của chỉ số \(60\)/);
			await page.getByRole('heading', { name: /^Bộ tiêu chí còn \d+ lỗi$/ }).waitFor();
			expect(await status.innerText()).toMatch(/^Chưa lưu: hãy sửa các lỗi/);
			// a criterion maximum that does not match its indicators, too
			const max = tc01.getByLabel('Điểm tối đa của tiêu chí');
			await max.fill('90');
			await expect.poll(() => errorAt(max)).toMatch(/Tổng điểm tối đa của các chỉ số \(100\) khác điểm tối đa của tiêu chí \(90\)/);
			// the field typed in is not hidden under the sticky status bar
			const bar = (await status.boundingBox())!;
			expect((await max.boundingBox())!.y).toBeGreaterThanOrEqual(bar.y + bar.height);
			await screenshot(page, 'errors-1366');
			await expectAxeClean(page);
			await page.waitForTimeout(2500);
			expect(saves).toBe(before);
			expect(await status.innerText()).toMatch(/^Chưa lưu: hãy sửa các lỗi/);
			await top.fill('60');
			await max.fill('100');
			// back to what was saved: nothing to send, and the status says it is all saved
			await expect.poll(() => status.innerText()).toMatch(/^(Mọi thay đổi đã được lưu|Đã lưu lúc \d\d:\d\d)$/);
			expect(await top.getAttribute('aria-invalid')).toBeNull();
			expect(await max.getAttribute('aria-invalid')).toBeNull();
			await page.waitForTimeout(1500);
			expect(saves).toBe(before);
		});

		// TC02: an incidence and a level with three levels; met from 50 points
		await page.getByRole('button', { name: 'Thêm tiêu chí' }).click();
		const tc02 = criterion(page, 'TC02');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await tc02.getByLabel('Mã tiêu chí').getAttribute('id'));
		await tc02.getByLabel('Tên tiêu chí').fill(T.tc02);
		await tc02.getByLabel('Điểm tối đa của tiêu chí').fill('100');
		await tc02.getByLabel('Hướng dẫn chung của tiêu chí').fill(GUIDE);
		await tc02.getByLabel('Điều kiện đạt tiêu chí').selectOption({ label: 'Điểm của tiêu chí từ một mức trở lên' });
		await tc02.getByLabel('Số điểm tối thiểu để đạt').fill('50');
		await tc02.getByLabel('Nguồn', { exact: true }).fill(SOURCE);
		const i021 = indicator(page, 'TC02.1');
		await i021.getByLabel('Loại chỉ số').selectOption('incidence');
		await i021.getByLabel('Điểm tối đa').fill('50');
		await i021.getByLabel('Tên chỉ số').fill(T.tc021);
		await i021.getByLabel('Cách đo').fill('Số trường hợp trên 1.000 trẻ em');
		await i021.getByLabel('Hướng dẫn').fill(GUIDE);
		await i021.getByLabel('Số trường hợp', { exact: true }).fill('Số trẻ em bị tai nạn, thương tích');
		await i021.getByLabel('Số trẻ em (mẫu số)').fill('Tổng số trẻ em dưới 16 tuổi');
		expect(await i021.getByLabel('Tính trên bao nhiêu trẻ em').inputValue()).toBe('1000');
		await i021.getByLabel('0 điểm khi số trường hợp từ').fill('10');
		await i021.getByLabel('Số trẻ em là số trẻ em dùng chung').selectOption({ label: 'Số trẻ em dưới 16 tuổi' });
		await i021.getByLabel('Ngưỡng tối đa mức 1').fill('1');
		await i021.getByLabel('Điểm mức 1').fill('50');
		await i021.getByRole('button', { name: 'Thêm mức điểm' }).click();
		await i021.getByLabel('Ngưỡng tối đa mức 2').fill('5');
		await i021.getByLabel('Điểm mức 2').fill('20');
		await i021.getByLabel('Nguồn của thang điểm').fill(SOURCE);
		await tc02.getByRole('button', { name: 'Thêm chỉ số vào TC02' }).click();
		const i022 = indicator(page, 'TC02.2');
		await i022.getByLabel('Loại chỉ số').selectOption('level');
		await i022.getByLabel('Điểm tối đa').fill('50');
		await i022.getByLabel('Tên chỉ số').fill(T.tc022);
		await i022.getByLabel('Cách đo').fill('Mức độ triển khai');
		await i022.getByLabel('Hướng dẫn').fill(GUIDE);
		await i022.getByRole('button', { name: 'Thêm mức', exact: true }).click();
		const levels = EXPECTED.criteria[1].indicators[1].kind === 'level' ? EXPECTED.criteria[1].indicators[1].levels : [];
		for (const [k, l] of levels.entries()) {
			await i022.getByLabel(`Mã mức ${k + 1}`).fill(l.code);
			await i022.getByLabel(`Tên mức ${k + 1}`).fill(l.label);
			await i022.getByLabel(`Điểm mức ${k + 1}`).fill(String(l.points));
		}
		await i022.getByLabel('Nguồn của thang điểm').fill(SOURCE);

		// TC03: a survey (its top band marked provisional) and a manual score
		await page.getByRole('button', { name: 'Thêm tiêu chí' }).click();
		const tc03 = criterion(page, 'TC03');
		await tc03.getByLabel('Tên tiêu chí').fill(T.tc03);
		await tc03.getByLabel('Điểm tối đa của tiêu chí').fill('100');
		await tc03.getByLabel('Hướng dẫn chung của tiêu chí').fill(GUIDE);
		await tc03.getByLabel('Nguồn', { exact: true }).fill(SOURCE);
		const i031 = indicator(page, 'TC03.1');
		await i031.getByLabel('Loại chỉ số').selectOption('survey');
		await i031.getByLabel('Điểm tối đa').fill('60');
		await i031.getByLabel('Tên chỉ số').fill(T.tc031);
		await i031.getByLabel('Cách đo').fill('Tỷ lệ hài lòng qua phiếu khảo sát');
		await i031.getByLabel('Hướng dẫn').fill(GUIDE);
		await i031.getByLabel('Ngưỡng (%) mức 1').fill('70');
		await i031.getByLabel('Điểm mức 1').fill('30');
		await i031.getByRole('button', { name: 'Thêm mức điểm' }).click();
		await i031.getByLabel('Ngưỡng (%) mức 2').fill('85');
		await i031.getByLabel('Điểm mức 2').fill('60');
		await i031.getByRole('listitem').nth(1).getByLabel('Tạm tính').check();
		await i031.getByLabel('Nguồn của thang điểm').fill(SOURCE);
		await tc03.getByRole('button', { name: 'Thêm chỉ số vào TC03' }).click();
		const i032 = indicator(page, 'TC03.2');
		await i032.getByLabel('Loại chỉ số').selectOption('manual');
		await i032.getByLabel('Điểm tối đa').fill('40');
		await i032.getByLabel('Tên chỉ số').fill(T.tc032);
		await i032.getByLabel('Cách đo').fill('Điểm do đoàn kiểm tra chấm');
		await i032.getByLabel('Hướng dẫn').fill(GUIDE);
		await i032.getByLabel('Nguồn của thang điểm').fill(SOURCE);

		// the set's pass rule, once its total allows the thresholds
		for (const c of ['urban_ward', 'disadvantaged', 'standard'] as const)
			await page.getByLabel(`Ngưỡng tổng điểm: ${COMMUNE_CATEGORY_LABELS[c]}`).fill(String(EXPECTED.passRule.thresholds[c]));
		await page.getByLabel('Phải đạt tất cả các tiêu chí').check();

		const savesBefore = saves;
		await expect.poll(() => page.getByRole('heading', { name: /^Bộ tiêu chí còn \d+ lỗi$/ }).count()).toBe(0);
		await savedAfter(savesBefore);
		const elapsed = performance.now() - started;
		const typing = elapsed - paused;
		// ---- end of the timed transcription ----

		const seconds = (ms: number) => Math.round(ms / 100) / 10;
		console.log(
			`Thời gian chép bộ tiêu chí ${EXPECTED.code} (${COUNTS.criteria} tiêu chí, ${COUNTS.indicators} chỉ số, ${COUNTS.bands} mức điểm, ${COUNTS.levels} mức): ${seconds(typing)} giây (${seconds(elapsed)} giây kể cả kiểm tra lỗi)`
		);
		fs.mkdirSync(results, { recursive: true });
		fs.writeFileSync(
			path.join(results, 'transcribe-timing.json'),
			JSON.stringify(
				{
					set: `${EXPECTED.code}@1`,
					transcribeMs: Math.round(typing),
					totalMs: Math.round(elapsed),
					untimedChecksMs: Math.round(paused),
					...COUNTS,
					kinds: [...new Set(EXPECTED.criteria.flatMap((c) => c.indicators.map((i) => i.kind)))],
					viewport: '1366x900',
					at: new Date().toISOString()
				},
				null,
				2
			) + '\n'
		);

		// the sample panel scores typed answers with the set being edited
		const side = page.getByRole('complementary', { name: 'Thử chấm điểm và thay đổi' });
		const sample = (code: string) => side.getByRole('group', { name: new RegExp(`^${code.replace('.', '\\.')}\\. `) });
		const pointsOf = (code: string) => side.getByTestId(`sample-points-${code}`).innerText();
		await side.getByLabel('Tiêu chí', { exact: true }).selectOption('TC01');
		await sample('TC01.1').getByLabel('Kết quả').selectOption({ label: 'Có' });
		await sample('TC01.2').getByLabel('Tử số').fill('0');
		await sample('TC01.2').getByLabel('Mẫu số').fill('0');
		await expect.poll(() => pointsOf('TC01.2')).toMatch(/^TC01\.2: 60\/60 điểm/);
		await sample('TC01.2').getByLabel('Tử số').fill('30');
		await sample('TC01.2').getByLabel('Mẫu số').fill('50');
		await expect.poll(() => pointsOf('TC01.2')).toMatch(/^TC01\.2: 30\/60 điểm/);
		expect(await side.getByTestId('sample-total').innerText()).toMatch(/Tổng TC01: 70\/100 điểm — đạt/);
		await side.getByLabel('Tiêu chí', { exact: true }).selectOption('TC02');
		await sample('TC02.1').getByLabel('Số trường hợp').fill('3');
		await sample('TC02.1').getByLabel('Số trẻ em').fill('1000');
		await sample('TC02.2').getByLabel('Mức').selectOption({ label: 'Triển khai một phần' });
		await expect.poll(() => pointsOf('TC02.1')).toMatch(/^TC02\.1: 20\/50 điểm/);
		expect(await pointsOf('TC02.2')).toMatch(/^TC02\.2: 25\/50 điểm/);
		expect(await side.getByTestId('sample-total').innerText()).toMatch(/Tổng TC02: 45\/100 điểm — chưa đạt/);
		await sample('TC02.1').getByLabel('Số trường hợp').fill('1');
		await expect.poll(() => side.getByTestId('sample-total').innerText()).toMatch(/Tổng TC02: 75\/100 điểm — đạt/);
		await side.getByLabel('Tiêu chí', { exact: true }).selectOption('TC03');
		await sample('TC03.1').getByLabel('Tỷ lệ hài lòng (%)').fill('86');
		await sample('TC03.2').getByLabel('Điểm').fill('35');
		await expect.poll(() => side.getByTestId('sample-total').innerText()).toMatch(/Tổng TC03: 95\/100 điểm — đạt/);
		await screenshot(page, 'editor-1366');

		// reload: everything is there, and the export is the expected set
		await page.reload({ waitUntil: 'networkidle' });
		expect(await page.getByRole('button', { name: 'Khôi phục thay đổi chưa lưu' }).count()).toBe(0);
		expect(await indicator(page, 'TC02.2').getByLabel('Tên mức 3').inputValue()).toBe('Triển khai đầy đủ');
		expect(await indicator(page, 'TC01.2').getByLabel('Khi mẫu số bằng 0').inputValue()).toBe('maxPoints');
		const res = await page.request.get(`${env.server.url}/criteria/${setId}/export`);
		expect(res.status()).toBe(200);
		expect(await res.json()).toEqual(EXPECTED);
		await page.context().close();
	});

	it('on a phone the transcribed set is editable in one column, axe-core clean', async () => {
		const page = await signedIn({ width: 390, height: 844 });
		await page.goto(editUrl, { waitUntil: 'networkidle' });
		await indicator(page, 'TC02.1').waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		await screenshot(page, 'editor-390');
		await indicator(page, 'TC02.1').getByLabel('Ngưỡng tối đa mức 2').scrollIntoViewIfNeeded();
		await screenshot(page, 'editor-390-bands');
		await expectAxeClean(page);
		await page.context().close();
	});

	it('another administrator confirms every item, the first activates the set, and a round opens on it', async () => {
		// the second administrator, created through the accounts page
		const admin = await signedIn({ width: 1366, height: 900 });
		await admin.goto(`${env.server.url}/admin/accounts`, { waitUntil: 'networkidle' });
		await admin.getByLabel('Email').fill(SECOND_ADMIN);
		await admin.getByLabel('Họ tên').fill('Lê Thị Đối Chiếu');
		await admin.getByLabel('Vai trò').selectOption('admin');
		await admin.getByLabel('Mật khẩu ban đầu').fill(SECOND_PASSWORD);
		await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
		await admin.getByRole('status').or(admin.getByRole('alert')).first().waitFor();
		expect(await admin.getByRole('alert').allInnerTexts()).toEqual([]);

		const other = await signedIn({ width: 1366, height: 900 }, SECOND_ADMIN, SECOND_PASSWORD);
		await other.goto(`${env.server.url}/criteria/${setId}/verify`);
		const items = other.getByRole('checkbox', { name: /^TC/ });
		await items.first().waitFor();
		expect(await items.count()).toBe(COUNTS.criteria + COUNTS.indicators);
		await other.getByRole('checkbox', { name: /Tôi đã đối chiếu/ }).check();
		await other.getByRole('button', { name: /Xác nhận tất cả/ }).click();
		await other
			.getByRole('status')
			.filter({ hasText: `Đã xác nhận ${COUNTS.criteria + COUNTS.indicators} mục` })
			.waitFor();
		expect(await items.count()).toBe(0);
		await other.context().close();

		// the first administrator activates it
		await admin.goto(`${env.server.url}/criteria/${setId}`);
		await admin.getByRole('button', { name: 'Áp dụng phiên bản này' }).click();
		await admin.getByRole('status').filter({ hasText: 'Đã áp dụng' }).waitFor();
		expect(await admin.getByRole('status').innerText()).toBe('Đã áp dụng THU-2026@1.');

		// a round on it, for one commune of the demo province
		await admin.goto(`${env.server.url}/rounds`, { waitUntil: 'networkidle' });
		await admin.getByLabel('Tên đợt').fill('Đợt thử bộ tiêu chí THU-2026');
		await admin.getByLabel('Bộ tiêu chí').selectOption({ label: 'THU-2026@1' });
		await admin.getByLabel('Ngày bắt đầu').fill('2027-01-01');
		await admin.getByLabel('Hạn nộp hồ sơ').fill('2027-03-31');
		await admin.getByLabel('Mã tỉnh tham gia (mọi xã của tỉnh)').fill('');
		await admin.getByLabel('Hoặc mã các xã tham gia').fill('19774');
		await admin.getByRole('button', { name: 'Mở đợt đánh giá' }).click();
		await admin.waitForURL(/\/rounds\/\d+$/);
		const roundUrl = admin.url();
		await admin.getByRole('heading', { name: 'Đợt thử bộ tiêu chí THU-2026', level: 1 }).waitFor();
		expect(await admin.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Phường Kim Long')]);
		// the round's page names the set it is scored against, and links it
		expect(await admin.getByRole('link', { name: 'THU-2026@1' }).getAttribute('href')).toMatch(/^\/criteria\/\d+$/);
		// the rounds list names the set the round is scored against
		await admin.goto(`${env.server.url}/rounds`, { waitUntil: 'networkidle' });
		const row = admin.getByRole('row', { name: /Đợt thử bộ tiêu chí THU-2026/ });
		expect(await row.innerText()).toContain('THU-2026@1');
		expect(await row.getByRole('link').getAttribute('href')).toBe(new URL(roundUrl).pathname);
		await admin.context().close();
	});
});
