/** Vietnamese one-line descriptions of an indicator's scale, for display. Pure. */
import type { Indicator } from '#lib/domain/criteria/schema.ts';
import { formatNumberVi } from '#lib/domain/criteria/format-vi.ts';

export type ScaleLine = { text: string; provisional: boolean };

export function scaleLines(ind: Indicator): ScaleLine[] {
	const pts = (p: number) => `${formatNumberVi(p)} điểm`;
	switch (ind.kind) {
		case 'check':
			return [{ text: `Có: ${pts(ind.maxPoints)}; Không: 0 điểm`, provisional: false }];
		case 'rate':
		case 'survey':
			return [
				...ind.bands.map((b) => ({ text: `Từ ${formatNumberVi(b.min)}% trở lên: ${pts(b.points)}`, provisional: Boolean(b.provisional) })),
				{ text: `Thấp hơn ${formatNumberVi(ind.bands[0].min)}%: 0 điểm`, provisional: ind.bands.some((b) => b.provisional) }
			];
		case 'incidence':
			return [
				...ind.bands.map((b) => ({
					text: `Không quá ${formatNumberVi(b.max)} trên ${formatNumberVi(ind.per)} trẻ em: ${pts(b.points)}`,
					provisional: Boolean(b.provisional)
				})),
				{
					text: `Cao hơn ${formatNumberVi(ind.bands[ind.bands.length - 1].max)}: 0 điểm`,
					provisional: ind.bands.some((b) => b.provisional)
				},
				...(ind.zeroIfCountAtLeast
					? [{ text: `Từ ${formatNumberVi(ind.zeroIfCountAtLeast)} trường hợp trở lên: 0 điểm`, provisional: true }]
					: [])
			];
		case 'level':
			return ind.levels.map((l) => ({ text: `${l.label}: ${pts(l.points)}`, provisional: Boolean(l.provisional) }));
		case 'manual':
			return [{ text: `Chấm trực tiếp từ 0 đến ${pts(ind.maxPoints)}, bắt buộc giải trình`, provisional: false }];
	}
}
