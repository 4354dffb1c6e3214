import type { DB } from '../db/index.ts';
import { flaggedCodes } from '../../domain/review.ts';

/** Indicators the reviewing level flagged "needs supplement" (what a returned dossier may change). */
export async function flaggedIndicators(db: DB, assessmentId: number): Promise<Set<string>> {
	const rows = await db
		.selectFrom('review_item')
		.select(['indicator_code', 'status'])
		.where('assessment_id', '=', assessmentId)
		.where('status', '=', 'needs_supplement')
		.execute();
	return flaggedCodes(rows.map((r) => ({ indicatorCode: r.indicator_code, status: r.status })));
}
