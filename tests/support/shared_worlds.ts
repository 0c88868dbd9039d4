// Tiny worlds built once per `vitest run` and shared by every test file that needs exactly that world
// (the same `run` arguments), instead of each file building its own copy (~20 s each on 2 cores).
//
// Test files run in separate processes, so the first file to ask for a world builds it under a lock
// (an atomic mkdir) and the others wait for its `done` marker. A world is keyed by every argument it is
// built with, workers included: output bytes do not depend on --workers, but a w1-vs-w2 comparison must
// still compare two worlds the engine built separately, never one copied from the other.
//
// Shared worlds are read-only. A test that changes a world (tampers, deletes, re-runs or resumes into
// it) works on copyWorld(); an afterAll hook fails the file if a shared world it used has changed.
// The folder is per run (tests/support/shared_setup.ts, the vitest globalSetup): a world built by an
// older build of the engine is never reused.
import { afterAll, beforeAll, inject } from 'vitest';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fw, requireBuild, tree } from './world.js';
import { alive } from './pid.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's folder of shared worlds (set by tests/support/shared_setup.ts). */
    sharedWorldsDir: string;
  }
}

/** A world as `fraudworld run --scale <scale> --workers <workers> [--until <until>] --quiet` builds it (seed 42). */
export interface WorldSpec {
  scale: string;
  workers: number;
  until?: string;
}

/** How long a file waits for a world another file is building (under the 900 s hookTimeout). */
const WAIT_MS = 840_000;

const keyOf = (s: WorldSpec) => `${s.scale}-w${s.workers}${s.until ? `-until-${s.until}` : ''}`;
const argsOf = (s: WorldSpec) => ['--scale', s.scale, '--workers', String(s.workers), ...(s.until ? ['--until', s.until] : []), '--quiet'];

function sharedRoot(): string {
  const dir = inject('sharedWorldsDir');
  if (!dir) throw new Error('no shared worlds folder: run the tests with vitest.config.ts (globalSetup tests/support/shared_setup.ts)');
  return dir;
}

/** Every file of a world and its sha256, as one digest (and the files, to name what changed). */
function snapshot(world: string): { digest: string; files: Record<string, string> } {
  const files = tree(world);
  const digest = createHash('sha256')
    .update(JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    .digest('hex');
  return { digest, files };
}

type State = { kind: 'done' } | { kind: 'failed'; why: string } | { kind: 'building' } | { kind: 'free' };

function stateOf(root: string, key: string): State {
  if (existsSync(join(root, `${key}.done`))) return { kind: 'done' };
  if (existsSync(join(root, `${key}.failed`))) return { kind: 'failed', why: readFileSync(join(root, `${key}.failed`), 'utf8') };
  const lock = join(root, `${key}.lock`);
  if (!existsSync(lock)) return { kind: 'free' };
  // the builder writes its pid right after taking the lock; a builder gone without a marker failed
  const owner = join(lock, 'pid');
  if (existsSync(owner)) {
    const pid = Number(readFileSync(owner, 'utf8'));
    if (pid && !alive(pid) && !existsSync(join(root, `${key}.done`)))
      return { kind: 'failed', why: `the process building it (pid ${pid}) exited without finishing` };
  }
  return { kind: 'building' };
}

/** Build `spec` into root/key if no other file has taken it; false when another file holds the lock. */
function tryBuild(root: string, key: string, spec: WorldSpec): boolean {
  const lock = join(root, `${key}.lock`);
  try {
    mkdirSync(lock);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  const world = join(root, key);
  const r = fw('run', '--out', world, ...argsOf(spec));
  if (r.code !== 0) {
    const why = `fraudworld run ${argsOf(spec).join(' ')} exited ${r.code}:\n${r.err}`;
    writeFileSync(join(root, `${key}.failed`), why);
    throw new Error(`shared world ${key}: ${why}`);
  }
  const tmp = join(root, `${key}.done.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(snapshot(world)));
  renameSync(tmp, join(root, `${key}.done`)); // the marker appears whole
  return true;
}

/** Make sure every world is built: build the ones no other file has taken, then wait for the rest. */
async function ensure(root: string, specs: WorldSpec[]): Promise<void> {
  const pending = new Map(specs.map((s) => [keyOf(s), s]));
  const deadline = Date.now() + WAIT_MS;
  while (pending.size) {
    let built = false;
    for (const [key, spec] of pending) {
      const st = stateOf(root, key);
      if (st.kind === 'failed') throw new Error(`shared world ${key} could not be built: ${st.why}`);
      if (st.kind === 'done' || (st.kind === 'free' && tryBuild(root, key, spec))) {
        pending.delete(key);
        built = true;
      }
    }
    if (!pending.size || built) continue;
    if (Date.now() > deadline) throw new Error(`shared worlds ${[...pending.keys()].join(', ')}: still being built by another file after ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The folders of these shared worlds, in order. Call at the top level of a test file, before its own
 * beforeAll: this registers a beforeAll that builds the worlds (once per run, whichever file asks first)
 * or waits for them, and an afterAll that fails the file if it changed any of them. Read only: copy a
 * world with copyWorld() before changing it.
 */
export function sharedWorlds(...specs: WorldSpec[]): string[] {
  const dirs = () => specs.map((s) => join(sharedRoot(), keyOf(s)));
  beforeAll(async () => {
    requireBuild();
    await ensure(sharedRoot(), specs);
  });
  afterAll(() => {
    const root = sharedRoot();
    for (const s of specs) {
      const key = keyOf(s);
      if (!existsSync(join(root, `${key}.done`))) continue; // never built (a failed build already failed the file)
      const before: { digest: string; files: Record<string, string> } = JSON.parse(readFileSync(join(root, `${key}.done`), 'utf8'));
      const now = snapshot(join(root, key));
      if (now.digest === before.digest) continue;
      const changed = [...new Set([...Object.keys(before.files), ...Object.keys(now.files)])].filter((p) => before.files[p] !== now.files[p]).sort();
      throw new Error(`shared world ${key} was changed (work on copyWorld() instead): ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', …' : ''}`);
    }
  });
  return dirs();
}

/** One shared world's folder (see sharedWorlds). */
export const sharedWorld = (spec: WorldSpec): string => sharedWorlds(spec)[0];

/** A private copy of a (shared) world at `dest`, for a test that changes it; `dest`. */
export function copyWorld(src: string, dest: string): string {
  cpSync(src, dest, { recursive: true });
  return dest;
}
