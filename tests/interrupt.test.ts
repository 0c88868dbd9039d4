// Interrupted runs (audit finding 7), with the real CLI as a child process: Ctrl-C stops the workers,
// removes this process's staging, prints one INTERRUPTED line and exits 130; SIGKILL leaves staging
// that the next run removes. Either way a re-run finishes a world byte-identical to a clean one.
// One clean reference world serves every case (CI has 2 cores): the shared tiny w1 world, read only.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, fw, tempDir, tree } from './support/world.js';
import { sharedWorld } from './support/shared_worlds.js';
import { STAGING_DIR } from '../src/io/publish.js';

// `run --scale tiny --workers 1 --quiet`, built once per run for every file that needs it
const REF = sharedWorld({ scale: 'tiny', workers: 1 });
const tmp = tempDir('fw-interrupt-');
let ref: Record<string, string>;

/** Every data file's sha256 (run-scoped partitions aside), as `find data -type f | grep -v run_id= | xargs sha256sum`. */
const dataDigest = (w: string) => Object.fromEntries(Object.entries(tree(join(w, 'data'))).filter(([p]) => !p.includes('run_id=')));
const stagingOf = (w: string, pid: number) =>
  (existsSync(join(w, STAGING_DIR)) ? readdirSync(join(w, STAGING_DIR)) : []).filter((e) => e.startsWith(`${pid}-`));

/** Start `run`, send `signal` once `w/waitFor` exists; the exit code/signal and stderr. */
async function interruptedRun(w: string, workers: number, waitFor: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [CLI, 'run', '--out', w, '--scale', 'tiny', '--workers', String(workers)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, sig) => ((done = true), r({ code, signal: sig }))),
  );
  while (!existsSync(join(w, waitFor))) {
    if (done) throw new Error(`run ended before ${waitFor} appeared:\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  return { ...(await exited), err, pid: child.pid! };
}

beforeAll(() => {
  ref = dataDigest(REF);
}, 300_000);

describe('an interrupted run', () => {
  it('Ctrl-C: exit 130, one INTERRUPTED line, no staging of its own; the same command then completes the world', async () => {
    const w = join(tmp, 'sigint');
    const r = await interruptedRun(w, 2, 'data/layer1/2A', 'SIGINT');
    expect(r.code, r.err).toBe(130);
    const lines = r.err.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^error INTERRUPTED: (1A|1B|2A|2B|3A|3B|5A|5B): interrupted by SIGINT \(fix: re-run the same command; sealed segments are kept\)$/,
    );
    expect(
      lines.filter((l) => l.startsWith('error ')),
      r.err,
    ).toHaveLength(1);
    expect(stagingOf(w, r.pid)).toEqual([]);

    const again = fw('run', '--out', w, '--scale', 'tiny', '--workers', '2');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/^1A already_sealed/m);
    const v = fw('validate', w);
    expect(v.code, v.out).toBe(0);
    expect(v.out).not.toMatch(/^(FAIL|NOTE)/m);
    expect(dataDigest(w)).toEqual(ref);
  }, 300_000);

  it('SIGKILL mid-5B with 2 workers, re-run with 1: data byte-identical to a clean run, the dead staging removed', async () => {
    // the reference world before its 5B: only 5B is built, so the case costs one segment, not a world
    const w = join(tmp, 'sigkill');
    cpSync(REF, w, { recursive: true });
    rmSync(join(w, 'data/layer2/5B'), { recursive: true });
    const r = await interruptedRun(w, 2, 'data/layer2/5B/s1_time_grid', 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(join(w, 'data/layer2/5B/validation'))).toBe(false); // 5B was not sealed
    // what a kill mid-write leaves, whether or not this kill landed inside a write
    mkdirSync(join(w, STAGING_DIR, `${r.pid}-0123456789ab`), { recursive: true });
    writeFileSync(join(w, STAGING_DIR, `${r.pid}-0123456789ab`, 'part-00000.parquet'), 'PAR');

    const again = fw('run', '--out', w, '--scale', 'tiny', '--workers', '1', '--quiet');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/^5A already_sealed/m);
    expect(again.out).toMatch(/^5B built/m);
    expect(stagingOf(w, r.pid)).toEqual([]);
    expect(dataDigest(w)).toEqual(ref);
  }, 300_000);
});
