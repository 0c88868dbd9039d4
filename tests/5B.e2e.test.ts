// 5B end to end on a tiny world: byte-identical for 1 and 2 workers, the gate verifies and `validate`
// passes, every arrival is inside the horizon with a legal local time for its zone, the local weekly
// profile follows the 5A intensity (and not the same shapes read in UTC), a rebuilt 5B compares equal
// part by part, and a tampered 5A gate stops 5B with a named GATE error before anything is written.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Duck, lit } from '../src/io/duck.js';
import { dataset } from '../src/contracts/dictionary.js';
import { FwError } from '../src/core/errors.js';
import { segment5B } from '../src/segments/5B/run.js';
import { contextFor } from './3B.harness.js';
import { fingerprint as fp, flipByte, fw, segmentError, tempDir, tree } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';

// A: the shared tiny w1 world (the whole chain), read only; B: a copy whose 5B is rebuilt by the CLI with
// 2 workers (what is built on 5B, layer 3, is removed from the copy first)
const A = sharedWorld({ scale: 'tiny', workers: 1 });
const tmp = tempDir('fw-5b-');
const B = join(tmp, 'b');
const L5B = (w: string) => join(w, 'data/layer2/5B');
const glob = (w: string, ds: string) => lit(join(L5B(w), ds, '**', '*.parquet'));

beforeAll(() => {
  const runs = join(A, 'runs');
  const receipt = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0], 'run_receipt.json'), 'utf8'));
  if (receipt.until !== '6B') throw new Error(`the whole chain now ends at ${receipt.until}: say what B must drop besides 5B`);
  copyWorld(A, B);
  for (const d of [L5B(B), join(B, 'logs/layer2/5B'), join(B, 'data/layer3'), join(B, 'logs/layer3')]) rmSync(d, { recursive: true, force: true });
  const r2 = fw('run', '--out', B, '--scale', 'tiny', '--workers', '2', '--until', '5B', '--quiet');
  if (r2.code !== 0) throw new Error(r2.err);
});

describe('5B end to end (tiny)', () => {
  it('byte-identical for 1 and 2 workers; catalogued paths; validate passes', () => {
    const ta = tree(L5B(A)),
      tb = tree(L5B(B));
    expect(ta).toEqual(tb);
    const m = fp(A);
    for (const p of [
      `arrival_events/seed=42/manifest_fingerprint=${m}/scenario_id=baseline_v1/part-00000.parquet`,
      `s1_time_grid/manifest_fingerprint=${m}/scenario_id=baseline_v1/s1_time_grid_5B.parquet`,
      `s2_latent_field/seed=42/manifest_fingerprint=${m}/scenario_id=baseline_v1/s2_latent_field_5B.parquet`,
      `validation/manifest_fingerprint=${m}/_passed.flag`,
    ]) {
      expect(existsSync(join(L5B(A), p)), p).toBe(true);
    }
    const v = fw('validate', A);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toContain('PASS gate.layer2.5B.validation');
  });

  it('published columns are the dictionary columns with native types; arrivals meet the target', async () => {
    const duck = await Duck.open();
    try {
      const cols = await duck.all(`DESCRIBE SELECT * FROM read_parquet(${glob(A, 'arrival_events')})`);
      expect(cols.map((c) => c.column_name)).toEqual(dataset('arrival_events_5B').columns!.map((c) => c.name));
      const type = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
      expect(type).toMatchObject({
        merchant_id: 'BIGINT',
        arrival_seq: 'BIGINT',
        ts_utc: 'TIMESTAMP WITH TIME ZONE',
        ts_local_primary: 'TIMESTAMP',
        is_virtual: 'BOOLEAN',
        tzid_primary: 'VARCHAR',
      });
      const [n] = await duck.all(`SELECT count(*) n, count(DISTINCT merchant_id) m, sum(is_virtual::INT) v FROM read_parquet(${glob(A, 'arrival_events')})`);
      expect(Number(n.n)).toBeGreaterThan(8000); // tiny: 10^4 expected
      expect(Number(n.n)).toBeLessThan(12500);
      expect(Number(n.v)).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });

  it('every arrival: inside the horizon, bucket law, local time = UTC + its zone offset (Intl), order', async () => {
    const duck = await Duck.open();
    try {
      const rows = await duck.all(`SELECT tzid_primary tz, epoch_us(ts_utc) u, epoch_us(ts_local_primary) l, bucket_index b, merchant_id m, arrival_seq s
        FROM read_parquet(${glob(A, 'arrival_events')}) ORDER BY merchant_id, arrival_seq`);
      const h0 = Date.UTC(2026, 0, 1) * 1000,
        h1 = Date.UTC(2026, 3, 1) * 1000;
      const fmt = new Map<string, Intl.DateTimeFormat>();
      let bad = 0,
        prev: (typeof rows)[number] | undefined;
      for (const r of rows) {
        const u = Number(r.u),
          l = Number(r.l);
        if (!(u >= h0 && u < h1) || Number(r.b) !== Math.floor((u - h0) / 3.6e9)) bad++;
        // the local wall clock Intl gives for this instant in this zone (independent of our timetable)
        const f =
          fmt.get(String(r.tz)) ??
          new Intl.DateTimeFormat('en-CA', {
            timeZone: String(r.tz),
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
        fmt.set(String(r.tz), f);
        const p = Object.fromEntries(f.formatToParts(Math.floor(u / 1000)).map((x) => [x.type, x.value]));
        const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) * 1000 + (u % 1_000_000);
        if (wall !== l) bad++;
        if (prev && prev.m === r.m && (Number(r.s) !== Number(prev.s) + 1 || u < Number(prev.u))) bad++;
        prev = r;
      }
      expect(rows.length).toBeGreaterThan(8000);
      expect(bad).toBe(0);
    } finally {
      duck.close();
    }
  });

  it('the local weekly profile follows the 5A intensity, not the same shapes read in UTC', async () => {
    const duck = await Duck.open();
    try {
      // observed: arrivals per local hour-of-week; expected: 5A intensity summed by local hour-of-week
      const obs = await duck.all(
        `SELECT (isodow(ts_local_primary) - 1) * 24 + hour(ts_local_primary) k, count(*) n FROM read_parquet(${glob(A, 'arrival_events')}) GROUP BY 1`,
      );
      const utc = await duck.all(
        `SELECT (isodow(ts_utc AT TIME ZONE 'UTC') - 1) * 24 + hour(ts_utc AT TIME ZONE 'UTC') k, count(*) n FROM read_parquet(${glob(A, 'arrival_events')}) GROUP BY 1`,
      );
      const L2A = lit(join(A, 'data/layer2/5A'));
      const exp = await duck.all(`SELECT s.bucket_index k, sum(p.weekly_volume_expected * s.shape_value) e
        FROM read_parquet(${L2A} || '/merchant_zone_profile/**/*.parquet') p JOIN read_parquet(${L2A} || '/class_zone_shape/**/*.parquet') s USING (shape_id) GROUP BY 1`);
      const vec = (rs: Record<string, unknown>[], f: string) => {
        const v = new Float64Array(168);
        for (const r of rs) v[Number(r.k)] = Number(r[f]);
        return v;
      };
      const corr = (a: Float64Array, b: Float64Array) => {
        const ma = a.reduce((x, y) => x + y) / a.length,
          mb = b.reduce((x, y) => x + y) / b.length;
        let sab = 0,
          saa = 0,
          sbb = 0;
        for (let i = 0; i < a.length; i++) {
          sab += (a[i] - ma) * (b[i] - mb);
          saa += (a[i] - ma) ** 2;
          sbb += (b[i] - mb) ** 2;
        }
        return sab / Math.sqrt(saa * sbb);
      };
      const e = vec(exp, 'e');
      const local = corr(vec(obs, 'n'), e),
        inUtc = corr(vec(utc, 'n'), e);
      expect(local).toBeGreaterThan(0.85);
      expect(local).toBeGreaterThan(inUtc + 0.05);
    } finally {
      duck.close();
    }
  });

  it('a rebuilt 5B compares equal part by part; a tampered 5A bundle stops 5B with a GATE error', async () => {
    const m = fp(A);
    rmSync(join(L5B(B), `validation/manifest_fingerprint=${m}`), { recursive: true, force: true });
    const r = fw('run', '--out', B, '--scale', 'tiny', '--workers', '2', '--until', '5B', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(tree(L5B(B))).toEqual(tree(L5B(A)));
    // tamper a 5A bundle member in a copy without 5B: 5B's S0 must refuse and publish nothing
    const C = copyWorld(A, join(tmp, 'c'));
    rmSync(L5B(C), { recursive: true, force: true });
    flipByte(join(C, `data/layer2/5A/validation/manifest_fingerprint=${m}/checks.json`));
    const ctx = await contextFor(C, 1);
    const err = await segmentError(segment5B, ctx);
    expect(err).toBeInstanceOf(FwError);
    expect((err as FwError).code).toMatch(/^GATE_/);
    expect(existsSync(L5B(C)) ? tree(L5B(C)) : {}).toEqual({});
  });
});
