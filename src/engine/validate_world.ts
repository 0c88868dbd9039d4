// `fraudworld validate DIR`: re-verify every gate in a world from bytes, reconcile each sealed segment's
// RNG logs (if the world still has its logs/) with the totals its bundle seals, and tell the truth about
// partial worlds: for every fingerprint present, every gate of the chain up to the last segment that has
// a gate or data there must exist and pass, and data no gate seals is reported.
import { promises as fs } from 'node:fs';
import { resolve, join } from 'node:path';
import { dictionary, gatesMap } from '../contracts/dictionary.js';
import { verifyGate, verifyStateReceipt, stateReceiptSegments, bundleFingerprints, type GateReport } from '../gates/verify.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { checkRngLogs } from './rng_accounting.js';

export interface WorldGateReport extends GateReport {
  /** what validate could not check but does not fail on (e.g. a world copied without logs/) */
  notes: string[];
  /** a segment built before its gate exists: what is built and what it awaits */
  awaiting?: string;
}

/** One fingerprint's standing in the chain. */
export interface ChainStatus {
  manifest_fingerprint: string;
  /** segments in chain order */
  chain: string[];
  sealed: string[];
  missing: string[];
}

export interface WorldValidation {
  reports: WorldGateReport[];
  chains: ChainStatus[];
}

/** Fingerprints under which segment `seg` has published data (its dataset roots' manifest_fingerprint= folders). */
async function dataFingerprints(world: string, seg: string): Promise<Set<string>> {
  const out = new Set<string>();
  const roots = new Set(
    dictionary()
      .datasets.filter((d) => d.segment === seg && ['egress', 'internal', 'report'].includes(d.role) && d.path_template.includes('manifest_fingerprint={'))
      .map((d) => d.path_template.slice(0, d.path_template.indexOf('{')).replace(/[^/]*$/, '')),
  );
  const visit = async (dir: string, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (n.startsWith('manifest_fingerprint=')) out.add(n.slice('manifest_fingerprint='.length));
      else if (depth < 3 && n.includes('=')) await visit(join(dir, n), depth + 1);
    }
  };
  for (const r of roots) await visit(join(world, r), 0);
  return out;
}

export async function validateWorld(dir: string): Promise<WorldValidation> {
  const world = resolve(dir);
  try {
    await fs.access(join(world, 'data'));
  } catch {
    fail(ErrorCodes.GATE_MISSING, 'no data/ directory: not a fraudworld world', world, 'point validate at the --out of a run');
  }
  const gates = gatesMap();
  const chain = gates.map((g) => g.segment);
  const bundles = new Map<string, Set<string>>();
  const data = new Map<string, Set<string>>();
  for (const seg of chain) {
    bundles.set(seg, new Set(await bundleFingerprints(world, seg)));
    data.set(seg, await dataFingerprints(world, seg));
  }
  const fingerprints = [...new Set(chain.flatMap((s) => [...bundles.get(s)!, ...data.get(s)!]))].sort();
  if (fingerprints.length === 0) fail(ErrorCodes.GATE_MISSING, 'no validation bundles found', world, 'run `fraudworld run --out DIR` first');
  const reports: WorldGateReport[] = [];
  const chains: ChainStatus[] = [];
  for (const mf of fingerprints) {
    // the chain must be whole up to the last segment that left anything under this fingerprint
    const last = Math.max(...chain.map((s, i) => (bundles.get(s)!.has(mf) || data.get(s)!.has(mf) ? i : -1)));
    const sealed: string[] = [];
    for (const [i, g] of gates.entries()) {
      const seg = g.segment;
      if (!bundles.get(seg)!.has(mf)) {
        if (i > last) continue;
        const why = data.get(seg)!.has(mf)
          ? `${seg} published data under this fingerprint but no gate seals it`
          : `${seg} has no gate although ${chain[last]} is built on it`;
        reports.push({
          gate_id: g.gate_id,
          segment: seg,
          ok: false,
          bundle_dir: '',
          problems: [
            {
              code: data.get(seg)!.has(mf) ? ErrorCodes.UNSEALED_OUTPUT : ErrorCodes.GATE_MISSING,
              detail: `manifest_fingerprint=${mf.slice(0, 12)}…: ${why} (fix: re-run the same \`fraudworld run\`; it rebuilds from the last sealed segment)`,
            },
          ],
          notes: [],
        });
        continue;
      }
      const rep: WorldGateReport = { ...(await verifyGate(world, seg, mf)), notes: [] };
      // only a verified bundle's totals are worth reconciling against
      if (rep.ok) {
        const rng = await checkRngLogs(world, seg, rep.bundle_dir);
        rep.problems.push(...rng.problems);
        rep.notes.push(...rng.notes);
        rep.ok = rep.problems.length === 0;
      }
      if (rep.ok) sealed.push(seg);
      reports.push(rep);
    }
    chains.push({ manifest_fingerprint: mf, chain, sealed, missing: chain.filter((s) => !sealed.includes(s)) });
    for (const seg of stateReceiptSegments()) {
      const rep = await verifyStateReceipt(world, seg, mf);
      if (rep) reports.push(rep);
    }
  }
  return { reports, chains };
}
