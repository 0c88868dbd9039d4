// Ctrl-C / SIGTERM during `run`: stop the workers, remove this process's staging, print one
// INTERRUPTED line and exit 130 (SIGINT) or 143 (SIGTERM). Published partitions stay (they are whole);
// sealed segments are kept and a re-run of the same command continues after them.
import { readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, FwError } from '../core/errors.js';
import { STAGING_DIR } from '../io/publish.js';

export const EXIT_ON_SIGNAL: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface Interruptible {
  world: string;
  /** the segment being built (named in the line) */
  segment(): string;
  /** stop the work that writes into staging (terminate the pool's workers) */
  stop(): Promise<void>;
}

let pending: Promise<never> | undefined;

/**
 * Set once a signal arrived: resolves never (the process exits). Code still running on the main
 * thread (whose pool tasks now fail) awaits it instead of reporting a failure of its own.
 */
export function interrupted(): Promise<never> | undefined {
  return pending;
}

/** Remove W/.staging/<pid>-*: synchronous, so no other code runs between it and the exit. */
export function removeOwnStaging(world: string, pid = process.pid): void {
  const dir = join(world, STAGING_DIR);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) if (e.startsWith(`${pid}-`)) rmSync(join(dir, e), { recursive: true, force: true });
}

/** Handle SIGINT/SIGTERM for `target` until the returned function is called. */
export function handleInterrupts(target: Interruptible): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const code = EXIT_ON_SIGNAL[signal] ?? 130;
    const line = new FwError(ErrorCodes.INTERRUPTED, `interrupted by ${signal}`, target.segment(), 're-run the same command; sealed segments are kept').line();
    const finish = (): never => {
      removeOwnStaging(target.world);
      // a file operation issued before this point may still be running on libuv's thread pool (a
      // staging mkdir landing after the removal): block briefly so it lands, then remove again
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      removeOwnStaging(target.world);
      writeSync(2, line + '\n');
      process.exit(code);
    };
    if (pending) finish(); // a second signal: do not wait for the workers
    // Every task in flight now fails, some in promises no one awaits yet (e.g. started early, awaited
    // later): those must not crash the process with a stack trace before the one line.
    process.on('unhandledRejection', () => undefined);
    pending = (async () => {
      // a worker stuck in a long kernel must not hold the exit forever
      await Promise.race([target.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      return finish();
    })();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
