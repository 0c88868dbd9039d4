// Write-once publishing (SPEC §6): staged + renamed, identical re-publish is a no-op, different bytes
// conflict and leave the published partition untouched, killed runs leave only removable staging.
import { promises as fs, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanStaging, publishPartition, PartitionWriter, STAGING_DIR, listFiles, writeDurable, type PartFile } from '../src/io/publish.js';
import { FwError, ErrorCodes } from '../src/core/errors.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fw-publish-'));
});

afterEach(async () => {
  // restore permissions first so the cleanup itself cannot fail
  await fs.chmod(root, 0o700).catch(() => undefined);
  for (const d of await fs.readdir(root).catch(() => [] as string[])) {
    await fs.chmod(join(root, d), 0o700).catch(() => undefined);
  }
  rmSync(root, { recursive: true, force: true });
});

const enc = (s: string) => Buffer.from(s, 'utf8');

function sampleFiles(): PartFile[] {
  return [
    { name: 'part-00000.parquet', bytes: Uint8Array.from([0x50, 0x41, 0x52, 0x31, 0x00, 0xff, 0x10, 0x00, 0x50, 0x41, 0x52, 0x31]) },
    { name: 'nested/deeper/meta.json', bytes: enc('{"a":1}\n') },
    { name: '_manifest.json', bytes: enc('') },
  ];
}

const REL = 'data/layer1/1A/outlet_catalogue/seed=42/manifest_fingerprint=abc';

async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const m = new Map<string, Buffer>();
  for (const f of (await listFiles(dir)).sort()) m.set(f, await fs.readFile(join(dir, f)));
  return m;
}

async function expectConflict(p: Promise<unknown>): Promise<FwError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FwError);
  expect((caught as FwError).code).toBe(ErrorCodes.IO_WRITE_CONFLICT);
  expect((caught as FwError).line()).toContain(REL);
  return caught as FwError;
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(r.pid).toBeGreaterThan(0);
  try {
    process.kill(r.pid!, 0);
  } catch {
    return r.pid!;
  }
  return 2 ** 22 + 12345; // above Linux pid_max: can never be alive
}

async function stagingEntries(): Promise<string[]> {
  return fs.readdir(join(root, STAGING_DIR)).catch(() => []);
}

describe('PartitionWriter: parts written straight into the stage (stagedPath + adopt)', () => {
  it('staged parts publish on commit, next to added ones; nothing is visible before', async () => {
    const w = new PartitionWriter(root, REL);
    const p = await w.stagedPath('part-00000.parquet');
    expect(p).toBeDefined();
    await writeDurable(p!, enc('zero'), false);
    await w.adopt('part-00000.parquet');
    await w.add({ name: 'part-00001.parquet', bytes: enc('one') });
    expect(await listFiles(join(root, REL)).catch(() => [])).toEqual([]);
    expect(await w.commit()).toBe('published');
    expect((await fs.readFile(join(root, REL, 'part-00000.parquet'))).toString()).toBe('zero');
    expect((await listFiles(join(root, REL))).sort()).toEqual(['part-00000.parquet', 'part-00001.parquet']);
    expect(await stagingEntries()).toEqual([]);
    // already published: no staged path (the caller adds bytes, which are compared)
    const again = new PartitionWriter(root, REL);
    expect(await again.stagedPath('part-00000.parquet')).toBeUndefined();
    await again.add({ name: 'part-00000.parquet', bytes: enc('zero') });
    await again.add({ name: 'part-00001.parquet', bytes: enc('one') });
    expect(await again.commit()).toBe('unchanged');
  });

  it('a writer that reports ENOSPC: IO_WRITE_FAILED naming the partition, the stage removed, nothing published', async () => {
    const w = new PartitionWriter(root, REL);
    await writeDurable((await w.stagedPath('a'))!, enc('a'), false);
    const err = await w.adopt('b', 'ENOSPC').catch((e) => e);
    expect(err).toBeInstanceOf(FwError);
    expect((err as FwError).code).toBe(ErrorCodes.IO_WRITE_FAILED);
    expect((err as FwError).where).toBe(REL);
    expect(await stagingEntries()).toEqual([]);
    expect(await listFiles(join(root, REL)).catch(() => [])).toEqual([]);
  });
});

describe('publishPartition', () => {
  it('creates the partition with exactly the given bytes and nothing else', async () => {
    const files = sampleFiles();
    expect(await publishPartition(root, REL, files)).toBe('published');
    const dir = join(root, REL);
    expect((await listFiles(dir)).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) {
      const got = await fs.readFile(join(dir, f.name));
      expect(got.equals(Buffer.from(f.bytes))).toBe(true);
    }
    // staging is cleaned up after a successful publish
    expect(await stagingEntries()).toEqual([]);
  });

  it('re-publishing identical files is a no-op returning "unchanged"', async () => {
    const dir = join(root, REL);
    await publishPartition(root, REL, sampleFiles());
    const before = await snapshot(dir);
    const mtimes = await Promise.all([...before.keys()].map(async (f) => (await fs.stat(join(dir, f))).mtimeMs));
    // same content in different list order and fresh buffers
    const again = sampleFiles()
      .reverse()
      .map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) }));
    expect(await publishPartition(root, REL, again)).toBe('unchanged');
    expect(await snapshot(dir)).toEqual(before);
    const mtimes2 = await Promise.all([...before.keys()].map(async (f) => (await fs.stat(join(dir, f))).mtimeMs));
    expect(mtimes2).toEqual(mtimes);
  });

  it('accepts a Uint8Array view into a larger buffer (byteOffset respected)', async () => {
    const big = Buffer.from('xxxxHELLOyyyy');
    const view = new Uint8Array(big.buffer, big.byteOffset + 4, 5);
    await publishPartition(root, REL, [{ name: 'f.txt', bytes: view }]);
    expect((await fs.readFile(join(root, REL, 'f.txt'))).toString()).toBe('HELLO');
    expect(await publishPartition(root, REL, [{ name: 'f.txt', bytes: enc('HELLO') }])).toBe('unchanged');
  });

  it('different bytes → IO_WRITE_CONFLICT, published bytes untouched', async () => {
    const dir = join(root, REL);
    await publishPartition(root, REL, sampleFiles());
    const before = await snapshot(dir);

    const changed = sampleFiles();
    const b = Uint8Array.from(changed[0].bytes);
    b[5] ^= 0x01; // one bit
    changed[0] = { name: changed[0].name, bytes: b };
    await expectConflict(publishPartition(root, REL, changed));
    expect(await snapshot(dir)).toEqual(before);

    // same length prefix but longer
    const longer = sampleFiles();
    longer[1] = { name: longer[1].name, bytes: enc('{"a":1}\n\n') };
    await expectConflict(publishPartition(root, REL, longer));
    expect(await snapshot(dir)).toEqual(before);
    expect(await stagingEntries()).toEqual([]);
  });

  it('different file set → IO_WRITE_CONFLICT, published bytes untouched', async () => {
    const dir = join(root, REL);
    await publishPartition(root, REL, sampleFiles());
    const before = await snapshot(dir);

    // one file fewer
    await expectConflict(publishPartition(root, REL, sampleFiles().slice(0, 2)));
    // one extra file
    await expectConflict(publishPartition(root, REL, [...sampleFiles(), { name: 'extra.bin', bytes: enc('x') }]));
    // same count, a renamed file with identical bytes
    const renamed = sampleFiles();
    renamed[2] = { name: '_MANIFEST.json', bytes: renamed[2].bytes };
    await expectConflict(publishPartition(root, REL, renamed));

    expect(await snapshot(dir)).toEqual(before);
    expect(await stagingEntries()).toEqual([]);
  });

  it('a killed run leaves staging only; cleanStaging removes it and a later publish completes', async () => {
    const pid = deadPid();
    const leftover = join(root, STAGING_DIR, `${pid}-a1b2c3d4e5f6`);
    await fs.mkdir(join(leftover, 'nested'), { recursive: true });
    writeFileSync(join(leftover, 'part-00000.parquet'), Buffer.from([0x50, 0x41, 0x52])); // truncated
    writeFileSync(join(leftover, 'nested', 'half.json'), '{"a":');
    // the killed run never renamed: no final partition exists
    await expect(fs.access(join(root, REL))).rejects.toThrow();

    // staging of a live process (ours is "live" only when it's another pid; use pid 1 which is always alive)
    const live = join(root, STAGING_DIR, `1-ffffffffffff`);
    await fs.mkdir(live, { recursive: true });
    writeFileSync(join(live, 'x'), 'in progress');

    await cleanStaging(root);
    const left = await stagingEntries();
    expect(left).not.toContain(`${pid}-a1b2c3d4e5f6`);
    expect(left).toContain('1-ffffffffffff'); // a live writer's staging is never touched
    await fs.rm(live, { recursive: true, force: true });

    const files = sampleFiles();
    expect(await publishPartition(root, REL, files)).toBe('published');
    for (const f of files) {
      expect((await fs.readFile(join(root, REL, f.name))).equals(Buffer.from(f.bytes))).toBe(true);
    }
    expect((await listFiles(join(root, REL))).sort()).toEqual(files.map((f) => f.name).sort());
    expect(await stagingEntries()).toEqual([]);
  });

  it('cleanStaging never touches published partitions and tolerates a missing staging dir', async () => {
    await cleanStaging(root); // nothing there: no throw
    await publishPartition(root, REL, sampleFiles());
    const before = await snapshot(join(root, REL));
    await fs.mkdir(join(root, STAGING_DIR, `${deadPid()}-000000000000`), { recursive: true });
    await cleanStaging(root);
    expect(await stagingEntries()).toEqual([]);
    expect(await snapshot(join(root, REL))).toEqual(before);
  });

  it('a non-writable location fails without leaving a final partition', async () => {
    // Root ignores permission bits, so there we make the parent a regular FILE (mkdir → ENOTDIR).
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    let out: string;
    if (isRoot) {
      out = join(root, 'not-a-dir');
      writeFileSync(out, 'i am a file');
    } else {
      out = join(root, 'ro');
      await fs.mkdir(out);
      await fs.chmod(out, 0o500);
    }
    // sanity-check the setup actually blocks writes
    await expect(fs.mkdir(join(out, 'probe'))).rejects.toThrow();

    const world = join(out, 'world');
    await expect(publishPartition(world, REL, sampleFiles())).rejects.toThrow();
    await expect(fs.access(join(world, REL))).rejects.toThrow();
    await expect(fs.access(join(world, STAGING_DIR))).rejects.toThrow();
    if (!isRoot) {
      // EACCES is a user-facing failure with a named code
      await expect(publishPartition(world, REL, sampleFiles())).rejects.toMatchObject({ code: ErrorCodes.IO_WRITE_FAILED });
    }
  });

  it('a partition directory that cannot be created (parent is a file) fails and publishes nothing', async () => {
    // root/data is a FILE: staging (root/.staging) works, the final mkdir/rename must fail
    writeFileSync(join(root, 'data'), 'blocker');
    await expect(publishPartition(root, REL, sampleFiles())).rejects.toThrow();
    expect((await fs.readFile(join(root, 'data'))).toString()).toBe('blocker');
    expect(await stagingEntries()).toEqual([]);
  });
});
