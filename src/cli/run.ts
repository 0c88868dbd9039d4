// `fraudworld run`: build a world (the whole chain, or up to --until) and seal each segment.
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { parseSeed } from '../core/identity.js';
import { runWorld } from '../segments/index.js';
import { parseOverlay, parseSet } from '../config/edits.js';
import { autoWorkers, MAIN_BUDGET, parseWorkers, WORKER_BUDGET } from './workers.js';

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(v);
}

export function runCommand(program: Command, argv: string[]): void {
  program
    .command('run')
    .description('build a world (the whole chain, or up to --until) and seal each segment with its gate')
    .requiredOption('--out <dir>', 'world directory (created if absent)')
    .option('--seed <n>', 'seed, an integer in [0, 2^63)', '42')
    .option('--scale <name>', 'tiny (~10^4 arrivals) | small (~10^6) | medium (~10^7) | large (~10^8); config/scales.yaml (default: small)')
    .option('--arrivals <n>', 'expected arrivals over the horizon (overrides the scale preset)', positiveInt)
    .addOption(
      new Option(
        '--workers <n|auto>',
        `worker threads; output bytes never depend on it. auto: the available cores (${availableParallelism()} here), capped so that ${MAIN_BUDGET / 2 ** 30} GiB + ${WORKER_BUDGET / 2 ** 20} MiB per worker fits in 3/4 of memory (${autoWorkers()} here; fraudworld tune measures the choices)`,
      )
        .argParser(parseWorkers)
        .default(autoWorkers(), 'auto'),
    )
    .option('--until <seg>', 'last segment to build (e.g. 1A)')
    .option('--config <dir>', 'policy pack directory (default: the shipped config/)')
    .option(
      '--set <edit>',
      'change one policy value: FILE:key.path=value (YAML value; repeatable; enters parameter_hash)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--overlay <file>',
      'a YAML file mapping pack files to the keys to change (repeatable; applied before --set)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--merchants <csv>', 'merchant universe file instead of generating one (merchant_id,mcc,channel,home_country_iso)')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the run summary (segments, rows, seconds, identity, peak RSS, main tables) as one JSON document')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  fraudworld run --out worlds/w1 --scale tiny            a tiny world (~10^4 arrivals); README.md at its root says what is in it',
        '  fraudworld run --out worlds/w1 --scale large --seed 7  ~10^8 arrivals; re-running the same command resumes after the last sealed segment',
        '  fraudworld run --out worlds/w1 --until 2A              build and seal 1A, 1B and 2A only',
        '  fraudworld run --out worlds/w1 --scale tiny --json     the summary as JSON (progress still on stderr)',
        '  fraudworld run --out worlds/w2 --scale tiny --set layer3/6A/population.yaml:size.min_parties=5000',
        '                                                         one policy value changed (a new parameter_hash)',
        '  fraudworld validate worlds/w1 --complete               re-verify every gate from bytes',
        '',
        'Exit codes: 0 done, 2 a named error (one line: error CODE: where: what (fix: ...)), 3 internal error, 130/143 interrupted.',
      ].join('\n'),
    )
    .action(async (o) => {
      const seed = parseSeed(o.seed);
      const s = await runWorld({
        out: o.out,
        seed,
        scale: o.scale,
        workers: o.workers,
        until: o.until,
        configDir: o.config,
        edits: [...(o.overlay as string[]).flatMap(parseOverlay), ...(o.set as string[]).map(parseSet)],
        merchantsFile: o.merchants,
        arrivals: o.arrivals,
        quiet: o.quiet,
        argv,
        exitOnSignal: true,
      });
      if (o.json) {
        process.stdout.write(JSON.stringify(s, null, 2) + '\n');
        return;
      }
      for (const seg of s.segments) {
        const rows = seg.rows
          ? Object.entries(seg.rows)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')
          : '';
        process.stdout.write(`${seg.segment} ${seg.status} ${seg.seconds.toFixed(2)}s ${rows}\n`);
      }
      process.stdout.write(
        `world: ${s.world}\nmanifest_fingerprint: ${s.manifest_fingerprint}\nrun_id: ${s.run_id}\npeak_rss_mb: ${(s.peak_rss_bytes / 2 ** 20).toFixed(1)}\n`,
      );
      const main = s.catalog?.main ?? [];
      if (main.length) {
        process.stdout.write(`main tables (all datasets: ${join(s.world, 'catalog.json')}; DuckDB views: views.sql; how to open: README.md):\n`);
        const w = Math.max(...main.map((m) => m.id.length));
        for (const m of main) process.stdout.write(`  ${m.id.padEnd(w)} ${String(m.rows ?? '').padStart(10)} rows  ${m.dir}\n`);
      }
    });
}
