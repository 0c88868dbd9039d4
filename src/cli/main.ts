// The `fraudworld` command line. Every user mistake ends as one line (code, where, what, fix) and exit 2.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { FwError } from '../core/errors.js';
import { parseSeed } from '../core/identity.js';
import { engineVersion } from '../core/paths.js';
import { runWorld } from '../segments/index.js';
import { validateWorld } from '../engine/validate_world.js';

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(v);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('fraudworld')
    .description('closed-world synthetic payments engine')
    .version(engineVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error') ? `error CLI_BAD_ARGUMENT: ${s.replace(/^error: /, '')}` : s) });
  let code = 0;

  program
    .command('run')
    .description('build a world (the whole chain, or up to --until) and seal each segment with its gate')
    .requiredOption('--out <dir>', 'world directory (created if absent)')
    .option('--seed <n>', 'u64 seed', '42')
    .option('--scale <name>', 'tiny | small | medium | large (config/scales.yaml)')
    .option('--arrivals <n>', 'expected arrivals over the horizon (overrides the scale preset)', positiveInt)
    .option('--workers <n>', 'worker threads', positiveInt, availableParallelism())
    .option('--until <seg>', 'last segment to build (e.g. 1A)')
    .option('--config <dir>', 'policy pack directory (default: the shipped config/)')
    .option('--merchants <csv>', 'merchant universe file instead of generating one (merchant_id,mcc,channel,home_country_iso)')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const seed = parseSeed(o.seed);
      const s = await runWorld({ out: o.out, seed, scale: o.scale, workers: o.workers, until: o.until, configDir: o.config, merchantsFile: o.merchants, arrivals: o.arrivals, quiet: o.quiet, argv, exitOnSignal: true });
      for (const seg of s.segments) {
        const rows = seg.rows ? Object.entries(seg.rows).map(([k, v]) => `${k}=${v}`).join(' ') : '';
        process.stdout.write(`${seg.segment} ${seg.status} ${seg.seconds.toFixed(2)}s ${rows}\n`);
      }
      process.stdout.write(`world: ${s.world}\nmanifest_fingerprint: ${s.manifest_fingerprint}\nrun_id: ${s.run_id}\npeak_rss_mb: ${(s.peak_rss_bytes / 2 ** 20).toFixed(1)}\n`);
    });

  program
    .command('validate')
    .description('re-verify every gate in a world from bytes')
    .argument('<dir>', 'world directory')
    .action(async (dir: string) => {
      const reports = await validateWorld(dir);
      for (const r of reports) {
        if (r.ok) process.stdout.write(`PASS ${r.gate_id} ${r.bundle_dir}\n`);
        else for (const p of r.problems) process.stdout.write(`FAIL ${r.gate_id} ${p.code}: ${p.detail}\n`);
        for (const n of r.notes) process.stdout.write(`NOTE ${r.gate_id} ${n}\n`);
      }
      code = reports.every((r) => r.ok) ? 0 : 1;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof FwError) {
      process.stderr.write(e.line() + '\n');
      return 2;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`error INTERNAL: ${(e as Error).stack ?? e}\n`);
    return 3;
  }
}
