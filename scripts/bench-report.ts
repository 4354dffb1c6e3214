/**
 * Shared by the benchmarks (scripts/bench-*.ts): their figures, each with its aim when it has
 * one, printed as an aligned table with PASS/MISS beside each aim, and written as JSON when the
 * benchmark is run with `--json <file>` (for CI or for comparing runs).
 *
 * A MISS is a result, not an error: what a benchmark does about it (its exit code) is its own
 * business.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Aim = { op: '<' | '<=' | '>' | '>='; value: number };
export type Figure = { name: string; value: number; unit: string; aim?: Aim; note?: string };

/** PASS when the value meets the aim, MISS when not (a value that is not a number misses), null without an aim. */
export function verdict(f: Figure): 'PASS' | 'MISS' | null {
	if (!f.aim) return null;
	const { op, value } = f.aim;
	const v = f.value;
	const ok = op === '<' ? v < value : op === '<=' ? v <= value : op === '>' ? v > value : v >= value;
	return ok ? 'PASS' : 'MISS';
}

/**
 * The file given with `--json <file>` or `--json=<file>` (the last one wins), or null without
 * one. Throws when `--json` has no file name.
 */
export function jsonPathFromArgs(argv: string[] = process.argv.slice(2)): string | null {
	let file: string | null = null;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--json') {
			const next = argv[i + 1];
			if (next === undefined || next === '' || next.startsWith('--')) throw new Error('--json needs a file name: --json <file>');
			file = next;
			i++;
		} else if (arg.startsWith('--json=')) {
			file = arg.slice('--json='.length);
			if (file === '') throw new Error('--json needs a file name: --json=<file>');
		}
	}
	return file;
}

/** A number for the table: whole numbers as they are, else 1 decimal from 10 up, 2 below, 3 below 0.1. */
function formatValue(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Number.isInteger(value)) return String(value);
	const abs = Math.abs(value);
	return value.toFixed(abs >= 10 ? 1 : abs >= 0.1 ? 2 : 3);
}

function aimText(f: Figure): string {
	return f.aim ? `${f.aim.op} ${formatValue(f.aim.value)} ${f.unit}`.trimEnd() : '';
}

/**
 * One line per figure, in columns: name, value and unit (the values right-aligned), the aim,
 * PASS or MISS, and the note (in parentheses) when there is one.
 */
export function figureLines(figures: Figure[]): string[] {
	const rows = figures.map((f) => ({
		name: f.name,
		value: formatValue(f.value),
		unit: f.unit,
		aim: aimText(f),
		verdict: verdict(f) ?? '',
		note: f.note ? `(${f.note})` : ''
	}));
	const width = (key: keyof (typeof rows)[number]) => Math.max(0, ...rows.map((r) => r[key].length));
	const w = { name: width('name'), value: width('value'), unit: width('unit'), aim: width('aim'), verdict: width('verdict') };
	return rows.map((r) =>
		[
			r.name.padEnd(w.name),
			`${r.value.padStart(w.value)} ${r.unit.padEnd(w.unit)}`,
			r.aim.padEnd(w.aim),
			r.verdict.padEnd(w.verdict),
			r.note
		]
			.join('  ')
			.trimEnd()
	);
}

/**
 * Writes the report as JSON to `file` (its folder made if needed): the benchmark's name, when it
 * was written, the machine, every figure with its verdict (null without an aim), how many aims
 * passed and missed, and the benchmark's `extra` details when it gives any.
 */
export function writeBenchJson(file: string, report: { benchmark: string; figures: Figure[]; extra?: unknown }): void {
	const cpus = os.cpus();
	const figures = report.figures.map((f) => ({ ...f, verdict: verdict(f) }));
	const json = {
		benchmark: report.benchmark,
		writtenAt: new Date().toISOString(),
		machine: {
			node: process.version,
			cpus: cpus.length,
			cpuModel: cpus[0]?.model.trim() ?? '',
			memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
			platform: `${process.platform}-${process.arch}`
		},
		figures,
		summary: {
			pass: figures.filter((f) => f.verdict === 'PASS').length,
			miss: figures.filter((f) => f.verdict === 'MISS').length
		},
		...(report.extra === undefined ? {} : { extra: report.extra })
	};
	fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(json, null, '\t')}\n`);
}
