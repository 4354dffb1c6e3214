/** Small valid files made by hand for upload tests. */

import { samplePdf } from '../../scripts/seed/scale.ts';

/** A one-page PDF showing `note`; padded with PDF comments after %%EOF up to `padTo` bytes
 * (still a valid, just larger, file). The same builder makes the national seed's files. */
export const pdf = (note: string, padTo = 0): Buffer => samplePdf(note, padTo);
