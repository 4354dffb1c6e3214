/**
 * A small criteria set for end-to-end tests (code NHO-2026, version 1): two criteria, three
 * indicators (a checklist item that needs evidence, a rate with bands, a survey), 100 points,
 * thresholds low enough that a good set of answers passes. Nothing is verified.
 */
export const SMALL_CRITERIA_SET = {
	code: 'NHO-2026',
	name: 'Bộ tiêu chí thử nghiệm rút gọn',
	legalReference: 'Bộ tiêu chí dùng cho kiểm thử, không có giá trị pháp lý',
	version: 1,
	status: 'draft',
	passRule: {
		thresholds: { urban_ward: 80, disadvantaged: 60, standard: 70 },
		requireAllCriteriaMet: true,
		forbidZeroCriterion: true
	},
	criteria: [
		{
			code: 'TC01',
			title: 'Tổ chức bảo vệ trẻ em cấp xã',
			maxPoints: 40,
			guidance: 'Chấm theo danh mục.',
			metRule: { kind: 'positive' },
			source: 'Kiểm thử',
			verified: false,
			indicators: [
				{
					kind: 'check',
					code: 'TC01.1',
					title: 'Có người làm công tác bảo vệ trẻ em được phân công',
					measure: 'Có/không có quyết định phân công',
					guidance: 'Minh chứng: quyết định phân công của UBND xã.',
					maxPoints: 40,
					source: 'Kiểm thử',
					verified: false
				}
			]
		},
		{
			code: 'TC02',
			title: 'Chăm sóc sức khỏe trẻ em',
			maxPoints: 60,
			guidance: 'Chấm theo tỷ lệ và khảo sát.',
			metRule: { kind: 'minPoints', points: 20 },
			source: 'Kiểm thử',
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC02.1',
					title: 'Tỷ lệ trẻ em được khám sức khỏe định kỳ',
					measure: 'Số trẻ được khám / tổng số trẻ (%)',
					guidance: 'Nguồn: sổ theo dõi của trạm y tế.',
					maxPoints: 40,
					source: 'Kiểm thử',
					verified: false,
					numeratorLabel: 'Số trẻ em được khám sức khỏe',
					denominatorLabel: 'Tổng số trẻ em cần khám',
					bands: [
						{ min: 50, points: 20 },
						{ min: 90, points: 40 }
					]
				},
				{
					kind: 'survey',
					code: 'TC02.2',
					title: 'Mức độ hài lòng của cha mẹ về dịch vụ y tế cho trẻ em',
					measure: 'Tỷ lệ người được hỏi hài lòng (%)',
					guidance: 'Nguồn: phiếu khảo sát.',
					maxPoints: 20,
					source: 'Kiểm thử',
					verified: false,
					bands: [
						{ min: 50, points: 10 },
						{ min: 80, points: 20 }
					]
				}
			]
		}
	]
};
