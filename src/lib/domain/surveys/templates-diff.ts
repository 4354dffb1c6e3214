/**
 * Differences between two survey templates (issue 15), for the administrator's preview before
 * importing or activating a new version of a questionnaire. Questions are matched by code.
 * Pure and deterministic; messages in Vietnamese, one line per change.
 */
import { SURVEY_GROUP_LABELS, type SurveyTemplate } from './templates.ts';

export interface SurveyTemplateDiff {
	/** No difference in content (code, version, name, group, provisional, source, intro, questions, rule, profile). */
	identical: boolean;
	questions: { added: string[]; removed: string[]; reworded: string[]; rescaled: string[] };
	messages: string[];
}

type Scale = SurveyTemplate['questions'][number]['scale'];

const scaleText = (scale: Scale) => scale.map((o) => `${o.value} = ${o.label}${o.face ? ` ${o.face}` : ''}`).join('; ');
const quote = (s: string) => `«${s}»`;
const list = (xs: readonly (string | number)[]) => (xs.length ? xs.join(', ') : '(không có)');
const num = (n: number) => String(n).replace('.', ',');

export function diffSurveyTemplates(a: SurveyTemplate, b: SurveyTemplate): SurveyTemplateDiff {
	const messages: string[] = [];
	const field = (label: string, before: string, after: string) => {
		if (before !== after) messages.push(`Đổi ${label}: ${quote(before)} → ${quote(after)}.`);
	};
	field('mã bảng hỏi', a.code, b.code);
	if (a.version !== b.version) messages.push(`Đổi phiên bản: ${a.version} → ${b.version}.`);
	if (a.group !== b.group) messages.push(`Đổi nhóm trả lời: ${SURVEY_GROUP_LABELS[a.group]} → ${SURVEY_GROUP_LABELS[b.group]}.`);
	field('tên', a.name, b.name);
	if (a.provisional !== b.provisional)
		messages.push(
			b.provisional ? 'Bảng hỏi trở thành bảng hỏi tạm thời.' : 'Bảng hỏi không còn là bảng hỏi tạm thời (bảng hỏi chính thức).'
		);
	field('nguồn', a.source, b.source);
	field('lời dẫn', a.intro, b.intro);

	const before = new Map(a.questions.map((q) => [q.code, q]));
	const after = new Map(b.questions.map((q) => [q.code, q]));
	const added: string[] = [];
	const removed: string[] = [];
	const reworded: string[] = [];
	const rescaled: string[] = [];
	for (const q of b.questions)
		if (!before.has(q.code)) {
			added.push(q.code);
			messages.push(`Thêm câu ${q.code}: ${quote(q.text)}.`);
		}
	for (const q of a.questions)
		if (!after.has(q.code)) {
			removed.push(q.code);
			messages.push(`Bỏ câu ${q.code}: ${quote(q.text)}.`);
		}
	for (const q of b.questions) {
		const old = before.get(q.code);
		if (!old) continue;
		if (old.text !== q.text) {
			reworded.push(q.code);
			messages.push(`Sửa lời câu ${q.code}: ${quote(old.text)} → ${quote(q.text)}.`);
		}
		if (scaleText(old.scale) !== scaleText(q.scale)) {
			rescaled.push(q.code);
			messages.push(`Đổi thang trả lời câu ${q.code}: ${scaleText(old.scale)} → ${scaleText(q.scale)}.`);
		}
	}
	const orderA = a.questions.map((q) => q.code).filter((c) => after.has(c));
	const orderB = b.questions.map((q) => q.code).filter((c) => before.has(c));
	if (orderA.join('|') !== orderB.join('|')) messages.push(`Đổi thứ tự câu hỏi: ${orderA.join(', ')} → ${orderB.join(', ')}.`);

	const va = [...a.satisfiedWhen.values].sort((x, y) => x - y);
	const vb = [...b.satisfiedWhen.values].sort((x, y) => x - y);
	if (va.join(',') !== vb.join(',')) messages.push(`Đổi các mức tính là hài lòng: ${list(va)} → ${list(vb)}.`);
	if (a.satisfiedWhen.meanAtLeast !== b.satisfiedWhen.meanAtLeast)
		messages.push(
			`Đổi điều kiện người trả lời hài lòng: điểm trung bình từ ${num(a.satisfiedWhen.meanAtLeast)} → từ ${num(b.satisfiedWhen.meanAtLeast)}.`
		);

	const ages = (t: SurveyTemplate) => (t.profile.ageGroups ?? []).map((g) => `${g.code} = ${g.label}`);
	const agesA = ages(a);
	const agesB = ages(b);
	if (agesA.join('|') !== agesB.join('|')) {
		if (!agesA.length) messages.push(`Thêm câu hỏi nhóm tuổi: ${agesB.join('; ')}.`);
		else if (!agesB.length) messages.push('Bỏ câu hỏi nhóm tuổi.');
		else messages.push(`Đổi các nhóm tuổi: ${agesA.join('; ')} → ${agesB.join('; ')}.`);
	}
	if (a.profile.sex !== b.profile.sex) messages.push(b.profile.sex ? 'Thêm câu hỏi giới tính.' : 'Bỏ câu hỏi giới tính.');

	return { identical: messages.length === 0, questions: { added, removed, reworded, rescaled }, messages };
}
