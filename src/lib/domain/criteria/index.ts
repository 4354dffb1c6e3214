/** Criteria sets (bộ tiêu chí): model, validation, default QĐ 06/2019 set, diff. See FORMAT.md. */
export * from './schema.ts';
export * from './verification.ts';
export * from './diff.ts';
export { formatNumberVi, formatPercentVi, formatHundredthsVi } from './format-vi.ts';
export { QD06_2019, QD06_2019_V2, SOURCE_SECONDARY, SOURCE_INFERRED, SOURCE_PROVISIONAL, SOURCE_QUOTED } from './qd06-2019.ts';
