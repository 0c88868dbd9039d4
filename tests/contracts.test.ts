// Our contracts against the engine's black-box interface (../shared/reference/).
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { dictionary, gatesMap } from '../src/contracts/dictionary.js';
import { check, policySchemaId, validatorFor } from '../src/contracts/registry.js';
import { loadPolicyPack } from '../src/config/load.js';
import { CHAIN } from '../src/segments/index.js';

const ROOT = join(__dirname, '..');
const REF = join(ROOT, '..', 'shared', 'reference');

function catalogue(): Map<string, any> {
  const p = join(REF, 'engine_outputs.catalogue.yaml');
  if (!existsSync(p)) throw new Error(`reference catalogue missing at ${p} (CI checks out shared/ beside the repo)`);
  return new Map((YAML.parse(readFileSync(p, 'utf8')).outputs as any[]).map((o) => [o.output_id, o]));
}

describe('dataset dictionary', () => {
  const dict = dictionary();
  const cat = catalogue();

  it('validates against its JSON Schema and has unique ids', () => {
    expect(check('dataset_dictionary.schema.json', dict)).toBeNull();
    const ids = dict.datasets.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every emitted dataset named in the catalogue keeps its path template and partitions', () => {
    const shared = dict.datasets.filter((d) => cat.has(d.id));
    expect(shared.map((d) => d.id)).toEqual(expect.arrayContaining(['outlet_catalogue', 's0_gate_receipt_1A', 'sealed_inputs_1A', 'validation_bundle_1A', 'rng_trace_log_1A', 'rng_audit_log_1A']));
    for (const d of shared) {
      const c = cat.get(d.id);
      // the catalogue's folded YAML leaves a trailing newline on some layer-2 templates
      // a streamed dataset may write part-*.parquet where the catalogue names one file, in the same directory, with a reason
      const want = d.parts_instead_of_file ? c.path_template.trim().replace(/[^/]+\.parquet$/, 'part-*.parquet') : c.path_template.trim();
      expect({ id: d.id, path: d.path_template, partitions: d.partitions }).toEqual({ id: d.id, path: want, partitions: c.partitions });
    }
  });

  it('every catalogued output of a built segment is emitted or has a written reason not to be', () => {
    const covered = new Set([...dict.datasets.map((d) => d.id), ...dict.not_emitted.map((d) => d.id)]);
    const built = new Set(CHAIN.map((s) => s.id));
    expect(built.has('1A')).toBe(true);
    const missing = [...cat.values()].filter((o) => built.has(o.owner_segment) && !covered.has(o.output_id) && !/^validation_(bundle_index|passed_flag)_\w+$/.test(o.output_id));
    expect(missing.map((o) => o.output_id)).toEqual([]);
    for (const n of dict.not_emitted) {
      expect(cat.has(n.id), `${n.id} is not a catalogue id`).toBe(true);
      expect(dict.datasets.some((d) => d.id === n.id), `${n.id} both emitted and not`).toBe(false);
      expect(n.reason.length).toBeGreaterThan(10);
    }
  });

  it('every parquet dataset declares its columns; path tokens are its partitions', () => {
    for (const d of dict.datasets) {
      if (d.format === 'parquet') expect(d.columns?.length, d.id).toBeGreaterThan(0);
      const tokens = [...d.path_template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(tokens, d.id).toEqual(d.partitions);
    }
  });
});

describe('gates map', () => {
  it('every gate of ours uses the catalogued paths and upstream dependencies', () => {
    const refs = YAML.parse(readFileSync(join(REF, 'engine_gates.map.yaml'), 'utf8')).gates as any[];
    const ours = gatesMap();
    expect(ours.map((g) => g.segment)).toEqual(expect.arrayContaining(CHAIN.map((s) => s.id)));
    for (const g of ours) {
      const ref = refs.find((r) => r.gate_id === g.gate_id);
      expect(ref, g.gate_id).toBeTruthy();
      for (const k of ['passed_flag_path_template', 'bundle_root_template'] as const) expect(g[k]).toBe(ref[k]);
      // one index name (index.json) for every gate; the layer-2 map names it validation_bundle_index_<SEG>.json
      expect(g.index_path_template).toBe(ref.index_path_template.replace(/validation_bundle_index_\w+\.json$/, 'index.json'));
      expect(g.upstream_gate_dependencies).toEqual(ref.upstream_gate_dependencies);
    }
    expect(ours.find((g) => g.segment === '1A')!.authorizes_outputs).toContain('outlet_catalogue');
  });
});

describe('policy pack', () => {
  it('every shipped config file has a schema and validates', async () => {
    const pack = await loadPolicyPack(join(ROOT, 'config'));
    expect(pack.files.length).toBeGreaterThanOrEqual(8);
    for (const f of pack.files) expect(validatorFor(policySchemaId(f.name)), f.name).toBeTruthy();
  });
});
