// Our contracts against the engine's black-box interface: the outputs catalogue and gates map, kept in
// contracts/reference/ with their digests (SHA256SUMS) so a clone anywhere carries them.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { dictionary, gatesMap } from '../src/contracts/dictionary.js';
import { check, policySchemaId, validatorFor } from '../src/contracts/registry.js';
import { loadPolicyPack } from '../src/config/load.js';
import { CHAIN } from '../src/segments/index.js';

const ROOT = join(__dirname, '..');
const REF = join(ROOT, 'contracts', 'reference');

function catalogue(): Map<string, any> {
  const p = join(REF, 'engine_outputs.catalogue.yaml');
  return new Map((YAML.parse(readFileSync(p, 'utf8')).outputs as any[]).map((o) => [o.output_id, o]));
}

/** The {token}s of a path template, in path order. */
const tokensOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const sorted = (xs: string[]) => [...xs].sort();

describe('reference interface', () => {
  it('is the sealed copy: every file matches its digest in SHA256SUMS', () => {
    const sums = readFileSync(join(REF, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.length).toBe(2);
    for (const line of sums) {
      const [hex, file] = line.split(/\s+/);
      expect(
        createHash('sha256')
          .update(readFileSync(join(REF, file)))
          .digest('hex'),
        file,
      ).toBe(hex);
    }
  });
});

describe('dataset dictionary', () => {
  const dict = dictionary();
  const cat = catalogue();

  it('validates against its JSON Schema and has unique ids', () => {
    expect(check('dataset_dictionary.schema.json', dict)).toBeNull();
    const ids = dict.datasets.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every emitted dataset named in the catalogue keeps its id, path template and partition tokens', () => {
    const shared = dict.datasets.filter((d) => cat.has(d.id));
    expect(shared.map((d) => d.id)).toEqual(
      expect.arrayContaining([
        'outlet_catalogue',
        's0_gate_receipt_1A',
        'sealed_inputs_1A',
        'validation_bundle_1A',
        'rng_trace_log_1A',
        'rng_audit_log_1A',
        's7_site_synthesis',
        'validation_bundle_index_5B',
        'validation_passed_flag_1A',
      ]),
    );
    for (const d of shared) {
      const c = cat.get(d.id);
      // the catalogue's folded YAML leaves a trailing newline on some layer-2 templates
      // a streamed dataset may write part-*.parquet where the catalogue names one file, in the same directory, with a reason
      const want = d.parts_instead_of_file ? c.path_template.trim().replace(/[^/]+\.parquet$/, 'part-*.parquet') : c.path_template.trim();
      // a deviation from the catalogued path is written down in the contract, never assumed by this test
      if (d.path_deviation) expect(d.path_template, d.id).not.toBe(want);
      else expect({ id: d.id, path: d.path_template }).toEqual({ id: d.id, path: want });
      // the catalogue lists some partitions in another order than its own path: the set is what must agree
      expect({ id: d.id, partitions: sorted(d.partitions) }).toEqual({ id: d.id, partitions: sorted(c.partitions) });
      expect({ id: d.id, tokens: sorted(tokensOf(d.path_template)) }).toEqual({ id: d.id, tokens: sorted(tokensOf(want)) });
    }
  });

  it('every catalogued output of a built segment is emitted or has a written reason not to be', () => {
    const covered = new Set([...dict.datasets.map((d) => d.id), ...dict.not_emitted.map((d) => d.id)]);
    const built = new Set(CHAIN.map((s) => s.id));
    expect(built.has('1A')).toBe(true);
    const missing = [...cat.values()].filter((o) => built.has(o.owner_segment) && !covered.has(o.output_id));
    expect(missing.map((o) => o.output_id)).toEqual([]);
    for (const n of dict.not_emitted) {
      expect(cat.has(n.id), `${n.id} is not a catalogue id`).toBe(true);
      expect(
        dict.datasets.some((d) => d.id === n.id),
        `${n.id} both emitted and not`,
      ).toBe(false);
      expect(n.reason.length).toBeGreaterThan(10);
    }
  });

  it('every parquet dataset declares its columns and how it splits; path tokens are its partitions', () => {
    for (const d of dict.datasets) {
      if (d.format === 'parquet') expect(d.columns?.length, d.id).toBeGreaterThan(0);
      // a template naming one Parquet file says how the file is written when it is too large for one
      if (d.format === 'parquet' && /[^*]\.parquet$/.test(d.path_template)) expect(d.split_parts, d.id).toBeTruthy();
      expect(sorted(tokensOf(d.path_template)), d.id).toEqual(sorted(d.partitions));
    }
  });
});

describe('gates map', () => {
  it('every gate of ours uses the catalogued paths and upstream dependencies', () => {
    const refs = YAML.parse(readFileSync(join(REF, 'engine_gates.map.yaml'), 'utf8')).gates as any[];
    const ours = gatesMap();
    // every built segment has its gate, except one built before its gate exists (6B until its validation state)
    expect(ours.map((g) => g.segment)).toEqual(expect.arrayContaining(CHAIN.filter((s) => s.gated !== false).map((s) => s.id)));
    expect(CHAIN.filter((s) => s.gated === false).map((s) => s.id)).toEqual(['6B']);
    for (const g of ours) {
      const ref = refs.find((r) => r.gate_id === g.gate_id);
      expect(ref, g.gate_id).toBeTruthy();
      for (const k of ['passed_flag_path_template', 'bundle_root_template'] as const) expect(g[k]).toBe(ref[k]);
      // the index sits where the contract's validation_bundle_index_<SEG> entry says (a deviation there is written down)
      const idx = dictionary().datasets.find((d) => d.id === `validation_bundle_index_${g.segment}`)!;
      expect(idx, g.gate_id).toBeTruthy();
      expect(g.index_path_template).toBe(idx.path_template);
      if (!idx.path_deviation) expect(g.index_path_template).toBe(ref.index_path_template);
      expect(g.upstream_gate_dependencies).toEqual(ref.upstream_gate_dependencies);
    }
    expect(ours.find((g) => g.segment === '1A')!.authorizes_outputs).toContain('outlet_catalogue');
    // a gate authorises only what its segment emits
    const emitted = new Set(dictionary().datasets.map((d) => `${d.segment}/${d.id}`));
    const phantom = ours.flatMap((g) => g.authorizes_outputs.filter((id) => !emitted.has(`${g.segment}/${id}`)).map((id) => `${g.gate_id}: ${id}`));
    expect(phantom).toEqual([]);
  });
});

describe('policy pack', () => {
  it('every shipped config file has a schema and validates', async () => {
    const pack = await loadPolicyPack(join(ROOT, 'config'));
    expect(pack.files.length).toBeGreaterThanOrEqual(8);
    for (const f of pack.files) expect(validatorFor(policySchemaId(f.name)), f.name).toBeTruthy();
  });
});
