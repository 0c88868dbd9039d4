// Task kinds a pool worker runs. A kind is a key that marks it on the wire ({ [key]: payload }) and
// the handler a worker runs on its own wasm instance; defining a kind (taskKind) registers its
// handler, next to the code it runs. The worker imports every module that defines one (the list in
// workers/task_kinds.ts) and dispatches here, so it names no segment itself.
import type { KernelExports } from '../kernels/index.js';

/** R: what the handler's result deserialises to on the caller's side. */
export interface TaskKind<P, R> {
  readonly key: string;
  /** the task as posted to a worker */
  task(payload: P): Record<string, P>;
  /** type-level only: the result */
  readonly result?: R;
}

type Handler = (payload: never, ex: KernelExports) => unknown;
const handlers = new Map<string, Handler>();

/** Define (and register) a kind. The handler may return a piscina-moved wrapper of R. */
export function taskKind<P, R>(key: string, run: (payload: P, ex: KernelExports) => unknown): TaskKind<P, R> {
  if (handlers.has(key)) throw new Error(`task kind ${key} is defined twice`);
  handlers.set(key, run as Handler);
  return { key, task: (payload) => ({ [key]: payload }) };
}

/** Keys of the kinds registered in this thread. */
export function registeredKinds(): string[] {
  return [...handlers.keys()];
}

/** Worker side: run the registered kind the task is marked with. */
export function dispatch(task: Record<string, unknown>, ex: KernelExports): unknown {
  for (const key of Object.keys(task)) {
    const run = handlers.get(key) as ((payload: unknown, ex: KernelExports) => unknown) | undefined;
    if (run) return run(task[key], ex);
  }
  throw new Error(`no task kind is registered for a task with keys [${Object.keys(task).join(', ')}] (workers/task_kinds.ts lists them)`);
}
