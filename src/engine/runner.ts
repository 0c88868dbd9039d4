// Orchestrator: resolve identity, run the chain up to --until, skip segments already sealed for
// this identity (a re-run resumes from the last sealed segment), write the run receipt.
import { promises as fs } from 'node:fs';
import { join, resolve, relative, sep } from 'node:path';
import { availableParallelism } from 'node:os';
import { fail, ErrorCodes } from '../core/errors.js';
import { sha256File, sha256Hex, canonicalJson, stableJson, asciiCompare } from '../core/hash.js';
import { canonicalBytes, canonicalMerchantCsv, parameterHash, manifestFingerprint, newRunId } from '../core/identity.js';
import { engineVersion, packageRoot } from '../core/paths.js';
import { loadPolicyPack, policy } from '../config/load.js';
import type { PolicyEdit } from '../config/edits.js';
import { referenceDigests } from '../reference/registry.js';
import { KernelPool } from '../pool/pool.js';
import { cleanStaging, ensureDir, publishPartition } from '../io/publish.js';
import { check } from '../contracts/registry.js';
import { unlistedFileError, verifyGate, verifyStateReceipt } from '../gates/verify.js';
import { makeProgress } from './progress.js';
import { handleInterrupts, interrupted } from './interrupt.js';
import { writeCatalog } from './catalog.js';
import { runSegment, type EngineContext, type SealedInput, type SegmentDef } from './context.js';

export interface RunOptions {
  out: string;
  seed: bigint;
  scale?: string;
  workers?: number;
  until?: string;
  configDir?: string;
  /** policy edits (--set, --overlay) applied over the pack; they enter parameter_hash */
  edits?: PolicyEdit[];
  merchantsFile?: string;
  /** expected arrivals over the 5A/5B horizon, overriding the scale preset's */
  arrivals?: number;
  quiet?: boolean;
  argv?: string[];
  /** CLI only: on SIGINT/SIGTERM stop the workers, remove this process's staging and exit 130/143 */
  exitOnSignal?: boolean;
}

export interface RunSummary {
  world: string;
  run_id: string;
  seed: string;
  parameter_hash: string;
  manifest_fingerprint: string;
  segments: { segment: string; status: 'built' | 'already_sealed' | 'already_built'; seconds: number; rows?: Record<string, number> }[];
  /** peak resident set of this process (main + worker threads), bytes */
  peak_rss_bytes: number;
  /** the world's catalog.json digest and this chain's main (egress) tables: id, rows, folder */
  catalog?: { sha256_hex: string; main: { id: string; rows: number | null; dir: string }[] };
}

/** Process RSS after a segment above which the next segment gets a fresh worker pool. */
const RECYCLE_POOL_RSS = 1024 * 2 ** 20;

/** The segments a run can build, in chain order, and every id the design names (for clear --until errors). */
export interface Chain {
  built: readonly SegmentDef[];
  designed: readonly string[];
}

/** What an interrupt needs from the run in progress, filled in as the run gets there. */
interface Live {
  segment: string;
  ctx?: EngineContext;
}

/** Run `chain` up to opts.until. The engine never names a segment: the chain comes from segments/index.ts. */
export async function runChain(chainDef: Chain, opts: RunOptions): Promise<RunSummary> {
  if (!opts.exitOnSignal) return buildChain(chainDef, opts);
  const live: Live = { segment: chainDef.built[0].id };
  const unhandle = handleInterrupts({
    world: resolve(opts.out),
    segment: () => live.segment,
    stop: async () => {
      live.ctx?.progress.stop();
      await live.ctx?.pool?.terminate();
    },
  });
  try {
    const summary = await buildChain(chainDef, opts, live);
    if (interrupted()) await interrupted(); // a signal near the end still ends as an interrupt
    return summary;
  } catch (e) {
    // after a signal the main flow fails (its workers are gone): the handler reports, not this error
    if (interrupted()) await interrupted();
    throw e;
  } finally {
    unhandle();
  }
}

async function buildChain(chainDef: Chain, opts: RunOptions, live?: Live): Promise<RunSummary> {
  const built = chainDef.built;
  const until = opts.until ?? built[built.length - 1].id;
  const upto = built.findIndex((s) => s.id === until);
  if (upto < 0) {
    const why = chainDef.designed.includes(until) ? `segment ${until} is designed but not built yet` : `unknown segment "${until}"`;
    fail(ErrorCodes.UNKNOWN_SEGMENT, why, '--until', `use one of: ${built.map((s) => s.id).join(', ')}`);
  }
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1)
    fail(ErrorCodes.CLI_BAD_ARGUMENT, `workers must be a positive integer, got ${opts.workers}`, '--workers', 'e.g. --workers 2');
  const world = resolve(opts.out);
  const configDir = resolve(opts.configDir ?? join(packageRoot(), 'config'));
  const pack = await loadPolicyPack(configDir, opts.edits);

  const scales = policy<{ default: string; presets: Record<string, { merchants: number; arrivals: number }> }>(pack, 'scales.yaml');
  const scaleName = opts.scale ?? scales.default;
  const preset = scales.presets[scaleName];
  if (!preset) fail(ErrorCodes.UNKNOWN_SCALE, `unknown scale "${scaleName}"`, '--scale', `use one of: ${Object.keys(scales.presets).join(', ')}`);
  if (opts.arrivals !== undefined && !(Number.isInteger(opts.arrivals) && opts.arrivals >= 1))
    fail(ErrorCodes.CLI_BAD_ARGUMENT, `arrivals must be a positive integer, got ${opts.arrivals}`, '--arrivals', 'e.g. --arrivals 5000000');
  const scale = { name: scaleName, merchants: preset.merchants, arrivals: opts.arrivals ?? preset.arrivals };

  // parameter_hash: every policy file + the resolved scale (a different scale is a different world).
  const paramFiles = [...pack.files, { name: 'run/scale.json', bytes: Buffer.from(canonicalJson(scale)) }];
  const ph = parameterHash(paramFiles);
  const sealed = await sealedInputs(paramFiles, opts.seed, opts.merchantsFile);
  const mf = manifestFingerprint(
    sealed.map((s) => ({ id: s.id, sha256_hex: s.sha256_hex })),
    ph,
  );
  const run_id = newRunId();
  const progress = makeProgress(opts.quiet);
  const chain = built.slice(0, upto + 1);
  const ctx: EngineContext = {
    world,
    seed: opts.seed,
    parameter_hash: ph,
    manifest_fingerprint: mf,
    run_id,
    scale,
    pack,
    sealed,
    merchantsFile: opts.merchantsFile,
    pool: undefined as unknown as KernelPool,
    progress,
  };
  if (live) live.ctx = ctx;
  for (const seg of chain) await seg.preflight?.(ctx);
  // --out is created only once every other argument and input has been checked
  await assertWritable(world);
  await cleanStaging(world);
  let pool = new KernelPool(workers);
  ctx.pool = pool;
  const created = new Date().toISOString();
  const summary: RunSummary = { world, run_id, seed: opts.seed.toString(), parameter_hash: ph, manifest_fingerprint: mf, segments: [], peak_rss_bytes: 0 };
  progress.log(`world ${world}  seed=${opts.seed} scale=${scale.name} workers=${workers}`);
  progress.log(`parameter_hash=${ph}`);
  progress.log(`manifest_fingerprint=${mf}`);
  try {
    for (const seg of chain) {
      if (interrupted()) await interrupted(); // start nothing new while the handler stops the run
      if (live) live.segment = seg.id;
      const t0 = performance.now();
      const gate = seg.gated === false ? undefined : await verifyGate(world, seg.id, mf, (paths) => pool.sha256Files(paths));
      // a stray file in sealed partitions: a rebuild would only meet the write-once partitions again
      // (IO_WRITE_CONFLICT, or a stray directory left in place), so name the file and stop
      const stray = gate?.problems.find((p) => p.code === ErrorCodes.GATE_UNLISTED_FILE);
      if (stray) throw unlistedFileError(seg.id, stray);
      // an ungated segment (6B before its gate) is done when its state receipt verifies from bytes
      const state = seg.gated === false ? await verifyStateReceipt(world, seg.id, mf, (paths) => pool.sha256Files(paths)) : undefined;
      if (state?.ok) {
        progress.log(`${seg.id}: already built for this identity (awaiting its gate) — nothing to do`);
        summary.segments.push({ segment: seg.id, status: 'already_built', seconds: 0 });
        continue;
      }
      if (gate?.ok) {
        progress.log(`${seg.id}: already sealed for this identity — nothing to do`);
        summary.segments.push({ segment: seg.id, status: 'already_sealed', seconds: 0 });
        continue;
      }
      const res = await runSegment(seg, ctx);
      const seconds = (performance.now() - t0) / 1000;
      progress.log(`${seg.id}: ${seg.gated === false ? 'built (awaiting its gate)' : 'built and sealed'} in ${seconds.toFixed(2)} s`);
      summary.segments.push({ segment: seg.id, status: 'built', seconds: Math.round(seconds * 1000) / 1000, rows: res.rows });
      // Fresh workers for the next segment once the process is big: a worker's wasm memories (kernels,
      // zstd) never shrink, so a pool kept across segments carries every segment's high-water
      // mark into the next (whole large chain: peak RSS 1,965 MB with one pool, ~1,700 MB recycled).
      // Small worlds stay under the bar and skip the ~0.45 s a new pool takes to load its workers.
      if (seg !== chain[chain.length - 1] && process.memoryUsage().rss >= RECYCLE_POOL_RSS) {
        await pool.close();
        if (interrupted()) await interrupted();
        pool = ctx.pool = new KernelPool(workers);
      }
    }
  } finally {
    await pool.close();
    progress.stop();
  }
  // the world explains itself: catalog.json, views.sql, README.md over every sealed chain
  const cat = await writeCatalog(world, mf);
  const mine = cat.catalog.chains.find((c) => c.manifest_fingerprint === mf);
  summary.catalog = {
    sha256_hex: cat.sha256_hex,
    main: (mine?.datasets ?? []).filter((d) => d.role === 'egress').map((d) => ({ id: d.id, rows: d.rows, dir: commonDir(d.files) })),
  };
  summary.peak_rss_bytes = process.resourceUsage().maxRSS * 1024;
  const receipt = {
    run_id,
    seed: opts.seed.toString(),
    parameter_hash: ph,
    manifest_fingerprint: mf,
    scale: scale.name,
    engine_version: engineVersion(),
    node_version: process.version,
    created_utc: created,
    argv: opts.argv ?? [],
    workers,
    until,
    segments: summary.segments,
    peak_rss_bytes: summary.peak_rss_bytes,
    catalog_sha256_hex: cat.sha256_hex,
  };
  const err = check('run_receipt.schema.json', receipt);
  if (err) fail(ErrorCodes.INTERNAL, `run receipt ${err.field}: ${err.message}`);
  await publishPartition(world, `runs/run_id=${run_id}`, [{ name: 'run_receipt.json', bytes: Buffer.from(stableJson(receipt)) }]);
  return summary;
}

/** The folder all of a dataset's files share (its partition). */
function commonDir(files: string[]): string {
  const parts = files.map((f) => f.split('/').slice(0, -1));
  const first = parts[0] ?? [];
  let n = first.length;
  for (const p of parts) while (n > 0 && p.slice(0, n).join('/') !== first.slice(0, n).join('/')) n--;
  return first.slice(0, n).join('/') + '/';
}

async function assertWritable(dir: string): Promise<void> {
  try {
    await ensureDir(dir);
    const probe = join(dir, `.write-probe-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
  } catch (e) {
    fail(ErrorCodes.OUT_NOT_WRITABLE, `cannot write there (${(e as NodeJS.ErrnoException).code})`, `--out ${dir}`, 'choose a directory you can write to');
  }
}

/** Everything the world depends on besides the policies: reference data, contracts, engine, input files. */
async function sealedInputs(paramFiles: { name: string; bytes: Uint8Array }[], seed: bigint, merchantsFile?: string): Promise<SealedInput[]> {
  const root = packageRoot();
  const out: SealedInput[] = [];
  // The seed is sealed too: gate bundles are partitioned by fingerprint alone and are write-once,
  // so each (seed, policy, reference) world needs its own fingerprint.
  out.push({ id: 'run:seed', kind: 'scale', source: 'seed', sha256_hex: sha256Hex(seed.toString()) });
  out.push(...(await referenceDigests()));
  // canonical bytes (LF line ends), as parameter_hash reads them: a CRLF checkout is the same world
  for (const f of paramFiles)
    out.push({ id: `config:${f.name}`, kind: f.name.startsWith('run/') ? 'scale' : 'policy', source: f.name, sha256_hex: sha256Hex(canonicalBytes(f.bytes)) });
  for (const f of (await walk(join(root, 'contracts'))).sort(asciiCompare)) {
    const bytes = await fs.readFile(join(root, 'contracts', f));
    out.push({ id: `contract:${f}`, kind: 'contract', source: `contracts/${f}`, sha256_hex: sha256Hex(canonicalBytes(bytes)) });
  }
  const wasm = join(root, 'build', 'fraudworld.wasm');
  out.push({ id: 'engine:fraudworld', kind: 'engine', source: `fraudworld@${engineVersion()}`, sha256_hex: sha256Hex(engineVersion()) });
  out.push({ id: 'engine:code', kind: 'engine', source: ENGINE_CODE.join(' '), sha256_hex: await engineCodeDigest(root) });
  try {
    out.push({ id: 'engine:kernels.wasm', kind: 'engine', source: 'build/fraudworld.wasm', sha256_hex: await sha256File(wasm) });
  } catch {
    fail(ErrorCodes.INTERNAL, 'build/fraudworld.wasm is missing', wasm, 'run `make build` (or `npm run build`) first');
  }
  if (merchantsFile) {
    try {
      const text = await fs.readFile(merchantsFile, 'utf8');
      out.push({
        id: 'input:merchants',
        kind: 'input_file',
        source: 'merchants file (--merchants), canonical rows',
        sha256_hex: sha256Hex(canonicalMerchantCsv(text)),
      });
    } catch (e) {
      fail(ErrorCodes.INPUT_FILE_INVALID, `cannot read (${(e as NodeJS.ErrnoException).code})`, merchantsFile, 'give an existing CSV file to --merchants');
    }
  }
  return out.sort((a, b) => asciiCompare(a.id, b.id));
}

/** The engine's compiled code that decides bytes (what a change to the TypeScript changes), beside the wasm. */
export const ENGINE_CODE = ['dist/src', 'dist/workers', 'workers/kernel_worker.cjs'];

/**
 * One digest of the engine's compiled code: SHA-256 over (path, file digest) of every file under
 * ENGINE_CODE in ASCII order of path, so a rebuilt or edited engine is a new fingerprint while a
 * version string alone would not be. Missing parts mean an unbuilt checkout.
 */
export async function engineCodeDigest(root: string): Promise<string> {
  const files: string[] = [];
  for (const part of ENGINE_CODE) {
    const at = join(root, part);
    const st = await fs.stat(at).catch(() => undefined);
    if (!st) fail(ErrorCodes.INTERNAL, `${part} is missing`, at, 'run `make build` (or `npm run build`) first');
    if (st.isDirectory()) files.push(...(await walk(at)).map((f) => `${part}/${f}`));
    else files.push(part);
  }
  const lines: string[] = [];
  for (const f of files.sort(asciiCompare)) lines.push(`${f}\t${await sha256File(join(root, f))}`);
  return sha256Hex(lines.join('\n'));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile())
      out.push(
        relative(dir, join((e as any).parentPath ?? (e as any).path, e.name))
          .split(sep)
          .join('/'),
      );
  }
  return out;
}
