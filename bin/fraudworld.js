#!/usr/bin/env node
// Entry point: the compiled CLI (npm run build / make build produce dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
