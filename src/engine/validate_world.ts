// `fraudworld validate DIR`: re-verify every gate in a world from bytes, and reconcile each sealed
// segment's RNG logs (if the world still has its logs/) with the totals its bundle seals.
import { promises as fs } from 'node:fs';
import { resolve, join } from 'node:path';
import { gatesMap } from '../contracts/dictionary.js';
import { verifyGate, bundleFingerprints, type GateReport } from '../gates/verify.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { checkRngLogs } from './rng_accounting.js';

export interface WorldGateReport extends GateReport {
  /** what validate could not check but does not fail on (e.g. a world copied without logs/) */
  notes: string[];
}

export async function validateWorld(dir: string): Promise<WorldGateReport[]> {
  const world = resolve(dir);
  try {
    await fs.access(join(world, 'data'));
  } catch {
    fail(ErrorCodes.GATE_MISSING, 'no data/ directory: not a fraudworld world', world, 'point validate at the --out of a run');
  }
  const reports: WorldGateReport[] = [];
  for (const g of gatesMap()) {
    for (const mf of await bundleFingerprints(world, g.segment)) {
      const rep: WorldGateReport = { ...(await verifyGate(world, g.segment, mf)), notes: [] };
      // only a verified bundle's totals are worth reconciling against
      if (rep.ok) {
        const rng = await checkRngLogs(world, g.segment, rep.bundle_dir);
        rep.problems.push(...rng.problems);
        rep.notes.push(...rng.notes);
        rep.ok = rep.problems.length === 0;
      }
      reports.push(rep);
    }
  }
  if (reports.length === 0) fail(ErrorCodes.GATE_MISSING, 'no validation bundles found', world, 'run `fraudworld run --out DIR` first');
  return reports;
}
