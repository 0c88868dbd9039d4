// The one list of task kinds a pool worker serves: importing a kind's module registers its handler
// (src/pool/tasks.ts). The list lives here, on the top floor beside the worker, because it names a
// segment's kind (5B's arrival shards) and pool/ may not import segments/. A new kind is added here.
import { kernelKind, sha256FileKind } from '../src/pool/kinds.js';
import { fastParquetKind } from '../src/io/fastparquet_task.js';
import { takeParquetKind } from '../src/io/take.js';
import { arrivals5BKind } from '../src/segments/5B/worker.js';
import { attach6BKind } from '../src/segments/6B/worker.js';

export const TASK_KINDS = [kernelKind, fastParquetKind, takeParquetKind, sha256FileKind, arrivals5BKind, attach6BKind];
