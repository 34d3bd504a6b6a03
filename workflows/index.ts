/** Workflow bundle entry: only workflow functions are exported here. */
export { runProcedure } from './statechart-runner';
export { kpiDailySnapshot } from './kpi-snapshot';
