/**
 * Visibility for the development server: search attributes, list/count with Temporal's list-filter
 * language, and the operator service's search-attribute RPCs. Everything lives in Postgres
 * (tables in ./schema.ts, migrations in db/migrations/devserver).
 *
 * Contract with core (devserver/**):
 *
 *  - recordVisibility(tx: Executor, rec: VisibilityRecord): Promise<void>
 *      Upsert by (namespaceId, runId), as a statement of its own (benchmarks and tests fill the table with
 *      it; core writes the same row through visibilityDocument below). `rec.searchAttributes` is the run's full current map of SDK payloads
 *      (json/plain, with or without the `type` metadata entry); null payloads (unset attributes) are skipped.
 *      Values are normalized by the namespace's registered type (predefined types for Temporal* attributes,
 *      else the payload's `type` metadata, else inferred) and stored as jsonb.
 *  - visibilityDocument(db: Executor, rec: VisibilityRecord): Promise<row as JSON>
 *      The same row as the JSON document core's run-write function (ds_apply_writes) upserts in the run's
 *      own write; registered attributes come from a per-process cache that Add/Remove invalidate.
 *  - deleteVisibility(tx: Executor, namespaceId: string, runId: string): Promise<void>
 *  - validateSearchAttributes(tx, namespaceId, payloads): Promise<void>   (optional for core)
 *      Throws InvalidSearchAttributeValueError (INVALID_ARGUMENT) for an unregistered attribute or a value of
 *      the wrong type, as Temporal does on StartWorkflowExecution / UpsertWorkflowSearchAttributes.
 *  - createVisibilityHandlers({ db, resolveNamespace, now? }) →
 *      { workflowService: { ListWorkflowExecutions, ScanWorkflowExecutions, CountWorkflowExecutions,
 *                           GetSearchAttributes },
 *        operatorService: { AddSearchAttributes, RemoveSearchAttributes, ListSearchAttributes } }
 *      Handlers take the decoded request and return a plain response object; errors are DevServerError
 *      subclasses (./errors.ts) with stable codes.
 *
 * Query semantics (Temporal's SQL visibility unless noted):
 *  - Attributes: system (WorkflowId, RunId, WorkflowType, TaskQueue, ExecutionStatus, StartTime,
 *    ExecutionTime, CloseTime, ExecutionDuration, HistoryLength, HistorySizeBytes, StateTransitionCount,
 *    ParentWorkflowId, ParentRunId, RootWorkflowId, RootRunId), predefined (TemporalChangeVersion, BuildIds,
 *    ...), and the namespace's custom ones. An unknown name is INVALID_ARGUMENT naming it.
 *  - Operators: = != <> < > <= >=, [NOT] IN, [NOT] BETWEEN .. AND .., [NOT] STARTS_WITH, IS [NOT] NULL,
 *    AND, OR, NOT, parentheses; ORDER BY (list only; not Text/KeywordList); GROUP BY ExecutionStatus (count).
 *  - ExecutionStatus by name ('Running', 'ContinuedAsNew', ...) or code; Datetime as RFC3339 strings (or
 *    nanoseconds since the epoch); ExecutionDuration as nanoseconds or '1h30m' / '01:30:00'.
 *  - KeywordList: `=` contains, `IN` contains any. Text: `=` matches when ANY word of the value occurs
 *    (case-insensitive), as Temporal's Postgres/SQLite/Elasticsearch visibility do.
 *  - Unset attributes follow SQL's three-valued logic: a run without X matches neither `X = v`, `X != v`,
 *    nor `NOT X = v`; use `X IS NULL`. CloseTime/ExecutionDuration are NULL while running (Temporal's SQL
 *    store instead coalesces CloseTime to the maximum date).
 *  - Default order: StartTime DESC, then RunId; RunId is always the final tiebreak. Keyset paging; page
 *    size defaults to and is capped at 1000.
 *  - Custom search attributes are per namespace (AddSearchAttributes without a namespace uses "default");
 *    GetSearchAttributes, which has no namespace, lists system + predefined + every namespace's custom ones.
 *  - Malformed queries: INVALID_ARGUMENT "invalid query at position N: ..." (0-based offset).
 */
export { recordVisibility, visibilityDocument, deleteVisibility, validateSearchAttributes, listExecutions, countExecutions } from './store';
export type { VisibilityRecord, ListRequest, ListResult, CountResult } from './store';
export { createVisibilityHandlers } from './handlers';
export { preregisterSearchAttributes } from './registry';
export type { VisibilityHandlerDeps, VisibilityHandlers } from './handlers';
export { parseQuery } from './query/parser';
export { compileQuery } from './query/compile';
export * from './errors';
export { visibilityExecutions, visibilitySearchAttributes } from './schema';
