// `fraudworld validate`: re-verify every gate in a world from bytes; exit 0 only if all pass.
import type { Command } from 'commander';
import { validateWorld } from '../engine/validate_world.js';

export function validateCommand(program: Command, setCode: (code: number) => void): void {
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
      setCode(reports.every((r) => r.ok) ? 0 : 1);
    });
}
