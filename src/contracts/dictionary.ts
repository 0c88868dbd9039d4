// The dataset dictionary and gates map: the one place that knows where each output lives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { packageRoot } from '../core/paths.js';
import { check } from './registry.js';

export type ColumnType = 'uint64' | 'uint32' | 'int64' | 'int32' | 'int16' | 'uint8' | 'float64' | 'float32' | 'utf8' | 'bool' | 'timestamp_us_utc' | 'timestamp_us_local' | 'date32';

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
  format: 'parquet' | 'json' | 'jsonl';
  path_template: string;
  partitions: string[];
  primary_key: string[];
  sort_key?: string[];
  columns?: ColumnSpec[];
  schema_ref?: string;
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

export function dictionary(): Dictionary {
  if (dict) return dict;
  const d = YAML.parse(readFileSync(join(packageRoot(), 'contracts', 'dataset_dictionary.yaml'), 'utf8'));
  const err = check('dataset_dictionary.schema.json', d);
  if (err) throw new Error(`contracts/dataset_dictionary.yaml ${err.field}: ${err.message}`);
  return (dict = d as Dictionary);
}

export function gatesMap(): GateSpec[] {
  if (gates) return gates;
  const g = YAML.parse(readFileSync(join(packageRoot(), 'contracts', 'engine_gates.map.yaml'), 'utf8'));
  return (gates = g.gates as GateSpec[]);
}

export function dataset(id: string): DatasetSpec {
  const d = dictionary().datasets.find((x) => x.id === id);
  if (!d) throw new Error(`dataset ${id} is not in contracts/dataset_dictionary.yaml`);
  return d;
}

export function gateFor(segment: string): GateSpec {
  const g = gatesMap().find((x) => x.segment === segment);
  if (!g) throw new Error(`no gate for segment ${segment} in contracts/engine_gates.map.yaml`);
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
