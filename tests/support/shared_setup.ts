// vitest globalSetup: a fresh folder for this run's shared worlds (tests/support/shared_worlds.ts), so a
// world built by an older build of the engine is never reused. The folder is named by this vitest
// process's pid: a leftover of a run that was killed is removed here, another live run's is left alone.
// Emptied again when watch mode re-runs the tests, removed when the run ends.
import type { TestProject } from 'vitest/node';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from './pid.js';

export default function setup(project: TestProject): () => void {
  const BASE = join(project.config.root, '.vitest-tmp', 'worlds');
  mkdirSync(BASE, { recursive: true });
  for (const e of readdirSync(BASE)) if (!(/^\d+$/.test(e) && alive(Number(e)))) rmSync(join(BASE, e), { recursive: true, force: true });
  const dir = join(BASE, String(process.pid));
  const fresh = () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  };
  fresh();
  project.provide('sharedWorldsDir', dir);
  project.onTestsRerun(fresh);
  return () => rmSync(dir, { recursive: true, force: true });
}
