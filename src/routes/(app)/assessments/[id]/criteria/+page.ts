import { withCriteriaSet } from '#lib/components/entry-set.ts';
import type { PageLoad } from './$types';

// the criteria set by reference: kept by the server load, or this browser's copy (see $lib/criteria-set-ref.ts)
export const load: PageLoad = ({ data, fetch }) => withCriteriaSet(data, fetch);
