/** Scoring engine: answers, score, gap analysis, what-if. Rules: see the top of score.ts and criteria/FORMAT.md. */
export * from './answers.ts';
export * from './score.ts';
export * from './gap.ts';
export * from './what-if.ts';
