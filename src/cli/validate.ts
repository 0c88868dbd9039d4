// `fraudworld validate`: re-verify every gate in a world from bytes and say how much of the chain is sealed.
import type { Command } from 'commander';
import { validateWorld } from '../engine/validate_world.js';

export function validateCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('validate')
    .description('re-verify every gate in a world from bytes; exit 0 only if every gate present passes (and, with --complete, the whole chain is sealed)')
    .argument('<dir>', 'world directory')
    .option('--complete', 'also fail (exit 1) when a segment of the chain is not built yet')
    .option('--json', 'print the reports and the chain status as one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  fraudworld validate worlds/w1\n  fraudworld validate worlds/w1 --complete --json\n\nExit codes: 0 every gate passes, 1 a gate fails (or, with --complete, the chain is partial), 2 a named error.',
    )
    .action(async (dir: string, o: { complete?: boolean; json?: boolean }) => {
      const { reports, chains } = await validateWorld(dir);
      const ok = reports.every((r) => r.ok) && (!o.complete || chains.every((c) => c.missing.length === 0));
      if (o.json) process.stdout.write(JSON.stringify({ ok, reports, chains }, null, 2) + '\n');
      else {
        for (const r of reports) {
          if (r.ok) process.stdout.write(`PASS ${r.gate_id} ${r.bundle_dir}\n`);
          else for (const p of r.problems) process.stdout.write(`FAIL ${r.gate_id} ${p.code}: ${p.detail}\n`);
          for (const n of r.notes) process.stdout.write(`NOTE ${r.gate_id} ${n}\n`);
          if (r.awaiting) process.stdout.write(`AWAIT ${r.gate_id} ${r.awaiting}\n`);
        }
        for (const c of chains) {
          const missing = c.missing.length ? `; not sealed: ${c.missing.join(', ')}` : '';
          process.stdout.write(`${c.sealed.length}/${c.chain.length} segments sealed for manifest_fingerprint=${c.manifest_fingerprint}${missing}\n`);
        }
      }
      setCode(ok ? 0 : 1);
    });
}
