// `fraudworld schema [DATASET]`: what the engine publishes, from contracts/ (no world needed). Without a
// dataset: every catalogued dataset by segment with its role and row meaning; with one: its path, partitions,
// keys and columns with types and meanings; --json for tools.
import type { Command } from 'commander';
import { dictionary, type DatasetSpec } from '../contracts/dictionary.js';
import { ErrorCodes, fail } from '../core/errors.js';

/** The first sentence of a description (the list view's one line). */
const firstSentence = (s: string) => (/^(.*?[.;])(\s|$)/.exec(s.replace(/\s+/g, ' '))?.[1] ?? s).trim();

function describe(d: DatasetSpec): string {
  const lines = [
    `${d.id}  (segment ${d.segment}, ${d.role}, ${d.format})`,
    `  ${d.description.replace(/\s+/g, ' ').trim()}`,
    `  path:        ${d.path_template}`,
    `  partitions:  ${d.partitions.join(', ') || '(none)'}`,
    `  primary key: ${d.primary_key.join(', ') || '(none)'}`,
  ];
  if (d.split_parts) lines.push(`  large:       ${d.split_parts}`);
  if (d.columns?.length) {
    const w = Math.max(...d.columns.map((c) => c.name.length));
    const t = Math.max(...d.columns.map((c) => c.type.length + (c.nullable ? 1 : 0)));
    lines.push('  columns:');
    for (const c of d.columns)
      lines.push(`    ${c.name.padEnd(w)}  ${(c.type + (c.nullable ? '?' : '')).padEnd(t)}  ${(c.description ?? '').replace(/\s+/g, ' ')}`.trimEnd());
  } else if (d.schema_ref) lines.push(`  schema:      ${d.schema_ref}`);
  return lines.join('\n');
}

export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description('list the datasets a world holds, or show one dataset: path, partitions, keys, columns and their meaning (from contracts/)')
    .argument('[dataset]', 'a dataset id, e.g. arrival_events_5B (default: list them all)')
    .option('--json', 'print the contract entries as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  fraudworld schema                      every dataset, by segment\n  fraudworld schema s3_instrument_base_6A    one dataset\'s columns ("?" marks a nullable column)\n  fraudworld schema arrival_events_5B --json',
    )
    .action((id: string | undefined, o: { json?: boolean }) => {
      const all = dictionary().datasets;
      if (id !== undefined) {
        const d = all.find((x) => x.id === id);
        if (!d) {
          const near = all.filter((x) => x.id.toLowerCase().includes(id.toLowerCase().replace(/_\d?[a-z]?$/i, ''))).map((x) => x.id);
          fail(
            ErrorCodes.CLI_BAD_ARGUMENT,
            `no dataset ${id} in contracts/datasets/`,
            'schema',
            near.length ? `did you mean ${near.slice(0, 3).join(', ')}?` : 'fraudworld schema lists every dataset',
          );
        }
        process.stdout.write((o.json ? JSON.stringify(d, null, 2) : describe(d)) + '\n');
        return;
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(all, null, 2) + '\n');
        return;
      }
      const w = Math.max(...all.map((d) => d.id.length));
      let seg = '';
      for (const d of all) {
        if (d.segment !== seg) process.stdout.write(`${seg ? '\n' : ''}segment ${(seg = d.segment)}\n`);
        process.stdout.write(`  ${d.id.padEnd(w)}  ${d.role.padEnd(8)}  ${firstSentence(d.description)}\n`);
      }
      process.stdout.write('\nfraudworld schema <dataset> shows its columns; egress datasets are the outputs most users want.\n');
    });
}
