// 6A end to end (S0 gate checks → parties, accounts, instruments, devices and IPs, roles → S5 checks → gate)
// with a worker-count sweep and the DuckDB equal-width limit (bench/segment_sweep.ts).
//   node dist/bench/run6A.js [--scale medium] [--workers 1,2] [--reps 3] [--keep DIR]
import { sweepSegment } from './segment_sweep.js';

await sweepSegment({
  segment: '6A',
  upstream: '5B',
  entities: ['s1_party_base_6A', 's2_account_base_6A', 's3_instrument_base_6A', 's4_device_base_6A', 's4_ip_base_6A'],
  covers: 'S0 through the sealed gate',
  // 8 columns of the shape of 6A's link tables (ids, a nullable id, a role, the identity columns), default codec
  limitSql: (n, path) => `COPY (SELECT (hash(i) // 2)::BIGINT device_id, CASE WHEN i % 3 = 0 THEN NULL ELSE (hash(i + 1) // 2)::BIGINT END party_id,
      CASE WHEN i % 3 = 0 THEN (hash(i + 2) // 2)::BIGINT END account_id, NULL::BIGINT instrument_id,
      CASE WHEN i % 3 = 0 THEN 'ASSOCIATED_ACCOUNT_ACCESS' ELSE 'PRIMARY_OWNER' END link_role,
      repeat('a', 64) manifest_fingerprint, repeat('b', 64) parameter_hash, 42::BIGINT seed
      FROM range(${n}) t(i)) TO ${path} (FORMAT parquet)`,
  limitShape: '8 columns',
});
