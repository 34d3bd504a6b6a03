/** Workflow bundle entry: only workflow functions are exported here. */
import { limitStackFrames } from './stack-trace-depth';
export { runProcedure } from './statechart-runner';
export { kpiDailySnapshot } from './kpi-snapshot';

limitStackFrames();
