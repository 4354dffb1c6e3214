/**
 * The shipped default criteria set: QĐ 06/QĐ-TTg (03/01/2019), encoded from
 * shared/domain/qd06.md §3–4. Plain data (no logic) so that Node and Vite both load it.
 *
 * Provenance (qd06.md §5): nothing here has been checked against the gazetted text, so every
 * criterion and indicator has `verified: false`. The `source` of each item says which of three
 * cases applies:
 *   - SOURCE_SECONDARY: known from one secondary source [single] (TC01 items 1–3, TC01/TC06/TC07
 *     maxima, TC06 ≥95% → 50 and 100% → 75, TC07 ≥98% → 50);
 *   - SOURCE_INFERRED: TC01 item 4, whose text and points are inferred from the remainder;
 *   - SOURCE_PROVISIONAL: scales invented by us pending the official table (everything else;
 *     provisional bands inside a partly known scale carry `provisional: true`).
 * The criterion names, the thresholds (900/800/850) and the three recognition conditions are
 * [confirmed]. The condition for a single criterion to be "met" is not known: provisionally
 * "more than 0 points" (`metRule: { kind: 'positive' }`).
 *
 * Base counts (`baseCount`, qd06.md §6): the denominators that are the commune's children under 1
 * (TC07.1), under 5 (TC08.1–2, the under-5s weighed and measured) and under 16 (TC03–TC05) name
 * that population, so data entry can prefill them and check that the criteria agree.
 */
import type { CriteriaSet } from './schema.ts';

export { UNVERIFIED_NOTICE, hasUnverifiedItems, listUnverifiedItems, canIssueDecisions } from './verification.ts';

export const SOURCE_SECONDARY = 'Nguồn thứ cấp (một nguồn duy nhất) về QĐ 06/QĐ-TTg; chưa được đối chiếu với văn bản gốc';
export const SOURCE_INFERRED =
	'Nội dung và điểm suy luận từ phần điểm còn lại của TC01 (100 − 50 − 15 − 15 = 20), không có nguồn; chưa được đối chiếu với văn bản gốc QĐ 06/QĐ-TTg';
export const SOURCE_PROVISIONAL = 'Thang điểm tạm thời, chưa được đối chiếu với văn bản gốc QĐ 06/QĐ-TTg';

const CRITERION_PROVISIONAL =
	SOURCE_PROVISIONAL + '. Tên tiêu chí theo QĐ 06/QĐ-TTg; điểm tối đa và điều kiện đạt tiêu chí (điểm lớn hơn 0) là tạm thời';
const CRITERION_KNOWN_MAX = 'Điểm tối đa: ' + SOURCE_SECONDARY + '. Điều kiện đạt tiêu chí (điểm lớn hơn 0) là quy ước tạm thời';
const PARTLY_KNOWN =
	': nguồn thứ cấp (một nguồn duy nhất) về QĐ 06/QĐ-TTg; chưa được đối chiếu với văn bản gốc. Các mức thấp hơn (đánh dấu provisional): thang điểm tạm thời, chưa được đối chiếu với văn bản gốc QĐ 06/QĐ-TTg';
const SENSITIVE = ' Dữ liệu nhạy cảm: chỉ nhập số lượng, không nhập thông tin nhận dạng trẻ em.';

export const QD06_2019: CriteriaSet = {
	code: 'QD06-2019',
	name: 'Bộ tiêu chí xã, phường, thị trấn phù hợp với trẻ em (QĐ 06/QĐ-TTg)',
	legalReference:
		'Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, trình tự đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em',
	version: 1,
	status: 'active',
	confirmation: null,
	passRule: {
		thresholds: { urban_ward: 900, disadvantaged: 800, standard: 850 },
		requireAllCriteriaMet: true,
		forbidZeroCriterion: true
	},
	criteria: [
		{
			code: 'TC01',
			title: 'Nguồn lực thực hiện quyền trẻ em',
			maxPoints: 100,
			guidance:
				'Chấm theo danh mục: mỗi nội dung đáp ứng được đủ điểm của nội dung đó, không đáp ứng được 0 điểm. Minh chứng: quyết định phân công, danh sách cộng tác viên, biên bản họp, dự toán ngân sách xã.',
			metRule: { kind: 'positive' },
			source: CRITERION_KNOWN_MAX,
			verified: false,
			indicators: [
				{
					kind: 'check',
					code: 'TC01.1',
					title: 'Có người làm công tác bảo vệ trẻ em cấp xã được phân công',
					measure: 'Có/không có văn bản phân công người làm công tác bảo vệ trẻ em cấp xã',
					guidance:
						'Chọn «Có» khi UBND xã đã có văn bản phân công người làm công tác bảo vệ trẻ em (thường là công chức Văn hóa - Xã hội) còn hiệu lực trong kỳ đánh giá. Minh chứng: quyết định phân công.',
					maxPoints: 50,
					source: SOURCE_SECONDARY,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC01.2',
					title: 'Có cộng tác viên bảo vệ trẻ em tại thôn, ấp, bản, tổ dân phố',
					measure: 'Có/không có cộng tác viên, tình nguyện viên bảo vệ trẻ em tại thôn, ấp, bản, tổ dân phố',
					guidance:
						'Chọn «Có» khi các thôn, ấp, bản, tổ dân phố có cộng tác viên hoặc tình nguyện viên làm công tác bảo vệ trẻ em. Minh chứng: quyết định hoặc danh sách cộng tác viên do UBND xã ban hành.',
					maxPoints: 15,
					source: SOURCE_SECONDARY,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC01.3',
					title: 'Ban hoặc nhóm công tác bảo vệ trẻ em cấp xã hoạt động, họp định kỳ',
					measure: 'Có/không có họp định kỳ (sơ kết, tổng kết theo tháng, quý, năm)',
					guidance:
						'Chọn «Có» khi Ban hoặc nhóm công tác bảo vệ trẻ em của xã đã họp định kỳ (tháng, quý, năm) trong kỳ đánh giá. Minh chứng: biên bản các cuộc họp.',
					maxPoints: 15,
					source: SOURCE_SECONDARY,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC01.4',
					title: 'Có kinh phí cho công tác bảo vệ trẻ em',
					measure: 'Có/không có kinh phí cho công tác bảo vệ, chăm sóc trẻ em trong dự toán ngân sách xã',
					guidance:
						'Chọn «Có» khi dự toán ngân sách xã trong kỳ đánh giá có bố trí kinh phí cho công tác bảo vệ, chăm sóc trẻ em. Minh chứng: dự toán hoặc quyết định giao dự toán.',
					maxPoints: 20,
					source: SOURCE_INFERRED,
					verified: false
				}
			]
		},
		{
			code: 'TC02',
			title: 'Trẻ em được khai sinh đúng quy định',
			maxPoints: 50,
			guidance: 'Đánh giá qua tỷ lệ trẻ em sinh ra trong kỳ được đăng ký khai sinh đúng hạn.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC02.1',
					title: 'Tỷ lệ trẻ em được đăng ký khai sinh đúng quy định',
					measure: 'Số trẻ em sinh ra trong kỳ được đăng ký khai sinh đúng quy định / tổng số trẻ em sinh ra trong kỳ (%)',
					guidance:
						'Tử số: số trẻ em sinh ra trong kỳ đánh giá được đăng ký khai sinh trong thời hạn luật định (60 ngày kể từ ngày sinh). Mẫu số: tổng số trẻ em sinh ra trong kỳ có cha hoặc mẹ cư trú tại xã. Nguồn: sổ đăng ký khai sinh, cơ sở dữ liệu hộ tịch điện tử (công chức Tư pháp - Hộ tịch), đối chiếu với số trẻ sinh ra do trạm y tế xã theo dõi.',
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					numeratorLabel: 'Số trẻ em sinh ra trong kỳ được đăng ký khai sinh đúng quy định',
					denominatorLabel: 'Tổng số trẻ em sinh ra trong kỳ',
					bands: [
						{ min: 90, points: 20, provisional: true },
						{ min: 95, points: 30, provisional: true },
						{ min: 98, points: 40, provisional: true },
						{ min: 100, points: 50, provisional: true }
					],
					zeroDenominator: 'invalid',
					baseCount: null
				}
			]
		},
		{
			code: 'TC03',
			title: 'Trẻ em bị xâm hại',
			maxPoints: 100,
			guidance: 'Đánh giá qua tỷ suất trẻ em bị xâm hại trên 1.000 trẻ em; tỷ suất càng thấp càng tốt.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'incidence',
					code: 'TC03.1',
					title: 'Tỷ suất trẻ em bị xâm hại',
					measure: 'Số trẻ em bị xâm hại trong kỳ trên 1.000 trẻ em dưới 16 tuổi',
					guidance:
						'Số trường hợp: số trẻ em bị xâm hại (bạo lực, bóc lột, xâm hại tình dục, mua bán, bỏ rơi, bỏ mặc…) được phát hiện trong kỳ đánh giá, mỗi trẻ tính một lần. Mẫu số: tổng số trẻ em dưới 16 tuổi đang sống trên địa bàn xã (cùng số liệu dùng cho các tiêu chí khác). Nguồn: hồ sơ quản lý trường hợp của người làm công tác bảo vệ trẻ em, công an xã.' +
						SENSITIVE,
					maxPoints: 100,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em bị xâm hại trong kỳ',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi trên địa bàn xã',
					per: 1000,
					bands: [
						{ max: 0, points: 100, provisional: true },
						{ max: 0.5, points: 75, provisional: true },
						{ max: 1, points: 50, provisional: true },
						{ max: 2, points: 25, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under16'
				}
			]
		},
		{
			code: 'TC04',
			title: 'Trẻ em vi phạm pháp luật, nghiện ma túy',
			maxPoints: 75,
			guidance:
				'Đánh giá qua tỷ suất trẻ em vi phạm pháp luật và tỷ suất trẻ em nghiện ma túy trên 1.000 trẻ em; tỷ suất càng thấp càng tốt.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'incidence',
					code: 'TC04.1',
					title: 'Tỷ suất trẻ em vi phạm pháp luật',
					measure: 'Số trẻ em vi phạm pháp luật trong kỳ trên 1.000 trẻ em dưới 16 tuổi',
					guidance:
						'Số trường hợp: số trẻ em bị xử lý vi phạm hành chính hoặc bị khởi tố trong kỳ đánh giá, mỗi trẻ tính một lần. Mẫu số: tổng số trẻ em dưới 16 tuổi đang sống trên địa bàn xã. Nguồn: công an xã.' +
						SENSITIVE,
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em vi phạm pháp luật trong kỳ',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi trên địa bàn xã',
					per: 1000,
					bands: [
						{ max: 0, points: 50, provisional: true },
						{ max: 0.5, points: 35, provisional: true },
						{ max: 1, points: 20, provisional: true },
						{ max: 2, points: 10, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under16'
				},
				{
					kind: 'incidence',
					code: 'TC04.2',
					title: 'Tỷ suất trẻ em nghiện ma túy',
					measure: 'Số trẻ em nghiện ma túy trong kỳ trên 1.000 trẻ em dưới 16 tuổi',
					guidance:
						'Số trường hợp: số trẻ em được xác định là nghiện ma túy trong kỳ đánh giá. Mẫu số: tổng số trẻ em dưới 16 tuổi đang sống trên địa bàn xã. Nguồn: công an xã, danh sách người nghiện ma túy do công an quản lý.' +
						SENSITIVE,
					maxPoints: 25,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em nghiện ma túy trong kỳ',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi trên địa bàn xã',
					per: 1000,
					bands: [
						{ max: 0, points: 25, provisional: true },
						{ max: 0.5, points: 15, provisional: true },
						{ max: 1, points: 5, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under16'
				}
			]
		},
		{
			code: 'TC05',
			title: 'Trẻ em bị tai nạn, thương tích',
			maxPoints: 75,
			guidance:
				'Đánh giá qua tỷ suất trẻ em bị tai nạn, thương tích và tỷ suất trẻ em tử vong do tai nạn, thương tích; tỷ suất càng thấp càng tốt.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'incidence',
					code: 'TC05.1',
					title: 'Tỷ suất trẻ em bị tai nạn, thương tích',
					measure: 'Số trẻ em bị tai nạn, thương tích trong kỳ trên 1.000 trẻ em dưới 16 tuổi',
					guidance:
						'Số trường hợp: số trẻ em bị tai nạn, thương tích phải điều trị tại cơ sở y tế trong kỳ đánh giá (đuối nước, tai nạn giao thông, ngã, bỏng…), mỗi trẻ tính một lần. Mẫu số: tổng số trẻ em dưới 16 tuổi đang sống trên địa bàn xã. Nguồn: sổ theo dõi tai nạn thương tích của trạm y tế xã, báo cáo của các trường học.',
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em bị tai nạn, thương tích trong kỳ',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi trên địa bàn xã',
					per: 1000,
					bands: [
						{ max: 2, points: 50, provisional: true },
						{ max: 5, points: 35, provisional: true },
						{ max: 10, points: 20, provisional: true },
						{ max: 15, points: 10, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under16'
				},
				{
					kind: 'incidence',
					code: 'TC05.2',
					title: 'Tỷ suất trẻ em tử vong do tai nạn, thương tích',
					measure: 'Số trẻ em tử vong do tai nạn, thương tích trong kỳ trên 100.000 trẻ em dưới 16 tuổi',
					guidance:
						'Số trường hợp: số trẻ em tử vong do tai nạn, thương tích (đuối nước, tai nạn giao thông…) trong kỳ đánh giá. Mẫu số: tổng số trẻ em dưới 16 tuổi đang sống trên địa bàn xã. Nguồn: trạm y tế xã, công an xã, sổ đăng ký khai tử. Có trường hợp tử vong thì chỉ số được 0 điểm.',
					maxPoints: 25,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em tử vong do tai nạn, thương tích trong kỳ',
					populationLabel: 'Tổng số trẻ em dưới 16 tuổi trên địa bàn xã',
					per: 100000,
					bands: [{ max: 0, points: 25, provisional: true }],
					zeroIfCountAtLeast: null,
					baseCount: 'under16'
				}
			]
		},
		{
			code: 'TC06',
			title: 'Trẻ em có hoàn cảnh đặc biệt được trợ giúp',
			maxPoints: 125,
			guidance:
				'Đánh giá qua tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp và tỷ lệ trường hợp trẻ em bị xâm hại tình dục, bị bỏ rơi, bị mua bán được phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời.',
			metRule: { kind: 'positive' },
			source: CRITERION_KNOWN_MAX,
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC06.1',
					title: 'Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp',
					measure: 'Số trẻ em có hoàn cảnh đặc biệt được trợ giúp / tổng số trẻ em có hoàn cảnh đặc biệt (%)',
					guidance:
						'Trẻ em có hoàn cảnh đặc biệt theo Luật Trẻ em 2016 (ví dụ trẻ em mồ côi, khuyết tật, bị bỏ rơi, bị xâm hại…). Tử số: số trẻ được hưởng chính sách, trợ giúp xã hội hoặc được can thiệp, hỗ trợ trong kỳ đánh giá. Mẫu số: tổng số trẻ em có hoàn cảnh đặc biệt đang được quản lý trên địa bàn xã. Nguồn: hồ sơ, danh sách trẻ em có hoàn cảnh đặc biệt của người làm công tác bảo vệ trẻ em. Nếu xã không có trẻ em có hoàn cảnh đặc biệt, nhập 0/0: chỉ số được đủ điểm (quy ước tạm thời).' +
						SENSITIVE,
					maxPoints: 50,
					source: 'Mức ≥ 95% → 50 điểm' + PARTLY_KNOWN + '. Quy ước 0/0 → đủ điểm là tạm thời',
					verified: false,
					numeratorLabel: 'Số trẻ em có hoàn cảnh đặc biệt được trợ giúp',
					denominatorLabel: 'Tổng số trẻ em có hoàn cảnh đặc biệt',
					bands: [
						{ min: 80, points: 25, provisional: true },
						{ min: 90, points: 35, provisional: true },
						{ min: 95, points: 50, provisional: false }
					],
					zeroDenominator: 'maxPoints',
					baseCount: null
				},
				{
					kind: 'rate',
					code: 'TC06.2',
					title:
						'Tỷ lệ trường hợp trẻ em bị xâm hại tình dục, bị bỏ rơi, bị mua bán được Chủ tịch UBND xã phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời',
					measure:
						'Số trường hợp được phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời / tổng số trường hợp trẻ em bị xâm hại tình dục, bị bỏ rơi, bị mua bán (%)',
					guidance:
						'Tử số: số trường hợp trẻ em bị xâm hại tình dục, bị bỏ rơi, bị mua bán trong kỳ đánh giá đã được Chủ tịch UBND xã phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời. Mẫu số: tổng số trường hợp như vậy được phát hiện trong kỳ. Nguồn: hồ sơ quản lý trường hợp, quyết định phê duyệt kế hoạch của Chủ tịch UBND xã. Nếu trong kỳ không có trường hợp nào, nhập 0/0: chỉ số được đủ điểm (quy ước tạm thời).' +
						SENSITIVE,
					maxPoints: 75,
					source: 'Mức 100% → 75 điểm' + PARTLY_KNOWN + '. Quy ước 0/0 → đủ điểm là tạm thời',
					verified: false,
					numeratorLabel: 'Số trường hợp được phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời',
					denominatorLabel: 'Tổng số trường hợp trẻ em bị xâm hại tình dục, bị bỏ rơi, bị mua bán',
					bands: [
						{ min: 80, points: 45, provisional: true },
						{ min: 90, points: 60, provisional: true },
						{ min: 100, points: 75, provisional: false }
					],
					zeroDenominator: 'maxPoints',
					baseCount: null
				}
			]
		},
		{
			code: 'TC07',
			title: 'Trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin thuộc chương trình tiêm chủng mở rộng',
			maxPoints: 50,
			guidance: 'Đánh giá qua tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ.',
			metRule: { kind: 'positive' },
			source: CRITERION_KNOWN_MAX,
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC07.1',
					title: 'Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ',
					measure:
						'Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin thuộc chương trình tiêm chủng mở rộng / tổng số trẻ em dưới 1 tuổi (%)',
					guidance:
						'Tử số: số trẻ em dưới 1 tuổi đã được tiêm đủ các loại vắc xin của chương trình tiêm chủng mở rộng theo lịch. Mẫu số: tổng số trẻ em dưới 1 tuổi trên địa bàn xã. Nguồn: sổ tiêm chủng và hệ thống thông tin tiêm chủng quốc gia của trạm y tế xã.',
					maxPoints: 50,
					source: 'Mức ≥ 98% → 50 điểm' + PARTLY_KNOWN,
					verified: false,
					numeratorLabel: 'Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ',
					denominatorLabel: 'Tổng số trẻ em dưới 1 tuổi',
					bands: [
						{ min: 85, points: 15, provisional: true },
						{ min: 90, points: 25, provisional: true },
						{ min: 95, points: 40, provisional: true },
						{ min: 98, points: 50, provisional: false }
					],
					zeroDenominator: 'invalid',
					baseCount: 'under1'
				}
			]
		},
		{
			code: 'TC08',
			title: 'Trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân và thể thấp còi',
			maxPoints: 75,
			guidance:
				'Đánh giá qua tỷ lệ (trên 100 trẻ em) suy dinh dưỡng thể nhẹ cân và thể thấp còi ở trẻ em dưới 5 tuổi; tỷ lệ càng thấp càng tốt.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'incidence',
					code: 'TC08.1',
					title: 'Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân',
					measure: 'Số trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân trên 100 trẻ em dưới 5 tuổi được cân, đo (%)',
					guidance:
						'Số trường hợp: số trẻ em dưới 5 tuổi có cân nặng theo tuổi thấp (suy dinh dưỡng thể nhẹ cân). Mẫu số: số trẻ em dưới 5 tuổi được cân, đo trong đợt theo dõi dinh dưỡng của kỳ đánh giá. Nguồn: kết quả cân, đo trẻ em dưới 5 tuổi của trạm y tế xã.',
					maxPoints: 35,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân',
					populationLabel: 'Số trẻ em dưới 5 tuổi được cân, đo',
					per: 100,
					bands: [
						{ max: 5, points: 35, provisional: true },
						{ max: 10, points: 25, provisional: true },
						{ max: 15, points: 15, provisional: true },
						{ max: 20, points: 5, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under5'
				},
				{
					kind: 'incidence',
					code: 'TC08.2',
					title: 'Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi',
					measure: 'Số trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi trên 100 trẻ em dưới 5 tuổi được cân, đo (%)',
					guidance:
						'Số trường hợp: số trẻ em dưới 5 tuổi có chiều cao theo tuổi thấp (suy dinh dưỡng thể thấp còi). Mẫu số: số trẻ em dưới 5 tuổi được cân, đo trong đợt theo dõi dinh dưỡng của kỳ đánh giá. Nguồn: kết quả cân, đo trẻ em dưới 5 tuổi của trạm y tế xã.',
					maxPoints: 40,
					source: SOURCE_PROVISIONAL,
					verified: false,
					countLabel: 'Số trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi',
					populationLabel: 'Số trẻ em dưới 5 tuổi được cân, đo',
					per: 100,
					bands: [
						{ max: 10, points: 40, provisional: true },
						{ max: 15, points: 30, provisional: true },
						{ max: 20, points: 20, provisional: true },
						{ max: 25, points: 10, provisional: true }
					],
					zeroIfCountAtLeast: null,
					baseCount: 'under5'
				}
			]
		},
		{
			code: 'TC09',
			title: 'Trẻ em được khám sức khỏe định kỳ',
			maxPoints: 50,
			guidance: 'Đánh giá qua tỷ lệ trẻ em được khám sức khỏe định kỳ trong kỳ đánh giá.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC09.1',
					title: 'Tỷ lệ trẻ em được khám sức khỏe định kỳ',
					measure: 'Số trẻ em được khám sức khỏe định kỳ / tổng số trẻ em thuộc đối tượng khám định kỳ (%)',
					guidance:
						'Tử số: số trẻ em được khám sức khỏe định kỳ trong kỳ đánh giá (tại trường học hoặc trạm y tế). Mẫu số: tổng số trẻ em thuộc đối tượng khám sức khỏe định kỳ trên địa bàn xã. Nguồn: trạm y tế xã, y tế trường học (kết quả khám sức khỏe đầu năm học).',
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					numeratorLabel: 'Số trẻ em được khám sức khỏe định kỳ',
					denominatorLabel: 'Tổng số trẻ em thuộc đối tượng khám sức khỏe định kỳ',
					bands: [
						{ min: 70, points: 20, provisional: true },
						{ min: 80, points: 30, provisional: true },
						{ min: 90, points: 40, provisional: true },
						{ min: 95, points: 50, provisional: true }
					],
					zeroDenominator: 'invalid',
					baseCount: null
				}
			]
		},
		{
			code: 'TC10',
			title: 'Trẻ em đến trường, lớp mầm non',
			maxPoints: 100,
			guidance: 'Đánh giá qua tỷ lệ trẻ em trong độ tuổi đến trường, lớp mầm non và đến trường phổ thông.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'rate',
					code: 'TC10.1',
					title: 'Tỷ lệ trẻ em từ 3 đến 5 tuổi đến trường, lớp mầm non',
					measure: 'Số trẻ em từ 3 đến 5 tuổi đến trường, lớp mầm non / tổng số trẻ em từ 3 đến 5 tuổi (%)',
					guidance:
						'Tử số: số trẻ em từ 3 đến 5 tuổi cư trú tại xã đang học tại trường, lớp mầm non. Mẫu số: tổng số trẻ em từ 3 đến 5 tuổi cư trú tại xã. Nguồn: các trường mầm non, hồ sơ phổ cập giáo dục của xã.',
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					numeratorLabel: 'Số trẻ em từ 3 đến 5 tuổi đến trường, lớp mầm non',
					denominatorLabel: 'Tổng số trẻ em từ 3 đến 5 tuổi',
					bands: [
						{ min: 80, points: 20, provisional: true },
						{ min: 90, points: 35, provisional: true },
						{ min: 95, points: 50, provisional: true }
					],
					zeroDenominator: 'invalid',
					baseCount: null
				},
				{
					kind: 'rate',
					code: 'TC10.2',
					title: 'Tỷ lệ trẻ em trong độ tuổi tiểu học và trung học cơ sở đến trường',
					measure: 'Số trẻ em trong độ tuổi tiểu học và trung học cơ sở đang đi học / tổng số trẻ em trong độ tuổi đó (%)',
					guidance:
						'Tử số: số trẻ em trong độ tuổi tiểu học và trung học cơ sở cư trú tại xã đang đi học. Mẫu số: tổng số trẻ em trong độ tuổi đó cư trú tại xã. Nguồn: các trường tiểu học, trung học cơ sở, hồ sơ phổ cập giáo dục của xã.',
					maxPoints: 50,
					source: SOURCE_PROVISIONAL,
					verified: false,
					numeratorLabel: 'Số trẻ em trong độ tuổi tiểu học và trung học cơ sở đang đi học',
					denominatorLabel: 'Tổng số trẻ em trong độ tuổi tiểu học và trung học cơ sở',
					bands: [
						{ min: 90, points: 20, provisional: true },
						{ min: 95, points: 35, provisional: true },
						{ min: 98, points: 50, provisional: true }
					],
					zeroDenominator: 'invalid',
					baseCount: null
				}
			]
		},
		{
			code: 'TC11',
			title: 'Trẻ em được thực hiện quyền tham gia của trẻ em',
			maxPoints: 50,
			guidance:
				'Chấm theo danh mục: mỗi nội dung đáp ứng được đủ điểm của nội dung đó. Minh chứng: kế hoạch, biên bản, danh sách, hình ảnh hoạt động.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'check',
					code: 'TC11.1',
					title: 'Tổ chức diễn đàn trẻ em hoặc hình thức lấy ý kiến trẻ em',
					measure: 'Có/không tổ chức diễn đàn, đối thoại hoặc hình thức khác để trẻ em bày tỏ ý kiến trong kỳ',
					guidance:
						'Chọn «Có» khi trong kỳ đánh giá xã đã tổ chức ít nhất một diễn đàn, đối thoại hoặc hình thức khác để trẻ em bày tỏ ý kiến về các vấn đề liên quan đến trẻ em. Minh chứng: kế hoạch, biên bản, hình ảnh.',
					maxPoints: 25,
					source: SOURCE_PROVISIONAL,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC11.2',
					title: 'Ý kiến, nguyện vọng của trẻ em được tổng hợp và trả lời',
					measure: 'Có/không có văn bản tổng hợp và trả lời ý kiến, nguyện vọng của trẻ em',
					guidance:
						'Chọn «Có» khi ý kiến, nguyện vọng của trẻ em đã được tổng hợp, chuyển tới cơ quan có trách nhiệm và được trả lời hoặc giải quyết. Minh chứng: báo cáo tổng hợp, văn bản trả lời.',
					maxPoints: 15,
					source: SOURCE_PROVISIONAL,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC11.3',
					title: 'Có câu lạc bộ, nhóm trẻ em hoạt động',
					measure: 'Có/không có câu lạc bộ, nhóm trẻ em hoạt động thường xuyên trên địa bàn xã',
					guidance:
						'Chọn «Có» khi trên địa bàn xã có câu lạc bộ hoặc nhóm trẻ em (nhóm trẻ em nòng cốt, câu lạc bộ quyền trẻ em…) hoạt động trong kỳ. Minh chứng: quyết định thành lập, kế hoạch hoạt động.',
					maxPoints: 10,
					source: SOURCE_PROVISIONAL,
					verified: false
				}
			]
		},
		{
			code: 'TC12',
			title: 'Hoạt động vui chơi, giải trí, văn hóa, thể dục, thể thao dành cho trẻ em',
			maxPoints: 75,
			guidance: 'Đánh giá nơi vui chơi dành cho trẻ em và các hoạt động văn hóa, thể thao được tổ chức cho trẻ em trong kỳ.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'level',
					code: 'TC12.1',
					title: 'Điểm vui chơi, giải trí, văn hóa, thể thao dành cho trẻ em',
					measure: 'Mức độ đáp ứng về nơi vui chơi, giải trí, văn hóa, thể thao cho trẻ em',
					guidance:
						'Chọn mức đúng với thực tế trong kỳ đánh giá. Nguồn: công chức Văn hóa - Xã hội; minh chứng: danh mục thiết chế văn hóa, thể thao của xã, hình ảnh.',
					maxPoints: 40,
					source: SOURCE_PROVISIONAL,
					verified: false,
					levels: [
						{ code: 'none', label: 'Chưa có nơi vui chơi cho trẻ em', points: 0, provisional: true },
						{
							code: 'shared',
							label: 'Có nơi vui chơi dùng chung với cộng đồng (nhà văn hóa, sân thể thao), có thời gian dành cho trẻ em',
							points: 25,
							provisional: true
						},
						{
							code: 'dedicated',
							label: 'Có điểm vui chơi dành riêng cho trẻ em, bảo đảm an toàn',
							points: 40,
							provisional: true
						}
					]
				},
				{
					kind: 'check',
					code: 'TC12.2',
					title: 'Tổ chức hoạt động vui chơi, văn hóa, thể thao cho trẻ em trong dịp hè',
					measure: 'Có/không tổ chức hoạt động hè cho trẻ em trong kỳ',
					guidance:
						'Chọn «Có» khi xã đã tổ chức hoạt động vui chơi, văn hóa, thể thao cho trẻ em trong dịp hè của kỳ đánh giá. Minh chứng: kế hoạch, báo cáo, hình ảnh.',
					maxPoints: 20,
					source: SOURCE_PROVISIONAL,
					verified: false
				},
				{
					kind: 'check',
					code: 'TC12.3',
					title: 'Tổ chức hoạt động cho trẻ em nhân Tháng hành động vì trẻ em và Tết Trung thu',
					measure: 'Có/không tổ chức hoạt động cho trẻ em nhân Tháng hành động vì trẻ em và Tết Trung thu',
					guidance:
						'Chọn «Có» khi xã đã tổ chức hoạt động cho trẻ em nhân Tháng hành động vì trẻ em và Tết Trung thu trong kỳ đánh giá. Minh chứng: kế hoạch, báo cáo, hình ảnh.',
					maxPoints: 15,
					source: SOURCE_PROVISIONAL,
					verified: false
				}
			]
		},
		{
			code: 'TC13',
			title: 'Mức độ hài lòng của trẻ em và người dân về việc thực hiện quyền trẻ em',
			maxPoints: 75,
			guidance:
				'Đánh giá qua khảo sát trẻ em và người dân trên địa bàn xã. Nhập tỷ lệ (%) người được hỏi trả lời hài lòng hoặc rất hài lòng, tối đa 2 chữ số thập phân.',
			metRule: { kind: 'positive' },
			source: CRITERION_PROVISIONAL,
			verified: false,
			indicators: [
				{
					kind: 'survey',
					code: 'TC13.1',
					title: 'Tỷ lệ trẻ em hài lòng về việc thực hiện quyền trẻ em',
					measure: 'Số trẻ em được khảo sát trả lời hài lòng hoặc rất hài lòng / tổng số trẻ em được khảo sát (%)',
					guidance:
						'Nhập tỷ lệ (%) trẻ em trả lời hài lòng hoặc rất hài lòng trên tổng số trẻ em được khảo sát, tối đa 2 chữ số thập phân. Nguồn: phiếu khảo sát do xã tổ chức trong kỳ; lưu phiếu và bảng tổng hợp làm minh chứng.',
					maxPoints: 40,
					source: SOURCE_PROVISIONAL,
					verified: false,
					bands: [
						{ min: 50, points: 15, provisional: true },
						{ min: 70, points: 30, provisional: true },
						{ min: 85, points: 40, provisional: true }
					]
				},
				{
					kind: 'survey',
					code: 'TC13.2',
					title: 'Tỷ lệ người dân hài lòng về việc thực hiện quyền trẻ em',
					measure: 'Số người dân được khảo sát trả lời hài lòng hoặc rất hài lòng / tổng số người dân được khảo sát (%)',
					guidance:
						'Nhập tỷ lệ (%) người dân trả lời hài lòng hoặc rất hài lòng trên tổng số người dân được khảo sát, tối đa 2 chữ số thập phân. Nguồn: phiếu khảo sát do xã tổ chức trong kỳ; lưu phiếu và bảng tổng hợp làm minh chứng.',
					maxPoints: 35,
					source: SOURCE_PROVISIONAL,
					verified: false,
					bands: [
						{ min: 50, points: 15, provisional: true },
						{ min: 70, points: 25, provisional: true },
						{ min: 85, points: 35, provisional: true }
					]
				}
			]
		}
	]
};

/** A secondary source quotes this item's wording: one source only, not checked against the gazetted text. */
export const SOURCE_QUOTED =
	'Nội dung trích nguyên văn theo một nguồn thứ cấp duy nhất về QĐ 06/QĐ-TTg; chưa được đối chiếu với văn bản gốc';

/** The wording secondary sources quote, by indicator (issue 14); points unchanged. */
const QUOTED_WORDING: Record<string, string> = {
	'TC01.1': 'Có bố trí người làm công tác bảo vệ trẻ em cấp xã',
	'TC01.2': 'Có bố trí cộng tác viên bảo vệ trẻ em tại thôn, làng, ấp, bản, buôn, phum, sóc, tổ dân phố, khu phố, khóm',
	'TC01.3':
		'Có Ban bảo vệ trẻ em hoặc nhóm chuyên trách bảo vệ trẻ em cấp xã thực hiện tốt chế độ giao ban, đánh giá định kỳ hằng tháng, quý, năm',
	'TC06.1': 'Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp',
	'TC06.2':
		'Tỷ lệ các vụ việc trẻ em bị xâm hại tình dục, bỏ rơi, mua bán được Chủ tịch UBND cấp xã phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời'
};

/**
 * Version 2 of the default set: version 1 with the wording secondary sources quote for TC01.1–3,
 * TC06.1 and TC06.2 (still single-source, still unverified). Shipped as a draft beside version 1:
 * an administrator compares the two and activates it; what used version 1 keeps it.
 */
export const QD06_2019_V2: CriteriaSet = {
	...QD06_2019,
	version: 2,
	status: 'draft',
	confirmation: null,
	criteria: QD06_2019.criteria.map((c) => ({
		...c,
		indicators: c.indicators.map((i) =>
			QUOTED_WORDING[i.code] ? { ...i, title: QUOTED_WORDING[i.code], source: `${SOURCE_QUOTED}. ${i.source}`, verified: false } : i
		)
	}))
};
