// `fraudworld validate DIR`: re-verify every gate in a world from bytes.
import { promises as fs } from 'node:fs';
import { resolve, join } from 'node:path';
import { gatesMap } from '../contracts/dictionary.js';
import { verifyGate, bundleFingerprints, type GateReport } from '../gates/verify.js';
import { fail, ErrorCodes } from '../core/errors.js';

export async function validateWorld(dir: string): Promise<GateReport[]> {
  const world = resolve(dir);
  try {
    await fs.access(join(world, 'data'));
  } catch {
    fail(ErrorCodes.GATE_MISSING, 'no data/ directory: not a fraudworld world', world, 'point validate at the --out of a run');
  }
  const reports: GateReport[] = [];
  for (const g of gatesMap()) {
    for (const mf of await bundleFingerprints(world, g.segment)) reports.push(await verifyGate(world, g.segment, mf));
  }
  if (reports.length === 0) fail(ErrorCodes.GATE_MISSING, 'no validation bundles found', world, 'run `fraudworld run --out DIR` first');
  return reports;
}
