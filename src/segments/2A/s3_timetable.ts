// 2A S3: the civil-time timetable of every tz_world zone over the horizon (independent of the sites).
import type { RunContext } from '../../engine/context.js';
import type { TzWorld } from '../../reference/tzworld.js';
import { compileTimetable, type Timetable } from '../../laws/time/timetable.js';
import type { Policies2A } from './policies.js';

/** S3: compile the runtime tzdb's transitions for every zone of the domain. */
export function s3Timetable(ctx: RunContext, { world, p }: { world: TzWorld; p: Policies2A }): Timetable {
  const stage = ctx.progress.stage('2A S3 timetable', world.zones.length, 'zones');
  const tt = p.timetable;
  const timetable = compileTimetable(world.zones, {
    horizonStartUs: Date.parse(tt.horizon_start_utc) * 1000,
    horizonEndUs: Date.parse(tt.horizon_end_utc) * 1000,
    scanStepSeconds: tt.scan_step_hours * 3600,
  });
  stage.tick(world.zones.length);
  stage.done();
  return timetable;
}
