// Philox4x32-10 known-answer tests (Random123 tests/kat_vectors), TS reference and wasm.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { philox4x32_10 } from '../src/rng/philox.js';
import { Substream } from '../src/rng/stream.js';
import { defaultWasmPath, loadKernels, type Kernels } from '../src/rng/wasm.js';

const KAT: Array<{ ctr: number[]; key: number[]; out: number[] }> = [
  { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  {
    ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    key: [0xffffffff, 0xffffffff],
    out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  },
  {
    ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    key: [0xa4093822, 0x299f31d0],
    out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  },
];

let k: Kernels;
beforeAll(async () => {
  const path = defaultWasmPath();
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build the wasm first (npm run build:wasm / make build)`);
  }
  k = await loadKernels(path);
});

describe('Philox4x32-10 known answers', () => {
  it('TS reference matches Random123 vectors', () => {
    for (const v of KAT) {
      const out = philox4x32_10(v.ctr, v.key, new Uint32Array(4));
      expect(Array.from(out)).toEqual(v.out);
    }
  });

  it('wasm philoxBlock matches Random123 vectors', () => {
    k.resetHeap();
    const ptr = k.alloc(16);
    for (const v of KAT) {
      k.philoxBlock(v.ctr[0]!, v.ctr[1]!, v.ctr[2]!, v.ctr[3]!, v.key[0]!, v.key[1]!, ptr);
      expect(Array.from(k.u32(ptr, 4))).toEqual(v.out);
    }
  });

  it('C++26 std::philox4x32 conformance: 10000th output of a default engine is 1955073260', () => {
    // default seed 20111115 -> key (20111115, 0); counter 0,1,2,... in word 0; words out in order
    const out = new Uint32Array(4);
    const block = 9999 >>> 2;
    philox4x32_10([block, 0, 0, 0], [20111115, 0], out);
    expect(out[9999 & 3]).toBe(1955073260);
  });

  it('wasm and TS agree on 10^4 random (counter, key) blocks', () => {
    k.resetHeap();
    const ptr = k.alloc(16);
    const s = new Substream(0x12345678, 0x9abcdef0); // source of test inputs only
    const w = new Uint32Array(6);
    const lane = new Uint32Array(2);
    const out = new Uint32Array(4);
    for (let i = 0; i < 10_000; i++) {
      for (let j = 0; j < 6; j += 2) {
        s.lane32(lane);
        w[j] = lane[0]!;
        w[j + 1] = lane[1]!;
      }
      philox4x32_10([w[0]!, w[1]!, w[2]!, w[3]!], [w[4]!, w[5]!], out);
      k.philoxBlock(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, ptr);
      const got = k.u32(ptr, 4);
      if (got[0] !== out[0] || got[1] !== out[1] || got[2] !== out[2] || got[3] !== out[3]) {
        expect(Array.from(got)).toEqual(Array.from(out));
      }
    }
  });

  it('substream lanes are the Philox words of blocks 0,1,2,... in order', () => {
    const s = new Substream(7, 9);
    const lane = new Uint32Array(2);
    const out = new Uint32Array(4);
    for (let b = 0; b < 4; b++) {
      philox4x32_10([b, 0, 0, 0], [7, 9], out);
      expect(Array.from(s.lane32(lane))).toEqual([out[0], out[1]]);
      expect(Array.from(s.lane32(lane))).toEqual([out[2], out[3]]);
    }
    expect(s.draws).toBe(8);
    expect(s.blocks).toBe(4);
    expect(s.counterEnd).toBe(4n);
  });
});
