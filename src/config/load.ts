// Load the policy pack: every YAML file under the config dir, parsed strictly and validated against
// its JSON Schema in contracts/policies/. A mistake becomes one line: file, field, fix.
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import YAML, { type Document } from 'yaml';
import { applyEdits, type PolicyEdit } from './edits.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { asciiCompare } from '../core/hash.js';
import type { NamedBytes } from '../core/identity.js';
import { policySchemaId, validatorFor, formatAjvError } from '../contracts/registry.js';

export interface PolicyPack {
  dir: string;
  /** logical name → parsed document */
  docs: Map<string, unknown>;
  /** raw bytes for parameter_hash */
  files: NamedBytes[];
}

/** The pack under `dir`, with `edits` (--set, --overlay) applied to their files before validation. */
export async function loadPolicyPack(dir: string, edits: readonly PolicyEdit[] = []): Promise<PolicyPack> {
  let names: string[];
  try {
    names = (await walkYaml(dir)).sort(asciiCompare);
  } catch (e) {
    fail(ErrorCodes.CONFIG_MISSING, `cannot read config directory (${(e as Error).message})`, dir, 'point --config at a policy pack directory such as the shipped config/');
  }
  const unknown = edits.find((e) => !names.includes(e.file));
  if (unknown) fail(ErrorCodes.CONFIG_MISSING, `no policy file ${unknown.file} in the pack`, `${unknown.source}`, `files are named relative to ${dir}, e.g. scales.yaml`);
  const docs = new Map<string, unknown>();
  const files: NamedBytes[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let bytes: Uint8Array = await fs.readFile(path);
    const mine = edits.filter((e) => e.file === name);
    if (mine.length) {
      const d = parseDocument(Buffer.from(bytes).toString('utf8'), path);
      applyEdits(d, mine, path);
      bytes = Buffer.from(d.toString());
    }
    const doc = parseYaml(Buffer.from(bytes).toString('utf8'), path);
    const schemaId = policySchemaId(name);
    const validate = validatorFor(schemaId);
    if (!validate) {
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'no policy schema governs this file', path, `remove it or add contracts/policies/${schemaId}`);
    }
    if (!validate(doc)) {
      const { field, message, fix } = formatAjvError(validate.errors![0]);
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, message, `${path}: ${field}`, fix);
    }
    docs.set(name, doc);
    files.push({ name, bytes });
  }
  return { dir, docs, files };
}

export function parseYaml(text: string, path: string): unknown {
  return parseDocument(text, path).toJS();
}

function parseDocument(text: string, path: string): Document {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    const at = pos ? `${path}:${pos.line}:${pos.col}` : path;
    fail(ErrorCodes.CONFIG_YAML_INVALID, err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), at, 'fix the YAML syntax at that line');
  }
  return doc;
}

async function walkYaml(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(relative(dir, p).split(sep).join('/'));
    }
  }
  await walk(dir);
  return out;
}

export function policy<T>(pack: PolicyPack, name: string): T {
  const d = pack.docs.get(name);
  if (d === undefined) fail(ErrorCodes.CONFIG_MISSING, 'required policy file is missing', join(pack.dir, name), 'restore it from the shipped config/');
  return d as T;
}
