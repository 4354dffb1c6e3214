import { describe, expect, it } from 'vitest';
import { diffSurveyTemplates } from './templates-diff.ts';
import { CHILDREN_TEMPLATE, RESIDENTS_TEMPLATE, type SurveyTemplate } from './templates.ts';

const copy = (t: SurveyTemplate): SurveyTemplate => structuredClone(t);

describe('diffSurveyTemplates', () => {
	it('finds nothing between a template and its copy', () => {
		const d = diffSurveyTemplates(RESIDENTS_TEMPLATE, copy(RESIDENTS_TEMPLATE));
		expect(d.identical).toBe(true);
		expect(d.messages).toEqual([]);
	});

	it('lists name, intro, version and a reworded question in Vietnamese', () => {
		const b = copy(RESIDENTS_TEMPLATE);
		b.version = 2;
		b.name = 'Phiếu hỏi ý kiến người dân (sửa đổi)';
		b.intro = 'Lời dẫn mới.';
		b.questions[2].text = 'Trẻ em được đến trường đầy đủ.';
		const d = diffSurveyTemplates(RESIDENTS_TEMPLATE, b);
		expect(d.identical).toBe(false);
		expect(d.questions).toEqual({ added: [], removed: [], reworded: ['D3'], rescaled: [] });
		expect(d.messages).toEqual([
			'Đổi phiên bản: 1 → 2.',
			'Đổi tên: «Phiếu hỏi ý kiến người dân» → «Phiếu hỏi ý kiến người dân (sửa đổi)».',
			`Đổi lời dẫn: «${RESIDENTS_TEMPLATE.intro}» → «Lời dẫn mới.».`,
			'Sửa lời câu D3: «Trẻ em được đi học đầy đủ.» → «Trẻ em được đến trường đầy đủ.».'
		]);
	});

	it('lists added and removed questions, scale changes and the order', () => {
		const b = copy(CHILDREN_TEMPLATE);
		b.questions = b.questions.filter((q) => q.code !== 'C6');
		b.questions.push({ code: 'C7', text: 'Em được tham gia ý kiến ở trường.', scale: b.questions[0].scale });
		b.questions[0].scale = b.questions[0].scale.slice(0, 3);
		[b.questions[1], b.questions[2]] = [b.questions[2], b.questions[1]];
		const d = diffSurveyTemplates(CHILDREN_TEMPLATE, b);
		expect(d.questions.added).toEqual(['C7']);
		expect(d.questions.removed).toEqual(['C6']);
		expect(d.questions.rescaled).toEqual(['C1']);
		expect(d.messages).toContain('Thêm câu C7: «Em được tham gia ý kiến ở trường.».');
		expect(d.messages).toContain(`Bỏ câu C6: «${CHILDREN_TEMPLATE.questions[5].text}».`);
		expect(d.messages).toContain(
			'Đổi thang trả lời câu C1: 1 = Rất không hài lòng; 2 = Không hài lòng; 3 = Bình thường; 4 = Hài lòng; 5 = Rất hài lòng → 1 = Rất không hài lòng; 2 = Không hài lòng; 3 = Bình thường.'
		);
		expect(d.messages).toContain('Đổi thứ tự câu hỏi: C1, C2, C3, C4, C5 → C1, C3, C2, C4, C5.');
	});

	it('lists the satisfied rule, the profile questions and the provisional mark', () => {
		const b = copy(RESIDENTS_TEMPLATE);
		b.satisfiedWhen = { values: [5], meanAtLeast: 4.5 };
		b.profile = { sex: false };
		b.provisional = false;
		b.source = 'Bảng hỏi chính thức ban hành kèm theo văn bản của Bộ';
		const d = diffSurveyTemplates(RESIDENTS_TEMPLATE, b);
		expect(d.messages).toEqual([
			'Bảng hỏi không còn là bảng hỏi tạm thời (bảng hỏi chính thức).',
			`Đổi nguồn: «${RESIDENTS_TEMPLATE.source}» → «Bảng hỏi chính thức ban hành kèm theo văn bản của Bộ».`,
			'Đổi các mức tính là hài lòng: 4, 5 → 5.',
			'Đổi điều kiện người trả lời hài lòng: điểm trung bình từ 4 → từ 4,5.',
			'Bỏ câu hỏi nhóm tuổi.',
			'Bỏ câu hỏi giới tính.'
		]);
		const back = diffSurveyTemplates(b, RESIDENTS_TEMPLATE);
		expect(back.messages).toContain('Thêm câu hỏi giới tính.');
		expect(back.messages.some((m) => m.startsWith('Thêm câu hỏi nhóm tuổi: under30 = Dưới 30 tuổi'))).toBe(true);
		expect(back.messages).toContain('Bảng hỏi trở thành bảng hỏi tạm thời.');
	});
});
