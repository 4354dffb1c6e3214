import { page } from '#lib/edge/index.ts';
import { authorize, authorizeUnit, parseId } from '#lib/server/auth/guard.ts';
import { db } from '#lib/server/app.ts';
import { getCommune, lineageOf } from '#lib/server/units/read.ts';
import { communeHistory } from '#lib/server/dashboard/trend.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	page(event, async (actor) => {
		authorize(actor, 'unit.read');
		const commune = await getCommune(db(), parseId(event.params.id));
		authorizeUnit(
			actor,
			'unit.read',
			commune ? { id: commune.id, districtId: commune.district_id, provinceId: commune.province_id } : null
		);
		return {
			commune: commune!,
			lineage: await lineageOf(db(), commune!.id),
			// authorizes the same commune again (unit.read) on its own
			history: await communeHistory(db(), actor, commune!.id)
		};
	});
