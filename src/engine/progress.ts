// Progress: bars with counts, rate and ETA on a TTY; plain log lines otherwise (CI, pipes), with a
// heartbeat line every FRAUDWORLD_HEARTBEAT_MS (default 10 s) while a stage runs, so a long stage is
// never silent. Each stage counts in its own unit (rows, merchants, datasets, checks…). No colours.
import cliProgress from 'cli-progress';

export interface Progress {
  /** a stage of `total` units (`unit`: what is counted, plural) */
  stage(name: string, total: number, unit?: string): Stage;
  log(line: string): void;
  stop(): void;
}
export interface Stage {
  tick(rows: number): void;
  done(): void;
}

export function makeProgress(quiet = false): Progress {
  if (quiet) return { stage: () => ({ tick() {}, done() {} }), log() {}, stop() {} };
  if (process.stderr.isTTY) return ttyProgress();
  return plainProgress();
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function heartbeatMs(): number {
  const v = Number(process.env.FRAUDWORLD_HEARTBEAT_MS);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
}

function plainProgress(): Progress {
  const timers = new Set<NodeJS.Timeout>();
  return {
    stage(name, total, unit = 'rows') {
      const t0 = performance.now();
      let done = 0;
      const line = (what: string) => {
        const s = (performance.now() - t0) / 1000;
        process.stderr.write(
          `[fraudworld] ${name}: ${fmt(done)}/${fmt(total)} ${unit} ${what} ${s.toFixed(2)} s (${fmt(done / Math.max(s, 1e-6))} ${unit}/s)\n`,
        );
      };
      const beat = setInterval(() => line('so far, after'), heartbeatMs());
      beat.unref(); // never keeps the process alive
      timers.add(beat);
      return {
        tick(n) {
          done += n;
        },
        done() {
          clearInterval(beat);
          timers.delete(beat);
          line('in');
        },
      };
    },
    log(line) {
      process.stderr.write(`[fraudworld] ${line}\n`);
    },
    stop() {
      for (const t of timers) clearInterval(t);
      timers.clear();
    },
  };
}

function ttyProgress(): Progress {
  const multi = new cliProgress.MultiBar(
    {
      format: ' {stage} |{bar}| {value}/{total} {unit} | {rate} {unit}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    stage(name, total, unit = 'rows') {
      const t0 = performance.now();
      const bar = multi.create(Math.max(total, 1), 0, { stage: name.padEnd(28), rate: 0, unit });
      let rows = 0;
      return {
        tick(n) {
          rows += n;
          const s = (performance.now() - t0) / 1000;
          bar.update(rows, { rate: Math.round(rows / Math.max(s, 1e-6)) });
        },
        done() {
          const s = (performance.now() - t0) / 1000;
          bar.update(Math.max(rows, 1) === 1 && total === 0 ? 1 : rows, { rate: Math.round(rows / Math.max(s, 1e-6)) });
          bar.stop();
        },
      };
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
