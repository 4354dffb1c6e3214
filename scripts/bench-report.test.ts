import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { figureLines, jsonPathFromArgs, verdict, writeBenchJson } from './bench-report.ts';
import type { Figure } from './bench-report.ts';

const fig = (value: number, aim?: Figure['aim']): Figure => ({ name: 'x', value, unit: 'ms', aim });

describe('verdict', () => {
	it('is null without an aim', () => {
		expect(verdict(fig(5))).toBeNull();
	});

	it('compares with each operator, the bound included only by <= and >=', () => {
		expect(verdict(fig(24.9, { op: '<', value: 25 }))).toBe('PASS');
		expect(verdict(fig(25, { op: '<', value: 25 }))).toBe('MISS');
		expect(verdict(fig(25, { op: '<=', value: 25 }))).toBe('PASS');
		expect(verdict(fig(25.1, { op: '<=', value: 25 }))).toBe('MISS');
		expect(verdict(fig(0.6, { op: '>', value: 0.5 }))).toBe('PASS');
		expect(verdict(fig(0.5, { op: '>', value: 0.5 }))).toBe('MISS');
		expect(verdict(fig(0.5, { op: '>=', value: 0.5 }))).toBe('PASS');
		expect(verdict(fig(0.49, { op: '>=', value: 0.5 }))).toBe('MISS');
	});

	it('misses when the value is not a number', () => {
		for (const op of ['<', '<=', '>', '>='] as const) expect(verdict(fig(NaN, { op, value: 1 }))).toBe('MISS');
	});
});

describe('jsonPathFromArgs', () => {
	it('reads --json <file> and --json=<file>, among positional arguments', () => {
		expect(jsonPathFromArgs(['1000', '--json', 'out/pdf.json'])).toBe('out/pdf.json');
		expect(jsonPathFromArgs(['--json=out/pdf.json', '1000'])).toBe('out/pdf.json');
		expect(jsonPathFromArgs(['--json', 'a.json', '--json=b.json'])).toBe('b.json');
	});

	it('is null without --json', () => {
		expect(jsonPathFromArgs([])).toBeNull();
		expect(jsonPathFromArgs(['200', 'json'])).toBeNull();
	});

	it('refuses --json without a file name', () => {
		expect(() => jsonPathFromArgs(['--json'])).toThrow(/file/);
		expect(() => jsonPathFromArgs(['--json='])).toThrow(/file/);
		expect(() => jsonPathFromArgs(['--json', '--other'])).toThrow(/file/);
	});

	it('reads process.argv by default', () => {
		const saved = process.argv;
		try {
			process.argv = ['node', 'bench.ts', '21', '--json', 'r.json'];
			expect(jsonPathFromArgs()).toBe('r.json');
		} finally {
			process.argv = saved;
		}
	});
});

describe('figureLines', () => {
	it('aligns names, values, aims and verdicts in columns', () => {
		const lines = figureLines([
			{ name: 'warm', value: 21.456, unit: 'ms', aim: { op: '<', value: 25 } },
			{ name: 'batch of 1000', value: 31.2, unit: 's', aim: { op: '<', value: 30 }, note: 'pool of 1' },
			{ name: 'cold', value: 293, unit: 'ms' }
		]);
		expect(lines).toEqual([
			'warm           21.5 ms  < 25 ms  PASS',
			'batch of 1000  31.2 s   < 30 s   MISS  (pool of 1)',
			'cold            293 ms'
		]);
	});

	it('gives nothing for no figures', () => {
		expect(figureLines([])).toEqual([]);
	});
});

describe('writeBenchJson', () => {
	let dir: string | undefined;
	afterEach(() => {
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
		dir = undefined;
	});

	it('writes the figures with their verdicts, the summary, the machine and the extra details', () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
		const file = path.join(dir, 'sub', 'pdf.json');
		const figures: Figure[] = [
			{ name: 'warm', value: 21.5, unit: 'ms', aim: { op: '<', value: 25 } },
			{ name: 'batch', value: 31.2, unit: 's', aim: { op: '<', value: 30 }, note: 'pool of 1' },
			{ name: 'cold', value: 293, unit: 'ms' }
		];
		const before = Date.now();
		writeBenchJson(file, { benchmark: 'pdf', figures, extra: { batch: 1000 } });
		const json = JSON.parse(fs.readFileSync(file, 'utf8'));
		expect(json.benchmark).toBe('pdf');
		expect(Date.parse(json.writtenAt)).toBeGreaterThanOrEqual(before - 1000);
		expect(json.writtenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(json.machine).toEqual({
			node: process.version,
			cpus: os.cpus().length,
			cpuModel: expect.any(String),
			memoryGiB: expect.any(Number),
			platform: `${process.platform}-${process.arch}`
		});
		expect(json.machine.memoryGiB).toBeGreaterThan(0);
		expect(json.figures).toEqual([
			{ ...figures[0], verdict: 'PASS' },
			{ ...figures[1], verdict: 'MISS' },
			{ ...figures[2], verdict: null }
		]);
		expect(json.summary).toEqual({ pass: 1, miss: 1 });
		expect(json.extra).toEqual({ batch: 1000 });
	});

	it('leaves extra out when there is none', () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
		const file = path.join(dir, 'scoring.json');
		writeBenchJson(file, { benchmark: 'scoring', figures: [] });
		const json = JSON.parse(fs.readFileSync(file, 'utf8'));
		expect(json).not.toHaveProperty('extra');
		expect(json.summary).toEqual({ pass: 0, miss: 0 });
	});
});
