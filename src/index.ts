// Library API: mirrors the CLI.
export { runWorld, CHAIN } from './segments/index.js';
export { runChain, type Chain, type RunOptions, type RunSummary } from './engine/runner.js';
export { validateWorld } from './engine/validate_world.js';
export { verifyGate } from './gates/verify.js';
export { FwError, ErrorCodes } from './core/errors.js';
export { parameterHash, manifestFingerprint, parseSeed } from './core/identity.js';
