/**
 * Visibility benchmark: 10,000 closed workflows with custom search attributes, then list/count latency
 * (p50/p99 over 200 queries each) on in-memory PGlite and on Postgres.
 *
 *   npx tsx bench/devserver-visibility.ts [postgres-server-url]
 * The Postgres URL defaults to $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; a scratch
 * database is created there and dropped afterwards. Set BENCH_SKIP_POSTGRES=1 to run PGlite only.
 */
import { performance } from 'node:perf_hooks';
import { temporal } from '../devserver/visibility/proto';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { createVisibilityHandlers, recordVisibility, type VisibilityRecord } from '../devserver/visibility';
import { openScratchPglite, openScratchPostgres, type ScratchDatabase } from '../devserver/visibility/scratch-database';
import { fmt, machineLine, markdownTable, progress } from './report';

const N = 10_000;
const ITERATIONS = 200;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const VT = temporal.api.enums.v1.IndexedValueType;
const CLOSED = [
  Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  Status.WORKFLOW_EXECUTION_STATUS_FAILED,
  Status.WORKFLOW_EXECUTION_STATUS_TERMINATED,
];
const REGIONS = ['north', 'south', 'east', 'west', 'centre'];
const WORDS = ['birth', 'registration', 'residence', 'insurance', 'card', 'urgent', 'appeal', 'review'];

const keys = {
  customer: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  region: defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD),
  amount: defineSearchAttributeKey('Amount', SearchAttributeType.INT),
  score: defineSearchAttributeKey('Score', SearchAttributeType.DOUBLE),
  urgent: defineSearchAttributeKey('Urgent', SearchAttributeType.BOOL),
  due: defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME),
  tags: defineSearchAttributeKey('Tags', SearchAttributeType.KEYWORD_LIST),
  note: defineSearchAttributeKey('Note', SearchAttributeType.TEXT),
};

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function record(i: number, rand: () => number): VisibilityRecord {
  const start = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const pairs: SearchAttributePair[] = [
    { key: keys.customer, value: `cust-${i % 1000}` },
    { key: keys.region, value: pick(REGIONS) },
    { key: keys.amount, value: Math.floor(rand() * 10_000) },
    { key: keys.score, value: Math.round(rand() * 1000) / 10 },
    { key: keys.urgent, value: rand() < 0.1 },
    { key: keys.due, value: new Date(start.getTime() + Math.floor(rand() * 30) * 86_400_000) },
    { key: keys.tags, value: [pick(WORDS), pick(WORDS)] },
    { key: keys.note, value: `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}` },
  ];
  return {
    namespaceId: 'ns-bench',
    workflowId: `wf-${i}`,
    runId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    workflowType: i % 3 === 0 ? 'BirthRegistration' : 'ResidenceChange',
    taskQueue: 'bench',
    status: pick(CLOSED),
    startTime: start,
    executionTime: start,
    closeTime: new Date(start.getTime() + 1000 + Math.floor(rand() * 600_000)),
    historyLength: 10 + Math.floor(rand() * 50),
    memo: null,
    searchAttributes: encodeUnifiedSearchAttributes(undefined, pairs) as VisibilityRecord['searchAttributes'],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await fn(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function run(scratch: ScratchDatabase) {
  const signal = new AbortController().signal;
  const h = createVisibilityHandlers({
    db: scratch.db,
    resolveNamespace: async (name) => ({ id: 'ns-bench', name }),
  });
  await h.operatorService.AddSearchAttributes(
    temporal.api.operatorservice.v1.AddSearchAttributesRequest.create({
      namespace: 'bench',
      searchAttributes: {
        CustomerId: VT.INDEXED_VALUE_TYPE_KEYWORD,
        Region: VT.INDEXED_VALUE_TYPE_KEYWORD,
        Amount: VT.INDEXED_VALUE_TYPE_INT,
        Score: VT.INDEXED_VALUE_TYPE_DOUBLE,
        Urgent: VT.INDEXED_VALUE_TYPE_BOOL,
        DueAt: VT.INDEXED_VALUE_TYPE_DATETIME,
        Tags: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
        Note: VT.INDEXED_VALUE_TYPE_TEXT,
      },
    }),
    signal,
  );
  const rand = rng(42);
  const t0 = performance.now();
  const BATCH = 500;
  for (let b = 0; b < N; b += BATCH) {
    await scratch.db.transaction(async (tx) => {
      for (let i = b; i < Math.min(N, b + BATCH); i++) await recordVisibility(tx, record(i, rand));
    });
  }
  const insertMs = performance.now() - t0;
  progress(`${scratch.label}: ${N} closed workflows inserted in ${(insertMs / 1000).toFixed(1)} s (${Math.round(N / (insertMs / 1000))}/s)`);
  await scratch.db.execute(/* sql */ (await import('drizzle-orm')).sql`analyze visibility_executions`);

  const list = (query: string, pageSize = 100) =>
    h.workflowService.ListWorkflowExecutions(
      temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest.create({ namespace: 'bench', query, pageSize }),
      signal,
    ) as Promise<Record<string, unknown>>;
  const count = (query: string) =>
    h.workflowService.CountWorkflowExecutions(
      temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest.create({ namespace: 'bench', query }),
      signal,
    ) as Promise<Record<string, unknown>>;

  const results: [string, { p50: number; p99: number }, number][] = [];
  const measure = async (label: string, fn: (i: number) => Promise<Record<string, unknown>>) => {
    const sample = await fn(0);
    const size = 'executions' in sample ? (sample.executions as unknown[]).length : Number(sample.count);
    results.push([label, await time(fn), size]);
    progress(`${scratch.label}: ${label}, ${ITERATIONS} queries`);
  };
  await measure("list CustomerId = 'cust-N' (10 hits)", (i) => list(`CustomerId = 'cust-${i % 1000}'`));
  await measure("list Region = 'north' AND Amount > 9000", () => list("Region = 'north' AND Amount > 9000"));
  await measure("list Tags = 'appeal' ORDER BY Amount DESC (page 100)", () => list("Tags = 'appeal' ORDER BY Amount DESC"));
  await measure("list DueAt BETWEEN .. AND Urgent = true", () =>
    list("DueAt BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-05T00:00:00Z' AND Urgent = true"),
  );
  await measure("list Note = 'appeal' (Text)", () => list("Note = 'appeal'"));
  await measure("list ExecutionStatus = 'Failed' (page 100)", () => list("ExecutionStatus = 'Failed'"));
  await measure("count CustomerId = 'cust-N'", (i) => count(`CustomerId = 'cust-${i % 1000}'`));
  await measure("count Region = 'north' AND Amount > 5000", () => count("Region = 'north' AND Amount > 5000"));
  await measure('count GROUP BY ExecutionStatus', () => count('GROUP BY ExecutionStatus'));
  await measure('count (all)', () => count(''));

  console.log(`\n### bench:devserver, visibility — ${machineLine(scratch.label)}\n`);
  console.log(`${N} closed workflows inserted in ${(insertMs / 1000).toFixed(1)} s (${Math.round(N / (insertMs / 1000))}/s); ${ITERATIONS} queries each:\n`);
  console.log(
    markdownTable(
      ['query', 'p50 ms', 'p99 ms', 'rows / count'],
      results.map(([label, { p50, p99 }, size]) => [label, fmt(p50, 2), fmt(p99, 2), String(size)]),
    ),
  );
}

async function main() {
  const pglite = await openScratchPglite();
  try {
    await run(pglite);
  } finally {
    await pglite.close();
  }
  if (process.env.BENCH_SKIP_POSTGRES === '1') return;
  const url = process.argv[2] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = await openScratchPostgres(url, 'vis_bench');
  try {
    await run(pg);
  } finally {
    await pg.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
