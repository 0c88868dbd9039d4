// The `fraudworld` command line. Every user mistake ends as one line (code, where, what, fix) and exit 2.
// One file per command (run.ts, validate.ts); this one wires them and turns errors into exit codes.
import { Command, CommanderError } from 'commander';
import { FwError } from '../core/errors.js';
import { engineVersion } from '../core/paths.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('fraudworld')
    .description('closed-world synthetic payments engine')
    .version(engineVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error') ? `error CLI_BAD_ARGUMENT: ${s.replace(/^error: /, '')}` : s) });
  let code = 0;

  runCommand(program, argv);
  validateCommand(program, (c) => (code = c));

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
