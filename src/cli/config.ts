// `fraudworld config dump [FILE]`: the policy pack as a run would resolve it (the shipped config/ or
// --config, with --overlay and --set applied), each file as YAML, and the parameter_hash it gives.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { loadPolicyPack } from '../config/load.js';
import { parseOverlay, parseSet } from '../config/edits.js';
import { packageRoot } from '../core/paths.js';
import { ErrorCodes, fail } from '../core/errors.js';
import { parameterHash } from '../core/identity.js';

const collect = (v: string, all: string[]) => [...all, v];

export function configCommand(program: Command): void {
  const config = program.command('config').description('the policy pack a run would use');
  config
    .command('dump')
    .description('print the resolved policy pack (after --overlay and --set), one YAML document per file, and its policy digest')
    .argument('[file]', 'one pack file, e.g. layer3/6A/population.yaml (default: every file)')
    .option('--config <dir>', 'policy pack directory (default: the shipped config/)')
    .option('--set <edit>', 'FILE:key.path=value, as for run (repeatable)', collect, [])
    .option('--overlay <file>', 'an overlay file, as for run (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nExamples:\n  fraudworld config dump scales.yaml\n  fraudworld config dump layer3/6A/population.yaml --set layer3/6A/population.yaml:size.min_parties=5000',
    )
    .action(async (file: string | undefined, o: { config?: string; set: string[]; overlay: string[] }) => {
      const dir = resolve(o.config ?? join(packageRoot(), 'config'));
      const pack = await loadPolicyPack(dir, [...o.overlay.flatMap(parseOverlay), ...o.set.map(parseSet)]);
      const files = file === undefined ? pack.files : pack.files.filter((f) => f.name === file);
      if (!files.length) fail(ErrorCodes.CONFIG_MISSING, `no policy file ${file} in the pack`, dir, `one of: ${pack.files.map((f) => f.name).join(', ')}`);
      for (const f of files) process.stdout.write(`--- # ${f.name}\n${Buffer.from(f.bytes).toString('utf8').replace(/\n?$/, '\n')}`);
      // the pack's share of parameter_hash (a run adds its resolved scale)
      process.stdout.write(`# policy files digest: ${parameterHash(pack.files)}\n`);
    });
}
