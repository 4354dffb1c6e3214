import { page } from '#lib/edge/index.ts';
import { db } from '#lib/server/app.ts';
import { authorizeAssessment } from '#lib/server/auth/guard.ts';
import { xlsxResponse, type Cell, type Column } from '#lib/server/exports/xlsx.ts';
import { notFound } from '#lib/server/errors.ts';
import { profileLabels, surveyCampaign, surveyResponses } from '#lib/server/surveys/index.ts';
import { CHANNEL_LABELS, FLAG_LABELS } from '#lib/domain/surveys/results.ts';
import { vnDateTime } from '#lib/domain/dates.ts';
import type { RequestHandler } from './$types';

// The survey's answers, anonymised as stored (no identity exists), one row per respondent, for
// whoever reads the dossier (the reviewer opens them from the TC13 rows of the review page).
export const GET: RequestHandler = (event) =>
	page(event, async (actor) => {
		const { actor: a, assessment } = await authorizeAssessment(db(), actor, 'assessment.read', event.params.id);
		const survey = await surveyCampaign(db(), a, assessment);
		if (!survey) throw notFound('Hồ sơ này không có đợt khảo sát trên phần mềm.');
		const rows = await surveyResponses(db(), a, survey.id);
		const codes = [...new Set(survey.templates.flatMap((t) => t.template.questions.map((q) => q.code)))];
		const labels = Object.fromEntries(survey.templates.map((t) => [t.group, profileLabels(t.template)]));
		const columns: Column[] = [
			{ header: 'STT', kind: 'int', width: 6 },
			{ header: 'Nhóm', width: 28 },
			{ header: 'Kênh', width: 24 },
			{ header: 'Thời gian', width: 18 },
			...codes.map((c): Column => ({ header: c, kind: 'int', width: 6 })),
			{ header: 'Nhóm tuổi', width: 20 },
			{ header: 'Giới tính', width: 18 },
			{ header: 'Đánh dấu', width: 30 },
			{ header: 'Được tính', width: 10 }
		];
		return xlsxResponse(`khao-sat-tc13-${assessment.commune.code}.xlsx`, async (x) => {
			const sheet = x.sheet('Phiếu trả lời', columns);
			let n = 0;
			for (const r of rows) {
				const l = labels[r.group];
				const row: Cell[] = [
					++n,
					survey.templates.find((t) => t.group === r.group)?.label ?? r.group,
					CHANNEL_LABELS[r.channel],
					vnDateTime(r.submittedAt),
					...codes.map((c) => r.answers[c] ?? null),
					r.ageGroup ? (l?.ageGroups[r.ageGroup] ?? r.ageGroup) : '',
					r.sex ? (l?.sex[r.sex] ?? r.sex) : '',
					r.flag ? FLAG_LABELS[r.flag] : '',
					r.counted ? 'Có' : 'Không'
				];
				await sheet.add(row);
			}
			await sheet.done();
			await x.finish();
		});
	});
