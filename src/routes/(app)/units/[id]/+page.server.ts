import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { authorizeUnit } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { getCommune, lineageOf } from '#lib/server/units/read.ts';
import type { PageServerLoad } from './$types';

const params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const load: PageServerLoad = async (event) => {
	const parsed = params.safeParse(event.params);
	if (!parsed.success) error(404, 'Không tìm thấy.');
	const commune = await getCommune(db(), parsed.data.id);
	authorizeUnit(event, 'unit.read', commune ? { id: commune.id, districtId: commune.district_id, provinceId: commune.province_id } : null);
	const lineage = await lineageOf(db(), commune!.id);
	return { commune: commune!, lineage };
};
