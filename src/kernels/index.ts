// Every kernel declaration, and the typed handle of an instance's exports derived from them.
import type { WasmHeap } from '../pool/task.js';
import type { Kernel, Result } from './abi.js';
import * as K1A from './1A.js';
import * as K1B from './1B.js';
import * as K2A from './2A.js';
import * as K2B from './2B.js';
import * as K3A from './3A.js';
import * as K3B from './3B.js';
import * as K5B from './5B.js';
import * as K6A from './6A.js';
import * as K6B from './6B.js';
import * as SHARED from './shared.js';

/** Declarations by home (a segment id, or shared). */
export const DECLARED = { '1A': K1A, '1B': K1B, '2A': K2A, '2B': K2B, '3A': K3A, '3B': K3B, '5B': K5B, '6A': K6A, '6B': K6B, shared: SHARED } as const;

type Decl = { [H in keyof typeof DECLARED]: (typeof DECLARED)[H][keyof (typeof DECLARED)[H]] }[keyof typeof DECLARED];

export const KERNELS: readonly Kernel[] = Object.values(DECLARED).flatMap((m) => Object.values(m) as Kernel[]);

/** The declared exports, positional (call them through their declaration's call()). */
export type KernelFns = { readonly [D in Decl as D['name']]: (...args: (number | bigint)[]) => Result<D['returns']> };

/** An instance's exports: the heap every task uses, and every declared kernel. */
export type KernelExports = WasmHeap & KernelFns;
