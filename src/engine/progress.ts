// Progress: bars with rows, rows/s and ETA on a TTY; plain log lines otherwise (CI, pipes).
import cliProgress from 'cli-progress';

export interface Progress {
  stage(name: string, total: number): Stage;
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

function plainProgress(): Progress {
  return {
    stage(name, total) {
      const t0 = performance.now();
      let rows = 0;
      return {
        tick(n) {
          rows += n;
        },
        done() {
          const s = (performance.now() - t0) / 1000;
          process.stderr.write(
            `[fraudworld] ${name}: ${rows.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows in ${s.toFixed(2)} s (${Math.round(rows / Math.max(s, 1e-6)).toLocaleString('en-US')} rows/s)\n`,
          );
        },
      };
    },
    log(line) {
      process.stderr.write(`[fraudworld] ${line}\n`);
    },
    stop() {},
  };
}

function ttyProgress(): Progress {
  const multi = new cliProgress.MultiBar(
    { format: ' {stage} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  return {
    stage(name, total) {
      const t0 = performance.now();
      const bar = multi.create(Math.max(total, 1), 0, { stage: name.padEnd(28), rate: 0 });
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
