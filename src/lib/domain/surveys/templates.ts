/**
 * Survey templates for criterion 13 (issue 15): the questionnaires children and residents answer,
 * as versioned data beside the criteria sets. A template names its group, its questions (each on a
 * satisfaction scale), which answers count as satisfied, the rule that makes a whole respondent
 * "hài lòng" (satisfied), and the optional profile questions (age group, sex).
 *
 * The official questionnaire is not available to us: the shipped templates are PROVISIONAL,
 * marked exactly like the provisional bands (`provisional: true` and a `source` that says so), and
 * an administrator replaces them by importing a new version (draft → active, as for criteria sets).
 *
 * Pure: no I/O.
 */
import { z } from 'zod';

export const SURVEY_GROUPS = ['children', 'children_young', 'residents'] as const;
export type SurveyGroup = (typeof SURVEY_GROUPS)[number];

export const SURVEY_GROUP_LABELS: Record<SurveyGroup, string> = {
	children: 'Trẻ em (từ 10 tuổi)',
	children_young: 'Trẻ em nhỏ (dưới 10 tuổi, có người lớn giúp)',
	residents: 'Người dân'
};

/** The indicator each group's answers feed: both children's groups together make TC13.1. */
export const GROUP_INDICATOR: Record<SurveyGroup, 'TC13.1' | 'TC13.2'> = {
	children: 'TC13.1',
	children_young: 'TC13.1',
	residents: 'TC13.2'
};

/** How a template is marked while it is not the official questionnaire (as the provisional bands are). */
export const PROVISIONAL_SURVEY_SOURCE = 'Bảng hỏi tạm thời do nhóm phát triển soạn, chưa phải bảng hỏi chính thức';

export const SEX_OPTIONS = [
	{ code: 'female', label: 'Nữ' },
	{ code: 'male', label: 'Nam' },
	{ code: 'undisclosed', label: 'Không muốn trả lời' }
] as const;

const text = (max: number) =>
	z
		.string()
		.normalize('NFC')
		.trim()
		.min(1, { error: 'Không được để trống' })
		.max(max, { error: `Không được dài quá ${max} ký tự` });
const code = z
	.string()
	.regex(/^[A-Za-z0-9_.-]{1,40}$/, { error: 'Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự)' });

export const ScaleOptionSchema = z.strictObject({
	value: z.number().int({ error: 'Giá trị phải là số nguyên' }).min(0).max(10),
	label: text(100),
	/** A face shown for young children (an emoji), optional. */
	face: z.string().max(8).optional()
});

export const SurveyQuestionSchema = z.strictObject({
	code,
	text: text(300),
	scale: z.array(ScaleOptionSchema).min(2, { error: 'Thang trả lời phải có ít nhất 2 mức' }).max(7)
});

/**
 * The "satisfied" rule, as data:
 * - a question's answer counts as satisfied when its value is in `values` (e.g. 4 and 5 of a
 *   5-point scale: "Hài lòng", "Rất hài lòng"), for the per-question shares;
 * - a RESPONDENT is satisfied when the MEAN of their answers to the template's questions is at
 *   least `meanAtLeast` (e.g. 4 on the 5-point scale, 2.5 on the 3 faces). The indicator's
 *   percentage is the share of satisfied respondents among the valid responses.
 */
export const SatisfiedRuleSchema = z.strictObject({
	values: z.array(z.number().int()).min(1),
	meanAtLeast: z.number().positive()
});

export const SurveyTemplateSchema = z
	.strictObject({
		code,
		version: z.number().int().positive(),
		name: text(200),
		group: z.enum(SURVEY_GROUPS, { error: 'Nhóm phải là children, children_young hoặc residents' }),
		/** True while the questionnaire is not the official one (shown on every page and in the report). */
		provisional: z.boolean(),
		/** Where the questionnaire comes from (for a provisional one: PROVISIONAL_SURVEY_SOURCE). */
		source: text(500),
		/** Read to the respondent before the questions. */
		intro: text(1000),
		questions: z.array(SurveyQuestionSchema).min(1).max(30),
		satisfiedWhen: SatisfiedRuleSchema,
		profile: z.strictObject({
			/** Age groups to choose from (code, label); absent: not asked. */
			ageGroups: z
				.array(z.strictObject({ code, label: text(100) }))
				.min(2)
				.optional(),
			/** Whether sex is asked (always optional to answer, "Không muốn trả lời" allowed). */
			sex: z.boolean()
		})
	})
	.superRefine((t, ctx) => {
		const seen = new Set<string>();
		t.questions.forEach((q, i) => {
			if (seen.has(q.code)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'code'], message: `Mã câu hỏi ${q.code} bị trùng` });
			seen.add(q.code);
			const values = q.scale.map((o) => o.value);
			if (new Set(values).size !== values.length)
				ctx.addIssue({ code: 'custom', path: ['questions', i, 'scale'], message: `Câu ${q.code}: các mức trả lời bị trùng giá trị` });
		});
		if (t.provisional && t.source !== PROVISIONAL_SURVEY_SOURCE)
			ctx.addIssue({ code: 'custom', path: ['source'], message: `Bảng hỏi tạm thời phải ghi nguồn: «${PROVISIONAL_SURVEY_SOURCE}»` });
	});

export type SurveyTemplate = z.output<typeof SurveyTemplateSchema>;
export type SurveyQuestion = SurveyTemplate['questions'][number];

export function parseSurveyTemplate(input: unknown): { ok: true; value: SurveyTemplate } | { ok: false; errors: string[] } {
	const r = SurveyTemplateSchema.safeParse(input);
	if (r.success) return { ok: true, value: r.data };
	return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.') || '(bảng hỏi)'}: ${i.message}`) };
}

// ---------------------------------------------------------------------------------------------
// The shipped provisional questionnaires
// ---------------------------------------------------------------------------------------------

const FIVE_POINTS = [
	{ value: 1, label: 'Rất không hài lòng' },
	{ value: 2, label: 'Không hài lòng' },
	{ value: 3, label: 'Bình thường' },
	{ value: 4, label: 'Hài lòng' },
	{ value: 5, label: 'Rất hài lòng' }
];

const THREE_FACES = [
	{ value: 1, label: 'Không vui', face: '☹️' },
	{ value: 2, label: 'Bình thường', face: '😐' },
	{ value: 3, label: 'Vui', face: '🙂' }
];

const q = (c: string, t: string, scale = FIVE_POINTS) => ({ code: c, text: t, scale });

/** Children from about 10 years old: six short questions in plain words. */
export const CHILDREN_TEMPLATE: SurveyTemplate = {
	code: 'KS-TRE-EM',
	version: 1,
	name: 'Phiếu hỏi ý kiến trẻ em (từ 10 tuổi)',
	group: 'children',
	provisional: true,
	source: PROVISIONAL_SURVEY_SOURCE,
	intro: 'Em hãy cho biết em thấy thế nào. Không cần ghi tên. Không có câu trả lời đúng hay sai.',
	questions: [
		q('C1', 'Em thấy an toàn khi ở nhà, ở trường và ngoài đường.'),
		q('C2', 'Người lớn lắng nghe ý kiến của em.'),
		q('C3', 'Em có chỗ và có thời gian để vui chơi.'),
		q('C4', 'Em được đi học đầy đủ.'),
		q('C5', 'Khi bị ốm, em được khám và chữa bệnh.'),
		q('C6', 'Khi gặp chuyện khó khăn, em biết tìm ai giúp và được giúp đỡ.')
	],
	satisfiedWhen: { values: [4, 5], meanAtLeast: 4 },
	profile: {
		ageGroups: [
			{ code: '10-12', label: 'Từ 10 đến 12 tuổi' },
			{ code: '13-15', label: 'Từ 13 đến 15 tuổi' },
			{ code: '16-17', label: 'Từ 16 đến 17 tuổi' }
		],
		sex: true
	}
};

/** Young children, answered with an adult's help: four questions on three faces. */
export const YOUNG_CHILDREN_TEMPLATE: SurveyTemplate = {
	code: 'KS-TRE-NHO',
	version: 1,
	name: 'Phiếu hỏi ý kiến trẻ em nhỏ (dưới 10 tuổi, có người lớn giúp)',
	group: 'children_young',
	provisional: true,
	source: PROVISIONAL_SURVEY_SOURCE,
	intro: 'Người lớn đọc từng câu cho bé nghe. Bé chọn một khuôn mặt. Không ghi tên.',
	questions: [
		q('N1', 'Con thấy an toàn ở nhà và ở trường.', THREE_FACES),
		q('N2', 'Con được chơi mỗi ngày.', THREE_FACES),
		q('N3', 'Con thích đi học.', THREE_FACES),
		q('N4', 'Khi con buồn hay sợ, có người giúp con.', THREE_FACES)
	],
	satisfiedWhen: { values: [3], meanAtLeast: 2.5 },
	profile: {
		ageGroups: [
			{ code: 'under6', label: 'Dưới 6 tuổi' },
			{ code: '6-9', label: 'Từ 6 đến 9 tuổi' }
		],
		sex: true
	}
};

/** Residents: six questions on the commune's care for children. */
export const RESIDENTS_TEMPLATE: SurveyTemplate = {
	code: 'KS-NGUOI-DAN',
	version: 1,
	name: 'Phiếu hỏi ý kiến người dân',
	group: 'residents',
	provisional: true,
	source: PROVISIONAL_SURVEY_SOURCE,
	intro:
		'Xin ông/bà cho biết mức độ hài lòng về việc thực hiện quyền trẻ em trên địa bàn xã, phường. Phiếu không ghi tên, không hỏi thông tin cá nhân.',
	questions: [
		q('D1', 'Trẻ em trên địa bàn được an toàn, được phòng ngừa tai nạn, thương tích, bạo lực, xâm hại.'),
		q('D2', 'Trẻ em được chăm sóc sức khỏe, tiêm chủng, khám chữa bệnh.'),
		q('D3', 'Trẻ em được đi học đầy đủ.'),
		q('D4', 'Địa bàn có nơi vui chơi, hoạt động văn hóa, thể thao an toàn cho trẻ em.'),
		q('D5', 'Chính quyền lắng nghe ý kiến của trẻ em và người dân về các vấn đề của trẻ em.'),
		q('D6', 'Trẻ em có hoàn cảnh khó khăn được quan tâm, hỗ trợ kịp thời.')
	],
	satisfiedWhen: { values: [4, 5], meanAtLeast: 4 },
	profile: {
		ageGroups: [
			{ code: 'under30', label: 'Dưới 30 tuổi' },
			{ code: '30-49', label: 'Từ 30 đến 49 tuổi' },
			{ code: '50plus', label: 'Từ 50 tuổi trở lên' }
		],
		sex: true
	}
};

/** The templates installed at start-up (one per group). */
export const SHIPPED_TEMPLATES: readonly SurveyTemplate[] = [CHILDREN_TEMPLATE, YOUNG_CHILDREN_TEMPLATE, RESIDENTS_TEMPLATE];

// ---------------------------------------------------------------------------------------------
// Validating one response against its template
// ---------------------------------------------------------------------------------------------

export type ResponseInput = { answers: Record<string, number>; ageGroup?: string | null; sex?: string | null };
export type ValidResponse = { answers: Record<string, number>; ageGroup: string | null; sex: string | null };

/**
 * Checks one respondent's answers against the template: every question answered with one of its
 * scale's values, nothing else; the age group and sex, when given, among the template's choices.
 * Returns a Vietnamese message per bad field (`answers.C1`, `ageGroup`, `sex`).
 */
export function validateResponse(
	template: SurveyTemplate,
	input: unknown
): { ok: true; value: ValidResponse } | { ok: false; fieldErrors: Record<string, string> } {
	const errors: Record<string, string> = {};
	const shape = z
		.strictObject({
			answers: z.record(z.string(), z.unknown()),
			ageGroup: z.string().max(40).nullish(),
			sex: z.string().max(40).nullish()
		})
		.safeParse(input);
	if (!shape.success) return { ok: false, fieldErrors: { answers: 'Phiếu trả lời không hợp lệ.' } };
	const { answers, ageGroup, sex } = shape.data;
	const out: Record<string, number> = {};
	for (const question of template.questions) {
		const v = answers[question.code];
		if (v === undefined || v === null) errors[`answers.${question.code}`] = `Câu ${question.code}: chưa chọn câu trả lời.`;
		else if (typeof v !== 'number' || !question.scale.some((o) => o.value === v))
			errors[`answers.${question.code}`] = `Câu ${question.code}: câu trả lời không hợp lệ.`;
		else out[question.code] = v;
	}
	for (const key of Object.keys(answers))
		if (!template.questions.some((x) => x.code === key)) errors[`answers.${key}`] = `Không có câu hỏi ${key} trong phiếu.`;
	let age: string | null = null;
	if (ageGroup) {
		if (!template.profile.ageGroups?.some((a) => a.code === ageGroup)) errors.ageGroup = 'Nhóm tuổi không hợp lệ.';
		else age = ageGroup;
	}
	let sexOut: string | null = null;
	if (sex) {
		if (!template.profile.sex || !SEX_OPTIONS.some((s) => s.code === sex)) errors.sex = 'Giới tính không hợp lệ.';
		else sexOut = sex;
	}
	if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };
	return { ok: true, value: { answers: out, ageGroup: age, sex: sexOut } };
}
