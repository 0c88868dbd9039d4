// The house rules, read from the imports themselves (README "Layout"): no cycles anywhere in src/, floors
// that only point down, segments that meet only through an upstream segment's read.ts, pure laws, and
// bytes that pass through io/ only. Each failure names the offending file and import.
import { describe, expect, it } from 'vitest';
import { ROOT, tsFiles } from './support/source.js';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

const rel = (a: string) => relative(ROOT, a);

interface Edge {
  from: string;
  to: string;
  spec: string;
  typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\sfrom\s*)?'([^']+)'/g;
const DYNAMIC = /import\(\s*'([^']+)'\s*\)/g;

function edgesOf(files: string[]): Edge[] {
  const edges: Edge[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const add = (spec: string, typeOnly: boolean) => {
      if (!spec.startsWith('.')) {
        edges.push({ from: rel(f), to: spec, spec, typeOnly });
        return;
      }
      const t = resolve(dirname(f), spec).replace(/\.js$/, '.ts');
      edges.push({ from: rel(f), to: rel(t), spec, typeOnly });
    };
    for (const m of text.matchAll(IMPORT)) add(m[2], !!m[1]);
    for (const m of text.matchAll(DYNAMIC)) add(m[1], false);
  }
  return edges;
}

const SRC = tsFiles(join(ROOT, 'src'));
const ALL = [...SRC, ...tsFiles(join(ROOT, 'workers')), ...tsFiles(join(ROOT, 'bench'))];
const EDGES = edgesOf(ALL);
const local = (e: Edge) => e.to.endsWith('.ts');

/** Tarjan's strongly connected components over the local import graph (type imports included). */
function cycles(edges: Edge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges.filter(local)) (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e.to);
  let index = 0;
  const idx = new Map<string, number>(),
    low = new Map<string, number>(),
    on = new Set<string>(),
    stack: string[] = [],
    out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (adj.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const v of adj.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const folder = (p: string) => p.split('/')[1]; // src/<folder>/...
const segOf = (p: string) => (p.startsWith('src/segments/') ? p.split('/')[2] : undefined);
const show = (es: Edge[]) => es.map((e) => `${e.from} imports '${e.spec}'`);

describe('house rules', () => {
  it('has no import cycles anywhere in src/, workers/ or bench/', () => {
    expect(cycles(EDGES).map((c) => c.join(' → '))).toEqual([]);
  });

  it('keeps floors: shared homes never import engine/, segments/ or cli/; engine/ never imports segments/ or cli/', () => {
    const low = new Set(['core', 'contracts', 'config', 'reference', 'rng', 'laws', 'kernels', 'pool', 'io', 'gates']);
    const bad = EDGES.filter(local).filter((e) => {
      if (!e.from.startsWith('src/') || !e.to.startsWith('src/')) return false;
      const a = folder(e.from),
        b = folder(e.to);
      if (low.has(a)) return ['engine', 'segments', 'cli'].includes(b);
      if (a === 'engine') return ['segments', 'cli'].includes(b);
      return false;
    });
    expect(show(bad)).toEqual([]);
  });

  it('lets a segment import another segment only through an upstream read.ts', () => {
    const upstreamOf = (seg: string): string[] => {
      const text = readFileSync(join(ROOT, 'contracts', 'gates', `${seg}.yaml`), 'utf8');
      const deps = (JSON.stringify(parse(text)).match(/"upstream_gate_dependencies":\[[^\]]*\]/) ?? [''])[0];
      return [...deps.matchAll(/gate\.layer\d\.(\w+)\.validation/g)].map((m) => m[1]);
    };
    const bad = EDGES.filter(local).filter((e) => {
      const a = segOf(e.from),
        b = segOf(e.to);
      if (!a || !b || a === b || a === 'index.ts' || b === 'index.ts') return false;
      return !(e.to === `src/segments/${b}/read.ts` && upstreamOf(a).includes(b));
    });
    expect(show(bad)).toEqual([]);
  });

  it('keeps laws pure: no file system, io, pool, engine or segment imports, no RunContext', () => {
    const laws = EDGES.filter((e) => e.from.startsWith('src/laws/'));
    const bad = laws.filter((e) => {
      if (!local(e)) return /^node:(fs|child_process|worker_threads)|^@duckdb|^piscina|^parquet-wasm/.test(e.to);
      // io's column types may be named (erased at build); nothing of io runs inside a law
      if (e.typeOnly && folder(e.to) === 'io') return false;
      return !['core', 'rng', 'reference', 'laws'].includes(folder(e.to));
    });
    const ctx = SRC.filter((f) => rel(f).startsWith('src/laws/') && /\bRunContext\b/.test(readFileSync(f, 'utf8')));
    expect([...show(bad), ...ctx.map((f) => `${rel(f)} mentions RunContext`)]).toEqual([]);
  });

  it('passes bytes through io/ only: segments and laws never touch the file system or encode Parquet themselves', () => {
    // Datasets are written by io/writer.ts (Outputs) and read by io/reader.ts; user inputs by io/inputs.ts.
    // A pool worker (segments/*/worker.ts) may write the staged part a PartStream handed it, through io/direct.ts.
    const inSegOrLaw = (f: string) => f.startsWith('src/segments/') || f.startsWith('src/laws/');
    const fsImports = EDGES.filter((e) => inSegOrLaw(e.from) && (/^(node:)?fs(\/promises)?$/.test(e.to) || e.to === 'src/io/publish.ts'));
    const workerOnly = ['src/io/direct.ts', 'src/io/fastparquet.ts', 'src/io/fastparquet_wasm.ts'];
    const encoders = EDGES.filter((e) => inSegOrLaw(e.from) && !e.typeOnly && workerOnly.includes(e.to) && !e.from.endsWith('/worker.ts'));
    const calls = SRC.map((f) => rel(f))
      .filter(inSegOrLaw)
      .flatMap((f) => {
        const text = readFileSync(join(ROOT, f), 'utf8');
        return [...text.matchAll(/\b(ipcParts|publishPartition|writeDurable|\.pool\.parquet|\.pool\.encodeParquet)\(/g)].map((m) => `${f} calls ${m[1]}`);
      });
    expect([...show(fsImports), ...show(encoders), ...calls]).toEqual([]);
  });

  it('sees the graph it checks (guards the rules above against an empty or broken scan)', () => {
    expect(SRC.length).toBeGreaterThan(100);
    expect(EDGES.filter(local).length).toBeGreaterThan(500);
    // a planted cycle is found
    expect(
      cycles([
        { from: 'a.ts', to: 'b.ts', spec: './b.js', typeOnly: true },
        { from: 'b.ts', to: 'a.ts', spec: './a.js', typeOnly: false },
      ]),
    ).toEqual([['a.ts', 'b.ts']]);
    // the io rule sees the writer's users
    expect(SRC.filter((f) => /ctx\.out\.write/.test(readFileSync(f, 'utf8'))).length).toBeGreaterThan(8);
  });
});
