// The segment chain, in order. Later segments register here as they are built.
import type { SegmentDef } from '../engine/context.js';
import { runChain, type RunOptions, type RunSummary } from '../engine/runner.js';
import { segment1A } from './1A/run.js';
import { segment1B } from './1B/run.js';
import { segment2A } from './2A/run.js';
import { segment2B } from './2B/run.js';
import { segment3A } from './3A/run.js';
import { segment3B } from './3B/run.js';
import { segment5A } from './5A/run.js';
import { segment5B } from './5B/run.js';
import { segment6A } from './6A/run.js';
import { segment6B } from './6B/run.js';

export const CHAIN: readonly SegmentDef[] = [segment1A, segment1B, segment2A, segment2B, segment3A, segment3B, segment5A, segment5B, segment6A, segment6B];
/** Every segment the design names (SPEC §7), built or not, for clear --until errors. */
export const DESIGNED: readonly string[] = ['1A', '1B', '2A', '2B', '3A', '3B', '5A', '5B', '6A', '6B'];

/** Build a world: the engine's runner over this chain (the library's and the CLI's entry point). */
export const runWorld = (opts: RunOptions): Promise<RunSummary> => runChain({ built: CHAIN, designed: DESIGNED }, opts);
