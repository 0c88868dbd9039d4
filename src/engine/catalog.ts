// A world that explains itself: catalog.json, views.sql and README.md at the world root, rebuilt at the
// end of every run from the gates (outputs.json) of every sealed chain in the world. The catalog names
// each sealed dataset's exact files (a glob would also read a file no gate lists), its rows, columns
// and gate; views.sql is one DuckDB view per dataset over those files. The run receipt records the
// catalog's digest. These are an index of the sealed data, not data: each run replaces them whole.
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { dataset, gatesMap } from '../contracts/dictionary.js';
import { sha256Hex, stableJson } from '../core/hash.js';
import { FLAG_FILE } from '../gates/bundle.js';
import { gateOutputs, readStateReceipt, stateReceiptSegments } from '../gates/verify.js';
import { Duck, litList } from '../io/duck.js';
import { exists, replaceFile } from '../io/publish.js';
import { engineVersion } from '../core/paths.js';

export const CATALOG_FILE = 'catalog.json';
export const VIEWS_FILE = 'views.sql';
export const WORLD_README = 'README.md';

const isParquet = (f: string) => f.endsWith('.parquet');

export interface CatalogDataset {
  id: string;
  segment: string;
  role: string;
  format: string;
  gate: string;
  description: string;
  files: string[];
  /** Parquet rows from the files' footers; 1 for a JSON document; null for other formats */
  rows: number | null;
  partitions: string[];
  primary_key: string[];
  columns?: { name: string; type: string; nullable: boolean }[];
}

export interface CatalogChain {
  manifest_fingerprint: string;
  parameter_hash: string;
  seed: string;
  /** segments whose gate is sealed for this fingerprint, in chain order */
  segments: string[];
  datasets: CatalogDataset[];
}

export interface Catalog {
  catalog_version: 1;
  engine_version: string;
  chains: CatalogChain[];
}

/** Fingerprints that have at least one sealed gate in the world, ASCII order. */
async function fingerprints(world: string): Promise<string[]> {
  const found = new Set<string>();
  for (const g of gatesMap()) {
    const [base] = g.bundle_root_template.split('manifest_fingerprint={manifest_fingerprint}');
    const dir = join(world, base);
    if (!(await exists(dir))) continue;
    for (const e of await fs.readdir(dir)) if (e.startsWith('manifest_fingerprint=')) found.add(e.slice('manifest_fingerprint='.length));
  }
  return [...found].sort();
}

async function chainOf(world: string, mf: string, duck: Duck): Promise<CatalogChain | undefined> {
  const segments: string[] = [];
  const datasets: CatalogDataset[] = [];
  let identity: { parameter_hash: string; seed: string } | undefined;
  const add = (id: string, files: string[], gate: string) => {
    const d = dataset(id);
    files.sort();
    datasets.push({
      id,
      segment: d.segment,
      role: d.role,
      format: d.format,
      gate,
      description: d.description,
      files,
      rows: d.format === 'json' ? 1 : null,
      partitions: d.partitions,
      primary_key: d.primary_key,
      ...(d.columns ? { columns: d.columns.map((c) => ({ name: c.name, type: c.type, nullable: !!c.nullable })) } : {}),
    });
  };
  for (const g of gatesMap()) {
    const bundle = g.bundle_root_template.replace('{manifest_fingerprint}', mf);
    if (!(await exists(join(world, bundle, FLAG_FILE)))) continue;
    segments.push(g.segment);
    identity ??= JSON.parse(await fs.readFile(join(world, bundle, 'identity.json'), 'utf8'));
    const byId = new Map<string, string[]>();
    for (const o of await gateOutputs(world, g.segment, mf)) (byId.get(o.dataset) ?? byId.set(o.dataset, []).get(o.dataset)!).push(o.path);
    for (const [id, files] of byId) {
      add(id, files, g.gate_id);
    }
  }
  if (!identity) return undefined;
  // a segment built before its gate (6B for now): the files its state receipt lists, checked by validate
  for (const seg of stateReceiptSegments()) {
    const receipt = await readStateReceipt(world, seg, mf);
    if (!receipt) continue;
    const { path, doc } = receipt;
    segments.push(`${seg} (awaiting its gate)`);
    const byId = new Map<string, string[]>([[`state_receipt_${seg}`, [path]]]);
    for (const o of doc.files) (byId.get(o.dataset) ?? byId.set(o.dataset, []).get(o.dataset)!).push(o.path);
    for (const [id, files] of byId) {
      add(id, files, `state.${seg}`);
    }
  }
  // rows of every Parquet file from its footer, in one DuckDB pass
  const parquet = datasets.filter((d) => d.format === 'parquet').flatMap((d) => d.files.filter(isParquet));
  if (parquet.length) {
    const rows = new Map<string, number>();
    const got = await duck.all(`SELECT file_name, num_rows::BIGINT AS n FROM parquet_file_metadata(${litList(parquet.map((f) => join(world, f)))})`);
    for (const r of got) rows.set(String(r.file_name), Number(r.n));
    for (const d of datasets) if (d.format === 'parquet') d.rows = d.files.filter(isParquet).reduce((a, f) => a + (rows.get(join(world, f)) ?? 0), 0);
  }
  return { manifest_fingerprint: mf, parameter_hash: identity.parameter_hash, seed: String(identity.seed), segments, datasets };
}

/** Build the catalog of every sealed chain in `world`. */
export async function buildCatalog(world: string): Promise<Catalog> {
  const duck = await Duck.open(1);
  try {
    const chains: CatalogChain[] = [];
    for (const mf of await fingerprints(world)) {
      const c = await chainOf(world, mf, duck);
      if (c) chains.push(c);
    }
    return { catalog_version: 1, engine_version: engineVersion(), chains };
  } finally {
    duck.close();
  }
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * One view per Parquet dataset over its exact files (paths relative to the world root: run DuckDB
 * there). Each chain gets a schema w_<first 12 of its fingerprint>; the chain `current` also gets
 * unqualified views.
 */
export function viewsSql(cat: Catalog, current?: string): string {
  const out = ['-- Generated by fraudworld at the end of a run; open with: cd <world> && duckdb -init views.sql', ''];
  for (const c of cat.chains) {
    const schema = `w_${c.manifest_fingerprint.slice(0, 12)}`;
    out.push(`-- seed=${c.seed} manifest_fingerprint=${c.manifest_fingerprint}`, `CREATE SCHEMA IF NOT EXISTS ${schema};`);
    for (const d of c.datasets.filter((x) => x.format === 'parquet')) {
      const body = `SELECT * FROM read_parquet(${litList(d.files.filter(isParquet))}, hive_partitioning = false)`;
      out.push(`CREATE OR REPLACE VIEW ${schema}.${ident(d.id)} AS ${body};`);
      if (c.manifest_fingerprint === current) out.push(`CREATE OR REPLACE VIEW main.${ident(d.id)} AS ${body};`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** A description's first sentence, on one line, safe in a Markdown table cell. */
function firstSentence(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cut = one.search(/\.\s/);
  return (cut > 0 ? one.slice(0, cut + 1) : one).replace(/\|/g, '\\|');
}

/** The world's README: where the main tables are and how to open them. */
export function worldReadme(cat: Catalog, current?: string): string {
  const c = cat.chains.find((x) => x.manifest_fingerprint === current) ?? cat.chains[0];
  const lines = [
    '# A fraudworld world',
    '',
    `Generated by fraudworld ${cat.engine_version}. Every file here is sealed by a gate (or, for a segment built before its gate, listed with its digest by a state receipt); \`fraudworld validate .\` checks them.`,
    '',
  ];
  if (!c) return lines.concat('No sealed segment yet.', '').join('\n');
  const main = c.datasets.filter((d) => d.role === 'egress');
  lines.push(
    `Seed ${c.seed}, manifest_fingerprint \`${c.manifest_fingerprint}\`; sealed segments: ${c.segments.join(', ')}.`,
    '',
    '## Main tables',
    '',
    '| dataset | rows | what |',
    '|---|---:|---|',
    ...main.map((d) => `| \`${d.id}\` | ${d.rows ?? ''} | ${firstSentence(d.description)} |`),
    '',
    '`catalog.json` lists every dataset: its exact files, rows, columns with types, partitions and gate.',
    'Read a dataset from its listed files, not from a glob over its folder: a file no gate lists is not part of it.',
    '',
    '## Open it',
    '',
    'DuckDB (one view per dataset):',
    '```sh',
    'cd <this folder> && duckdb -init views.sql',
    `D SELECT count(*) FROM ${main[0]?.id ?? 'merchant_universe_1A'};`,
    '```',
    'Polars / pandas / Spark, from the catalog:',
    '```python',
    'import json; cat = json.load(open("catalog.json"))',
    `chain = next(c for c in cat["chains"] if c["manifest_fingerprint"] == "${c.manifest_fingerprint}")`,
    `files = [f for f in next(d for d in chain["datasets"] if d["id"] == "${main[0]?.id ?? 'merchant_universe_1A'}")["files"] if f.endswith(".parquet")]`,
    'import polars as pl; df = pl.read_parquet(files)            # Polars',
    'import pandas as pd; df = pd.concat(map(pd.read_parquet, files))  # pandas (pyarrow)',
    'df = spark.read.parquet(*files)                              # Spark',
    '```',
    '',
    'Identifiers are signed 64-bit integers; timestamps are microseconds (UTC where the column says so).',
    '',
  );
  return lines.join('\n');
}

/** Write catalog.json, views.sql and README.md at the world root; returns the catalog's digest. */
export async function writeCatalog(world: string, current?: string): Promise<{ sha256_hex: string; catalog: Catalog }> {
  const catalog = await buildCatalog(world);
  const bytes = Buffer.from(stableJson(catalog));
  await replaceFile(join(world, CATALOG_FILE), bytes);
  await replaceFile(join(world, VIEWS_FILE), Buffer.from(viewsSql(catalog, current)));
  await replaceFile(join(world, WORLD_README), Buffer.from(worldReadme(catalog, current)));
  return { sha256_hex: sha256Hex(bytes), catalog };
}
