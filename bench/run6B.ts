// 6B end to end as far as it is built (S0 gate checks → S1 visits and attachment, part by part on the pool →
// state receipt) with a worker-count sweep and the DuckDB equal-width limit (bench/segment_sweep.ts).
//   node dist/bench/run6B.js [--scale medium] [--workers 1,2] [--reps 3] [--keep DIR]
import { sweepSegment } from './segment_sweep.js';

await sweepSegment({
  segment: '6B',
  upstream: '6A',
  entities: ['s1_arrival_entities_6B'],
  covers: 'S0 and S1, no gate yet',
  // 16 columns of s1_arrival_entities_6B's shape: six random ids, a sequence, a time, two codes, a flag, the identity columns
  limitSql: (n, path) => `COPY (SELECT 'baseline_v1' scenario_id, (i % 5000)::BIGINT arrival_seq, (i // 5000)::BIGINT merchant_id,
      make_timestamp(1700000000000000 + i * 1000) ts_utc, (hash(i) // 2)::BIGINT party_id, (hash(i + 1) // 2)::BIGINT account_id,
      (hash(i + 2) // 2)::BIGINT instrument_id, (hash(i + 3) // 2)::BIGINT device_id, (hash(i + 4) // 2)::BIGINT ip_id,
      (i // 2)::BIGINT session_id, CASE WHEN i % 5 = 0 THEN 'ECOM' ELSE 'POS' END channel, CASE WHEN i % 3 = 0 THEN 'LOCAL' ELSE 'REGULAR' END attach_rule,
      i % 20 = 0 is_cross_border, 42::BIGINT seed, repeat('a', 64) manifest_fingerprint, repeat('b', 64) parameter_hash
      FROM range(${n}) t(i)) TO ${path} (FORMAT parquet)`,
  limitShape: '16 columns',
});
