#!/usr/bin/env node
// Entry point: the compiled CLI (npm run build / make build produce dist/ and build/fraudworld.wasm).
// An unbuilt checkout gets one line, like every other error (code NOT_BUILT in src/core/errors.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const need = ['../dist/src/cli/main.js', '../build/fraudworld.wasm'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const missing = need.find((p) => !existsSync(p));
if (missing) {
  process.stderr.write(`error NOT_BUILT: ${missing}: the engine is not built (fix: make build)\n`);
  process.exit(2);
}
// a reader that stops early (`fraudworld schema | head`) is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
