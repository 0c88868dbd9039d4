// The `fraudworld` command line. Every user mistake ends as one line (code, where, what, fix) and exit 2.
// One file per command (run.ts, validate.ts, schema.ts, tune.ts, config.ts); this one wires them and turns errors into exit codes.
import { Command, CommanderError } from 'commander';
import { ErrorCodes, FwError } from '../core/errors.js';
import { engineVersion } from '../core/paths.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { schemaCommand } from './schema.js';
import { tuneCommand } from './tune.js';
import { configCommand } from './config.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('fraudworld')
    .description('closed-world synthetic payments engine')
    .version(engineVersion())
    .exitOverride()
    // commander's own error text is replaced by our one line (below); help and version still print
    .configureOutput({ writeErr: (s) => void (s.startsWith('error') ? undefined : process.stderr.write(s)) });
  let code = 0;

  runCommand(program, argv);
  validateCommand(program, (c) => (code = c));
  schemaCommand(program);
  tuneCommand(program);
  configCommand(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof FwError) {
      process.stderr.write(e.line() + '\n');
      return 2;
    }
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      process.stderr.write(parseErrorLine(e) + '\n');
      return 2;
    }
    process.stderr.write(`error INTERNAL: ${(e as Error).stack ?? e}\n`);
    return 3;
  }
}

/** A command-line parse error as our one line: the option or word it names is `where`. */
export function parseErrorLine(e: CommanderError): string {
  const what = e.message.replace(/^error: /, '').replace(/\.$/, '');
  const named = /'([^']+)'/.exec(what)?.[1]?.split(' ')[0];
  const where = named ?? 'command line';
  const fix =
    e.code === 'commander.unknownCommand'
      ? 'commands: run, validate, schema, tune, config (fraudworld --help)'
      : 'see fraudworld <command> --help for the options and their defaults';
  return new FwError(ErrorCodes.CLI_BAD_ARGUMENT, what, where, fix).line();
}
