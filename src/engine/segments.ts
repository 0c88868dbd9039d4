// The segment chain, in order. Later segments register here as they are built.
import type { SegmentDef } from './context.js';
import { segment1A } from '../1A/run.js';

export const CHAIN: SegmentDef[] = [segment1A];
/** Every segment the design names (SPEC §7), built or not, for clear --until errors. */
export const DESIGNED = ['1A', '1B', '2A', '2B', '3A', '3B', '5A', '5B', '6A', '6B'];
