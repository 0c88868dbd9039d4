// The dataset dictionary and gates map: the one place that knows where each output lives.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { packageRoot } from '../core/paths.js';
import { check } from './registry.js';

export type ColumnType = 'uint32' | 'int64' | 'int32' | 'int16' | 'uint8' | 'float64' | 'float32' | 'utf8' | 'bool' | 'timestamp_us_utc' | 'timestamp_us_local' | 'date32';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  description?: string;
}

export interface DatasetSpec {
  id: string;
  segment: string;
  role: 'egress' | 'internal' | 'gate' | 'receipt' | 'log' | 'report';
  format: 'parquet' | 'json' | 'jsonl' | 'binary' | 'text';
  path_template: string;
  partitions: string[];
  primary_key: string[];
  sort_key?: string[];
  columns?: ColumnSpec[];
  schema_ref?: string;
  /** why a dataset the catalogue names as one file is written as part-*.parquet in its directory */
  parts_instead_of_file?: string;
  /** how a dataset whose template names one Parquet file is split when large (see io/writer.ts Outputs.write) */
  split_parts?: string;
  /** why the dataset is not at the catalogue's path template */
  path_deviation?: string;
  description: string;
}

export interface GateSpec {
  gate_id: string;
  segment: string;
  scope: string;
  passed_flag_path_template: string;
  bundle_root_template: string;
  index_path_template: string;
  upstream_gate_dependencies: string[];
  authorizes_outputs: string[];
}

interface Dictionary {
  version: number;
  datasets: DatasetSpec[];
  not_emitted: { id: string; segment: string; reason: string }[];
}

let dict: Dictionary | undefined;
let gates: GateSpec[] | undefined;

/** One YAML file per segment under contracts/<sub>/, read in ASCII order of file name. */
function perSegment(sub: string): { file: string; doc: any }[] {
  const dir = join(packageRoot(), 'contracts', sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `contracts/${sub}/${f}`, doc: YAML.parse(readFileSync(join(dir, f), 'utf8')) }));
}

/** The dataset dictionary: contracts/datasets/<SEG>.yaml merged (each validated on its own). */
export function dictionary(): Dictionary {
  if (dict) return dict;
  const merged: Dictionary = { version: 1, datasets: [], not_emitted: [] };
  for (const { file, doc } of perSegment('datasets')) {
    const err = check('dataset_dictionary.schema.json', doc);
    if (err) throw new Error(`${file} ${err.field}: ${err.message}`);
    merged.datasets.push(...doc.datasets);
    merged.not_emitted.push(...doc.not_emitted);
  }
  return (dict = merged);
}

/** The engine's gates map (contracts/gates/<SEG>.yaml, each in the upstream gates-map format). */
export function gatesMap(): GateSpec[] {
  if (gates) return gates;
  return (gates = perSegment('gates').flatMap(({ doc }) => doc.gates as GateSpec[]));
}

export function dataset(id: string): DatasetSpec {
  const d = dictionary().datasets.find((x) => x.id === id);
  if (!d) throw new Error(`dataset ${id} is not in contracts/datasets/<SEG>.yaml`);
  return d;
}

export function gateFor(segment: string): GateSpec {
  const g = gatesMap().find((x) => x.segment === segment);
  if (!g) throw new Error(`no gate for segment ${segment} in contracts/gates/<SEG>.yaml`);
  return g;
}

export type Tokens = Record<string, string | bigint | number>;

/** Fill a path template; a token left unfilled is a programming error, never a silent "{seed}" dir. */
export function fillTemplate(template: string, tokens: Tokens): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = tokens[k];
    if (v === undefined) throw new Error(`template ${template} needs token ${k}`);
    return String(v);
  });
}

/** Directory of a dataset's partition (template may end in a file name). */
export function partitionDir(id: string, tokens: Tokens): { dir: string; file?: string } {
  const p = fillTemplate(dataset(id).path_template, tokens);
  if (p.endsWith('/')) return { dir: p.slice(0, -1) };
  const i = p.lastIndexOf('/');
  return { dir: p.slice(0, i), file: p.slice(i + 1) };
}
