// Every kernel declaration (src/kernels/) against the built module: the export exists and takes as
// many parameters (the wasm function's length), under the kernel's own names, in its order, with its
// wasm types (asc's build/fraudworld.d.ts, written by the same build), and every exported k<segment>…
// function is declared, so a new kernel cannot be called around the ABI. Planted wrong declarations
// prove each check can fail.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { instantiateKernelsSync, defaultWasmPath } from '../src/rng/wasm.js';
import { KERNELS, DECLARED } from '../src/kernels/index.js';
import { kernel, i32, f64, inCol, outCol, ptr, type Kernel } from '../src/kernels/abi.js';
import { k1aHurdle } from '../src/kernels/1A.js';
import { k5bLawsMaxH } from '../src/kernels/5B.js';
import { SharedCol } from '../src/pool/columns.js';

/** Exports named k, a digit and a lower-case segment letter (k1aHurdle, k5bArrivals): segment kernels. */
const SEGMENT_KERNEL = /^k\d[a-z]/;

interface Sig {
  params: [string, string][];
  returns: string;
}

/** Each export's parameters (name, AssemblyScript type) and return type, from asc's declaration file. */
function signatures(dts: string): Map<string, Sig> {
  const out = new Map<string, Sig>();
  const block = /\/\*\*\n\s*\* assembly\/[^\n]*\n((?:\s*\* @(?:param|returns)[^\n]*\n)*)\s*\*\/\n\s*export function (\w+)\(/g;
  for (const m of dts.matchAll(block)) {
    const params = [...m[1].matchAll(/@param (\w+) `(\w+)`/g)].map((p): [string, string] => [p[1], p[2]]);
    out.set(m[2], { params, returns: m[1].match(/@returns `(\w+)`/)?.[1] ?? 'void' });
  }
  return out;
}

const wasmType = (k: Kernel, name: string) => {
  const p = k.params[name];
  return p.kind === 'scalar' ? p.type : 'usize';
};

/** Every way a declaration can disagree with the module. */
function problems(decls: readonly Kernel[], ex: Record<string, unknown>, sigs: Map<string, Sig>): string[] {
  const bad: string[] = [];
  for (const k of decls) {
    const fn = ex[k.name];
    if (typeof fn !== 'function') {
      bad.push(`${k.name}: not exported`);
      continue;
    }
    if (fn.length !== k.order.length) bad.push(`${k.name}: wasm takes ${fn.length} parameters, declared ${k.order.length}`);
    const sig = sigs.get(k.name);
    if (!sig) {
      bad.push(`${k.name}: no signature in fraudworld.d.ts`);
      continue;
    }
    const want = sig.params.map(([n, t]) => `${n}:${t}`).join(' ');
    const got = k.order.map((n) => `${n}:${wasmType(k, n)}`).join(' ');
    if (want !== got) bad.push(`${k.name}: kernel (${want}) vs declaration (${got})`);
    if (sig.returns !== k.returns) bad.push(`${k.name}: returns ${sig.returns}, declared ${k.returns}`);
  }
  return bad;
}

/** Segment kernels exported but not declared. */
function undeclared(decls: readonly Kernel[], ex: Record<string, unknown>): string[] {
  const names = new Set(decls.map((k) => k.name));
  return Object.keys(ex).filter((n) => SEGMENT_KERNEL.test(n) && typeof ex[n] === 'function' && !names.has(n));
}

let ex: Record<string, unknown>;
let sigs: Map<string, Sig>;
beforeAll(() => {
  ex = instantiateKernelsSync() as unknown as Record<string, unknown>;
  const dts = defaultWasmPath().replace(/\.wasm$/, '.d.ts');
  if (!existsSync(dts)) throw new Error(`${dts} is missing: asc writes it with the wasm (npm run build:wasm)`);
  sigs = signatures(readFileSync(dts, 'utf8'));
});

describe('kernel ABI: declarations == the built module', () => {
  it('reads the module and its signatures (guards the checks below against an empty scan)', () => {
    expect(KERNELS.length).toBeGreaterThanOrEqual(26);
    expect(sigs.get('k5bArrivals')?.params.length).toBe(65);
    expect(Object.keys(ex).filter((n) => SEGMENT_KERNEL.test(n)).length).toBeGreaterThanOrEqual(26);
  });

  it('every declaration: export present, same parameter count, names, order, wasm types and return', () => {
    expect(problems(KERNELS, ex, sigs)).toEqual([]);
  });

  it('every exported segment kernel is declared, each once', () => {
    expect(undeclared(KERNELS, ex)).toEqual([]);
    const names = KERNELS.map((k) => k.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('a declaration lives with its segment (k1a… in src/kernels/1A.ts)', () => {
    const misplaced = Object.entries(DECLARED).flatMap(([home, m]) =>
      Object.values(m as Record<string, Kernel>)
        .filter((k) => SEGMENT_KERNEL.test(k.name) && k.name.slice(1, 3).toUpperCase() !== home)
        .map((k) => `${k.name} in ${home}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('catches planted wrong declarations', () => {
    const hurdle = { keys: inCol('u32'), pi: inCol('f64'), outMulti: outCol('u8'), outU: outCol('f64'), outDraws: outCol('u32'), outBlocks: outCol('u32') };
    const { keys, pi, ...rest } = hurdle;
    const planted = [
      kernel('k1aHurdle', { n: i32, ...hurdle, extra: i32 }), // one too many
      kernel('k1aHurdle', { n: i32, pi, keys, ...rest }), // two swapped: same count
      kernel('k1aHurdle', { n: f64, ...hurdle }), // wrong scalar type
      kernel('k1aHurdle', { n: i32, keys, pi: i32, ...rest }), // a column declared as a scalar
      kernel('k1aHurdle', { n: i32, ...hurdle }, 'i32'), // wrong return
      kernel('k1aHurdles', { n: i32, ...hurdle }), // misspelt export
    ];
    const found = planted.map((k) => problems([k], ex, sigs));
    expect(found.map((f) => f.length)).toEqual([2, 1, 1, 1, 1, 1]);
    expect(found[0].join()).toMatch(/wasm takes 7 parameters, declared 8/);
    expect(found[1].join()).toMatch(/keys:usize pi:usize .* vs declaration \(n:i32 pi:usize keys:usize/);
    expect(found[5].join()).toMatch(/k1aHurdles: not exported/);
    // a kernel left out of the declarations
    expect(
      undeclared(
        KERNELS.filter((k) => k.name !== 'k3bEdgeSlots'),
        ex,
      ),
    ).toEqual(['k3bEdgeSlots']);
  });

  it('task() lays named arguments out in declaration order and checks their kinds', () => {
    const c = {
      keys: new SharedCol('u32', 4),
      pi: new SharedCol('f64', 2),
      m: new SharedCol('u8', 2),
      u: new SharedCol('f64', 2),
      d: new SharedCol('u32', 2),
      b: new SharedCol('u32', 2),
    };
    // named in a scrambled order on purpose
    const t = k1aHurdle.task({
      outBlocks: c.b.out(0, 2),
      outDraws: c.d.out(0, 2),
      outU: c.u.out(0, 2),
      outMulti: c.m.out(0, 2),
      pi: c.pi.in(0, 2),
      keys: c.keys.in(0, 2, 2),
      n: 2,
    });
    expect(t.kernel).toBe('k1aHurdle');
    expect(t.args.map((a) => (a.kind === 'scalar' ? a.value : a.col.buf))).toEqual([2, c.keys.buf, c.pi.buf, c.m.buf, c.u.buf, c.d.buf, c.b.buf]);
    // what the types forbid is also refused at run time (a cast must not become wrong bytes)
    expect(() =>
      k1aHurdle.task({
        n: 2,
        keys: c.keys.in(0, 2, 2),
        pi: c.pi.in(0, 2),
        outMulti: c.m.out(0, 2),
        outU: c.u.in(0, 2),
        outDraws: c.d.out(0, 2),
        outBlocks: c.b.out(0, 2),
      } as never),
    ).toThrow(/outU must be an out column of f64/);
    expect(() =>
      k1aHurdle.task({
        n: 2,
        keys: c.pi.in(0, 2),
        pi: c.pi.in(0, 2),
        outMulti: c.m.out(0, 2),
        outU: c.u.out(0, 2),
        outDraws: c.d.out(0, 2),
        outBlocks: c.b.out(0, 2),
      } as never),
    ).toThrow(/keys must be an in column of u32/);
    expect(() =>
      k1aHurdle.task({
        keys: c.keys.in(0, 2, 2),
        pi: c.pi.in(0, 2),
        outMulti: c.m.out(0, 2),
        outU: c.u.out(0, 2),
        outDraws: c.d.out(0, 2),
        outBlocks: c.b.out(0, 2),
      } as never),
    ).toThrow(/n must be a scalar \(i32\), got nothing/);
    expect(() => kernel('kX', { p: ptr }).task({ p: 0 as never })).toThrow(/raw pointer/);
  });

  it('call() runs the export with named arguments and refuses a missing one', () => {
    expect(k5bLawsMaxH.call(ex as never, {})).toBeGreaterThan(0);
    expect(() => k1aHurdle.call(ex as never, { n: 0 } as never)).toThrow(/keys must be a pointer, got nothing/);
  });
});
