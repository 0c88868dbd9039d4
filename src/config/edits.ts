// Policy edits without copying the pack: `--set FILE:key.path=value` (repeatable) and `--overlay FILE.yaml`
// (a YAML document mapping pack file names to partial documents, merged key by key: mappings merge,
// anything else replaces). Edits change the policy document itself, so the edited file's bytes (comments
// kept) enter parameter_hash like any policy change; a key that does not exist is refused, so a typo
// cannot add a field that nothing reads.
import { readFileSync } from 'node:fs';
import YAML, { isMap, isSeq, type Document } from 'yaml';
import { fail, ErrorCodes } from '../core/errors.js';

export interface PolicyEdit {
  /** pack file name, e.g. layer3/6A/population.yaml */
  file: string;
  /** key path; numeric parts index sequences */
  path: (string | number)[];
  value: unknown;
  /** what the user typed (for messages) */
  source: string;
}

const splitPath = (p: string): (string | number)[] => p.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));

/** `FILE:key.path=value`; the value is YAML (a number, true, a string, [1, 2], {a: 1}). */
export function parseSet(arg: string): PolicyEdit {
  const m = /^([^:=]+\.ya?ml):([^=]+)=(.*)$/s.exec(arg);
  if (!m) fail(ErrorCodes.CLI_BAD_ARGUMENT, `cannot read "${arg}" as FILE:key.path=value`, '--set', 'e.g. --set layer3/6A/population.yaml:size.max_parties=2000000');
  let value: unknown;
  try {
    value = YAML.parse(m[3]);
  } catch (e) {
    fail(ErrorCodes.CLI_BAD_ARGUMENT, `the value is not YAML (${(e as Error).message.split('\n')[0]})`, `--set ${arg}`, 'quote a string value');
  }
  return { file: m[1], path: splitPath(m[2]), value, source: `--set ${arg}` };
}

/** An overlay file's edits: every leaf under each named pack file (mappings are walked, anything else is one value). */
export function parseOverlay(path: string): PolicyEdit[] {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(ErrorCodes.CONFIG_YAML_INVALID, (e as Error).message.split('\n')[0], path, 'an overlay is YAML: pack file name → the keys to change');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'an overlay maps pack file names to partial documents', path, 'e.g. "layer3/6A/population.yaml: {size: {max_parties: 2000000}}"');
  const out: PolicyEdit[] = [];
  const leaves = (file: string, v: unknown, at: (string | number)[]) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && at.length > 0) for (const [k, x] of Object.entries(v)) leaves(file, x, [...at, k]);
    else if (at.length === 0) {
      if (!v || typeof v !== 'object' || Array.isArray(v)) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `${file} must map to the keys to change`, path, 'give a mapping');
      for (const [k, x] of Object.entries(v)) leaves(file, x, [k]);
    } else out.push({ file, path: at, value: v, source: `${path}: ${file}:${at.join('.')}` });
  };
  for (const [file, v] of Object.entries(doc)) leaves(file, v, []);
  return out;
}

/** Apply a file's edits to its parsed document (comments and layout kept); a missing key is one line. */
export function applyEdits(doc: Document, edits: readonly PolicyEdit[], where: string): void {
  for (const e of edits) {
    const parent = e.path.length > 1 ? doc.getIn(e.path.slice(0, -1), true) : doc.contents;
    const last = e.path[e.path.length - 1];
    const exists = isMap(parent) ? parent.has(last) : isSeq(parent) ? typeof last === 'number' && last < parent.items.length : false;
    if (!exists)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `no key ${e.path.join('.')} to change`,
        `${where} (${e.source})`,
        `fraudworld config dump ${e.file} shows the file's keys`,
      );
    doc.setIn(e.path, doc.createNode(e.value));
  }
}
