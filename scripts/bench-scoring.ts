/**
 * Scoring benchmark: the whole country (3,321 communes since 07/2025) scored against the default
 * QĐ 06/2019 set on one core, with random but valid answers from a seeded PRNG.
 *
 *   node scripts/bench-scoring.ts [runs=21] [seed=20190103] [--json <file>]
 *
 * Prints the cold first run, the median and best of the warm runs, and the time per commune.
 * Also times parseAnswers (validation of submitted answers) and gapAnalysis, for reference.
 * Aim: scoring the whole country < 100 ms (the median of the warm runs); exits 1 when missed.
 * With --json, also writes the figures and their verdicts to <file> (scripts/bench-report.ts).
 */
import { figureLines, jsonPathFromArgs, writeBenchJson } from './bench-report.ts';
import type { Figure } from './bench-report.ts';
import { makeRng } from './seed/scale.ts';
import { QD06_2019 } from '../src/lib/domain/criteria/qd06-2019.ts';
import type { Indicator } from '../src/lib/domain/criteria/schema.ts';
import { parseAnswers } from '../src/lib/domain/scoring/answers.ts';
import type { Answer } from '../src/lib/domain/scoring/answers.ts';
import { score } from '../src/lib/domain/scoring/score.ts';
import type { ScoreResult } from '../src/lib/domain/scoring/score.ts';
import { gapAnalysis } from '../src/lib/domain/scoring/gap.ts';
import { COMMUNE_CATEGORIES } from '../src/lib/domain/units.ts';
import type { CommuneCategory } from '../src/lib/domain/units.ts';

const COMMUNES = 3321;
const AIM_MS = 100;
const jsonFile = jsonPathFromArgs();
// positional arguments: all but --json and its file
const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--json') && all[i - 1] !== '--json');
const runs = Math.max(1, Number(args[0] ?? 21));
const seed = Number(args[1] ?? 20190103);

const rand = makeRng(seed);
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

/** A plausible valid answer for a commune of quality q ∈ [0, 1] (1 = excellent figures). */
function randomAnswer(ind: Indicator, q: number): Answer {
	switch (ind.kind) {
		case 'check':
			return { value: rand() < 0.7 + 0.3 * q };
		case 'rate': {
			const d = int(ind.zeroDenominator === 'maxPoints' ? 0 : 1, 400);
			const share = Math.min(1, 0.85 + 0.15 * q + (rand() - 0.5) * 0.06);
			return { numerator: Math.min(d, Math.round(d * share)), denominator: d, source: 'Sổ theo dõi', period: '2024' };
		}
		case 'incidence': {
			const population = int(200, 8000);
			const worst = ind.bands[ind.bands.length - 1].max * 1.2 + ind.per / population;
			const ratePerPer = rand() * worst * (1 - q) ** 2;
			return { count: Math.min(population, Math.round((ratePerPer * population) / ind.per)), population };
		}
		case 'level':
			return { level: ind.levels[Math.min(ind.levels.length - 1, Math.floor((0.3 + 0.7 * q + rand() * 0.3) * ind.levels.length))].code };
		case 'survey':
			return { percent: Math.min(10000, int(6000, 8500) + Math.round(1500 * q)) / 100 };
		case 'manual':
			return { points: int(0, ind.maxPoints), justification: 'Hội đồng chấm' };
	}
}

const indicators = QD06_2019.criteria.flatMap((c) => c.indicators);
const communes: { category: CommuneCategory; answers: Record<string, Answer> }[] = [];
for (let k = 0; k < COMMUNES; k++) {
	const answers: Record<string, Answer> = {};
	const quality = Math.sqrt(rand());
	for (const ind of indicators) answers[ind.code] = randomAnswer(ind, quality);
	const r = rand();
	const category: CommuneCategory = r < 0.1 ? COMMUNE_CATEGORIES[0] : r < 0.45 ? COMMUNE_CATEGORIES[1] : COMMUNE_CATEGORIES[2];
	communes.push({ category, answers });
}

// Answers as they arrive (JSON) must validate: check once, outside the timings.
for (const c of communes) {
	const p = parseAnswers(QD06_2019, JSON.parse(JSON.stringify(c.answers)));
	if (!p.ok) throw new Error('generated answers are invalid: ' + JSON.stringify(p.errors.slice(0, 3)));
}

function time(fn: () => void): number {
	const t0 = performance.now();
	fn();
	return performance.now() - t0;
}

let sink: ScoreResult[] = [];
const scoreAll = () => {
	const out: ScoreResult[] = new Array(COMMUNES);
	for (let k = 0; k < COMMUNES; k++) out[k] = score(QD06_2019, communes[k].category, communes[k].answers);
	sink = out;
};

const cold = time(scoreAll);
const warm: number[] = [];
for (let r = 0; r < runs; r++) warm.push(time(scoreAll));
const sorted = [...warm].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const best = sorted[0];

const parseTimes: number[] = [];
for (let r = 0; r < Math.min(runs, 5); r++) {
	parseTimes.push(
		time(() => {
			for (const c of communes) parseAnswers(QD06_2019, c.answers);
		})
	);
}
parseTimes.sort((a, b) => a - b);
const gapTimes: number[] = [];
for (let r = 0; r < Math.min(runs, 5); r++) {
	gapTimes.push(
		time(() => {
			for (let k = 0; k < COMMUNES; k++) gapAnalysis(QD06_2019, communes[k].category, communes[k].answers, sink[k]);
		})
	);
}
gapTimes.sort((a, b) => a - b);

const verdicts = { pass: 0, fail: 0, incomplete: 0 };
for (const r of sink) verdicts[r.verdict]++;
const mid = (xs: number[]) => xs[Math.floor(xs.length / 2)];
const perCommune = (x: number) => (x * 1000) / COMMUNES;

const figures: Figure[] = [
	{ name: 'score, cold run', value: cold, unit: 'ms' },
	{
		name: `score, median of ${runs} warm runs`,
		value: median,
		unit: 'ms',
		aim: { op: '<', value: AIM_MS },
		note: 'the whole country'
	},
	{ name: 'score, best warm run', value: best, unit: 'ms' },
	{ name: 'score per commune (median)', value: perCommune(median), unit: 'µs' },
	{ name: `parseAnswers, median of ${parseTimes.length}`, value: mid(parseTimes), unit: 'ms' },
	{ name: 'parseAnswers per commune', value: perCommune(mid(parseTimes)), unit: 'µs' },
	{ name: `gapAnalysis, median of ${gapTimes.length}`, value: mid(gapTimes), unit: 'ms' },
	{ name: 'gapAnalysis per commune', value: perCommune(mid(gapTimes)), unit: 'µs' }
];

console.log(
	`Scoring benchmark — ${COMMUNES} communes × ${indicators.length} indicators, set ${QD06_2019.code} v${QD06_2019.version}, seed ${seed}, node ${process.version}, one core`
);
for (const line of figureLines(figures)) console.log(`  ${line}`);
console.log(`  warm runs: ${warm.map((x) => x.toFixed(1)).join(', ')} ms`);
console.log(`  verdicts: pass ${verdicts.pass}, fail ${verdicts.fail}, incomplete ${verdicts.incomplete}`);
if (jsonFile) {
	writeBenchJson(jsonFile, {
		benchmark: 'scoring',
		figures,
		extra: {
			communes: COMMUNES,
			indicators: indicators.length,
			criteriaSet: `${QD06_2019.code}@${QD06_2019.version}`,
			seed,
			runs,
			warm,
			verdicts
		}
	});
	console.log(`  JSON: ${jsonFile}`);
}
if (median >= AIM_MS) process.exitCode = 1;
