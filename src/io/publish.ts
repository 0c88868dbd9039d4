// Write-once publishing: a partition appears whole (staged, fsynced, renamed) or not at all.
import { promises as fs, constants as fsc } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fail, ErrorCodes } from '../core/errors.js';

export interface PartFile {
  /** file name inside the partition directory (may contain '/' for nested bundle files) */
  name: string;
  bytes: Uint8Array;
  /** the bytes' SHA-256, when whoever made them took it already (a pool worker) */
  sha256_hex?: string;
}

export type PublishResult = 'published' | 'unchanged';

export const STAGING_DIR = '.staging';

/**
 * Publish `files` as the partition directory `root/relDir`.
 * Identical bytes already there → 'unchanged'; anything different → IO_WRITE_CONFLICT, untouched.
 */
export async function publishPartition(root: string, relDir: string, files: PartFile[]): Promise<PublishResult> {
  const finalDir = join(root, relDir);
  if (await exists(finalDir)) {
    await assertSame(finalDir, relDir, files);
    return 'unchanged';
  }
  const stage = join(root, STAGING_DIR, `${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.mkdir(stage, { recursive: true });
    for (const f of files) {
      const p = join(stage, f.name);
      await fs.mkdir(dirname(p), { recursive: true });
      await writeDurable(p, f.bytes);
    }
    await fsyncDir(stage);
    await fs.mkdir(dirname(finalDir), { recursive: true });
    try {
      await fs.rename(stage, finalDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another writer won the race: equal bytes are fine, different bytes conflict.
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        await assertSame(finalDir, relDir, files);
        return 'unchanged';
      }
      throw e;
    }
    await fsyncDir(dirname(finalDir));
    return 'published';
  } catch (e) {
    if ((e as { code?: string }).code === ErrorCodes.IO_WRITE_CONFLICT) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC' || err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EDQUOT') {
      fail(ErrorCodes.IO_WRITE_FAILED, `${err.code} while publishing`, relDir, 'free disk space or choose a writable --out');
    }
    throw e;
  } finally {
    await fs.rm(stage, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Write a new file (never over an existing one) and fsync it, unless `sync` is false: pool workers
 * writing into a stage (PartitionWriter.stagedPath) leave the fsync to PartitionWriter.commit, by when
 * the kernel has mostly written the pages back, so no thread stalls on each part's flush.
 */
export async function writeDurable(path: string, bytes: Uint8Array, sync = true): Promise<void> {
  const fh = await fs.open(path, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o644);
  try {
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await fs.open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // some filesystems refuse directory fsync; the rename is still atomic
  } finally {
    await fh.close();
  }
}

async function assertSame(finalDir: string, relDir: string, files: PartFile[], wholeSet = true): Promise<void> {
  const existing = (await listFiles(finalDir)).sort();
  const wanted = files.map((f) => f.name).sort();
  if (wholeSet && existing.join('\n') !== wanted.join('\n')) {
    fail(
      ErrorCodes.IO_WRITE_CONFLICT,
      `partition already exists with different files (${existing.length} vs ${wanted.length})`,
      relDir,
      'published partitions are write-once: change the seed/policy (new identity) or use a new --out',
    );
  }
  for (const f of files) {
    if (!existing.includes(f.name)) {
      fail(
        ErrorCodes.IO_WRITE_CONFLICT,
        `partition already exists without ${f.name}`,
        relDir,
        'published partitions are write-once: change the seed/policy (new identity) or use a new --out',
      );
    }
    const have = await fs.readFile(join(finalDir, f.name));
    if (!Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).equals(have)) {
      fail(
        ErrorCodes.IO_WRITE_CONFLICT,
        `partition already exists and ${f.name} differs`,
        relDir,
        'published partitions are write-once: change the seed/policy (new identity) or use a new --out',
      );
    }
  }
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  }
  await walk(dir);
  return out;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * mkdir -p that always ends: Node's recursive mkdir spins forever where the kernel answers ENOENT
 * for a directory whose parent exists (/proc/x). Each missing component is created in turn, and
 * any refusal is thrown with its errno code.
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!(await exists(d))) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try {
      await fs.mkdir(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Replace one file whole (an index such as the world's catalog.json, never sealed data): written
 * beside it under a private name, fsynced, renamed over it, so a reader sees the old or the new bytes.
 */
export async function replaceFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeDurable(tmp, bytes);
    await fs.rename(tmp, path);
    await fsyncDir(dirname(path));
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Remove staging left by killed runs (never touches published partitions). */
export async function cleanStaging(root: string): Promise<void> {
  const dir = join(root, STAGING_DIR);
  if (!(await exists(dir))) return;
  for (const e of await fs.readdir(dir)) {
    const pid = Number(e.split('-')[0]);
    if (pid && pid !== process.pid && isAlive(pid)) continue;
    await fs.rm(join(dir, e), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A partition written file by file (for outputs too large to hold: 5B arrival parts), with the same
 * guarantees as publishPartition: files go to a private staging directory and the partition appears
 * whole at commit. If the partition already exists, every added file must equal the published one
 * (compared as it arrives, nothing is written) and commit checks the file set: a re-run is a no-op,
 * anything different is IO_WRITE_CONFLICT with the published partition untouched.
 */
/** A full, read-only or forbidden disk is the user's to fix: IO_WRITE_FAILED naming the partition. */
function failedWrite(relDir: string, code: string | undefined): void {
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT') {
    fail(ErrorCodes.IO_WRITE_FAILED, `${code} while publishing`, relDir, 'free disk space or choose a writable --out');
  }
}

export class PartitionWriter {
  private readonly finalDir: string;
  private readonly stage: string;
  private readonly names: string[] = [];
  /** parts written at stagedPath by someone else, fsynced at commit */
  private readonly adopted: string[] = [];
  private existing: boolean | undefined;
  constructor(
    readonly root: string,
    readonly relDir: string,
  ) {
    this.finalDir = join(root, relDir);
    this.stage = join(root, STAGING_DIR, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private async init(): Promise<void> {
    if (this.existing !== undefined) return;
    this.existing = await exists(this.finalDir);
    if (!this.existing) await fs.mkdir(this.stage, { recursive: true });
  }

  /**
   * Where a part named `name` may be written directly (writeDurable, e.g. on a pool worker) so
   * the bytes never reach this thread; then call adopt(name). Undefined when the partition is already
   * published: use add() then, which compares instead of writing.
   */
  async stagedPath(name: string): Promise<string | undefined> {
    await this.init();
    return this.existing ? undefined : join(this.stage, name);
  }

  /** Record a part written at stagedPath(name) (fsynced at commit); `writeError` is the errno code the writer reported. */
  async adopt(name: string, writeError?: string): Promise<void> {
    if (writeError !== undefined) {
      await this.abort();
      failedWrite(this.relDir, writeError);
      throw new Error(`writing ${join(this.relDir, name)}: ${writeError}`);
    }
    this.names.push(name);
    this.adopted.push(name);
  }

  async add(f: PartFile): Promise<void> {
    await this.init();
    this.names.push(f.name);
    if (this.existing) return assertSame(this.finalDir, this.relDir, [f], false);
    try {
      const p = join(this.stage, f.name);
      await fs.mkdir(dirname(p), { recursive: true });
      await writeDurable(p, f.bytes);
    } catch (e) {
      await this.abort();
      failedWrite(this.relDir, (e as NodeJS.ErrnoException).code);
      throw e;
    }
  }

  async commit(): Promise<PublishResult> {
    await this.init();
    if (this.existing) {
      const have = (await listFiles(this.finalDir)).sort().join('\n');
      if (have !== [...this.names].sort().join('\n')) {
        fail(
          ErrorCodes.IO_WRITE_CONFLICT,
          'partition already exists with different files',
          this.relDir,
          'published partitions are write-once: change the seed/policy (new identity) or use a new --out',
        );
      }
      return 'unchanged';
    }
    try {
      for (let i = 0; i < this.adopted.length; i += 16) await Promise.all(this.adopted.slice(i, i + 16).map((n) => fsyncFile(join(this.stage, n))));
      await fsyncDir(this.stage);
      await fs.mkdir(dirname(this.finalDir), { recursive: true });
      await fs.rename(this.stage, this.finalDir);
      await fsyncDir(dirname(this.finalDir));
      return 'published';
    } finally {
      await this.abort();
    }
  }

  /** Drop the staged files (a failed run leaves nothing published). */
  async abort(): Promise<void> {
    await fs.rm(this.stage, { recursive: true, force: true }).catch(() => undefined);
  }
}
