// DuckDB (@duckdb/node-api) for SQL over published Parquet: realism metrics, query, benchmarks.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export class Duck {
  private constructor(
    private readonly inst: DuckDBInstance,
    readonly conn: DuckDBConnection,
    /** a fork's instance belongs to the Duck it came from */
    private readonly ownsInstance = true,
  ) {}
  /** memoryLimit (e.g. '1GB') caps DuckDB's buffer pool, which otherwise grows to 80% of RAM on big scans. */
  static async open(threads = 2, memoryLimit?: string): Promise<Duck> {
    const inst = await DuckDBInstance.create(':memory:', { threads: String(threads), ...(memoryLimit ? { memory_limit: memoryLimit } : {}) });
    return new Duck(inst, await inst.connect());
  }
  /** Rows as plain objects; BIGINT/HUGEINT become numbers when safe, else decimal strings. */
  async all(sql: string): Promise<Record<string, unknown>[]> {
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJS().map((row) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) o[k] = typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
      return o;
    });
  }
  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }
  /** Another connection to the same database: queries on separate connections run at the same time. */
  async fork(): Promise<Duck> {
    return new Duck(this.inst, await this.inst.connect(), false);
  }
  /** `sql` on a connection of its own, closed after. */
  async allApart(sql: string): Promise<Record<string, unknown>[]> {
    const f = await this.fork();
    try {
      return await f.all(sql);
    } finally {
      f.close();
    }
  }
  close(): void {
    this.conn.closeSync();
    if (this.ownsInstance) this.inst.closeSync();
  }
}

/** SQL string literal. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL list of string literals: read_parquet(litList(files)) reads exactly those files, never a glob. */
export const litList = (xs: string[]) => `[${xs.map(lit).join(', ')}]`;
